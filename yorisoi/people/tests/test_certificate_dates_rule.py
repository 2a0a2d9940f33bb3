"""A certificate's renewal (次回更新・再判定) is not before its issue (交付日): the face sheet explains it beside
the field and keeps the input; the database refuses a certificate written around the service."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yorisoi.people import services
from yorisoi.people.models import RENEWAL_NOT_BEFORE_ISSUE, DisabilityCertificate
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory

from .helpers import body

pytestmark = pytest.mark.django_db

ERROR_BESIDE_RENEWAL = f'<p class="error" id="id_renewal_due_error">{RENEWAL_NOT_BEFORE_ISSUE}</p>'


@pytest.fixture
def person(center):
    return PersonFactory(center=center)


def _post(**overrides) -> dict:
    return {"kind": "mental", "grade": "2", "issuing_prefecture": "", "number": "M-77", "issued_on": "R8.4.1",
            "renewal_due": "R8.3.31", **overrides}


def test_adding_a_renewal_before_the_issue_shows_the_rule_beside_it_and_keeps_the_input(person, worker_client):
    response = worker_client.post(f"/people/{person.pk}/certificates/add/", _post())
    assert response.status_code == 200
    page = body(response)
    assert ERROR_BESIDE_RENEWAL in page
    assert 'value="M-77"' in page
    assert 'value="R8.3.31"' in page  # as typed
    assert not DisabilityCertificate.objects.exists()


def test_editing_a_renewal_before_the_issue_is_refused_the_same_way(person, worker_client):
    certificate = CertificateFactory(person=person, kind="mental", grade="2", issuing_prefecture="",
                                     issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2028, 3, 31))
    response = worker_client.post(f"/people/{person.pk}/certificates/{certificate.pk}/edit/", _post())
    assert response.status_code == 200
    assert ERROR_BESIDE_RENEWAL in body(response)
    certificate.refresh_from_db()
    assert certificate.renewal_due == dt.date(2028, 3, 31)


def test_a_renewal_on_the_issue_day_is_accepted(person, worker):
    certificate = services.add_certificate(actor=worker, person=person, kind="mental", grade="2",
                                           issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2026, 4, 1))
    assert certificate.renewal_due == certificate.issued_on


def test_service_refuses_a_renewal_before_the_issue_with_the_message_on_the_field(person, worker):
    with pytest.raises(ValidationError) as caught:
        services.add_certificate(actor=worker, person=person, kind="mental", grade="2",
                                 issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2026, 3, 31))
    assert caught.value.message_dict == {"renewal_due": [RENEWAL_NOT_BEFORE_ISSUE]}


def test_the_database_refuses_a_renewal_before_the_issue(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(person=person, issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2026, 3, 31))
    certificate = CertificateFactory(person=person, issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2027, 3, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        DisabilityCertificate.objects.filter(pk=certificate.pk).update(renewal_due=dt.date(2025, 1, 1))
    DisabilityCertificate.objects.filter(pk=certificate.pk).update(issued_on=None, renewal_due=dt.date(2025, 1, 1))
