"""The date of last contact and the list of organizations not contacted for a chosen period."""

import datetime as dt

import pytest
import time_machine

from yorisoi.partners import selectors
from yorisoi.partners.tests.factories import OrganizationFactory, OutreachFactory
from yorisoi.partners.tests.helpers import body

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 31)


@pytest.fixture
def network(center, other_center):
    recent = OrganizationFactory(center=center, name="最近連絡した機関")
    fading = OrganizationFactory(center=center, name="200日連絡していない機関")
    old = OrganizationFactory(center=center, name="400日連絡していない機関")
    never = OrganizationFactory(center=center, name="連絡の記録がない機関")
    closed = OrganizationFactory(center=center, name="閉鎖した機関", active=False)
    foreign = OrganizationFactory(center=other_center, name="他センターの機関")
    OutreachFactory(center=center, held_on=TODAY - dt.timedelta(days=400), organizations=[old, fading, recent])
    OutreachFactory(center=center, held_on=TODAY - dt.timedelta(days=200), organizations=[fading])
    OutreachFactory(center=center, held_on=TODAY - dt.timedelta(days=10), organizations=[recent])
    # another center's outreach to the same-named organization never counts for ours
    OutreachFactory(center=other_center, held_on=TODAY, organizations=[foreign])
    return {"recent": recent, "fading": fading, "old": old, "never": never, "closed": closed}


def test_last_contact_date_is_the_latest_outreach(network, worker):
    assert selectors.last_contact_date(user=worker, organization=network["fading"]) == TODAY - dt.timedelta(200)
    assert selectors.last_contact_date(user=worker, organization=network["recent"]) == TODAY - dt.timedelta(10)
    assert selectors.last_contact_date(user=worker, organization=network["never"]) is None


def test_not_contacted_for_180_days_lists_the_fading_ones_oldest_first_then_the_never_contacted(network, worker):
    names = [o.name for o in selectors.organizations_not_contacted(user=worker, days=180, today=TODAY)]
    assert names == ["400日連絡していない機関", "200日連絡していない機関", "連絡の記録がない機関"]


def test_a_longer_period_and_leaving_out_the_never_contacted(network, worker):
    names = [o.name for o in selectors.organizations_not_contacted(user=worker, days=365, today=TODAY,
                                                                  include_never=False)]
    assert names == ["400日連絡していない機関"]


def test_extra_contact_sources_are_combined(network, worker, monkeypatch):
    """A later app adds a source; the greatest date of all sources wins, NULLs are ignored."""
    from django.db.models import DateField, Value

    later = TODAY - dt.timedelta(days=5)
    monkeypatch.setattr(selectors, "CONTACT_DATE_SOURCES",
                        [*selectors.CONTACT_DATE_SOURCES, lambda user: Value(later, output_field=DateField())])
    assert selectors.last_contact_date(user=worker, organization=network["old"]) == later
    assert selectors.last_contact_date(user=worker, organization=network["never"]) == later


def test_not_contacted_page(network, worker_client):
    with time_machine.travel(dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC), tick=False):
        page = body(worker_client.get("/partners/not-contacted/"))
        assert "200日連絡していない機関" in page
        assert "連絡の記録がない機関" in page
        assert "最近連絡した機関" not in page
        assert "閉鎖した機関" not in page
        assert "他センターの機関" not in page
        a_year = body(worker_client.get("/partners/not-contacted/", {"days": "365", "never": "0"}))
        assert "400日連絡していない機関" in a_year
        assert "200日連絡していない機関" not in a_year


def test_detail_page_shows_the_relationship_history(network, worker_client):
    with time_machine.travel(dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC), tick=False):
        page = body(worker_client.get(f"/partners/{network['fading'].pk}/"))
    assert "最後の連絡" in page
    assert "200日前" in page
    assert page.count("センターの事業説明") == 2
