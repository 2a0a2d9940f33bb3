"""The day's work in a real browser: log in with two-factor, register a person, open a case, write two
support records, find them on the case and person pages, and print the face sheet."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from e2e.helpers import shot
from yorisoi.cases.models import Case
from yorisoi.common.eras import format_era
from yorisoi.people.models import Person
from yorisoi.records.models import Activity

pytestmark = pytest.mark.e2e

FAMILY, GIVEN = "榎本", "千代子"


def no_script_errors(page) -> None:
    assert page.console_problems == []


def add_record(page, when: dt.datetime, kind_label: str, counterpart: str, minutes: int, narrative: str) -> None:
    timeline = page.locator("#timeline")
    details = timeline.locator("details.record-add")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = details.locator("form")
    field = form.get_by_label("日時")
    assert field.get_attribute("type") == "text"  # an era date-time box, not the browser's Gregorian widget
    field.fill(f"{format_era(when.date(), style='short')} {when:%H:%M}")  # R8.12.6 10:30
    form.locator("[name=kind]").select_option(label=kind_label)
    form.locator("[name=counterpart]").fill(counterpart)
    form.locator("[name=minutes]").fill(str(minutes))
    form.locator("[name=narrative]").fill(narrative)
    with page.expect_response(lambda r: "/records/case/" in r.url and r.request.method == "POST"):
        form.get_by_role("button", name="記録を追加").click()
    page.locator("#timeline .timeline-entry", has_text=narrative).wait_for()


def test_register_person_open_case_write_records_and_print(logged_in, worker):
    page = logged_in(worker)
    assert "さんのホーム" in page.locator("h1").inner_text()

    # 1. Register a person referred by the prosecutors; the birth date typed in the era form.
    page.get_by_role("navigation", name="主なメニュー").get_by_role("link", name="対象者").click()
    page.get_by_role("link", name="新規登録").click()
    page.wait_for_url(re.compile(r"/people/new/$"))
    page.locator("#id_family_name").fill(FAMILY)
    page.locator("#id_given_name").fill(GIVEN)
    page.locator("#id_family_name_kana").fill("えのもと")  # hiragana is accepted and stored as katakana
    page.locator("#id_given_name_kana").fill("チヨコ")
    page.locator("#id_sex").select_option(label="女性")
    page.locator("#id_birth_date").fill("昭和40年1月2日")
    shot(page, "flow_1_person_form")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    person = Person.objects.get(family_name=FAMILY, given_name=GIVEN)
    assert person.birth_date == dt.date(1965, 1, 2)
    assert person.family_name_kana == "エノモト"
    header = page.locator(".person-header")
    assert FAMILY in header.inner_text() and "エノモト" in header.inner_text()
    basic = page.locator("#basic")
    assert "昭和40年1月2日" in basic.inner_text()
    assert "1965-01-02" in basic.inner_text()
    assert "さんを登録しました。" in page.locator(".messages").inner_text()
    shot(page, "flow_2_face_sheet")

    # 2. Open a case for them.
    page.get_by_role("link", name="新しいケースを開く").click()
    page.wait_for_url(re.compile(r"/cases/new/\?person=\d+$"))
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_referral_source").select_option(index=1)
    page.locator("#id_referral_agency").fill("みどり地方検察庁 再犯防止対策室")
    shot(page, "flow_3_case_form")
    page.get_by_role("button", name="ケースを開始").click()
    # a new case goes on to the procedures proposed for the person; the worker confirms them
    page.wait_for_url(re.compile(r"/procedures/case/\d+/propose/$"))
    page.get_by_role("button", name="この内容で確定").click()
    page.wait_for_url(re.compile(r"/procedures/case/\d+/$"))
    case = Case.objects.get(person=person)
    page.goto(f"/cases/{case.pk}/")
    assert case.main_staff == worker
    assert FAMILY in page.locator("main").inner_text()

    # 3. Two support records, added on the case page (htmx swaps the timeline; no reload).
    yesterday = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(days=1)
    add_record(page, yesterday, "面接", "本人", 45, "拘置所で本人と面接。帰住先の希望を聞き取った。")
    add_record(page, yesterday + dt.timedelta(hours=3), "電話", "保護観察所", 10,
               "保護観察所に更生緊急保護の見込みを電話で確認した。")
    assert Activity.objects.filter(case=case).count() == 2
    entries = page.locator("#timeline .timeline-entry")
    assert entries.count() == 2
    assert "保護観察所に更生緊急保護" in entries.nth(0).inner_text()  # newest first
    assert "拘置所で本人と面接" in entries.nth(1).inner_text()
    page.reload()
    assert page.locator("#timeline .timeline-entry").count() == 2
    shot(page, "flow_4_case_timeline")

    # 4. The person page shows both records too.
    page.goto(f"/people/{person.pk}/")
    person_timeline = page.locator("#timeline-section")
    assert "拘置所で本人と面接" in person_timeline.inner_text()
    assert "保護観察所に更生緊急保護" in person_timeline.inner_text()
    assert case.number in page.locator("#cases").inner_text()
    shot(page, "flow_5_person_timeline")

    # 5. The print view of the face sheet.
    page.get_by_role("link", name="印刷用の表示").click()
    page.wait_for_url(re.compile(r"/people/\d+/print/$"))
    sheet = page.locator(".print-sheet")
    assert "フェイスシート" in sheet.inner_text()
    assert FAMILY in sheet.inner_text()
    assert "昭和40年1月2日" in sheet.inner_text() and "1965-01-02" in sheet.inner_text()
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    shot(page, "flow_6_print")
    no_script_errors(page)
