"""Issue 10's vacancy in a real browser: a 自立準備ホーム said 「空き2名」 on the phone after refusing three
earlier inquiries for 満床; placing a man there makes its vacancy 1 (never 「最大3名」), the search from his
case wants a bed on his release date, and the search works on a tablet (820 px) without sideways scrolling."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.models import Placement, VacancyReport
from yorisoi.placements.tests.factories import InquiryFactory, residence

pytestmark = pytest.mark.e2e

HOME = "架空の自立準備ホームさくら"


def test_the_vacancy_falls_from_2_to_1_after_a_placement(logged_in, worker, center):
    page = logged_in(worker)
    now = timezone.now()
    today = timezone.localdate()
    home = residence(center=center, name=HOME, capacity=4, municipality="さいたま市浦和区")
    residence(center=center, name="架空の救護施設（定員80）", kind=kind("relief_facility"), capacity=80,
              municipality="さいたま市浦和区")
    for days in (12, 9, 5):
        InquiryFactory(case=CaseFactory(person=PersonFactory(center=center)), organization=home,
                       inquired_at=now - dt.timedelta(days=days), result="refused", refusal_reason="full")
    man = CaseFactory(person=PersonFactory(center=center, family_name="架空", given_name="四郎", sex="male",
                                           municipality="さいたま市"),
                      main_staff=worker, expected_release_date=today + dt.timedelta(days=3))

    # 1. The call: 「空き2名」 by phone, recorded on the home's page.
    page.goto(f"/placements/organization/{home.pk}/")
    assert "満床で断られた：3回" in page.locator("#vacancy").inner_text()
    page.locator("#vacancy summary").click()
    page.locator("#id_vacancy-vacancies").fill("2")
    page.locator("#id_vacancy-method").select_option(label="電話")
    page.get_by_role("button", name="空きを記録").click()
    page.wait_for_url(re.compile(rf"/placements/organization/{home.pk}/#vacancy$"))
    figure = page.locator("#vacancy .vacancy-big").inner_text()
    assert "空き 2名" in figure and "電話確認" in figure
    assert VacancyReport.objects.get(organization=home).vacancies == 2

    # 2. The search from the man's case: his release date, the confirmed home first, the estimate after it.
    page.goto(f"/placements/vacancies/?case={man.pk}")
    assert page.locator("#id_on").input_value() != ""
    assert "入所したい日は釈放予定日" in page.locator(".placements-for-case").inner_text()
    rows = page.locator("#vacancy-results tr.vacancy-result")
    assert HOME in rows.nth(0).inner_text() and "空き 2名" in rows.nth(0).inner_text()
    assert "推定" in rows.nth(1).inner_text() and "空き最大80名" in rows.nth(1).inner_text()

    # 3. The placement, through the case's pages (the picker offers places to stay).
    page.goto(f"/placements/case/{man.pk}/")
    page.get_by_role("link", name="＋ 居所を登録").click()
    page.wait_for_url(re.compile(r"/placements/case/\d+/placements/new/$"))
    page.locator("#id_organization").select_option(label=f"{HOME}（さいたま市浦和区）")
    page.locator("#id_kind").select_option(label="自立準備ホーム")
    page.locator("#id_funding").select_option(label="更生緊急保護")
    page.locator("#id_entered_on").fill(today.isoformat())
    page.get_by_role("button", name="居所を登録").click()
    page.wait_for_url(re.compile(rf"/placements/case/{man.pk}/#placement-\d+$"))
    assert Placement.objects.filter(organization=home, exited_on__isnull=True).count() == 1

    # 4. The home now has 1 free place: the report minus the placement, never capacity − residents (3).
    page.goto(f"/placements/organization/{home.pk}/")
    figure = page.locator("#vacancy .vacancy-big").inner_text()
    assert "空き 1名" in figure and "電話確認" in figure and "最大" not in figure
    assert "その後に記録された入所1名を引いた数です。" in page.locator("#vacancy .vacancy-explanation").inner_text()
    shot(page, "vacancy_trust_1_organization")

    # 5. On a tablet (820 px): the search and its results fit the width.
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"/placements/vacancies/?case={man.pk}")
    row = page.locator("#vacancy-results tr.vacancy-result", has_text=HOME)
    assert "空き 1名" in row.inner_text()
    shot(page, "vacancy_trust_2_search_tablet")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className).slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    assert page.console_problems == []
