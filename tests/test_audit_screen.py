"""The audit screen (アクセスログ) for directors and auditors: filters, paging, and its CSV / Excel exports (through
the export control: a request with a reason, a director's approval, one logged download)."""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))


def at(year, month, day, hour=10):
    return time_machine.travel(dt.datetime(year, month, day, hour, tzinfo=JST), tick=False)


@pytest.fixture
def people(center, other_center):
    return {
        "saito": PersonFactory(center=center, family_name="齋藤", given_name="一郎"),
        "tanaka": PersonFactory(center=center, family_name="田中", given_name="出力試験", family_name_kana="タナカ"),
        "foreign": PersonFactory(center=other_center, family_name="他県", given_name="三郎"),
    }


@pytest.fixture
def rows(people, worker, colleague, outsider):
    with at(2026, 10, 1):
        log_access(actor=worker, action=AccessAction.VIEW, obj=people["saito"], person_id=people["saito"].pk,
                   section="face_sheet")
    with at(2026, 10, 15):
        log_access(actor=colleague, action=AccessAction.PRINT, obj=people["tanaka"],
                   person_id=people["tanaka"].pk, section="face_sheet", detail="印刷の詳細")
    with at(2026, 11, 2):
        log_access(actor=worker, action=AccessAction.SEARCH, section="person_list", detail="さいとう")
        log_access(actor=outsider, action=AccessAction.VIEW, obj=people["foreign"],
                   person_id=people["foreign"].pk, section="face_sheet", detail="他センターの行")


def body(response) -> str:
    return response.content.decode()


def test_directors_and_auditors_open_the_audit_screen(rows, director_client, auditor_client):
    for client in (director_client, auditor_client):
        response = client.get("/privacy/audit/")
        assert response.status_code == 200
        assert "印刷の詳細" in body(response)


def test_workers_and_clerks_may_not_open_the_audit_screen(rows, worker_client, colleague_client, clerk_client,
                                                          outsider_client):
    for client in (worker_client, colleague_client, clerk_client, outsider_client):
        assert client.get("/privacy/audit/").status_code == 403
        assert client.get("/reports/exports/new/?target=access_log").status_code == 403


def test_the_screen_shows_who_when_action_record_section_detail_and_address(rows, people, colleague,
                                                                            director_client):
    with at(2026, 10, 15):  # the same print again, from a known address
        log_access(request=SimpleNamespace(META={"REMOTE_ADDR": "192.0.2.10"}, user=colleague),
                   action=AccessAction.PRINT, obj=people["tanaka"], person_id=people["tanaka"].pk,
                   section="face_sheet", detail="印刷の詳細")
    page = body(director_client.get("/privacy/audit/?action=print"))
    for expected in (str(colleague), "2026-10-15 10:00", "印刷", "対象者", f"#{people['tanaka'].pk}", "田中 出力試験",
                     "フェイスシート", "印刷の詳細", "192.0.2.10"):
        assert expected in page, expected


def test_only_the_own_centers_rows_are_shown(rows, director_client):
    page = body(director_client.get("/privacy/audit/"))
    assert "他センターの行" not in page
    assert "他県" not in page


@pytest.mark.parametrize("query, present, absent", [
    ("staff={worker}", ["さいとう"], ["印刷の詳細"]),
    ("person={saito}", ["齋藤 一郎"], ["印刷の詳細", "さいとう"]),
    ("person=斎藤", ["齋藤 一郎"], ["印刷の詳細"]),           # variant kanji and the people search key
    ("person=たなか", ["印刷の詳細"], ["齋藤 一郎"]),           # reading in hiragana
    ("person=他県", [], ["他センターの行", "印刷の詳細"]),      # another center's person is never found
    ("date_from=令和8年10月10日&date_to=2026-10-31", ["印刷の詳細"], ["さいとう", "齋藤 一郎"]),
    ("date_to=R8.10.1", ["齋藤 一郎"], ["印刷の詳細"]),
    ("action=search", ["さいとう"], ["印刷の詳細", "齋藤 一郎"]),
])
def test_filters(rows, people, worker, director_client, query, present, absent):
    query = query.format(worker=worker.pk, saito=people["saito"].pk)
    page = body(director_client.get(f"/privacy/audit/?{query}"))
    for text in present:
        assert text in page, (query, text)
    for text in absent:
        assert text not in page.split("<table", 1)[1], (query, text)


def test_a_wrong_period_is_shown_as_an_error_not_a_crash(rows, director_client):
    response = director_client.get("/privacy/audit/?date_from=2026-11-01&date_to=2026-10-01")
    assert response.status_code == 200
    assert "期間の終わりは始まり以降の日付にしてください。" in body(response)
    response = director_client.get("/privacy/audit/?date_from=いつか")
    assert response.status_code == 200
    assert "has-error" in body(response)


def test_the_list_is_paginated_with_the_filters_kept(center, worker, director_client):
    for n in range(55):
        log_access(actor=worker, action=AccessAction.VIEW, detail=f"行{n:02d}")
    first = body(director_client.get(f"/privacy/audit/?staff={worker.pk}"))
    assert "行54" in first and "行04" not in first
    assert f"staff={worker.pk}&amp;page=2" in first
    second = body(director_client.get(f"/privacy/audit/?staff={worker.pk}&page=2"))
    assert "行04" in second and "行54" not in second


def test_the_list_keeps_a_constant_number_of_queries(center, director, director_client, people):
    def queries(n_rows):
        for _ in range(n_rows):
            staff = StaffFactory(center=center)
            log_access(actor=staff, action=AccessAction.VIEW, obj=people["saito"], person_id=people["saito"].pk)
        with CaptureQueriesContext(connection) as ctx:
            director_client.get("/privacy/audit/")
        return len(ctx.captured_queries)

    assert queries(3) == queries(40)


def test_viewing_the_audit_screen_is_itself_logged(rows, director, director_client):
    director_client.get("/privacy/audit/?action=print")
    row = AccessLog.objects.filter(staff=director, section="audit").get()
    assert row.action == AccessAction.VIEW
    assert "操作=印刷" in row.detail


def exported(requester, director_client, fmt: str, **filters):
    """The access log through the export control: ask with a reason, the director approves, download once."""
    from yorisoi.privacy.models import ExportRequest

    # The filters travel as the hidden inputs of the request form.
    requester.post("/reports/exports/new/?target=access_log", {"file_format": fmt, "reason": "監査（架空）", **filters})
    export_request = ExportRequest.objects.latest("id")
    director_client.post(f"/reports/exports/{export_request.pk}/decide/", {"decision": "approve",
                                                                           "note": "監査のため（架空）"})
    return requester.post(f"/reports/exports/{export_request.pk}/download/")


def test_csv_export_holds_the_filtered_rows_and_names_who_exported_it(rows, director, auditor, auditor_client,
                                                                      director_client):
    response = exported(auditor_client, director_client, "csv", action="print")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and "access_log-export-" in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8")  # streamed from the file the task built
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = {line[0]: line[1] for line in lines if len(line) >= 2 and not line[0].isdigit()}
    assert header["出力者"] == f"{auditor}（auditor）"
    assert header["承認者"] == f"{director}（director）"
    assert header["出力の理由"] == "監査（架空）"
    assert header["抽出条件"] == "操作=印刷"
    assert header["件数"] == "1件"
    export = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert header["出力記録ID"] == str(export.pk)
    assert header["出力日時"].startswith(export.at.astimezone(JST).strftime("%Y-%m-%d %H:%M"))
    data = [line for line in lines if line and line[0].isdigit()]
    assert len(data) == 1
    assert data[0][4] == "印刷" and data[0][9] == "印刷の詳細"
    assert "出力試験" not in text  # persons appear by id only in the file


def test_the_export_is_logged_with_its_format_and_count(rows, center, director, director_client):
    director_client.post("/reports/exports/new/?target=access_log",
                         {"file_format": "csv", "reason": "監査（架空）", "approve_now": "on"})
    from yorisoi.privacy.models import ExportRequest

    export_request = ExportRequest.objects.latest("id")
    director_client.post(f"/reports/exports/{export_request.pk}/download/")
    export = AccessLog.objects.get(action=AccessAction.EXPORT)
    # the file was built (by the task) from every row logged before its own エクスポート row
    before = AccessLog.objects.filter(center_id_value=center.pk, id__lt=export.pk).count()
    assert export.staff == director
    assert export.detail == f"申請ID {export_request.pk} アクセスログ CSV {before}件（自己承認）"


def test_excel_export_holds_the_rows_and_the_exporter(rows, center, auditor, auditor_client, director_client):
    from openpyxl import load_workbook

    response = exported(auditor_client, director_client, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.getvalue()))
    assert book.properties.creator == "auditor"
    values = [row for row in book.active.iter_rows(values_only=True)]
    header = {row[0]: row[1] for row in values if row and row[0] and not isinstance(row[0], int)}
    assert header["出力者"] == f"{auditor}（auditor）"
    export = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert header["出力記録ID"] == export.pk
    data = [row for row in values if row and isinstance(row[0], int)]
    before = set(AccessLog.objects.filter(center_id_value=center.pk, id__lt=export.pk).values_list("id", flat=True))
    assert {row[0] for row in data} == before  # the export's own log row is not in the file
    assert "他センターの行" not in str(values)


def test_a_page_refused_by_its_rule_is_logged_under_the_rule_in_japanese(center, worker, clerk, clerk_client,
                                                                          director_client):
    from yorisoi.cases.tests.factories import CaseFactory

    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    # a clerk never writes support records: the rule records.write refuses before the page reads the case
    assert clerk_client.get(f"/records/case/{case.pk}/add/").status_code == 403
    row = AccessLog.objects.get(action=AccessAction.DENIED, staff=clerk)
    assert row.section == "records.write"
    page = body(director_client.get("/privacy/audit/?action=denied"))
    assert "権限：支援経過記録の記入・編集（管理者・相談員）" in page
    assert "records.write" not in page


def test_the_export_names_the_persons_of_list_rows_by_id(people, worker, auditor_client, director_client):
    from yorisoi.privacy import policy

    request = SimpleNamespace(user=worker, META={"REMOTE_ADDR": "127.0.0.1"})
    policy.log_listed(request, [people["tanaka"], people["saito"]], section="case_list")
    response = exported(auditor_client, director_client, "csv", person=str(people["saito"].pk))
    lines = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8").lstrip("\ufeff"))))
    data = [line for line in lines if line and line[0].isdigit()]
    listed = sorted((people["saito"].pk, people["tanaka"].pk))
    assert [(line[8], line[-1]) for line in data] == [("ケースの一覧", f"{listed[0]} {listed[1]}")]
