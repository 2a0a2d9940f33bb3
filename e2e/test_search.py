"""Finding people in a real browser: a variant spelling in the header search opens the right person; registering
someone already there under a variant name shows the duplicate warning; a director merges two records of one
person and the old record's number leads to the survivor."""

import datetime as dt
import re

import pytest

from e2e.helpers import shot
from yorisoi.cases.models import Case
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.models import Person, PersonMerge
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e

BORN = dt.date(1947, 3, 5)


@pytest.fixture
def saito(center):
    return PersonFactory(center=center, family_name="齋藤", given_name="一郎", family_name_kana="サイトウ",
                         given_name_kana="イチロウ", birth_date=BORN)


def test_a_variant_spelling_in_the_header_search_opens_the_right_person(logged_in, center, worker, saito):
    PersonFactory(center=center, family_name="斉藤", given_name="一郎", family_name_kana="サイトウ",
                  given_name_kana="イチロウ", birth_date=dt.date(1960, 8, 1))  # looks alike, another person
    page = logged_in(worker)
    box = page.locator("#header-q")
    with page.expect_response(lambda r: r.url.endswith("/search/") and r.request.method == "POST"):
        box.fill("斎藤 一郎 S22.3.5")  # 齋 typed as 斎, with the birth date in era form
    first = page.locator("#header-search-results .search-hits li").first
    first.wait_for()
    assert "齋藤 一郎" in first.inner_text()
    shot(page, "search_1_header_variant")
    first.get_by_role("link", name="齋藤 一郎").click()
    page.wait_for_url(re.compile(rf"/people/{saito.pk}/$"))
    assert "齋藤 一郎" in page.locator("h1").inner_text()


def test_registering_a_person_already_there_under_a_variant_name_shows_the_warning(logged_in, worker, saito):
    page = logged_in(worker)
    page.goto("/people/new/")
    page.locator("#id_family_name").fill("斎藤")
    page.locator("#id_given_name").fill("一朗")  # 郎 mistyped as 朗
    page.locator("#id_family_name_kana").fill("さいとう")
    page.locator("#id_given_name_kana").fill("いちろう")
    page.locator("#id_birth_date").fill("S22.3.5")
    page.get_by_role("button", name="登録する").click()
    warning = page.locator("#same-name")
    warning.wait_for()
    assert "齋藤 一郎" in warning.inner_text() and "一致度" in warning.inner_text()
    shot(page, "search_2_duplicate_warning")
    assert Person.objects.filter(given_name="一朗").count() == 0


def test_a_director_merges_two_records_of_one_person(logged_in, director, worker, saito):
    old = PersonFactory(center=saito.center, family_name="斎藤", given_name="一郎", family_name_kana="サイトウ",
                        given_name_kana="イチロー", birth_date=BORN, aliases="さいとう いっちゃん")
    case = CaseFactory(person=old, main_staff=worker)
    page = logged_in(director)
    page.goto(f"/people/{saito.pk}/")
    page.get_by_role("link", name="この人と統合").click()
    page.wait_for_url(re.compile(rf"/people/{saito.pk}/merge/$"))
    row = page.locator("tr", has_text="記録番号 " + str(old.pk))
    shot(page, "search_3_merge_candidates")
    row.get_by_role("link", name="この人と統合").click()
    page.wait_for_url(re.compile(rf"/people/{saito.pk}/merge/{old.pk}/$"))
    assert "支援ケース 1件" in page.locator("main").inner_text()
    page.get_by_label("統合の理由").fill("同じ人が二重に登録されていた（生年月日・読みが一致、本人に確認）")
    shot(page, "search_4_merge_confirm")
    page.get_by_role("button", name="統合する").click()
    page.wait_for_url(re.compile(rf"/people/{saito.pk}/$"))
    assert "統合しました" in page.locator("body").inner_text()
    assert Case.objects.get(pk=case.pk).person_id == saito.pk
    assert PersonMerge.objects.get().absorbed_id == old.pk

    page.goto(f"/people/{old.pk}/")  # the old number leads to the survivor
    page.wait_for_url(re.compile(rf"/people/{saito.pk}/$"))
    assert "統合済み" in page.locator("body").inner_text()
    shot(page, "search_5_merged_redirect")
    page.goto("/people/merges/")
    assert "同じ人が二重に登録されていた" in page.locator("main").inner_text()
    shot(page, "search_6_merge_history")
