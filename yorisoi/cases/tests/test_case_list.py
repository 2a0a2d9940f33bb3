"""The case list: filters by phase and 「自分の担当のみ」, countdown column, paging."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _case(center, staff, name, phase=Phase.INTAKE, **kwargs):
    return CaseFactory(person=PersonFactory(center=center, family_name=name), main_staff=staff, phase=phase,
                       closure_outcome="stable" if phase == Phase.CLOSED else "", **kwargs)


def _rows(client, query="") -> str:
    body = client.get(reverse("cases:list") + query).content.decode()
    return body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_phase_filter(center, worker, worker_client):
    _case(center, worker, "受付の人", Phase.INTAKE)
    _case(center, worker, "定着の人", Phase.SETTLEMENT)
    _case(center, worker, "終結の人", Phase.CLOSED)
    rows = _rows(worker_client, "?phase=settlement")
    assert "定着の人" in rows and "受付の人" not in rows
    rows = _rows(worker_client, "?phase=open")
    assert "定着の人" in rows and "受付の人" in rows and "終結の人" not in rows
    rows = _rows(worker_client, "?phase=bogus")
    assert "終結の人" in rows


def test_mine_filter_keeps_main_and_sub_cases(center, worker, colleague, worker_client):
    _case(center, worker, "主担当の人")
    _case(center, colleague, "副担当の人", sub_staff=worker)
    _case(center, colleague, "同僚だけの人")
    rows = _rows(worker_client, "?mine=1")
    assert "主担当の人" in rows and "副担当の人" in rows and "同僚だけの人" not in rows
    assert "同僚だけの人" in _rows(worker_client)


@time_machine.travel(dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC), tick=False)
def test_countdown_column(center, worker, worker_client):
    _case(center, worker, "二日後の人", expected_release_date=dt.date(2026, 11, 22))
    rows = _rows(worker_client)
    assert "あと2日" in rows
    assert "R8.11.22" in rows


def test_paging_keeps_the_filters(center, worker, worker_client):
    for i in range(51):
        _case(center, worker, f"架空{i}")
    body = worker_client.get(reverse("cases:list") + "?mine=1").content.decode()
    assert "51件" in body
    assert "?mine=1&amp;page=2" in body
    assert worker_client.get(reverse("cases:list") + "?mine=1&page=2").status_code == 200
