"""Issue 5's check in a real browser: add a 自立準備ホーム with capacity 4 through the partners pages, place two
persons, record the vacancy after a phone call, find the home in the vacancy search for a matching person,
and see the placements on its page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.models import Organization
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.models import Placement, VacancyReport

pytestmark = pytest.mark.e2e

HOME = "架空の自立準備ホームけやき"


def place(page, case, *, entered_on: dt.date) -> None:
    page.goto(f"/placements/case/{case.pk}/")
    page.get_by_role("link", name="＋ 居所を登録").click()
    page.wait_for_url(re.compile(r"/placements/case/\d+/placements/new/$"))
    page.locator("#id_organization").select_option(label=f"{HOME}（さいたま市浦和区）")
    page.locator("#id_kind").select_option(label="自立準備ホーム")
    page.locator("#id_funding").select_option(label="更生緊急保護")
    page.locator("#id_entered_on").fill(entered_on.isoformat())
    page.get_by_role("button", name="居所を登録").click()
    page.wait_for_url(re.compile(rf"/placements/case/{case.pk}/#placement-\d+$"))
    assert "を登録しました。" in page.locator(".messages").inner_text()
    assert HOME in page.locator("#current").inner_text()


def test_a_home_with_capacity_four_two_placements_a_call_and_the_vacancy_search(logged_in, worker, center):
    page = logged_in(worker)
    today = timezone.localdate()

    # 1. The home, through the partners pages.
    page.goto("/partners/new/")
    page.locator("#id_name").fill(HOME)
    page.locator("#id_kind").select_option(label="自立準備ホーム")
    page.locator("#id_prefecture").fill("埼玉県")
    page.locator("#id_municipality").fill("さいたま市浦和区")
    residential = page.locator("details.partners-residential")
    if residential.get_attribute("open") is None:
        residential.locator("summary").click()
    page.locator("#id_capacity").fill("4")
    page.locator("#id_accepts_sex").select_option(label="男性のみ")
    page.locator("#id_accepts_care_level").select_option(label="要介護3まで")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/partners/\d+/$"))
    home = Organization.objects.get(name=HOME)
    assert home.capacity == 4

    # 2. Two persons placed there from their cases.
    first = CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name="一郎"), main_staff=worker)
    second = CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name="二郎"),
                         main_staff=worker)
    place(page, first, entered_on=today - dt.timedelta(days=10))
    place(page, second, entered_on=today)
    shot(page, "partners_placements_1_case_section")
    assert Placement.objects.filter(organization=home, exited_on__isnull=True).count() == 2

    # 3. The home's page: both residents, 4 − 2 = 2 free; then the vacancy given on the phone.
    page.locator("#current").get_by_role("link", name=HOME).click()
    page.wait_for_url(re.compile(rf"/placements/organization/{home.pk}/$"))
    residents = page.locator("#residents").inner_text()
    assert "架空 一郎" in residents and "架空 二郎" in residents
    figure = page.locator("#vacancy .vacancy-big").inner_text()
    assert "推定" in figure and "空き最大2名" in figure and "要確認" in figure  # no call yet: an estimate
    page.locator("#vacancy summary").click()
    page.locator("#id_vacancy-vacancies").fill("1")
    page.locator("#id_vacancy-answered_by").fill("寮長（架空）")
    page.get_by_role("button", name="空きを記録").click()
    page.wait_for_url(re.compile(rf"/placements/organization/{home.pk}/#vacancy$"))
    assert "空き 1名" in page.locator("#vacancy .vacancy-big").inner_text()
    assert "電話確認" in page.locator("#vacancy .vacancy-big").inner_text()
    assert VacancyReport.objects.get(organization=home).vacancies == 1
    shot(page, "partners_placements_2_organization")

    # 4. A 72-year-old man with 要介護2 near さいたま市, from tomorrow: the search starts from his case.
    third = CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name="三郎", sex="male",
                                             birth_date=today.replace(year=today.year - 73) + dt.timedelta(days=2),
                                             care_level="c2", municipality="さいたま市"),
                        main_staff=worker)
    page.goto(f"/placements/case/{third.pk}/")
    page.get_by_role("link", name="この人の条件で空き施設を探す").click()
    page.wait_for_url(re.compile(r"/placements/vacancies/\?case=\d+$"))
    assert page.locator("#id_age").input_value() == "72"
    assert page.locator("#id_care_level").input_value() == "c2"
    row = page.locator("#vacancy-results tr.vacancy-result", has_text=HOME)
    assert "空き 1名" in row.inner_text()
    assert "同じ市区町村" in row.inner_text()
    shot(page, "partners_placements_3_vacancy_search")

    # Changing the search through htmx: a woman is not taken by this home.
    page.locator("#id_sex").select_option(label="女性")
    with page.expect_response(lambda r: "/placements/vacancies/" in r.url):
        page.get_by_role("button", name="探す").click()
    page.locator("#vacancy-results", has_text="見つかりませんでした").wait_for()

    # 5. The placements on the home's page, and in its relationship history.
    page.goto(f"/partners/{home.pk}/")
    history = page.locator("#relationship").inner_text()
    assert history.count("入所") >= 2 and "空き確認" in history
    page.goto(f"/placements/organization/{home.pk}/")
    assert page.locator("#residents tbody tr").count() == 2
    assert page.console_problems == []
