"""The phone referral (intake:referral): person + case + first record in one transaction, the exact-name
check, partner organizations, urgency on the home screen, roles."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.cases.models import Case, Phase, ReferralSource, Urgency
from yorisoi.intake import services
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog
from yorisoi.records.models import Activity, ActivityKind

from .helpers import body, referral_post

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 12:00 in Japan
URL = reverse("intake:referral")


@time_machine.travel(NOON, tick=False)
def test_worker_takes_a_referral_creating_person_case_and_first_record(center, worker, worker_client):
    response = worker_client.post(URL, referral_post())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    person = case.person
    assert (person.family_name, person.given_name, person.family_name_kana, person.given_name_kana) == (
        "架空", "次郎", "カクウ", "ジロウ")
    assert person.birth_date == dt.date(1955, 4, 1)
    assert person.justice_status == "suspended_prosecution"
    assert (case.phase, case.urgency, case.main_staff, case.number) == (Phase.INTAKE, Urgency.IMMEDIATE, worker,
                                                                        "2026-0001")
    assert case.expected_release_date == dt.date(2026, 11, 23)
    assert case.referral_agency == "架空地方検察庁 再犯防止対策室"
    record = Activity.objects.get()
    assert (record.case, record.kind, record.author) == (case, ActivityKind.PHONE, worker)
    assert "起訴猶予の見込み" in record.narrative
    assert record.counterpart == "架空地方検察庁 再犯防止対策室 架空 事務官"


@time_machine.travel(NOON, tick=False)
def test_nothing_is_saved_when_the_case_part_fails(center, worker):
    person_values = {"family_name": "架空", "given_name": "三郎", "family_name_kana": "カクウ",
                     "given_name_kana": "サブロウ", "sex": "male", "birth_date": None, "justice_status": ""}
    case_values = {"kind": "entrance", "referral_source": "no-such-source", "referral_date": dt.date(2026, 11, 20)}
    with pytest.raises(ValidationError):
        services.take_referral(actor=worker, person_values=person_values, case_values=case_values,
                               first_note="架空の電話（テスト用）")
    assert not Person.objects.exists()
    assert not Case.objects.exists()
    assert not Activity.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_nothing_is_saved_and_the_form_keeps_input_without_a_first_note(center, worker_client):
    response = worker_client.post(URL, referral_post(first_note=""))
    assert response.status_code == 200
    text = body(response)
    assert "電話の内容（最初の支援経過記録になります）を入力してください。" in text
    assert 'value="架空"' in text
    assert not Person.objects.exists() and not Case.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_picking_an_existing_person_opens_the_case_for_them(center, worker, worker_client):
    existing = PersonFactory(center=center, family_name="架空", given_name="次郎")
    response = worker_client.post(URL, referral_post(existing_person=str(existing.pk)))
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Case.objects.get().person == existing


def test_an_existing_person_of_another_center_cannot_be_picked(center, other_center, worker_client):
    foreign = PersonFactory(center=other_center, family_name="架空", given_name="次郎")
    response = worker_client.post(URL, referral_post(existing_person=str(foreign.pk)))
    assert response.status_code == 200
    assert "選んだ対象者が見つかりません" in body(response)
    assert not Case.objects.exists()


def test_name_check_finds_a_variant_kanji_spelling_as_you_type(center, worker_client):
    PersonFactory(center=center, family_name="齋藤", given_name="架空", family_name_kana="サイトウ")
    response = worker_client.post(reverse("intake:name_check"), {"family_name": "斎藤", "given_name": "架空"},
                                  HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = body(response)
    assert text.lstrip().startswith('<div id="same-name-results"')
    assert "齋藤 架空" in text and "同じ氏名の対象者が1人登録されています" in text
    assert AccessLog.objects.filter(section="intake_name_check", detail="1件").exists()


def test_name_check_says_so_when_nobody_matches(center, worker_client):
    PersonFactory(center=center, family_name="齋藤", given_name="架空")
    text = body(worker_client.post(reverse("intake:name_check"), {"family_name": "架空", "given_name": "太郎"}))
    assert "同じ氏名の登録はありません" in text


def test_name_check_takes_no_names_in_the_url(worker_client):
    assert worker_client.get(reverse("intake:name_check") + "?family_name=x").status_code == 405


@time_machine.travel(NOON, tick=False)
def test_submit_without_js_stops_on_a_same_name_person_until_the_worker_chooses(center, worker_client):
    existing = PersonFactory(center=center, family_name="齋藤", given_name="次郎")
    response = worker_client.post(URL, referral_post(family_name="斎藤"))
    assert response.status_code == 200
    text = body(response)
    assert "同じ氏名の対象者が登録されています。一覧から同じ人を選ぶか" in text
    assert f'name="existing_person" value="{existing.pk}"' in text
    assert not Case.objects.exists()

    # 「別人として新しく登録する」 with the list the page showed (its signed token)
    shown = response.context["same_name"]["seen_token"]
    assert f'name="same_name_seen" value="{shown}"' in text
    response = worker_client.post(URL, referral_post(family_name="斎藤", existing_person="new",
                                                     same_name_seen=shown))
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert Case.objects.get().person.family_name == "斎藤"


def test_choosing_a_new_person_without_having_seen_every_same_name_person_asks_again(center, worker_client):
    PersonFactory(center=center, family_name="齋藤", given_name="次郎")
    shown = worker_client.post(URL, referral_post(family_name="斎藤")).context["same_name"]["seen_token"]
    newcomer = PersonFactory(center=center, family_name="斎藤", given_name="次郎")  # registered meanwhile

    response = worker_client.post(URL, referral_post(family_name="斎藤", existing_person="new", same_name_seen=shown))
    assert response.status_code == 200
    text = body(response)
    assert "同じ名前の人がいます。" in text
    assert f'name="existing_person" value="{newcomer.pk}"' in text
    assert Person.objects.count() == 2 and not Case.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_a_partner_organization_gives_the_agency_and_the_referral_source(center, worker_client):
    office = OrganizationFactory(center=center, name="架空保護観察所", kind=kind("probation_office"))
    response = worker_client.post(URL, referral_post(organization=str(office.pk), referral_source="",
                                                     referral_agency=""))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.referral_source, case.referral_agency) == (ReferralSource.PROBATION, "架空保護観察所")


def test_justice_agencies_come_first_in_the_organization_picker(center, worker_client):
    OrganizationFactory(center=center, name="あいう相談支援事業所", name_kana="アイウ")
    OrganizationFactory(center=center, name="架空地方検察庁", name_kana="ン", kind=kind("prosecutors_office"))
    text = body(worker_client.get(URL))
    assert text.index("架空地方検察庁") < text.index("あいう相談支援事業所")
    assert "司法関係" in text


def test_an_organization_of_another_center_is_refused(center, other_center, worker_client):
    foreign = OrganizationFactory(center=other_center)
    response = worker_client.post(URL, referral_post(organization=str(foreign.pk)))
    assert response.status_code == 200
    assert "関係機関の一覧から選んでください。" in body(response)
    assert not Case.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_an_intake_with_release_in_three_days_shows_on_home_with_its_urgency(center, worker_client):
    worker_client.post(URL, referral_post(expected_release_date="令和8年11月23日", urgency="immediate"))
    home = body(worker_client.get(reverse("home")))
    releases = home.split('id="releases-h"', 1)[1].split("</section>", 1)[0]
    assert "架空 次郎" in releases
    assert "あと3日" in releases
    assert '<span class="badge badge-urgency-immediate">至急</span>' in releases
    assert 'class="release urgent"' in releases


def test_the_form_offers_the_three_urgencies_with_normal_first(worker_client):
    text = body(worker_client.get(URL))
    assert text.index("通常") < text.index("急ぎ") < text.index("至急")
    assert 'hx-trigger="keyup changed delay:400ms"' in text
    assert f'hx-post="{reverse("intake:name_check")}"' in text


@pytest.mark.parametrize("client_name", ["clerk_client", "auditor_client"])
def test_clerks_and_auditors_may_not_take_a_referral(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(URL).status_code == 403
    assert client.post(URL, referral_post()).status_code == 403
    assert client.post(reverse("intake:name_check"), {"family_name": "架空"}).status_code == 403
    assert not Case.objects.exists()


def test_director_takes_referrals_too(director_client):
    assert director_client.get(URL).status_code == 200


@time_machine.travel(NOON, tick=False)
def test_the_first_record_carries_the_time_of_the_call_not_of_typing(center, worker, worker_client):
    response = worker_client.post(URL, referral_post(called_at="2026-11-20T09:15"))
    assert response.status_code == 302
    record = Activity.objects.get()
    assert record.occurred_at == dt.datetime(2026, 11, 20, 0, 15, tzinfo=dt.UTC)  # 9:15 in Japan


@time_machine.travel(NOON, tick=False)
def test_a_call_time_in_the_future_is_refused_and_the_form_keeps_the_input(center, worker, worker_client):
    response = worker_client.post(URL, referral_post(called_at="2026-11-21T09:15"))
    text = body(response)
    assert response.status_code == 200
    assert "これからの予定は記録できません" in text and "架空地方検察庁 再犯防止対策室" in text
    assert not Case.objects.exists() and not Activity.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_the_call_time_defaults_to_now_on_the_form(worker_client):
    assert 'value="令和8年11月20日 12:00"' in body(worker_client.get(URL))
