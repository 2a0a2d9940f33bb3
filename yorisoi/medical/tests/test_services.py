"""Writes of 医療連携: the health rule, the directory's organizations of the center only, the supply computed from
the prescription, and an audit row in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.medical import services
from yorisoi.medical.models import Medication
from yorisoi.medical.tests.factories import AppointmentFactory, MedicationFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker).person


@pytest.fixture
def hospital(center):
    return OrganizationFactory(center=center, kind=kind("hospital"), name="架空市民病院", is_medical_partner=True,
                               offers_internal_medicine=True)


def test_a_medication_lasts_its_days_from_the_prescription(worker, person, hospital):
    medication = services.add_medication(actor=worker, person=person, name="架空錠5mg", dosage="1日1回",
                                         organization=hospital, organization_name="", note="",
                                         prescribed_on=dt.date(2026, 12, 1), days_supplied=14,
                                         supply_until=None, ended_on=None)
    assert medication.supply_until == dt.date(2026, 12, 14)
    assert medication.center_id == person.center_id
    row = AccessLog.objects.filter(object_id=medication.pk, action=AccessAction.CREATE).get()
    assert row.section == "medical" and row.person_id_value == person.pk


def test_the_name_of_the_medicine_is_stored_encrypted(worker, person):
    medication = MedicationFactory(person=person, name="架空錠5mg")
    stored = Medication.objects.filter(pk=medication.pk).values_list("name", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM medical_medication WHERE id = %s", [medication.pk])
        raw = cursor.fetchone()[0]
    assert list(stored) == ["架空錠5mg"]
    assert "架空錠" not in raw


def test_an_appointment_needs_a_hospital(worker, person):
    with pytest.raises(ValidationError) as error:
        services.add_appointment(actor=worker, person=person, on=dt.date(2026, 12, 20), at=None, organization=None,
                                 organization_name=" ", purpose="", accompaniment_needed=True, status="planned",
                                 note="")
    assert "organization" in error.value.message_dict


def test_a_hospital_of_another_center_is_refused(worker, person, other_center):
    elsewhere = OrganizationFactory(center=other_center, kind=kind("hospital"))
    with pytest.raises(PermissionDenied):
        services.add_urgent_route(actor=worker, person=person, organization=elsewhere, organization_name="",
                                  when="", phone="", note="")


@pytest.mark.parametrize("role", ["clerk", "auditor", "outsider"])
def test_who_does_not_see_health_or_may_not_edit_cannot_write(request, role, person):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.add_health_check(actor=actor, person=person, kind="specific", due_on=dt.date(2027, 1, 31),
                                  done_on=None, organization=None, organization_name="", result_note="")


def test_an_update_is_audited_and_a_removal_too(worker, person):
    appointment = AppointmentFactory(person=person)
    services.update_appointment(actor=worker, appointment=appointment, on=appointment.on, at=None,
                                organization=None, organization_name="架空クリニック", purpose="定期受診",
                                accompaniment_needed=False, status="done", note="", change_reason="受診した")
    appointment.refresh_from_db()
    assert appointment.status == "done"
    pk = appointment.pk
    services.remove_appointment(actor=worker, appointment=appointment)
    actions = set(AccessLog.objects.filter(object_id=pk, section="medical")
                  .values_list("action", flat=True))
    assert {AccessAction.UPDATE, AccessAction.DELETE} <= actions


def test_supply_before_the_prescription_is_refused(worker, person):
    with pytest.raises(ValidationError) as error:
        services.add_medication(actor=worker, person=person, name="架空錠", dosage="", organization=None,
                                organization_name="", prescribed_on=dt.date(2026, 12, 1), days_supplied=None,
                                supply_until=dt.date(2026, 11, 1), ended_on=None, note="")
    assert "supply_until" in error.value.message_dict
