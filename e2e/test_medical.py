"""Issue 14, item 6 in a real browser: a worker opens a person's face sheet, adds a regular medicine prescribed by a
cooperating hospital of the directory (14 days from today's prescription, so it runs out within the list's 14 days),
and finds the person on the center's 医療の確認 list: medicine running out and no visit booked."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.helpers import shot
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.common.eras import format_era
from yorisoi.medical.models import Medication
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e


def test_a_medication_added_on_the_face_sheet_puts_the_person_on_the_list(logged_in, center, worker):
    person = PersonFactory(center=center, family_name="架空", given_name="八郎")
    CaseFactory(person=person, main_staff=worker, phase="temporary")
    hospital = OrganizationFactory(center=center, kind=kind("hospital"), name="架空済生会病院",
                                   is_medical_partner=True, offers_free_low_cost_care=True,
                                   offers_internal_medicine=True)

    page = logged_in(worker)
    page.goto(f"/people/{person.pk}/")
    section = page.locator("section#medical")
    expect(section).to_contain_text("常用薬の登録はありません。")
    section.get_by_role("link", name="＋ 常用薬を追加").click()
    page.get_by_label("薬の名前").fill("架空錠5mg")
    page.get_by_label("用法・用量").fill("1日1回 朝食後")
    page.locator("select[name=organization]").select_option(str(hospital.pk))
    today = timezone.localdate()
    page.get_by_label("処方日", exact=True).fill(format_era(today))
    page.get_by_label("処方日数").fill("0")
    page.get_by_role("button", name="追加する").click()
    # a wrong number: refused in Japanese, what was typed is kept
    expect(page.get_by_text("処方日数は1〜365日で入力してください。")).to_be_visible()
    expect(page.get_by_label("薬の名前")).to_have_value("架空錠5mg")
    page.get_by_label("処方日数").fill("14")
    page.get_by_role("button", name="追加する").click()
    expect(page.locator("section#medical")).to_contain_text("架空錠5mg")
    expect(page.locator("section#medical")).to_contain_text("架空済生会病院")
    medication = Medication.objects.get(person=person)
    assert (medication.supply_until - today).days == 13

    page.get_by_role("navigation", name="主なメニュー").get_by_role("link", name="医療").click()
    expect(page.get_by_role("heading", name="医療の確認")).to_be_visible()
    supply = page.locator("section#supply")
    expect(supply).to_contain_text("架空 八郎")
    expect(supply).to_contain_text("架空錠5mg")
    expect(supply).to_contain_text("受診予定がないまま切れる")
    expect(page.locator("section#unbooked")).to_contain_text("架空 八郎")
    shot(page, "medical_continuity")
