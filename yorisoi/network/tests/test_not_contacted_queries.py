"""The "not contacted for a while" page reads a constant number of queries whatever the number of
organizations, records and referrals (issue 10: it took seconds when dates were text searches per row)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.intake.tests.factories import ConsultationFactory
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures.tests.factories import FollowUpFactory
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _network(center, worker, count: int, start: int) -> None:
    for n in range(start, start + count):
        organization = OrganizationFactory(center=center, name=f"架空第{n}保護観察所")
        case = CaseFactory(person=PersonFactory(center=center), main_staff=worker,
                           referral_agency=f"架空第{n}保護観察所 企画調整課",
                           referral_date=dt.date(2025, 1, n % 28 + 1))
        ActivityFactory(case=case, author=worker, counterpart=f"架空第{n}保護観察所 山田観察官",
                        occurred_at=timezone.make_aware(dt.datetime(2025, 2, n % 28 + 1, 10, 0)))
        ConsultationFactory(center=center, organization=organization, consulted_on=dt.date(2025, 3, 1))
        FollowUpFactory(case=case, organization=organization)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/partners/not-contacted/", {"days": "30"})
    assert response.status_code == 200
    return len(captured)


def test_the_not_contacted_page_reads_the_same_number_of_queries_for_more_organizations(center, worker,
                                                                                        worker_client):
    _network(center, worker, 2, start=1)
    few = _queries(worker_client)
    _network(center, worker, 6, start=3)
    assert "架空第8保護観察所" in worker_client.get("/partners/not-contacted/", {"days": "30"}).content.decode()
    assert _queries(worker_client) == few


def test_the_not_contacted_page_stays_within_its_query_budget(center, worker, worker_client,
                                                              django_assert_max_num_queries):
    _network(center, worker, 4, start=1)
    with django_assert_max_num_queries(16):
        worker_client.get("/partners/not-contacted/", {"days": "30"})
