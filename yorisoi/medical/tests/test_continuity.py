"""The center's list of persons whose medication or next visit is not secured, and the health checks due."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.medical import selectors
from yorisoi.medical.tests.factories import AppointmentFactory, HealthCheckFactory, MedicationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False):
        yield


def _person(center, worker, name="架空"):
    return CaseFactory(person=PersonFactory(center=center, family_name=name), main_staff=worker).person


def _list(user, days=14):
    return selectors.continuity_list(user=user, today=TODAY, days=days, check_days=30)


def test_supply_running_out_within_the_days_is_listed_and_later_supply_is_not(center, worker):
    soon = MedicationFactory(person=_person(center, worker), supply_until=TODAY + dt.timedelta(days=10))
    MedicationFactory(person=_person(center, worker), supply_until=TODAY + dt.timedelta(days=40))
    result = _list(worker)
    assert [m.pk for m in result.supply] == [soon.pk]
    assert result.supply[0].state == "gap"  # no visit booked before the supply ends


def test_supply_already_out_or_unknown_is_listed_and_ended_medicine_is_not(center, worker):
    out = MedicationFactory(person=_person(center, worker), supply_until=TODAY - dt.timedelta(days=1))
    unknown = MedicationFactory(person=_person(center, worker), supply_until=None)
    MedicationFactory(person=_person(center, worker), supply_until=TODAY, ended_on=TODAY - dt.timedelta(days=3))
    states = {m.pk: m.state for m in _list(worker).supply}
    assert states == {out.pk: "out", unknown.pk: "unknown"}


def test_a_visit_booked_before_the_supply_ends_makes_it_soon_not_a_gap(center, worker):
    person = _person(center, worker)
    medication = MedicationFactory(person=person, supply_until=TODAY + dt.timedelta(days=10))
    AppointmentFactory(person=person, on=TODAY + dt.timedelta(days=8))
    (row,) = _list(worker).supply
    assert row.pk == medication.pk and row.state == "soon" and row.next_visit == TODAY + dt.timedelta(days=8)


def test_persons_on_medication_without_a_booked_visit(center, worker):
    booked, unbooked, past_only = (_person(center, worker) for _ in range(3))
    for person in (booked, unbooked, past_only):
        MedicationFactory(person=person, supply_until=TODAY + dt.timedelta(days=60))
    AppointmentFactory(person=booked, on=TODAY + dt.timedelta(days=20))
    AppointmentFactory(person=past_only, on=TODAY - dt.timedelta(days=20))
    AppointmentFactory(person=past_only, on=TODAY + dt.timedelta(days=5), status="cancelled")
    assert {p.pk for p in _list(worker).unbooked} == {unbooked.pk, past_only.pk}


def test_checks_due_soon_and_overdue_are_listed_done_and_later_ones_are_not(center, worker):
    person = _person(center, worker)
    overdue = HealthCheckFactory(person=person, due_on=TODAY - dt.timedelta(days=3))
    due = HealthCheckFactory(person=person, due_on=TODAY + dt.timedelta(days=25))
    HealthCheckFactory(person=person, due_on=TODAY + dt.timedelta(days=90))
    HealthCheckFactory(person=person, due_on=TODAY - dt.timedelta(days=3), done_on=TODAY - dt.timedelta(days=5))
    assert [c.pk for c in _list(worker).checks] == [overdue.pk, due.pk]


def test_another_centers_persons_are_never_listed(center, worker, outsider, other_center):
    MedicationFactory(person=_person(other_center, outsider), supply_until=TODAY)
    HealthCheckFactory(person=_person(other_center, outsider), due_on=TODAY)
    result = _list(worker)
    assert result.supply == [] and result.unbooked == [] and result.checks == []


def test_in_assigned_mode_a_worker_sees_only_their_own_persons(center, worker, colleague):
    center.case_visibility = "assigned"
    center.save()
    mine = MedicationFactory(person=_person(center, worker), supply_until=TODAY)
    MedicationFactory(person=_person(center, colleague), supply_until=TODAY)
    assert [m.pk for m in _list(worker).supply] == [mine.pk]


def test_the_page_lists_logs_and_keeps_a_constant_number_of_queries(center, worker, worker_client,
                                                                    django_assert_max_num_queries):
    for _ in range(3):
        person = _person(center, worker)
        MedicationFactory(person=person, supply_until=TODAY + dt.timedelta(days=2))
        HealthCheckFactory(person=person, due_on=TODAY - dt.timedelta(days=1))
    with django_assert_max_num_queries(30):
        response = worker_client.get(reverse("medical:continuity"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "常用薬が確保されていない" in body and "令和8年12月9日まで" in body and "期限を過ぎています" in body
    row = AccessLog.objects.filter(section="medical_list").latest("id")
    assert row.detail == "listed=3"


def test_a_bad_days_parameter_is_named_not_a_500(worker_client):
    response = worker_client.get(reverse("medical:continuity") + "?days=abc")
    assert response.status_code == 200
    assert "読み取れませんでした" in response.content.decode()


def test_clerks_do_not_see_the_list(clerk_client):
    assert clerk_client.get(reverse("medical:continuity")).status_code == 403


def test_a_visit_after_the_supply_ends_is_a_gap_the_page_names(center, worker, worker_client):
    person = _person(center, worker)
    MedicationFactory(person=person, supply_until=TODAY + dt.timedelta(days=5))
    AppointmentFactory(person=person, on=TODAY + dt.timedelta(days=9))
    (row,) = _list(worker).supply
    assert row.state == "gap" and row.next_visit == TODAY + dt.timedelta(days=9)
    assert "次回受診までに切れる" in worker_client.get(reverse("medical:continuity")).content.decode()
