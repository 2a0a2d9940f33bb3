"""住居不定 and 住民票 status on the face sheet, and 意思決定支援 kept with consents and support plans."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.disclosure.models import Consent, Purpose
from yorisoi.disclosure.tests.factories import ConsentTemplateFactory
from yorisoi.partners.tests.factories import kind
from yorisoi.people.models import RegistrationStatus
from yorisoi.planning.models import SupportPlan

from .factories import PersonFactory
from .helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(center):
    return PersonFactory(center=center, family_name="架空", given_name="住男")


def test_worker_records_no_fixed_abode_and_a_deleted_registration(person, worker_client):
    data = form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    data.update(no_fixed_abode="on", registration_status="deleted", registration_municipality="架空市")
    assert worker_client.post(f"/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert (person.no_fixed_abode, person.registration_status, person.registration_municipality) == (
        True, RegistrationStatus.DELETED, "架空市")
    page = worker_client.get(f"/people/{person.pk}/").content.decode()
    assert "住居不定" in page and "職権消除" in page and "（架空市）" in page
    printed = worker_client.get(f"/people/{person.pk}/print/").content.decode()
    assert "住居不定" in printed and "職権消除（架空市）" in printed


def test_an_unknown_registration_status_is_refused_in_japanese(person, worker_client):
    data = form_data(worker_client.get(f"/people/{person.pk}/edit/"))
    data.update(registration_status="gone")
    response = worker_client.post(f"/people/{person.pk}/edit/", data)
    assert response.status_code == 200
    assert "住民票の選択肢から選んでください。" in response.content.decode()


def _consent_data(template, worker, **extra):
    return {"template": template.pk, "purposes": [Purpose.WELFARE], "agency_kinds": [kind("municipality").pk],
            "consented_on": "令和8年11月9日", "form": "oral", "taken_by": worker.pk, "note": "", **extra}


def test_a_consent_keeps_who_supported_the_decision(person, center, worker, worker_client):
    template = ConsentTemplateFactory(center=center)
    response = worker_client.post(reverse("disclosure:consent_create", args=[person.pk]), _consent_data(
        template, worker, capacity_concern="some", decision_supporters=["person", "guardian"],
        decision_support_note="絵カードで説明し、翌日もう一度確かめた（架空）"))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.capacity_concern, consent.decision_supporters) == ("some", ["person", "guardian"])
    page = worker_client.get(reverse("disclosure:consent_detail", args=[consent.pk])).content.decode()
    assert "理解・判断に支援が必要" in page and "本人・後見人等" in page and "絵カードで説明し" in page


def test_a_capacity_concern_without_a_supporter_is_refused_and_keeps_the_input(person, center, worker,
                                                                                 worker_client):
    template = ConsentTemplateFactory(center=center)
    response = worker_client.post(reverse("disclosure:consent_create", args=[person.pk]), _consent_data(
        template, worker, capacity_concern="major", decision_support_note="説明の記録（架空）"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "誰が意思決定を支えたかを選んでください" in text and "説明の記録（架空）" in text
    assert not Consent.objects.exists()


def test_the_model_refuses_an_unknown_supporter(person, center, worker):
    consent = Consent(center=center, person=person, decision_supporters=["neighbour"], capacity_concern="")
    with pytest.raises(ValidationError) as raised:
        consent.clean_decision_support()
    assert "decision_supporters" in raised.value.message_dict


def test_a_support_plan_keeps_its_decision_support(person, worker, worker_client):
    case = CaseFactory(person=person, main_staff=worker)
    response = worker_client.post(reverse("planning:plan_create", args=[case.pk]), {
        "plan_date": "R8.11.10", "review_date": "", "person_goals": "", "staff_goals": "", "person_wishes": "",
        "agreement_date": "R8.11.10", "agreement_method": "oral", "agreement_note": "",
        "capacity_concern": "some", "decision_supporters": ["person", "family"],
        "decision_support_note": "姉が同席し、本人の言葉で確かめた（架空）",
        "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0", "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = SupportPlan.objects.get(case=case)
    assert plan.decision_supporters == ["person", "family"]
    page = worker_client.get(reverse("planning:plan", args=[case.pk])).content.decode()
    assert "本人・家族" in page and "姉が同席し" in page
