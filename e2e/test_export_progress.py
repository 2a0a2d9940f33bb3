"""An approved export waits for the task worker: the request's page says so and polls (htmx); when the real database
worker has built the file, the download button appears on the open page without a reload, and the file holds the
list."""

import io
import signal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import ExportFileStatus, ExportRequest
from yorisoi.reports import exports

pytestmark = pytest.mark.e2e

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker_once() -> None:
    """django-tasks-db's own worker, in this process: every queued task, then it stops (its signal handlers go)."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def test_the_page_follows_the_build_and_offers_the_file_when_it_is_ready(logged_in, center, worker, director,
                                                                         settings):
    settings.TASKS = DATABASE_TASKS
    CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name="秋子"), main_staff=worker)
    export_request = exports.request_export(actor=worker, target="persons", file_format="xlsx", filters={},
                                            reason="会議の資料（架空）")
    exports.decide_export(actor=director, export_request=export_request, approve=True)
    assert ExportRequest.objects.get().file_status == ExportFileStatus.QUEUED

    page = logged_in(worker)
    page.goto(f"/reports/exports/{export_request.pk}/")
    assert "作成の順番を待っています" in page.content()
    assert page.get_by_role("button", name="ダウンロードする").count() == 0
    shot(page, "export_progress_1_waiting")

    run_worker_once()
    button = page.get_by_role("button", name="ダウンロードする")
    button.wait_for()  # the polled fragment replaced the progress with the button, no reload
    assert "ファイルができました（1件）" in page.content()
    shot(page, "export_progress_2_ready")
    with page.expect_download() as info:
        button.click()
    rows = [[c for c in row if c is not None]
            for row in load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).worksheets[0]
            .iter_rows(values_only=True)]
    assert any(row[1:3] == ["架空", "秋子"] for row in rows if len(row) > 3)
    assert page.console_problems == []
