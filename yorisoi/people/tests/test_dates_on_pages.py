"""Dates on the person's pages: era dates, the weekday where it helps, and no page fails on a date before 明治
(a slip such as 0001-01-01 stored as a birth date or a renewal date before the date rule of common/dates.py is
shown as 「日付を確認してください」)."""

import datetime as dt

import pytest
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["people:detail", "people:print", "people:history", "people:list"])
def test_a_date_before_meiji_is_shown_not_a_server_error(name, center, worker, worker_client):
    person = PersonFactory(center=center, birth_date=dt.date(1, 1, 1))
    CertificateFactory(person=person, renewal_due=dt.date(1, 1, 1))
    CaseFactory(person=person, main_staff=worker)
    url = reverse(name, args=[person.pk]) if name != "people:list" else reverse(name)
    response = worker_client.get(url)
    assert response.status_code == 200
    assert "日付を確認してください" in response.content.decode()


def test_the_person_page_shows_era_dates_without_gregorian_copies(center, worker, worker_client):
    person = PersonFactory(center=center, birth_date=dt.date(1955, 4, 1))
    CaseFactory(person=person, main_staff=worker)
    page = worker_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "昭和30年4月1日生" in page
    assert "（1955-04-01）" in page  # the face sheet keeps the Gregorian birth date beside it, once
    assert page.count("1955-04-01") == 1
