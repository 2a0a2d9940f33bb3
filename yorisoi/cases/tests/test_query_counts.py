"""List pages keep a constant number of queries: 1 row or 30 rows cost the same."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _cases(center, worker, colleague, n: int):
    for i in range(n):
        case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, sub_staff=colleague,
                           phase=[Phase.INTAKE, Phase.COORDINATING, Phase.SETTLEMENT][i % 3],
                           expected_release_date=dt.date(2026, 11, 20) + dt.timedelta(days=i % 8))
        CaseFlagFactory(case=case)
        ActivityFactory(case=case, author=worker, occurred_at=NOON - dt.timedelta(hours=i))


@time_machine.travel(NOON, tick=False)
def test_case_list_query_count_is_constant(center, worker, colleague, worker_client):
    _cases(center, worker, colleague, 1)
    one = _queries(worker_client, reverse("cases:list") + "?mine=1")
    _cases(center, worker, colleague, 29)
    assert _queries(worker_client, reverse("cases:list") + "?mine=1") == one


@time_machine.travel(NOON, tick=False)
def test_case_page_timeline_query_count_is_constant(center, worker, colleague, worker_client):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    CaseFlagFactory(case=case)
    ActivityFactory(case=case, author=worker)
    one = _queries(worker_client, reverse("cases:detail", args=[case.pk]))
    for i in range(29):
        ActivityFactory(case=case, author=[worker, colleague][i % 2], occurred_at=NOON - dt.timedelta(hours=i))
    CaseFlagFactory(case=case, label="医療的ケア")
    assert _queries(worker_client, reverse("cases:detail", args=[case.pk])) == one


@pytest.mark.parametrize("client_name", ["worker_client", "director_client", "clerk_client"])
@time_machine.travel(NOON, tick=False)
def test_home_query_count_is_constant(request, center, worker, colleague, client_name):
    client = request.getfixturevalue(client_name)
    _cases(center, worker, colleague, 1)
    one = _queries(client, reverse("home"))
    _cases(center, worker, colleague, 29)
    assert _queries(client, reverse("home")) == one
