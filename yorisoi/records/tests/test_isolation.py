"""Every case and record URL answers 404 to a user of another center, for GET and POST alike."""

import pytest
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(center, worker):
    # A name no staff member can have: the outsider's own name in the header must not make the test fail.
    case = CaseFactory(person=PersonFactory(center=center, family_name="隔離試験"), main_staff=worker)
    return {"case": case, "flag": CaseFlagFactory(case=case), "activity": ActivityFactory(case=case, author=worker)}


def _urls(o) -> list[str]:
    case, flag, activity = o["case"], o["flag"], o["activity"]
    return [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:edit", args=[case.pk]),
        reverse("cases:change_phase", args=[case.pk]),
        reverse("cases:add_flag", args=[case.pk]),
        reverse("cases:flag_active", args=[case.pk, flag.pk]),
        reverse("cases:create") + f"?person={case.person_id}",
        reverse("records:add", args=[case.pk]),
        reverse("records:edit", args=[activity.pk]),
        reverse("records:history", args=[activity.pk]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_on_every_case_and_record_url(objects, outsider_client, method):
    for url in _urls(objects):
        response = getattr(outsider_client, method)(url, {})
        assert response.status_code == 404, url


def test_worker_of_the_center_reaches_every_case_and_record_url(objects, worker_client):
    for url in _urls(objects):
        assert worker_client.get(url).status_code in (200, 302), url


def test_outsider_does_not_see_the_other_centers_cases_in_lists_or_home(objects, outsider_client):
    case = objects["case"]
    assert case.number not in outsider_client.get(reverse("cases:list")).content.decode()
    assert case.person.family_name not in outsider_client.get(reverse("home")).content.decode()
