"""The nightly jobs: the scheduler enqueues each job once a night from the nightly time on (tasks run at once in
tests: django-tasks' ImmediateBackend), each run records how it ended, and a failure is on the 定期処理 page with its
reason for directors and auditors, never with personal data in the server log."""

import datetime as dt
import io
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import verified_client
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.common import nightly as registry
from yorisoi.operations import nightly
from yorisoi.operations.models import NightlyRun, RunStatus
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.privacy.tests.tampering import tampering

pytestmark = pytest.mark.django_db

TOKYO = dt.timezone(dt.timedelta(hours=9))
BEFORE = dt.datetime(2026, 12, 8, 1, 0, tzinfo=TOKYO)
NIGHT = dt.datetime(2026, 12, 8, 2, 45, tzinfo=TOKYO)
EVERY_JOB = {"audit_verify", "anonymise_expired", "purge_deleted", "purge_disclosure_records", "prune_task_results",
             "remove_export_files", "refresh_planner_statistics", "expire_trainees"}




def test_every_app_registers_its_nightly_jobs():
    assert {job.code for job in registry.jobs()} == EVERY_JOB


def test_the_jobs_are_enqueued_once_a_night_from_the_nightly_time_on(settings):
    settings.YORISOI_NIGHTLY_AT = "02:30"
    assert nightly.enqueue_due(BEFORE) == []
    with time_machine.travel(NIGHT):
        runs = nightly.enqueue_due()
        assert {run.job for run in runs} == EVERY_JOB
        assert nightly.enqueue_due() == []  # once per job and night
    assert {run.status for run in NightlyRun.objects.all()} == {RunStatus.DONE}
    assert all(run.night == dt.date(2026, 12, 8) and run.finished_at and run.task_id
               for run in NightlyRun.objects.all())


def test_the_purge_of_deleted_records_can_be_switched_off(settings):
    settings.YORISOI_PURGE_DELETED_AFTER_DAYS = 0
    runs = nightly.enqueue_due(NIGHT)
    assert "purge_deleted" not in {run.job for run in runs} and len(runs) == len(EVERY_JOB) - 1


@pytest.mark.django_db(transaction=True)  # the command checks its connection as a long-running process does
def test_the_scheduler_enqueues_tasks_with_ids_only_in_the_database_queue(settings):
    settings.YORISOI_NIGHTLY_AT = "00:00"
    out = io.StringIO()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        call_command("run_scheduler", "--once", stdout=out)
    assert "登録しました: audit_verify" in out.getvalue()
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert queued.count() == len(EVERY_JOB)
    runs = {run.pk for run in NightlyRun.objects.all()}
    assert {tuple(task.args_kwargs["args"]) for task in queued} == {(pk,) for pk in runs}
    assert set(NightlyRun.objects.values_list("status", flat=True)) == {RunStatus.QUEUED}


def test_a_broken_access_log_fails_the_nightly_check_with_its_reason(director_client, worker, settings):
    for n in range(3):
        log_access(actor=worker, action=AccessAction.PRINT, detail=f"印刷{n}")
    with tampering():
        AccessLog.objects.filter(pk=AccessLog.objects.order_by("id")[1].pk).update(detail="書き換え")
    nightly.enqueue_due(NIGHT)
    check = NightlyRun.objects.get(job="audit_verify")
    assert check.status == RunStatus.FAILED and "改ざん・欠落の疑い" in check.failure_reason
    # the other jobs still ran
    assert NightlyRun.objects.filter(status=RunStatus.DONE).count() == len(EVERY_JOB) - 1
    page = director_client.get(reverse("operations:nightly")).content.decode()
    assert "失敗した処理があります（1件）" in page and "アクセスログの検証" in page
    assert "改ざん・欠落の疑いがあります" in page


def test_an_unexpected_error_shows_the_jobs_own_reason_and_keeps_personal_data_out_of_the_log(settings, caplog):
    CaseFactory(person=PersonFactory(family_name="羽咋", given_name="四郎"))
    settings.YORISOI_DISCLOSURE_RETENTION_YEARS = "三年（羽咋 四郎）"  # a wrong setting: int() fails quoting it
    with caplog.at_level(logging.INFO):
        nightly.enqueue_due(NIGHT)
    run = NightlyRun.objects.get(job="purge_disclosure_records")
    assert run.status == RunStatus.FAILED
    assert run.failure_reason == "処理中にエラーが発生しました。システム管理者に連絡してください。"
    assert f"nightly run {run.pk} (purge_disclosure_records) failed" in caplog.text
    assert "羽咋" not in caplog.text


def test_a_run_already_started_is_not_run_again():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        nightly.enqueue_due(NIGHT)
    run = NightlyRun.objects.get(job="audit_verify")
    NightlyRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    nightly.run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.finished_at is None


def test_the_page_warns_when_nothing_was_enqueued_tonight(director, settings):
    settings.YORISOI_NIGHTLY_AT = "00:00"
    # a fixed morning, logged in inside it: "now, at 9 o'clock" went nine hours forward when CI ran after midnight
    # and the idle session had expired
    with time_machine.travel(dt.datetime(2026, 12, 9, 9, 0, tzinfo=TOKYO), tick=False):
        page = verified_client(director).get(reverse("operations:nightly")).content.decode()
    assert "スケジューラー" in page and "止まっている可能性" in page


def test_only_directors_and_auditors_see_the_nightly_runs(director_client, auditor_client, worker_client,
                                                          clerk_client):
    assert director_client.get(reverse("operations:nightly")).status_code == 200
    assert auditor_client.get(reverse("operations:nightly")).status_code == 200
    assert worker_client.get(reverse("operations:nightly")).status_code == 403
    assert clerk_client.get(reverse("operations:nightly")).status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="operations.review").count() == 2


def test_finished_task_rows_are_pruned_after_thirty_days():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        nightly.enqueue_due(NIGHT)
    old, recent = DBTaskResult.objects.all()[:2]
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old.pk).update(status="SUCCESSFUL", finished_at=now - dt.timedelta(days=31))
    DBTaskResult.objects.filter(pk=recent.pk).update(status="FAILED", finished_at=now - dt.timedelta(days=29))
    nightly.prune_task_results()
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()
    assert DBTaskResult.objects.count() == len(EVERY_JOB) - 1


@pytest.mark.django_db
def test_the_planner_statistics_job_analyzes_the_database():
    """After it, SQLite holds statistics for the person-search index (common.planner): without them it read every
    key of the center for a prefix search."""
    from django.db import connection

    from yorisoi.operations.nightly import refresh_planner_statistics

    PersonFactory()  # ANALYZE keeps no statistics for an empty table
    refresh_planner_statistics()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'people_person'")
            assert cursor.fetchone()[0] >= 1
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'people_person'")
            assert cursor.fetchone()[0] >= 1
