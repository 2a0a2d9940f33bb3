"""Reopening a closed case (cases:reopen) into a new case that keeps the old one's history."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.cases.models import Case, CaseFlag, Phase, PhaseTransition, Urgency
from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory
from yorisoi.workflow import services

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def closed(center, worker, colleague):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, sub_staff=colleague,
                       phase=Phase.CLOSED, closure_outcome="lost_contact", closure_summary="連絡が途絶えた（架空）",
                       end_date=dt.date(2026, 3, 31), referral_officer="架空 観察官", urgency=Urgency.URGENT,
                       release_place="架空拘置支所")
    CaseFlagFactory(case=case, label="接近禁止の相手あり")
    CaseFlagFactory(case=case, label="過去の注意", active=False)
    ActivityFactory(case=case, author=worker)
    return case


def _reopen(client, case, reason="保護観察所から再び相談があった（架空）"):
    return client.post(reverse("cases:reopen", args=[case.pk]), {"reopen-reopen_reason": reason})


@time_machine.travel(NOON, tick=False)
def test_reopening_makes_a_new_case_in_intake_and_keeps_the_old_one(closed, worker, colleague, worker_client):
    before = (closed.version, closed.phase, closed.transitions.count(), closed.activities.count())
    response = _reopen(worker_client, closed)
    new = Case.objects.exclude(pk=closed.pk).get()
    assert response.status_code == 302
    assert response["Location"] in (reverse("cases:detail", args=[new.pk]),
                                     reverse("procedures:propose", args=[new.pk]))
    assert (new.person, new.phase, new.previous_case) == (closed.person, Phase.INTAKE, closed)
    assert (new.referral_source, new.referral_agency, new.referral_officer) == (
        closed.referral_source, closed.referral_agency, "架空 観察官")
    assert (new.urgency, new.release_place, new.kind) == (Urgency.URGENT, "架空拘置支所", closed.kind)
    assert (new.main_staff, new.sub_staff, new.created_by) == (worker, colleague, worker)
    assert new.referral_date == dt.date(2026, 11, 20)
    assert new.number != closed.number
    assert [f.label for f in CaseFlag.objects.filter(case=new)] == ["接近禁止の相手あり"]
    transition = PhaseTransition.objects.get(case=new)
    assert closed.number in transition.reason and "保護観察所から再び相談" in transition.reason
    closed.refresh_from_db()
    assert (closed.version, closed.phase, closed.transitions.count(), closed.activities.count()) == before
    assert closed.closure_summary == "連絡が途絶えた（架空）"
    assert not Activity.objects.filter(case=new).exists()


@time_machine.travel(NOON, tick=False)
def test_the_two_cases_link_to_each_other(closed, worker_client):
    _reopen(worker_client, closed)
    new = Case.objects.get(previous_case=closed)
    old_page = worker_client.get(reverse("cases:detail", args=[closed.pk])).content.decode()
    assert "再開後のケース" in old_page and reverse("cases:detail", args=[new.pk]) in old_page
    assert "このケースを再開する" not in old_page
    new_page = worker_client.get(reverse("cases:detail", args=[new.pk])).content.decode()
    assert "前のケース" in new_page and reverse("cases:detail", args=[closed.pk]) in new_page


def test_the_button_shows_on_a_closed_case_only(center, closed, worker, worker_client):
    assert "このケースを再開する" in worker_client.get(reverse("cases:detail", args=[closed.pk])).content.decode()
    open_case = CaseFactory(person=closed.person, main_staff=worker)
    assert "このケースを再開する" not in worker_client.get(
        reverse("cases:detail", args=[open_case.pk])).content.decode()


def test_an_open_case_cannot_be_reopened(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    with pytest.raises(ValidationError) as refused:
        services.reopen_case(actor=worker, closed_case=case, reason="架空")
    assert refused.value.message_dict["reopen_reason"] == ["終結したケースだけを再開できます。"]


def test_a_case_is_reopened_once(closed, worker):
    first = services.reopen_case(actor=worker, closed_case=closed, reason="架空の理由")
    with pytest.raises(ValidationError) as refused:
        services.reopen_case(actor=worker, closed_case=closed, reason="もう一度")
    assert first.number in refused.value.message_dict["reopen_reason"][0]


def test_a_reason_is_needed(closed, worker_client):
    response = _reopen(worker_client, closed, reason=" ")
    assert response.status_code == 200
    assert "再開する理由を入力してください。" in response.content.decode()
    assert Case.objects.count() == 1


def test_staff_who_left_are_not_carried_over(closed, worker, colleague, director):
    colleague.is_active = False
    colleague.save()
    new = services.reopen_case(actor=director, closed_case=closed, reason="架空")
    assert (new.main_staff, new.sub_staff) == (worker, None)


@pytest.mark.parametrize("client_name", ["clerk_client", "auditor_client"])
def test_clerk_and_auditor_cannot_reopen(request, closed, client_name):
    client = request.getfixturevalue(client_name)
    assert _reopen(client, closed).status_code == 403
    assert Case.objects.count() == 1


def test_outsider_gets_404_when_reopening(closed, outsider_client):
    assert _reopen(outsider_client, closed).status_code == 404
    assert outsider_client.get(reverse("cases:reopen", args=[closed.pk])).status_code == 404
    assert Case.objects.count() == 1
