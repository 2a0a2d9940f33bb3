"""The 医療 section on the person page and its forms: the health rule, 404 for another center, the access log."""

import datetime as dt

import pytest
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.medical.models import Medication
from yorisoi.medical.tests.factories import MedicationFactory, UrgentRouteFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker).person


def test_the_person_page_shows_the_medical_section_to_workers_not_to_clerks(person, worker_client, clerk_client):
    MedicationFactory(person=person, name="架空錠5mg")
    UrgentRouteFactory(person=person, organization_name="架空救急病院")
    page = worker_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'id="medical"' in page and "架空錠5mg" in page and "架空救急病院" in page
    page = clerk_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'id="medical"' not in page and "架空錠5mg" not in page


def test_the_medical_page_logs_its_view(person, worker_client):
    assert worker_client.get(reverse("medical:person", args=[person.pk])).status_code == 200
    row = AccessLog.objects.filter(person_id_value=person.pk, section="medical").latest("id")
    assert row.action == AccessAction.VIEW


def test_another_centers_person_is_404_on_every_medical_page(person, outsider_client):
    medication = MedicationFactory(person=person)
    for url in (reverse("medical:person", args=[person.pk]), reverse("medical:medication_add", args=[person.pk]),
                reverse("medical:medication_edit", args=[person.pk, medication.pk])):
        assert outsider_client.get(url).status_code == 404


def test_an_item_of_another_person_is_404(center, worker, person, worker_client):
    other = MedicationFactory(person=CaseFactory(person=PersonFactory(center=center), main_staff=worker).person)
    assert worker_client.get(reverse("medical:medication_edit", args=[person.pk, other.pk])).status_code == 404


def test_adding_a_medication_from_the_directory(center, person, worker_client):
    hospital = OrganizationFactory(center=center, kind=kind("hospital"), name="架空済生会病院",
                                   offers_free_low_cost_care=True, is_medical_partner=True)
    form = worker_client.get(reverse("medical:medication_add", args=[person.pk])).content.decode()
    assert "架空済生会病院" in form and "協力医療機関・無料低額診療" in form
    response = worker_client.post(reverse("medical:medication_add", args=[person.pk]), {
        "name": "架空錠5mg", "dosage": "1日1回", "organization": hospital.pk, "prescribed_on": "R8.12.1",
        "days_supplied": "28"})
    assert response.status_code == 302
    medication = Medication.objects.get(person=person)
    assert medication.supply_until == dt.date(2026, 12, 28) and medication.organization == hospital


def test_bad_input_gets_japanese_errors_and_keeps_what_was_typed(person, worker_client):
    response = worker_client.post(reverse("medical:appointment_add", args=[person.pk]), {
        "on": "あした", "at": "25:99", "purpose": "定期受診", "status": "planned"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "定期受診" in body and "時刻は 13:30 のように入力してください。" in body
    assert Medication.objects.count() == 0


def test_an_appointment_without_a_hospital_is_refused_in_japanese(person, worker_client):
    response = worker_client.post(reverse("medical:appointment_add", args=[person.pk]), {
        "on": "R8.12.20", "purpose": "初診", "status": "planned"})
    assert "医療機関を名簿から選ぶか、名前を入力してください。" in response.content.decode()


def test_the_directory_filters_its_medical_partners(center, worker_client):
    OrganizationFactory(center=center, kind=kind("hospital"), name="架空こころクリニック", offers_psychiatry=True)
    OrganizationFactory(center=center, kind=kind("hospital"), name="架空歯科医院", offers_dentistry=True)
    body = worker_client.get(reverse("partners:list") + "?care=offers_psychiatry").content.decode()
    assert "架空こころクリニック" in body and "架空歯科医院" not in body
