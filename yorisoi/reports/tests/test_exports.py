"""Export control: a list of persons leaves yorisoi only through a request with a reason that a director approved,
downloaded once by its requester, logged at every step, and the file says who exported it, when and why."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import verified_client
from yorisoi.accounts.models import Center, Role
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, AccessLog, ExportRequest, ExportStatus, ExportTarget
from yorisoi.reports import exports

pytestmark = pytest.mark.django_db

REASON = "保護観察所との定例会議の資料（架空）"


@pytest.fixture
def people(center, worker):
    mine = CaseFactory(person=PersonFactory(center=center, family_name="輪島", given_name="一郎",
                                            justice_details="架空の罪名の記述", health_conditions="架空の持病"),
                       main_staff=worker)
    other = CaseFactory(person=PersonFactory(center=center, family_name="能登", given_name="次郎"))
    elsewhere = PersonFactory(center=CaseFactory().center, family_name="他県", given_name="三郎")
    return mine.person, other.person, elsewhere


def ask(client, target="persons", *, reason=REASON, fmt="xlsx", **filters):
    data = {"file_format": fmt, "reason": reason, **filters}
    return client.post(f"{reverse('reports:export_create')}?target={target}", data)


def latest() -> ExportRequest:
    return ExportRequest.objects.order_by("-id").first()


def approve(client, export_request, note=""):
    return client.post(reverse("reports:export_decide", args=[export_request.pk]),
                       {"decision": "approve", "note": note})


def download(client, export_request):
    return client.post(reverse("reports:export_download", args=[export_request.pk]))


def body(response) -> bytes:
    """The downloaded file (streamed from the disk: read once, kept for the next look)."""
    if not hasattr(response, "_body"):
        response._body = response.getvalue()
    return response._body


def sheet_rows(response, title=None) -> list[list]:
    book = load_workbook(io.BytesIO(body(response)))
    sheet = book[title] if title else book.worksheets[0]
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def said(response) -> str:
    """Every message queued for the user so far (redirects are not followed here)."""
    return " ".join(str(m) for m in response.wsgi_request._messages)


def header(rows) -> dict:
    return {row[0]: row[1] for row in rows if len(row) == 2}


# --- the whole flow ------------------------------------------------------------------------------------------


def test_a_worker_asks_the_director_approves_and_the_worker_downloads_once(people, worker, worker_client, director,
                                                                         director_client):
    response = ask(worker_client)
    export_request = latest()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export_detail",
                                                                           args=[export_request.pk])
    assert export_request.status == ExportStatus.PENDING and export_request.reason == REASON
    # Not yet: the download is refused, and the refusal is logged.
    refused = download(worker_client, export_request)
    assert refused.status_code == 302
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="export").exists()
    # The director's queue shows it; the director approves.
    queue = director_client.get(reverse("reports:exports"))
    assert export_request in queue.context["pending"]
    assert approve(director_client, export_request).status_code == 302
    export_request.refresh_from_db()
    assert export_request.status == ExportStatus.APPROVED and export_request.decided_by == director
    # The worker downloads: the file names who, when, why, who approved, and the log row of the download.
    response = download(worker_client, export_request)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    rows = sheet_rows(response)
    facts = header(rows)
    entry = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert facts["出力者"] == f"{worker}（{worker.get_username()}）"
    assert facts["出力の理由"] == REASON
    assert facts["申請ID"] == export_request.pk
    assert facts["承認者"] == f"{director}（{director.get_username()}）"
    assert facts["出力記録ID"] == entry.pk
    assert facts["出力日時"] == timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    assert entry.staff == worker and f"申請ID {export_request.pk}" in entry.detail
    names = {(row[1], row[2]) for row in rows if row and isinstance(row[0], int) and len(row) > 5}
    assert names == {("輪島", "一郎"), ("能登", "次郎")}  # the center's persons, not another center's
    # Once only.
    export_request.refresh_from_db()
    assert export_request.status == ExportStatus.DOWNLOADED and export_request.row_count == 2
    again = download(worker_client, export_request)
    assert again.status_code == 302
    assert "すでにダウンロード" in said(again)


def test_the_file_holds_basic_columns_only_never_health_or_justice(people, worker, worker_client, director_client):
    ask(worker_client)
    approve(director_client, latest())
    content = sheet_rows(download(worker_client, latest()))
    flat = " ".join(str(value) for row in content for value in row)
    assert "輪島" in flat
    assert "架空の罪名の記述" not in flat and "架空の持病" not in flat
    columns = next(row for row in content if row and row[0] == "対象者ID")
    assert columns == list(exports.specs.PERSON_COLUMNS)


def test_the_excel_file_prints_its_marking_in_every_page_header(people, worker, worker_client, director_client):
    ask(worker_client)
    approve(director_client, latest())
    book = load_workbook(io.BytesIO(body(download(worker_client, latest()))))
    sheet = book.worksheets[0]
    assert f"申請ID {latest().pk}" in sheet.oddHeader.left.text
    assert worker.get_username() in sheet.oddHeader.left.text
    assert book.properties.creator == worker.get_username()


def test_the_csv_file_starts_with_the_marking_and_escapes_formulas(center, worker, worker_client, director_client):
    CaseFactory(person=PersonFactory(center=center, family_name="=HYPERLINK(1)", given_name="花子"), main_staff=worker)
    ask(worker_client, fmt="csv", reason="=SUM(A1) 会議資料")
    approve(director_client, latest())
    response = download(worker_client, latest())
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["寄り添い 対象者一覧（エクスポート）"]
    assert ["出力の理由", "'=SUM(A1) 会議資料"] in rows
    assert any(row[1:3] == ["'=HYPERLINK(1)", "花子"] for row in rows if len(row) > 3)


def test_the_excel_file_survives_control_characters_stored_before_the_cleaner_and_neutralises_formulas(
        people, worker, worker_client, director_client):
    from django.db import connection

    mine = people[0]
    with connection.cursor() as cursor:  # as an older version could store them, past the model layer
        cursor.execute("UPDATE people_person SET given_name = %s, municipality = %s WHERE id = %s",
                       ["一\x01郎\x1b", "-2+3+cmd|' /C calc'!A0", mine.pk])
    ask(worker_client, reason="  =HYPERLINK(\"x\") 会議資料")
    approve(director_client, latest())
    response = download(worker_client, latest())
    assert response.status_code == 200
    flat = [value for row in sheet_rows(response) for value in row]
    assert "一郎" in flat
    assert "'-2+3+cmd|' /C calc'!A0" in flat
    assert "'=HYPERLINK(\"x\") 会議資料" in flat  # the form took the spaces off; the formula stays text
    assert not any(isinstance(v, str) and v.lstrip(" ").startswith(("=", "+", "-", "@")) for v in flat)


def test_the_filters_of_the_list_travel_in_the_post_body_and_limit_the_file(people, worker, worker_client,
                                                                            director_client):
    form = worker_client.get(f"{reverse('reports:export_create')}?target=persons&q=輪島")
    assert form.status_code == 200 and form.context["count"] == 1
    assert 'name="q" value="輪島"' in form.content.decode()
    ask(worker_client, q="輪島")
    export_request = latest()
    assert export_request.filters == {"q": "輪島"} and "輪島" in export_request.filter_summary
    approve(director_client, export_request)
    names = [row[1] for row in sheet_rows(download(worker_client, export_request)) if row and isinstance(row[0], int)
             and len(row) > 5]
    assert names == ["輪島"]


def test_the_person_list_opens_the_request_with_its_posted_search_without_submitting_it(people, worker_client):
    response = worker_client.post(f"{reverse('reports:export_create')}?target=persons", {"start": "1", "q": "輪島"})
    assert response.status_code == 200 and response.context["count"] == 1
    assert not response.context["form"].is_bound and not ExportRequest.objects.exists()
    assert 'name="q" value="輪島"' in response.content.decode()


def test_a_worker_limited_to_assigned_cases_exports_only_their_own_persons(people, center, worker, worker_client,
                                                                         director_client):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    ask(worker_client)
    approve(director_client, latest())
    names = [row[1] for row in sheet_rows(download(worker_client, latest())) if row and isinstance(row[0], int)
             and len(row) > 5]
    assert names == ["輪島"]


def test_the_cases_list_is_exported_the_same_way(people, worker, worker_client, director_client):
    ask(worker_client, "cases", mine="1")
    export_request = latest()
    assert export_request.filters == {"phase": "", "mine": True}
    approve(director_client, export_request)
    rows = sheet_rows(download(worker_client, export_request))
    assert header(rows)["抽出条件"] == "申請者の担当のみ"
    assert [row[2] for row in rows if len(row) > 5 and row[0] != "ケース番号"] == ["輪島 一郎"]


# --- refusals and rules ----------------------------------------------------------------------------------------


def test_a_request_needs_a_reason(worker_client):
    response = ask(worker_client, reason="  ")
    assert response.status_code == 200
    assert "理由・利用目的を入力してください。" in response.content.decode()
    assert not ExportRequest.objects.exists()


def test_wrong_filters_are_refused_with_a_message_not_an_error(director_client):
    response = director_client.get(f"{reverse('reports:export_create')}?target=access_log&date_from=令和99年13月1日")
    assert response.status_code == 200
    assert "抽出条件を確認してください" in response.content.decode()
    response = director_client.post(f"{reverse('reports:export_create')}?target=access_log",
                                    {"file_format": "csv", "reason": REASON, "date_from": "13月"})
    assert response.status_code == 200 and not ExportRequest.objects.exists()


def test_an_unknown_list_is_404(director_client):
    assert director_client.get(f"{reverse('reports:export_create')}?target=everything").status_code == 404


def test_a_rejection_needs_a_reason_and_is_shown_to_the_requester(people, worker_client, director_client):
    ask(worker_client)
    export_request = latest()
    response = director_client.post(reverse("reports:export_decide", args=[export_request.pk]),
                                    {"decision": "reject", "note": ""})
    assert response.status_code == 200 and "却下の理由を入力してください" in response.content.decode()
    director_client.post(reverse("reports:export_decide", args=[export_request.pk]),
                         {"decision": "reject", "note": "目的が不明確なため（架空）"})
    export_request.refresh_from_db()
    assert export_request.status == ExportStatus.REJECTED
    page = worker_client.get(reverse("reports:export_detail", args=[export_request.pk])).content.decode()
    assert "目的が不明確なため（架空）" in page and "この申請は却下されました。" in page


def test_only_directors_decide(people, worker_client, colleague, auditor_client):
    ask(worker_client)
    export_request = latest()
    assert approve(auditor_client, export_request).status_code == 403
    assert approve(worker_client, export_request).status_code == 403
    assert latest().status == ExportStatus.PENDING


def test_only_the_requester_downloads(people, worker_client, director_client, auditor_client):
    ask(worker_client)
    approve(director_client, latest())
    for client in (director_client, auditor_client):
        response = download(client, latest())
        assert response.status_code == 302
        assert "申請した職員だけ" in said(response)
    assert latest().status == ExportStatus.APPROVED


def test_another_workers_request_is_404_to_a_colleague_and_another_center(people, worker_client, colleague_client,
                                                                         clerk_client, outsider_client):
    ask(worker_client)
    export_request = latest()
    for client in (colleague_client, clerk_client, outsider_client):
        for name in ("reports:export_detail", "reports:export_download", "reports:export_decide"):
            assert client.get(reverse(name, args=[export_request.pk])).status_code == 404
        assert download(client, export_request).status_code == 404


def test_the_download_expires(people, worker_client, director_client, settings):
    settings.YORISOI_EXPORT_DOWNLOAD_HOURS = 2
    ask(worker_client)
    approve(director_client, latest())
    assert latest().expires_at - latest().decided_at == dt.timedelta(hours=2)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        assert exports.is_expired(latest())
    # the session would have ended after 3 idle hours: move the deadline instead of the clock
    ExportRequest.objects.filter(pk=latest().pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = download(worker_client, latest())
    assert response.status_code == 302
    assert "期限" in said(response)
    assert latest().status == ExportStatus.APPROVED


def test_who_may_ask_for_which_list(director, worker, clerk, auditor):
    allowed = {user.role: policy.export_targets_for(user) for user in (director, worker, clerk, auditor)}
    assert allowed[Role.DIRECTOR] == ["persons", "cases", "disclosure_ledger", "access_log"]
    assert allowed[Role.WORKER] == allowed[Role.CLERK] == ["persons", "cases"]
    assert allowed[Role.AUDITOR] == ["disclosure_ledger", "access_log"]


def test_the_ledger_rights_of_the_disclosure_app_agree_with_the_export_rules(director, worker, clerk, auditor):
    from yorisoi.disclosure.rules import disclosure_access

    for user in (director, worker, clerk, auditor):
        assert disclosure_access(user).can_export == policy.may_request_export(user, ExportTarget.LEDGER)


def test_forbidden_lists_are_refused_and_logged(clerk_client, auditor_client):
    assert clerk_client.get(f"{reverse('reports:export_create')}?target=disclosure_ledger").status_code == 403
    assert ask(auditor_client, "persons").status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="export").count() == 2
    assert not ExportRequest.objects.exists()


# --- self-approval ---------------------------------------------------------------------------------------------


def test_a_single_director_approves_their_own_request_in_one_step_marked_self_approved(people, director,
                                                                                     director_client):
    form = director_client.get(f"{reverse('reports:export_create')}?target=persons")
    assert "approve_now" in form.content.decode()
    director_client.post(f"{reverse('reports:export_create')}?target=persons",
                         {"file_format": "xlsx", "reason": REASON, "approve_now": "on"})
    export_request = latest()
    assert export_request.status == ExportStatus.APPROVED and export_request.self_approved
    assert export_request.decision_note == REASON
    rows = sheet_rows(download(director_client, export_request))
    assert header(rows)["承認者"] == f"{director}（{director.get_username()}）（自己承認）"
    assert "自己承認" in AccessLog.objects.get(action=AccessAction.EXPORT).detail


def test_a_director_with_a_second_director_in_the_center_waits_for_them(people, center, director, director_client):
    second = StaffFactory(center=center, role=Role.DIRECTOR, username="second-director")
    form = director_client.get(f"{reverse('reports:export_create')}?target=persons")
    assert "approve_now" not in form.content.decode()
    ask(director_client)
    export_request = latest()
    response = approve(director_client, export_request, note="自分で")
    assert response.status_code == 200 and "ほかの管理者が承認してください" in response.content.decode()
    assert approve(verified_client(second), export_request).status_code == 302
    assert latest().status == ExportStatus.APPROVED and not latest().self_approved


# --- the disclosure ledger and the access log go the same way -------------------------------------------------------


def test_the_ledger_export_holds_both_tables_for_an_auditor_after_approval(auditor, auditor_client, director_client,
                                                                          worker, center, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # the provision document is written there
    from yorisoi.disclosure.models import Basis, Purpose
    from yorisoi.disclosure.services import provide_information
    from yorisoi.disclosure.tests.factories import AgreementFactory, ConsentFactory, ReceiptFactory, municipality

    person = CaseFactory(person=PersonFactory(center=center, family_name="羽咋"), main_staff=worker).person
    ConsentFactory(person=person)
    city = municipality(center)
    AgreementFactory(organization=city, valid_from=dt.date(2020, 4, 1), valid_to=None)
    record = provide_information(actor=worker, person=person, recipient=city, purpose=Purpose.WELFARE,
                                 item_codes=["phone"], basis=Basis.CONSENT)
    ReceiptFactory(person=person, items_detail="判決書の写し（架空）")
    ask(auditor_client, "disclosure_ledger", reason="立入検査への提出（架空）")
    approve(director_client, latest())
    response = download(auditor_client, latest())
    provided, received = sheet_rows(response, "提供記録"), sheet_rows(response, "受領記録")
    assert header(provided)["出力者"] == f"{auditor}（{auditor.get_username()}）"
    assert header(provided)["出力の理由"] == "立入検査への提出（架空）"
    assert "個人情報保護法29条" in header(provided)["注意"]
    assert any(row and row[0] == record.number and str(person) in row for row in provided)
    assert any("判決書の写し（架空）" in row for row in received)


def test_the_access_log_export_does_not_hold_its_own_rows(director, director_client, auditor_client, worker):
    for n in range(3):
        log_access(actor=worker, action=AccessAction.PRINT, detail=f"印刷{n}")
    ask(auditor_client, "access_log", action="print")
    approve(director_client, latest())
    rows = sheet_rows(download(auditor_client, latest()))
    assert header(rows)["抽出条件"] == "操作=印刷"
    data = [row for row in rows if row and isinstance(row[0], int) and len(row) > 5]
    assert len(data) == 3 and all(row[4] == "印刷" for row in data)
    export_row = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert export_row.pk not in {row[0] for row in data}


def test_the_old_direct_export_urls_are_gone():
    from django.urls import NoReverseMatch

    for name in ("privacy:audit_export", "disclosure:ledger_export"):
        with pytest.raises(NoReverseMatch):
            reverse(name)


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_list_shows_a_worker_only_their_own_requests(people, worker_client, colleague_client):
    ask(worker_client)
    assert list(colleague_client.get(reverse("reports:exports")).context["page"]) == []
    page = worker_client.get(reverse("reports:exports"))
    assert list(page.context["page"]) == [latest()] and page.context["pending"] == []


def test_the_detail_page_offers_the_director_the_decision_with_the_current_count(people, worker_client,
                                                                                director_client):
    ask(worker_client)
    page = director_client.get(reverse("reports:export_detail", args=[latest().pk]))
    assert page.context["can_decide"] and page.context["current_count"] == 2
    assert "判断を記録する" in page.content.decode()
