from django.db import models

from yorisoi.common import dates
from yorisoi.common.text import CleanCharField


class RunStatus(models.TextChoices):
    QUEUED = "queued", "実行待ち"
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class NightlyRun(models.Model):
    """One night's run of one nightly job (yorisoi/operations/nightly.py). One row per job and night: the unique
    constraint keeps two schedulers, or a restarted one, from enqueueing a job twice."""

    job = CleanCharField("処理", max_length=40)  # a code of yorisoi.common.nightly
    night = dates.DateField("実行日")
    status = CleanCharField("状態", max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    task_id = CleanCharField("タスクID", max_length=64, blank=True)
    enqueued_at = dates.DateTimeField("登録日時")
    started_at = dates.DateTimeField("開始日時", null=True, blank=True)
    finished_at = dates.DateTimeField("終了日時", null=True, blank=True)
    failure_reason = CleanCharField("失敗の理由", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定期処理の実行"
        ordering = ["-night", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "night"], name="nightly_run_once_per_night")]

    def __str__(self) -> str:
        return f"定期処理 {self.job} {self.night}"
