"""A support record's minutes stay within one day (0–1440): the page explains it, the database refuses it."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.models import MINUTES_RANGE_MESSAGE, Activity
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)  # 15:00 in Japan


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


def _error_beside(field: str) -> str:
    """The error paragraph that templates/_field.html draws under the field."""
    return f'<p class="error" id="id_{field}_error">{MINUTES_RANGE_MESSAGE}</p>'


def _record(**overrides) -> dict:
    data = {"occurred_at": "2026-11-20T14:30", "kind": "accompany", "counterpart": "架空病院",
            "narrative": "通院に同行した（架空）", "minutes": "1441"}
    return {**data, **overrides}


@time_machine.travel(NOW, tick=False)
def test_adding_a_record_of_more_than_a_day_shows_the_rule_beside_minutes_and_keeps_the_input(case, worker_client):
    response = worker_client.post(reverse("records:add", args=[case.pk]), _record())
    assert response.status_code == 200
    body = response.content.decode()
    assert _error_beside("minutes") in body
    assert 'value="1441"' in body
    assert "通院に同行した（架空）</textarea>" in body
    assert 'value="架空病院"' in body
    assert not Activity.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_correcting_minutes_beyond_a_day_is_refused_with_the_rule(case, worker, worker_client):
    activity = ActivityFactory(case=case, author=worker, minutes=30, occurred_at=NOW - dt.timedelta(hours=2))
    response = worker_client.post(reverse("records:edit", args=[activity.pk]), {
        **_record(minutes="2000", narrative="訂正した架空の本文"), "version": activity.version})
    assert response.status_code == 200
    body = response.content.decode()
    assert _error_beside("minutes") in body
    assert 'value="2000"' in body
    assert "訂正した架空の本文</textarea>" in body
    activity.refresh_from_db()
    assert (activity.minutes, activity.version) == (30, 1)


def test_full_clean_puts_the_rule_on_minutes(case):
    activity = ActivityFactory.build(case=case, center=case.center, person=case.person, minutes=1441)
    with pytest.raises(ValidationError) as caught:
        activity.full_clean()
    assert caught.value.message_dict["minutes"] == [MINUTES_RANGE_MESSAGE]


@pytest.mark.parametrize("minutes", [0, 1440, None])
def test_the_database_accepts_minutes_within_a_day_or_none(case, minutes):
    activity = ActivityFactory(case=case, minutes=minutes)
    activity.refresh_from_db()
    assert activity.minutes == minutes


def test_the_database_refuses_minutes_beyond_a_day_written_around_the_service(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(case=case, minutes=1441)
    activity = ActivityFactory(case=case, minutes=60)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(minutes=24 * 60 + 1)
    activity.refresh_from_db()
    assert activity.minutes == 60
