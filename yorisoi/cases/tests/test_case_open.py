"""Opening a support case (cases:create): who may, what it writes, and the form's Japanese errors."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.models import Case, Phase, PhaseTransition
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def _url(person) -> str:
    return reverse("cases:create") + f"?person={person.pk}"


def _valid(**overrides) -> dict:
    data = {"kind": "entrance", "referral_source": "prosecutor", "referral_agency": "架空地方検察庁 再犯防止対策室",
            "referral_officer": "架空 検事", "referral_contact": "000-0000-0000", "referral_date": "令和8年11月19日",
            "expected_release_date": "R8.11.25", "release_place": "架空拘置支所", "main_staff": "", "sub_staff": ""}
    return {**data, **overrides}


@time_machine.travel(TODAY, tick=False)
def test_form_defaults_to_today_and_to_the_user_as_main_staff(center, worker, worker_client):
    person = PersonFactory(center=center)
    response = worker_client.get(_url(person))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="令和8年11月20日"' in body
    assert f'<option value="{worker.pk}" selected>' in body
    assert person.family_name in body


@time_machine.travel(TODAY, tick=False)
def test_worker_opens_a_case_in_intake_with_its_first_transition(center, worker, colleague, worker_client):
    person = PersonFactory(center=center)
    response = worker_client.post(_url(person), _valid(main_staff=worker.pk, sub_staff=colleague.pk))
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    # on to the procedures proposed for the person (the kind has a template)
    assert response["Location"] == reverse("procedures:propose", args=[case.pk])
    assert case.phase == Phase.INTAKE
    assert case.number == "2026-0001"
    assert case.referral_date == dt.date(2026, 11, 19)
    assert case.expected_release_date == dt.date(2026, 11, 25)
    assert (case.main_staff, case.sub_staff, case.created_by) == (worker, colleague, worker)
    transition = PhaseTransition.objects.get(case=case)
    assert (transition.from_phase, transition.to_phase, transition.changed_by) == ("", Phase.INTAKE, worker)
    assert "支援ケース 2026-0001 を開始しました" in worker_client.get(response["Location"]).content.decode()


def test_director_may_open_a_case(center, director, director_client):
    person = PersonFactory(center=center)
    response = director_client.post(_url(person), _valid(main_staff=director.pk))
    assert response.status_code == 302
    assert Case.objects.filter(person=person, main_staff=director).exists()


@pytest.mark.parametrize("client_name", ["clerk_client", "auditor_client"])
def test_clerk_and_auditor_get_403_for_open_case(request, center, client_name):
    client = request.getfixturevalue(client_name)
    person = PersonFactory(center=center)
    assert client.get(_url(person)).status_code == 403
    assert client.post(_url(person), _valid()).status_code == 403
    assert not Case.objects.exists()


def test_outsider_gets_404_for_another_centers_person(center, outsider, outsider_client):
    person = PersonFactory(center=center)
    assert outsider_client.get(_url(person)).status_code == 404
    assert outsider_client.post(_url(person), _valid(main_staff=outsider.pk)).status_code == 404
    assert not Case.objects.exists()


def test_missing_or_malformed_person_is_404(worker_client):
    assert worker_client.get(reverse("cases:create")).status_code == 404
    assert worker_client.get(reverse("cases:create") + "?person=abc").status_code == 404
    assert worker_client.get(reverse("cases:create") + "?person=999999").status_code == 404


def test_invalid_input_is_shown_in_japanese_and_kept(center, worker, worker_client):
    person = PersonFactory(center=center)
    response = worker_client.post(_url(person), _valid(kind="", referral_date="平成31年5月1日",
                                                       main_staff=worker.pk, sub_staff=worker.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "支援の種別を選んでください。" in body
    assert "令和" in body  # the era error names the right era
    assert "主担当と副担当には別の職員を選んでください。" in body
    assert 'value="架空地方検察庁 再犯防止対策室"' in body
    assert not Case.objects.exists()


def test_staff_of_another_center_cannot_be_assigned(center, outsider, worker_client):
    person = PersonFactory(center=center)
    response = worker_client.post(_url(person), _valid(main_staff=outsider.pk))
    assert response.status_code == 200
    assert "主担当の選択肢から選んでください。" in response.content.decode()
    assert not Case.objects.exists()
