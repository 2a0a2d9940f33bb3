"""An exit date comes with an exit reason: the edit page explains it beside 退所の理由, the database refuses
a placement written around the service with a date and no reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements import services
from yorisoi.placements.models import EXIT_NEEDS_REASON, Placement
from yorisoi.placements.tests.factories import PlacementFactory, residence

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture
def exited(case, center):
    return PlacementFactory(case=case, organization=residence(center=center), entered_on=dt.date(2026, 10, 1),
                            exited_on=dt.date(2026, 11, 1), exit_reason="hospitalised")


def test_edit_page_asks_for_the_reason_beside_the_field_and_keeps_the_input(worker_client, exited):
    response = worker_client.post(reverse("placements:placement_edit", args=[exited.pk]), {
        "organization": exited.organization_id, "kind": exited.kind, "funding": exited.funding, "term": "temporary",
        "entered_on": "令和8年10月1日", "exited_on": "令和8年11月3日", "exit_reason": "",
        "exit_notes": "入力した経緯（架空）", "version": exited.version})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<p class="error" id="id_exit_reason_error">{EXIT_NEEDS_REASON}</p>' in body
    assert 'value="令和8年11月3日"' in body
    assert "入力した経緯（架空）</textarea>" in body
    exited.refresh_from_db()
    assert (exited.exited_on, exited.exit_reason, exited.version) == (dt.date(2026, 11, 1), "hospitalised", 1)


def test_service_refuses_an_exit_date_without_reason_with_the_message_on_the_field(worker, exited):
    with pytest.raises(ValidationError) as caught:
        services.update_placement(actor=worker, placement=exited, expected_version=exited.version, exit_reason="")
    assert caught.value.message_dict == {"exit_reason": [EXIT_NEEDS_REASON]}


def test_end_placement_without_reason_gives_the_same_message(worker, case, center):
    current = PlacementFactory(case=case, organization=residence(center=center))
    with pytest.raises(ValidationError) as caught:
        services.end_placement(actor=worker, placement=current, exited_on=dt.date(2026, 11, 3), exit_reason="",
                               expected_version=current.version)
    assert caught.value.message_dict == {"exit_reason": [EXIT_NEEDS_REASON]}


def test_the_database_refuses_an_exit_date_without_reason(case, exited):
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=exited.pk).update(exit_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(case=CaseFactory(person=PersonFactory(center=case.center)), exited_on=dt.date(2026, 11, 2))
    Placement.objects.filter(pk=exited.pk).update(exited_on=None, exit_reason="")  # current again: no reason needed
