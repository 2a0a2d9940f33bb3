"""Pre-consultations (事前相談): register, edit, the liaison-meeting agenda, 「ケースにする」, logging, roles."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from yorisoi.cases.models import Case, CaseKind, Phase, ReferralSource
from yorisoi.intake.models import PreConsultation, PreConsultationStatus
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records.models import Activity, ActivityKind

from .factories import PreConsultationFactory
from .helpers import body

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)

PRE_POST = {
    "consulted_on": "令和8年11月10日", "organization": "", "source_kind": "correctional", "agency_name": "架空刑務所",
    "officer": "架空 福祉専門官", "contact": "", "family_name": "架空", "given_name": "四郎",
    "family_name_kana": "カクウ", "given_name_kana": "シロウ", "summary": "満期釈放の予定。帰住先なし（テスト用）。",
    "expected_timing": "令和9年2月頃", "expected_date": "R9.2.15", "status": "considering",
    "for_liaison_meeting": "on", "staff": "",
}


def _detail(entry) -> str:
    return reverse("intake:preconsultation_detail", args=[entry.pk])


def _convert(entry) -> str:
    return reverse("intake:preconsultation_convert", args=[entry.pk])


def test_worker_registers_a_pre_consultation_with_only_a_name(center, worker, worker_client):
    response = worker_client.post(reverse("intake:preconsultation_create"), PRE_POST)
    entry = PreConsultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(entry)
    assert (entry.person, entry.name, entry.staff, entry.created_by) == (None, "架空 四郎", worker, worker)
    assert entry.expected_date == dt.date(2027, 2, 15)
    assert entry.for_liaison_meeting is True
    assert AccessLog.objects.filter(action=AccessAction.CREATE, object_id=entry.pk,
                                    object_type="intake.preconsultation").exists()


def test_the_summary_is_encrypted_in_the_database(center, worker_client):
    worker_client.post(reverse("intake:preconsultation_create"), PRE_POST)
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM intake_preconsultation")
        stored = cursor.fetchone()[0]
    assert "帰住先なし" not in stored


def test_a_pre_consultation_needs_a_person_or_a_name(center, worker_client):
    response = worker_client.post(reverse("intake:preconsultation_create"), {**PRE_POST, "family_name": ""})
    assert response.status_code == 200
    assert "登録済みの対象者を選ぶか、氏を入力してください。" in body(response)
    assert not PreConsultation.objects.exists()


def test_linking_an_existing_person_copies_their_name(center, worker_client):
    person = PersonFactory(center=center, family_name="齋藤", given_name="架空")
    response = worker_client.post(reverse("intake:preconsultation_create"), {
        **PRE_POST, "family_name": "斎藤", "given_name": "架空", "existing_person": str(person.pk)})
    assert response.status_code == 302
    entry = PreConsultation.objects.get()
    assert entry.person == person
    assert entry.family_name == "斎藤"  # as the agency gave it


def test_viewing_a_pre_consultation_is_logged(center, worker, worker_client):
    entry = PreConsultationFactory(center=center)
    response = worker_client.get(_detail(entry))
    assert response.status_code == 200
    assert "満期釈放後の帰住先がない" in body(response)
    assert AccessLog.objects.filter(action=AccessAction.VIEW, object_type="intake.preconsultation",
                                    object_id=entry.pk, staff=worker).count() == 1


def test_edit_with_a_stale_version_is_refused_with_both_versions(center, worker, colleague, worker_client):
    from yorisoi.intake import services

    entry = PreConsultationFactory(center=center)
    services.update_pre_consultation(actor=colleague, entry=entry, expected_version=1, officer="後任 観察官")
    data = {**PRE_POST, "version": "1", "officer": "別の人"}
    response = worker_client.post(reverse("intake:preconsultation_edit", args=[entry.pk]), data)
    assert response.status_code == 409
    assert "後任 観察官" in body(response)
    entry.refresh_from_db()
    assert entry.officer == "後任 観察官"


def test_list_filters_the_entries_for_the_liaison_meeting(center, worker_client):
    PreConsultationFactory(center=center, family_name="甲野", for_liaison_meeting=True)
    PreConsultationFactory(center=center, family_name="乙野")
    text = body(worker_client.get(reverse("intake:preconsultation_list") + "?meeting=1"))
    assert "甲野 花子" in text and "乙野 花子" not in text
    text = body(worker_client.get(reverse("intake:preconsultation_list")))
    assert "甲野 花子" in text and "乙野 花子" in text


def test_meeting_agenda_lists_flagged_open_entries_with_initials_and_logs_the_print(center, worker, worker_client):
    PreConsultationFactory(center=center, family_name="甲野", family_name_kana="コウノ", for_liaison_meeting=True)
    PreConsultationFactory(center=center, family_name="乙野", for_liaison_meeting=True,
                           status=PreConsultationStatus.NOT_NEEDED)
    PreConsultationFactory(center=center, family_name="丙野")
    text = body(worker_client.get(reverse("intake:preconsultation_meeting")))
    assert "コ・ハ" in text
    assert "甲野" not in text and "乙野" not in text and "丙野" not in text
    assert AccessLog.objects.filter(action=AccessAction.PRINT, section="pre_consultation_meeting",
                                    detail="1件（イニシャル）").exists()
    text = body(worker_client.get(reverse("intake:preconsultation_meeting") + "?names=1"))
    assert "甲野 花子" in text and "乙野" not in text


@time_machine.travel(NOON, tick=False)
def test_converting_makes_a_case_and_a_person_and_links_both_ways(center, worker, worker_client):
    entry = PreConsultationFactory(center=center, expected_date=dt.date(2026, 12, 1), staff=worker)
    response = worker_client.post(_convert(entry), {"convert-version": entry.version,
                                                    "convert-existing_person": "new"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    entry.refresh_from_db()
    assert (entry.case, entry.status, entry.person) == (case, PreConsultationStatus.CASE, case.person)
    assert case.pre_consultation == entry
    assert (case.phase, case.kind, case.referral_source) == (Phase.INTAKE, CaseKind.EXIT, ReferralSource.PROBATION)
    assert (case.referral_agency, case.referral_officer) == ("架空保護観察所", "架空 保護観察官")
    assert case.expected_release_date == dt.date(2026, 12, 1)
    assert (case.person.family_name, case.person.family_name_kana) == (entry.family_name, "ジゼン")
    record = Activity.objects.get(case=case)
    assert record.kind == ActivityKind.LIAISON
    assert "満期釈放後の帰住先がない" in record.narrative
    case_page = body(worker_client.get(reverse("cases:detail", args=[case.pk])))
    assert _detail(entry) in case_page
    assert reverse("cases:detail", args=[case.pk]) in body(worker_client.get(_detail(entry)))


@time_machine.travel(NOON, tick=False)
def test_converting_asks_which_person_when_the_name_is_registered(center, worker_client):
    person = PersonFactory(center=center, family_name="齋藤", given_name="花子")
    entry = PreConsultationFactory(center=center, family_name="斎藤", given_name="花子")
    page = body(worker_client.get(_detail(entry)))
    assert f'name="convert-existing_person" value="{person.pk}"' in page
    response = worker_client.post(_convert(entry), {"convert-version": entry.version})
    assert response.status_code == 200
    assert "登録済みの対象者を選ぶか、新しく登録するかを選んでください。" in body(response)
    assert not Case.objects.exists()
    response = worker_client.post(_convert(entry), {"convert-version": entry.version,
                                                    "convert-existing_person": str(person.pk)})
    assert response.status_code == 302
    assert Case.objects.get().person == person
    assert Person.objects.count() == 1


@time_machine.travel(NOON, tick=False)
def test_a_pre_consultation_becomes_a_case_only_once(center, worker_client):
    entry = PreConsultationFactory(center=center)
    worker_client.post(_convert(entry), {"convert-version": 1, "convert-existing_person": "new"})
    entry.refresh_from_db()
    response = worker_client.post(_convert(entry), {"convert-version": entry.version,
                                                    "convert-existing_person": "new"})
    assert response.status_code == 200
    assert Case.objects.count() == 1


def test_a_not_needed_pre_consultation_is_not_converted(center, worker_client):
    entry = PreConsultationFactory(center=center, status=PreConsultationStatus.NOT_NEEDED)
    response = worker_client.post(_convert(entry), {"convert-version": 1, "convert-existing_person": "new"})
    assert response.status_code == 200
    assert "「支援不要」の事前相談はケースにできません。" in body(response)
    assert not Case.objects.exists()


def test_converting_without_a_reading_asks_for_it_first(center, worker_client):
    entry = PreConsultationFactory(center=center, family_name_kana="")
    response = worker_client.post(_convert(entry), {"convert-version": 1, "convert-existing_person": "new"})
    assert response.status_code == 200
    assert "新しく登録するには氏のフリガナが必要です。" in body(response)
    assert not Person.objects.exists()


def test_status_case_cannot_be_set_by_hand(center, worker_client):
    response = worker_client.post(reverse("intake:preconsultation_create"), {**PRE_POST, "status": "case"})
    assert response.status_code == 200
    assert not PreConsultation.objects.exists()


# --- roles ------------------------------------------------------------------------------------------------


def test_clerk_never_sees_pre_consultations(center, clerk_client):
    entry = PreConsultationFactory(center=center)
    for url in (reverse("intake:preconsultation_list"), _detail(entry), reverse("intake:preconsultation_meeting"),
                reverse("intake:preconsultation_create")):
        assert clerk_client.get(url).status_code == 403, url
    assert AccessLog.objects.filter(action=AccessAction.DENIED, section="intake.preconsultations").exists()


def test_auditor_reads_but_does_not_write(center, auditor_client):
    entry = PreConsultationFactory(center=center)
    assert auditor_client.get(reverse("intake:preconsultation_list")).status_code == 200
    page = auditor_client.get(_detail(entry))
    assert page.status_code == 200
    assert "ケースにする" not in body(page)
    assert auditor_client.get(reverse("intake:preconsultation_create")).status_code == 403
    assert auditor_client.post(reverse("intake:preconsultation_create"), PRE_POST).status_code == 403
    assert auditor_client.get(reverse("intake:preconsultation_edit", args=[entry.pk])).status_code == 403
    assert auditor_client.post(_convert(entry), {"convert-version": 1,
                                                 "convert-existing_person": "new"}).status_code == 403
    assert not Case.objects.exists()


def test_outsider_gets_404_for_every_pre_consultation_url(center, outsider_client):
    entry = PreConsultationFactory(center=center)
    for url in (_detail(entry), reverse("intake:preconsultation_edit", args=[entry.pk]), _convert(entry)):
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url, {"convert-version": 1}).status_code == 404, url
    assert "満期釈放" not in body(outsider_client.get(reverse("intake:preconsultation_list")))
    assert "満期釈放" not in body(outsider_client.get(reverse("intake:preconsultation_meeting")))
