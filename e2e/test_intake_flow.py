"""A phone referral in a real browser: the exact-name check as the worker types, a new person and case in
相談受付, and the release countdown with its urgency on the home screen. Also screenshots of the
pre-consultation list and the consultation summary."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from e2e.helpers import shot
from yorisoi.cases.models import Case, Phase, Urgency
from yorisoi.common.eras import format_era
from yorisoi.intake.tests.factories import ConsultationFactory, PreConsultationFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.models import Activity, ActivityKind

pytestmark = pytest.mark.e2e


def test_phone_referral_with_release_in_three_days_reaches_the_home_screen(logged_in, center, worker):
    registered = PersonFactory(center=center, family_name="齋藤", given_name="千代", family_name_kana="サイトウ",
                               given_name_kana="チヨ")
    OrganizationFactory(center=center, name="みどり地方検察庁", department="再犯防止対策室",
                        kind=kind("prosecutors_office"))
    release = timezone.localdate() + dt.timedelta(days=3)
    page = logged_in(worker)
    page.goto("/intake/")

    # 1. Who calls: the prosecutors' office from the partner directory (justice agencies first).
    page.locator("#id_organization").select_option(label="みどり地方検察庁 再犯防止対策室（地方検察庁）")
    page.locator("#id_referral_officer").fill("検察事務官 架空")
    page.locator("#id_referral_contact").fill("000-0000-0000")

    # 2. The person: typing a variant spelling shows the registered 齋藤 as a possible match.
    family = page.locator("#id_family_name")
    family.fill("斎藤")
    with page.expect_response(lambda r: "/intake/name-check/" in r.url and r.request.method == "POST"):
        family.press("End")  # the keyup that follows the IME's conversion
    hint = page.locator("#same-name-results .same-name-hint")
    hint.wait_for()
    assert "齋藤 千代" in hint.inner_text()
    page.locator("#id_given_name").fill("ハル")
    page.locator("#id_family_name_kana").fill("さいとう")
    page.locator("#id_given_name_kana").fill("はる")
    page.locator("#id_sex").select_option(label="女性")
    page.locator("#id_birth_date").fill("S22.5.3")
    shot(page, "intake_1_referral_same_name")
    page.get_by_label("別人として新しく登録する").check()

    # 3. Release in 3 days, 至急; 4. what was said.
    page.locator("#id_expected_release_date").fill(format_era(release))
    page.locator("#id_release_place").fill("みどり拘置支所")
    page.get_by_label("至急").check()
    page.locator("#id_first_note").fill("検察庁から電話。3日後に釈放予定、帰住先なし（架空）。")
    shot(page, "intake_2_referral_filled")
    page.get_by_role("button", name="受け付けてケースを開始").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))

    case = Case.objects.get(person__given_name="ハル")
    assert (case.phase, case.urgency, case.expected_release_date) == (Phase.INTAKE, Urgency.IMMEDIATE, release)
    assert case.person != registered and Person.objects.count() == 2
    assert Activity.objects.get(case=case).kind == ActivityKind.PHONE
    header = page.locator(".case-header").inner_text()
    assert "至急" in header and "あと3日" in header
    assert "相談を受け付け、支援ケース" in page.locator(".messages").inner_text()
    shot(page, "intake_3_case")

    page.goto("/")
    releases = page.locator(".home-releases")
    assert "斎藤 ハル" in releases.inner_text()
    row = releases.locator("li.release", has_text="斎藤 ハル")
    assert "あと3日" in row.inner_text() and "至急" in row.inner_text()
    assert "urgent" in (row.get_attribute("class") or "")
    shot(page, "intake_4_home")
    assert page.console_problems == []


def test_pre_consultation_list_and_consultation_summary(logged_in, center, worker):
    for i, (family, kana) in enumerate([("架空", "カクウ"), ("仮名", "カメイ"), ("見本", "ミホン")]):
        PreConsultationFactory(center=center, family_name=family, family_name_kana=kana, staff=worker,
                               for_liaison_meeting=i != 1, consulted_on=dt.date(2026, 9, 1) + dt.timedelta(days=9 * i))
    for i in range(12):
        ConsultationFactory(center=center, staff=worker, consulted_on=dt.date(2026, 4, 3) + dt.timedelta(days=23 * i),
                            about_person=i % 4 == 0, person_initials="Y.T." if i % 4 == 0 else "")
    page = logged_in(worker)
    page.goto("/intake/pre/")
    assert page.locator("table tbody tr").count() == 3
    shot(page, "intake_5_preconsultation_list")
    page.get_by_role("link", name="意見交換会の議題（印刷用）").click()
    assert page.locator("table tbody tr").count() == 2
    shot(page, "intake_6_meeting_agenda")
    page.goto("/intake/consultations/summary/?fy=2026")
    assert "令和8年度（2026年度）" in page.locator("h1").inner_text()
    assert "12" in page.locator(".intake-stats").inner_text()
    shot(page, "intake_7_consultation_summary")
    assert page.console_problems == []
