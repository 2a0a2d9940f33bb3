"""A user of one center never reaches another center's person, case or record: the answer is 404."""

import re

import pytest

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _without_tokens(response) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_outsider_gets_404_for_person(center, outsider_client):
    person = PersonFactory(center=center)
    assert outsider_client.get(f"/people/{person.pk}/").status_code == 404


def test_outsider_gets_404_for_case(center, outsider_client):
    case = CaseFactory(person=PersonFactory(center=center))
    assert outsider_client.get(f"/cases/{case.pk}/").status_code == 404


def test_missing_and_foreign_person_answer_the_same(center, outsider_client):
    person = PersonFactory(center=center)
    foreign = outsider_client.get(f"/people/{person.pk}/")
    missing = outsider_client.get("/people/999999/")
    assert foreign.status_code == missing.status_code == 404
    assert _without_tokens(foreign) == _without_tokens(missing)


def test_worker_sees_own_center_person(center, worker_client):
    person = PersonFactory(center=center)
    response = worker_client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    assert person.family_name in response.content.decode()


def test_clerk_does_not_see_justice_section(center, clerk_client):
    person = PersonFactory(center=center)
    body = clerk_client.get(f"/people/{person.pk}/").content.decode()
    assert 'id="justice"' not in body
    assert "起訴猶予" not in body


def test_person_list_shows_only_own_center(center, other_center, worker_client):
    mine = PersonFactory(center=center, family_name="自所属")
    PersonFactory(center=other_center, family_name="他所属")
    body = worker_client.get("/people/").content.decode()
    assert mine.family_name in body
    assert "他所属" not in body
