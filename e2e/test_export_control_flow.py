"""Export control in Chromium: a worker asks for the list of their persons with a reason, the director approves it
from the queue, the worker downloads the Excel file once (it names who exported it, when and why), and a second
download is refused. The director then sees the export in the access log."""

import io
import re

import pytest
from openpyxl import load_workbook

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog, ExportRequest, ExportStatus

pytestmark = pytest.mark.e2e

REASON = "保護観察所との定例会議の資料（架空）。会議の後に削除します。"


def test_a_list_leaves_only_after_the_directors_approval_once_and_stamped(logged_in, center, worker, director):
    CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name="夏子"), main_staff=worker)
    worker_page = logged_in(worker)
    worker_page.goto("/reports/exports/new/?target=persons")
    assert "対象者一覧の出力を申請" in worker_page.locator("h1").inner_text()
    worker_page.get_by_role("button", name="申請する").click()
    assert "理由・利用目的を入力してください。" in worker_page.content()  # no reason, no request
    worker_page.get_by_label("理由・利用目的").fill(REASON)
    worker_page.get_by_role("button", name="申請する").click()
    worker_page.wait_for_url(re.compile(r"/reports/exports/\d+/$"))
    assert "まだ承認されていません" in worker_page.content()
    shot(worker_page, "privacy_e2e_1_requested")
    detail = worker_page.url

    director_page = logged_in(director)
    director_page.goto("/reports/exports/")
    director_page.get_by_role("link", name="確認して判断").click()
    director_page.get_by_label("承認する").check()
    shot(director_page, "privacy_e2e_2_decision")
    director_page.get_by_role("button", name="判断を記録する").click()
    director_page.wait_for_url(re.compile(r"/reports/exports/$"))
    assert "承認しました" in director_page.content()

    worker_page.goto(detail)
    shot(worker_page, "privacy_e2e_3_approved")
    with worker_page.expect_download() as info:
        worker_page.get_by_role("button", name="ダウンロードする").click()
    content = open(info.value.path(), "rb").read()
    rows = [[c for c in row if c is not None]
            for row in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)]
    facts = {row[0]: row[1] for row in rows if len(row) == 2}
    assert facts["出力者"] == f"{worker}（{worker.get_username()}）" and facts["出力の理由"] == REASON
    assert facts["承認者"] == f"{director}（{director.get_username()}）"
    assert any(row[1:3] == ["架空", "夏子"] for row in rows if len(row) > 3)
    assert ExportRequest.objects.get().status == ExportStatus.DOWNLOADED

    worker_page.goto(detail)
    assert worker_page.get_by_role("button", name="ダウンロードする").count() == 0  # once only
    assert "出力済み" in worker_page.content()

    director_page.goto("/privacy/audit/?action=export")
    assert f"申請ID {ExportRequest.objects.get().pk} 対象者一覧 XLSX 1件" in director_page.content()
    shot(director_page, "privacy_e2e_4_audit")
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, staff=worker).count() == 1
    assert worker_page.console_problems == [] and director_page.console_problems == []
