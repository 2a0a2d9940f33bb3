"""A long menu of organizations gets a box that narrows it as the worker types (hiragana finds katakana,
half width finds full width); the chosen one stays, and the form still posts the menu's value."""

import pytest
from playwright.sync_api import expect

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.tests.factories import residence

pytestmark = pytest.mark.e2e


def test_typing_narrows_the_menu_of_facilities(logged_in, worker, center):
    for name in ("架空の自立準備ホームさくら", "架空の救護施設みどり園", "サクラ荘（架空）"):
        residence(center=center, name=name, kind=kind("self_reliance_home"))
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    page = logged_in(worker)
    page.goto(f"/placements/case/{case.pk}/inquiries/new/")
    box = page.locator("input.select-filter").first
    expect(box).to_have_attribute("aria-label", "照会先（関係機関から選ぶ）を絞り込む")
    menu = page.locator("select[data-searchable]").first
    box.fill("さくら")
    expect(menu.locator("option", has_text="架空の救護施設みどり園")).to_be_hidden()
    assert menu.locator("option", has_text="架空の自立準備ホームさくら").evaluate("o => o.hidden") is False
    assert menu.locator("option", has_text="サクラ荘（架空）").evaluate("o => o.hidden") is False
    box.fill("")
    assert menu.locator("option", has_text="架空の救護施設みどり園").evaluate("o => o.hidden") is False
