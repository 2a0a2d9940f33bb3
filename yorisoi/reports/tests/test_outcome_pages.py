"""The dashboard, the drill-down, the outcome report downloads and the reoffence page: who may, what is logged."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.people.models import ReoffenceEvent
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog
from yorisoi.reports import outcome
from yorisoi.workflow import services as workflow

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/dashboard/"
TODAY = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def data(center, worker):
    shown = CaseFactory(person=PersonFactory(center=center, family_name="表示"), referral_date=dt.date(2026, 5, 1),
                        main_staff=worker)
    left_out = CaseFactory(person=PersonFactory(center=center, family_name="除外"),
                           referral_date=dt.date(2026, 5, 2), main_staff=worker)
    CaseFlagFactory(case=left_out, label="統計除外", exclude_from_statistics=True)
    return shown, left_out


@pytest.mark.parametrize("who", ["director_client", "auditor_client", "worker_client"])
def test_dashboard_shows_the_fiscal_year_to_directors_auditors_and_workers(request, who, data):
    response = request.getfixturevalue(who).get(DASHBOARD, {"fy": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert "令和8年度" in page and "依頼の件数（月別）" in page
    assert "統計から除外する" in page


def test_clerk_may_not_open_the_dashboard(clerk_client):
    assert clerk_client.get(DASHBOARD).status_code == 403


def test_dashboard_survives_junk_in_the_query(director_client):
    response = director_client.get(DASHBOARD, {"fy": "abc", "kind": "<x>", "month": "13", "start": "zzz"})
    assert response.status_code == 200


def test_month_and_custom_periods(director_client, data):
    assert "令和8年5月" in director_client.get(DASHBOARD, {"kind": "month", "fy": 2026, "month": 5}).content.decode()
    custom = director_client.get(DASHBOARD, {"kind": "custom", "start": "R8.5.1", "end": "R8.5.1"})
    assert custom.status_code == 200 and "2026-05-01〜2026-05-01" in custom.content.decode()


def test_drill_lists_the_cases_behind_a_number_and_the_excluded_apart(director_client, data):
    shown, left_out = data
    response = director_client.get(reverse("reports:drill"), {"fy": 2026, "figure": "referrals_month",
                                                              "key": "2026-05"})
    assert response.status_code == 200
    page = response.content.decode()
    assert shown.number in page
    excluded_part = page.split("統計から除外したケース")[1]
    assert left_out.number in excluded_part and shown.number not in excluded_part
    row = AccessLog.objects.filter(section="reports_drill").latest("id")
    assert row.detail == "figure=referrals_month"


def test_drill_of_another_center_shows_none_of_our_cases(outsider_client, data):
    shown, _ = data
    response = outsider_client.get(reverse("reports:drill"), {"fy": 2026, "figure": "referrals_month",
                                                              "key": "2026-05"})
    assert response.status_code == 200
    assert shown.number not in response.content.decode()


def test_drill_of_an_unknown_figure_is_404(director_client):
    assert director_client.get(reverse("reports:drill"), {"figure": "nope", "key": "x"}).status_code == 404


def test_chart_is_svg(director_client, data):
    response = director_client.get(reverse("reports:chart", args=["referrals_month"]), {"fy": 2026})
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in response.content


@pytest.mark.parametrize("fmt,magic", [("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_director_downloads_the_outcome_report(director_client, data, fmt, magic):
    response = director_client.get(reverse("reports:outcome_report"), {"fy": 2026, "format": fmt})
    assert response.status_code == 200 and response.content.startswith(magic)
    assert AccessLog.objects.filter(section="outcome_report").exists()


def test_worker_may_not_download_the_outcome_report(worker_client):
    assert worker_client.get(reverse("reports:outcome_report"), {"fy": 2026}).status_code == 403


def test_outcome_report_is_reproducible_and_has_one_sheet_per_table(center, data):
    report = outcome.build_report(center=center, fiscal_year=2026)
    first, second = outcome.to_xlsx(report), outcome.to_xlsx(outcome.build_report(center=center, fiscal_year=2026))
    assert first == second
    book = load_workbook(io.BytesIO(first))
    assert len(book.sheetnames) == len(report.tables)
    assert int(book.worksheets[0].page_setup.paperSize) == int(book.worksheets[0].PAPERSIZE_A4)
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(io.BytesIO(first)).infolist())
    pdf_one = outcome.to_pdf(outcome.build_report(center=center, fiscal_year=2026))
    pdf_two = outcome.to_pdf(outcome.build_report(center=center, fiscal_year=2026))
    assert pdf_one == pdf_two


def test_publication_mode_hides_small_counts_in_the_report(center, data):
    report = outcome.build_report(center=center, fiscal_year=2026, public=True)
    duty = report.tables[0]
    shown = [v for _, values in duty.rows() for v in values]
    assert outcome.HIDDEN in shown
    assert all(v == outcome.HIDDEN or v == 0 or v >= 5 for v in shown)


def test_outcome_report_command_writes_xlsx_and_pdf(center, data, tmp_path):
    call_command("outcome_report", "--fiscal-year", "2026", "--center", str(center.pk),
                 "--output", str(tmp_path / "r.xlsx"))
    call_command("outcome_report", "--fiscal-year", "2026", "--center", str(center.pk),
                 "--output", str(tmp_path / "r.pdf"), "--public")
    assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "r.pdf").read_bytes()[:4] == b"%PDF"


# --- 再犯の把握 on the case ---------------------------------------------------------------------------------


def test_worker_records_a_reoffence_after_closure(worker_client, center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="closed",
                       closure_outcome="stable", end_date=dt.date(2026, 10, 1))
    url = reverse("cases:reoffences", args=[case.pk])
    assert worker_client.get(url).status_code == 200
    response = worker_client.post(url, {"reoffence-occurred_on": "R8.11.3", "reoffence-offence_category": "theft",
                                        "reoffence-source": "justice", "reoffence-note": "（架空）"})
    assert response.status_code == 302
    event = ReoffenceEvent.objects.get(case=case)
    assert event.occurred_on == dt.date(2026, 11, 3) and event.person_id == case.person_id
    assert case.closure_outcome == "stable"


def test_reoffence_form_keeps_input_and_says_what_is_missing(worker_client, center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    response = worker_client.post(reverse("cases:reoffences", args=[case.pk]), {"reoffence-note": "途中まで"})
    assert response.status_code == 400
    assert "途中まで" in response.content.decode()


def test_clerk_may_not_see_reoffences(clerk_client, center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    assert clerk_client.get(reverse("cases:reoffences", args=[case.pk])).status_code == 403


def test_auditor_reads_but_may_not_record_reoffences(auditor_client, center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    url = reverse("cases:reoffences", args=[case.pk])
    assert auditor_client.get(url).status_code == 200
    assert auditor_client.post(url, {"reoffence-occurred_on": "R8.11.3", "reoffence-source": "justice"}
                               ).status_code == 403


def test_outsider_gets_404_for_reoffences(outsider_client, center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    assert outsider_client.get(reverse("cases:reoffences", args=[case.pk])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_case_edit_keeps_the_actual_release_date_and_the_justice_snapshot(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker,
                       expected_release_date=dt.date(2026, 12, 1))
    updated = workflow.update_case(actor=worker, case=case, expected_version=case.version,
                                   actual_release_date=dt.date(2026, 12, 3), sentence_type="imprisonment",
                                   coordination_type="general")
    assert updated.expected_release_date == dt.date(2026, 12, 1)
    assert updated.actual_release_date == dt.date(2026, 12, 3)
    assert updated.history.latest().sentence_type == "imprisonment"


def test_clerk_may_not_set_the_justice_snapshot(center, clerk, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    with pytest.raises(PermissionDenied):
        workflow.update_case(actor=clerk, case=case, expected_version=case.version, sentence_type="fine")


def test_case_edit_page_shows_the_justice_snapshot_only_to_those_who_may_see_justice(
        worker_client, clerk_client, center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    url = reverse("cases:edit", args=[case.pk])
    assert "刑の種類" in worker_client.get(url).content.decode()
    page = clerk_client.get(url).content.decode()
    assert "実際の釈放日" in page and "刑の種類" not in page
