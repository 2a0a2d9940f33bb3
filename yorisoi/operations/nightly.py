"""The nightly jobs, run as background tasks: anonymisation after the retention period, the purge of deleted
records and of expired provision records, the check of the access log's hash chain (registered in apps.py), and
whatever other apps register (yorisoi.common.nightly).

`enqueue_due()` is called by `manage.py run_scheduler` about once a minute: from YORISOI_NIGHTLY_AT (local time)
on, it creates today's NightlyRun of each job and enqueues the task that runs it, in one transaction (with the
database backend the task row commits with the run). A night missed while the scheduler was stopped is caught up
when it starts again the same day; earlier nights are not. Each run's outcome is on the 定期処理 page.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from yorisoi.common import nightly, planner
from yorisoi.common.nightly import NightlyJobError
from yorisoi.disclosure import services as disclosure_services
from yorisoi.privacy import services as privacy_services
from yorisoi.privacy.audit import verify_chain

from .models import NightlyRun, RunStatus
from .retention import anonymise

logger = logging.getLogger(__name__)


class NightlyRunFailed(Exception):
    """Raised out of the task after the run was marked failed: names the run and the job only."""


def nightly_time() -> dt.time:
    try:
        return dt.time.fromisoformat(settings.YORISOI_NIGHTLY_AT)
    except (TypeError, ValueError):
        raise ValueError("YORISOI_NIGHTLY_AT は HH:MM（例 02:30）で指定してください。") from None


def enqueue_due(now: dt.datetime | None = None) -> list[NightlyRun]:
    """Enqueue today's run of every enabled job not yet enqueued today, once the nightly time has come."""
    local = timezone.localtime(now or timezone.now())
    if local.time() < nightly_time():
        return []
    enqueued = []
    for job in nightly.jobs():
        if not job.enabled():
            continue
        with transaction.atomic():
            run, created = NightlyRun.objects.get_or_create(
                job=job.code, night=local.date(), defaults={"enqueued_at": timezone.now()})
            if created:
                result = run_nightly_job.enqueue(run.pk)
                NightlyRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
                enqueued.append(run)
    return enqueued


@task()
def run_nightly_job(run_id: int) -> None:
    """The background task (django-tasks; `django.tasks` in Django 6): its only argument is the run's id."""
    run(run_id)


def run(run_id: int) -> None:
    """Run one night's job once (a run that already started is left alone), recording how it ended."""
    claimed = NightlyRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return
    current = NightlyRun.objects.get(pk=run_id)
    job = nightly.job(current.job)
    try:
        if job is None:
            raise NightlyJobError("この処理は現在の版にはありません。")
        job.run()
    except Exception as error:
        # The traceback goes to the server log without its message (settings.LOGGING); the page gets a reason
        # that names no person.
        logger.exception("nightly run %s (%s) failed", run_id, current.job)
        reason = str(error) if isinstance(error, NightlyJobError) else job.failure
        _finish(run_id, RunStatus.FAILED, reason)
        raise NightlyRunFailed(f"nightly run {run_id} ({current.job}) failed") from None
    except BaseException:
        _finish(run_id, RunStatus.FAILED, "処理が中断されました（サーバーの停止など）。")
        raise
    _finish(run_id, RunStatus.DONE, "")


def _finish(run_id: int, status: str, reason: str) -> None:
    NightlyRun.objects.filter(pk=run_id).update(status=status, finished_at=timezone.now(),
                                                failure_reason=reason[:300])


def recent_runs(days: int = 14):
    since = timezone.localdate() - dt.timedelta(days=days)
    return NightlyRun.objects.filter(night__gte=since).order_by("-night", "enqueued_at", "id")


# --- the jobs of this app ---------------------------------------------------------------------------------------


def anonymise_expired() -> None:
    anonymise.run()


def purge_deleted() -> None:
    privacy_services.purge_deleted(older_than_days=settings.YORISOI_PURGE_DELETED_AFTER_DAYS)


def purge_disclosure_records() -> None:
    disclosure_services.purge_expired_records()


def audit_verify() -> None:
    _checked, broken, why = verify_chain()
    if why:
        logger.error("audit_verify: the access log's chain is broken at row %s", getattr(broken, "id", None))
        raise NightlyJobError("アクセスログに改ざん・欠落の疑いがあります。システム管理者に連絡してください"
                              "（アクセスログの検証で最初の異常な行を確かめます）。")


def prune_task_results() -> None:
    """Finished rows of the task queue, once they are TASK_RESULTS_KEPT old (failures stay that long to look into)."""
    cutoff = timezone.now() - TASK_RESULTS_KEPT
    DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()


TASK_RESULTS_KEPT = dt.timedelta(days=30)


def refresh_planner_statistics() -> None:
    planner.refresh_statistics()

JOBS = [
    nightly.NightlyJob("audit_verify", "アクセスログの検証", audit_verify),
    nightly.NightlyJob("anonymise_expired", "保存期間を過ぎた記録の匿名化", anonymise_expired),
    nightly.NightlyJob("purge_deleted", "削除済みの記録の完全削除", purge_deleted,
                       enabled=lambda: settings.YORISOI_PURGE_DELETED_AFTER_DAYS > 0),
    nightly.NightlyJob("purge_disclosure_records", "保存期間を過ぎた第三者提供記録の削除", purge_disclosure_records),
    nightly.NightlyJob("prune_task_results", "終わったタスクの記録の削除（30日より前）", prune_task_results),
    nightly.NightlyJob("refresh_planner_statistics", "データベースの統計情報の更新（検索を速く保つ）",
                       refresh_planner_statistics),
]
