"""The intake lists cost the same number of queries for 1 row and for 50 (one full page)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.intake.models import PreConsultationStatus
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory

from .factories import ConsultationFactory, PreConsultationFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _pre_consultations(center, worker, n: int):
    for i in range(n):
        person = PersonFactory(center=center)
        PreConsultationFactory(center=center, staff=worker, person=person, for_liaison_meeting=True,
                               organization=OrganizationFactory(center=center),
                               case=CaseFactory(person=person) if i % 2 else None,
                               status=PreConsultationStatus.CASE if i % 2 else PreConsultationStatus.CONSIDERING)


def _consultations(center, worker, n: int):
    for i in range(n):
        ConsultationFactory(center=center, staff=worker, organization=OrganizationFactory(center=center),
                            consulted_on=dt.date(2026, 4, 1) + dt.timedelta(days=i * 7))


@pytest.mark.parametrize("name", ["intake:preconsultation_list", "intake:preconsultation_meeting"])
def test_pre_consultation_pages_query_count_is_constant(name, center, worker, worker_client):
    _pre_consultations(center, worker, 1)
    one = _queries(worker_client, reverse(name))
    _pre_consultations(center, worker, 49)
    assert _queries(worker_client, reverse(name)) == one


@pytest.mark.parametrize("name", ["intake:consultation_list", "intake:consultation_summary"])
def test_consultation_pages_query_count_is_constant(name, center, worker, worker_client):
    _consultations(center, worker, 1)
    one = _queries(worker_client, reverse(name) + "?fy=2026")
    _consultations(center, worker, 49)
    assert _queries(worker_client, reverse(name) + "?fy=2026") == one


def test_referral_form_query_count_does_not_grow_with_the_directory(center, worker, worker_client):
    OrganizationFactory(center=center)
    one = _queries(worker_client, reverse("intake:referral"))
    for _ in range(49):
        OrganizationFactory(center=center)
    assert _queries(worker_client, reverse("intake:referral")) == one
