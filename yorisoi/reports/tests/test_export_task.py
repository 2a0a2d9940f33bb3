"""The export's file is built by a background task after the approval: streamed to a file on disk in chunks, with
its progress on the request and on the page, downloaded once and then removed; a failure is shown with a Japanese
reason. One test runs the real database worker (django-tasks-db's db_worker) on the enqueued task."""

import datetime as dt
import io
import logging
import signal
import stat

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from yorisoi.accounts.models import Role
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog, ExportFileStatus, ExportRequest, ExportStatus
from yorisoi.reports.exports import building

pytestmark = pytest.mark.django_db

REASON = "保護観察所との定例会議の資料（架空）"
NAMES = [("輪島", "一郎"), ("能登", "次郎"), ("珠洲", "三郎")]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def persons(center, worker):
    return [CaseFactory(person=PersonFactory(center=center, family_name=family, given_name=given),
                        main_staff=worker).person for family, given in NAMES]


def ask_and_approve(worker_client, director_client, fmt="xlsx") -> ExportRequest:
    worker_client.post(f"{reverse('reports:export_create')}?target=persons", {"file_format": fmt, "reason": REASON})
    export_request = ExportRequest.objects.latest("id")
    director_client.post(reverse("reports:export_decide", args=[export_request.pk]), {"decision": "approve"})
    export_request.refresh_from_db()
    return export_request


def names_in(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    return [(row[1], row[2]) for row in rows if row and isinstance(row[0], int) and len(row) > 5]


def test_the_approval_builds_the_file_on_disk_with_its_progress_and_the_download_removes_it(
        persons, worker_client, director_client, settings):
    export_request = ask_and_approve(worker_client, director_client)
    assert export_request.status == ExportStatus.APPROVED
    assert export_request.file_status == ExportFileStatus.READY and export_request.task_id
    assert export_request.rows_total == export_request.rows_done == export_request.row_count == 3
    path = building.file_path(export_request)
    assert path.parent == settings.YORISOI_EXPORT_DIR and path.stat().st_size == export_request.file_size
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # readable by the server's user only
    page = worker_client.get(reverse("reports:export_detail", args=[export_request.pk])).content.decode()
    assert "ファイルができました（3件）" in page and "ダウンロードする" in page

    response = worker_client.post(reverse("reports:export_download", args=[export_request.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Cache-Control"] == "no-store" and export_request.file_name in response["Content-Disposition"]
    assert sorted(names_in(response.getvalue())) == sorted(NAMES)
    assert not path.exists()  # one download: the file is gone from the disk
    export_request.refresh_from_db()
    assert export_request.status == ExportStatus.DOWNLOADED
    assert export_request.file_status == ExportFileStatus.REMOVED
    made = AccessLog.objects.get(action=AccessAction.EXPORT)
    taken = AccessLog.objects.get(action=AccessAction.DOWNLOAD)
    assert made.id < taken.id and f"申請ID {export_request.pk}" in taken.detail


def test_rows_are_read_and_written_in_chunks_in_the_lists_order(persons, worker, worker_client, director_client):
    export_request = ask_and_approve(worker_client, director_client, fmt="csv")
    building.file_path(export_request).unlink()
    ExportRequest.objects.filter(pk=export_request.pk).update(file_status=ExportFileStatus.QUEUED, rows_done=0)
    building.build_file(export_request.pk, chunk_size=1)
    export_request.refresh_from_db()
    assert export_request.file_status == ExportFileStatus.READY and export_request.rows_done == 3
    text = building.file_path(export_request).read_text(encoding="utf-8")
    lines = [line.split(",") for line in text.splitlines()]
    data = [line[1:3] for line in lines if line[0].isdigit() and len(line) > 5]
    # the person list's order: by reading (kana), as on the screen
    expected = sorted(persons, key=lambda p: (p.family_name_kana, p.given_name_kana, p.pk))
    assert data == [[p.family_name, p.given_name] for p in expected]


def test_a_task_run_twice_builds_the_file_once(persons, worker_client, director_client):
    export_request = ask_and_approve(worker_client, director_client)
    building.build_file(export_request.pk)
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 1


# transaction=True: the worker checks its connection between tasks as a long-running process does, and closes one
# that is inside a transaction (the test's own, otherwise).
@pytest.mark.django_db(transaction=True)
def test_the_real_database_worker_builds_an_enqueued_export(persons, worker_client, director_client):
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    with override_settings(TASKS=DATABASE_TASKS):
        export_request = ask_and_approve(worker_client, director_client)
        assert export_request.file_status == ExportFileStatus.QUEUED  # waits for the worker
        queued = DBTaskResult.objects.get()
        assert queued.args_kwargs == {"args": [export_request.pk], "kwargs": {}}  # an id, no personal data
        page = worker_client.get(reverse("reports:export_detail", args=[export_request.pk])).content.decode()
        assert "作成の順番を待っています" in page and 'hx-trigger="every 2s"' in page
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
                         verbosity=0)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    export_request.refresh_from_db()
    assert export_request.file_status == ExportFileStatus.READY and export_request.rows_done == 3
    response = worker_client.post(reverse("reports:export_download", args=[export_request.pk]))
    assert sorted(names_in(response.getvalue())) == sorted(NAMES)


def test_the_page_polls_the_progress_while_the_file_is_being_built(persons, worker_client, director_client):
    with override_settings(TASKS=DATABASE_TASKS):
        export_request = ask_and_approve(worker_client, director_client)
    ExportRequest.objects.filter(pk=export_request.pk).update(file_status=ExportFileStatus.BUILDING, rows_total=3,
                                                              rows_done=1)
    url = reverse("reports:export_detail", args=[export_request.pk])
    fragment = worker_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="export-file"') and "<html" not in fragment
    assert "3件中 1件" in fragment and 'value="33"' in fragment and 'hx-trigger="every 2s"' in fragment
    page = worker_client.get(url).content.decode()  # without JavaScript: a link that reloads the page
    assert f'href="{url}">最新の状態を表示' in page and "ダウンロードする" not in page
    ExportRequest.objects.filter(pk=export_request.pk).update(file_status=ExportFileStatus.READY, rows_done=3,
                                                              row_count=3, file_name="x.xlsx")
    done = worker_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "ダウンロードする" in done and "hx-trigger" not in done  # polling stops with the button


def test_a_failed_build_is_marked_with_a_japanese_reason_for_the_director_and_no_data_in_the_log(
        persons, worker_client, director_client, settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.YORISOI_EXPORT_DIR = blocker / "exports"  # cannot be created: the write fails
    with caplog.at_level(logging.INFO):
        export_request = ask_and_approve(worker_client, director_client)
    assert export_request.file_status == ExportFileStatus.FAILED
    assert export_request.failure_reason.startswith("ファイルの書き込みに失敗しました")
    page = director_client.get(reverse("reports:export_detail", args=[export_request.pk])).content.decode()
    assert "ファイルを作成できませんでした。ファイルの書き込みに失敗しました" in page
    listing = director_client.get(reverse("reports:exports")).content.decode()
    assert "作成失敗" in listing
    refused = worker_client.post(reverse("reports:export_download", args=[export_request.pk]))
    assert refused.status_code == 302
    logged = caplog.text
    assert f"export {export_request.pk}: building the file failed" in logged
    assert all(name not in logged for pair in NAMES for name in pair)
    assert str(blocker) not in logged  # the OSError's message (a path) is withheld too


def test_a_request_approved_but_still_waiting_at_its_deadline_is_given_up_and_files_are_cleaned(
        persons, worker_client, director_client, settings, tmp_path):
    settings.YORISOI_EXPORT_DIR = tmp_path / "exports"
    export_request = ask_and_approve(worker_client, director_client)
    path = building.file_path(export_request)
    leftover = settings.YORISOI_EXPORT_DIR / "persons-export-0-old.xlsx"
    leftover.write_bytes(b"old")
    later = timezone.now() + dt.timedelta(hours=25)
    assert building.remove_stale_files(now=later) == 2
    assert not path.exists() and not leftover.exists()
    export_request.refresh_from_db()
    assert export_request.file_status == ExportFileStatus.REMOVED
    with override_settings(TASKS=DATABASE_TASKS):
        waiting = ask_and_approve(worker_client, director_client)
    building.remove_stale_files(now=later)
    waiting.refresh_from_db()
    assert waiting.file_status == ExportFileStatus.FAILED and "期限" in waiting.failure_reason


def test_a_requester_whose_role_changed_before_the_build_gets_no_file(persons, worker, worker_client,
                                                                      director_client):
    with override_settings(TASKS=DATABASE_TASKS):
        export_request = ask_and_approve(worker_client, director_client)
    worker.role = Role.AUDITOR  # auditors may not export lists of persons
    worker.save()
    building.build_file(export_request.pk)
    export_request.refresh_from_db()
    assert export_request.file_status == ExportFileStatus.FAILED
    assert export_request.failure_reason == building.NOT_ALLOWED
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()
