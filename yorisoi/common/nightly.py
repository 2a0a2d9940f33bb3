"""The nightly jobs: the list that operations' scheduler (`manage.py run_scheduler`) enqueues once a night.

Each app registers its own jobs in its AppConfig.ready(), so the scheduler runs jobs of apps it may not import
(reports' export clean-up, say) without knowing them. A job is a plain function without arguments that does the
whole work and raises when it fails; `NightlyJobError` carries a reason in Japanese that may be shown to directors
(no personal data, no other center's data). Any other exception is shown as the job's `failure` text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class NightlyJobError(Exception):
    """A job's expected failure; its message is shown on the operations page as it is."""


@dataclass(frozen=True)
class NightlyJob:
    code: str  # stored with each run; a plain word
    label: str  # Japanese, for the page
    run: Callable[[], None]
    failure: str = "処理中にエラーが発生しました。システム管理者に連絡してください。"
    enabled: Callable[[], bool] = lambda: True  # a setting may switch a job off


_JOBS: dict[str, NightlyJob] = {}


def register(job: NightlyJob) -> None:
    _JOBS[job.code] = job


def jobs() -> list[NightlyJob]:
    """Every registered job, in the order of registration (apps' order in INSTALLED_APPS)."""
    return list(_JOBS.values())


def job(code: str) -> NightlyJob | None:
    return _JOBS.get(code)
