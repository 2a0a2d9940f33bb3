"""Outcomes in Chromium: the director opens the dashboard for a fiscal year, drills into one number (the cases
behind it), and downloads the outcome report as Excel and as PDF; the PDF's first page is turned into a PNG
(pdftoppm) to be looked at."""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from e2e.helpers import SCREENSHOTS, shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.tests.factories import PlacementFactory

pytestmark = pytest.mark.e2e


def test_dashboard_drill_down_and_the_outcome_report(logged_in, center, worker, director):
    for n, day in enumerate((dt.date(2026, 5, 7), dt.date(2026, 5, 20), dt.date(2026, 6, 3))):
        case = CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name=f"成果{n}"),
                           referral_date=day, main_staff=worker, coordination_type="special")
        PlacementFactory(case=case, entered_on=day + dt.timedelta(days=5 + 10 * n))
    page = logged_in(director)
    page.goto("/reports/dashboard/?fy=2026")
    assert "令和8年度" in page.locator("h1 + .lead, .lead").first.inner_text()
    shot(page, "outcomes_e2e_1_dashboard")
    months = page.locator("#figure-referrals_month")
    months.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url(re.compile(r"/reports/dashboard/cases/"))
    assert "依頼の件数（月別）：2026年5月" in page.locator("h1").inner_text()
    assert page.get_by_text("架空 成果0").count() == 1 and page.get_by_text("架空 成果1").count() == 1
    assert page.get_by_text("架空 成果2").count() == 0
    shot(page, "outcomes_e2e_2_drill")

    page.goto("/reports/dashboard/?fy=2026")
    with page.expect_download(timeout=90_000) as info:  # the report is drawn in the request (charts, PDF)
        page.get_by_role("link", name="Excel", exact=True).click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert len(book.sheetnames) > 10
    assert "業務の区分別の取扱件数" in book.worksheets[0]["A1"].value

    with page.expect_download(timeout=90_000) as info:  # the report is drawn in the request (charts, PDF)
        page.get_by_role("link", name="PDF", exact=True).click()
    pdf = SCREENSHOTS / "outcomes_e2e_report.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(open(info.value.path(), "rb").read())
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf),
                        str(SCREENSHOTS / "outcomes_e2e_3_pdf")], check=True)
        assert list(SCREENSHOTS.glob("outcomes_e2e_3_pdf*.png"))
