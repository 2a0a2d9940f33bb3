"""Break-the-glass: in ASSIGNED mode an unassigned worker gets a 403 page asking for a reason instead of the
case or person; the reason opens it for a few hours, is logged, and is shown to the director."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from yorisoi.accounts.models import Center
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy import policy, services
from yorisoi.privacy.models import AccessAction, AccessLog, BreakGlassGrant
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

REASON = "担当者が研修で不在のところ、本人から住まいについて緊急の電話があったため（テスト）"


@pytest.fixture(autouse=True)
def assigned_only(center):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()


@pytest.fixture
def case(center, worker):
    # A name no staff member can have: the break-glass page must not show it.
    return CaseFactory(person=PersonFactory(center=center, family_name="閲覧試験"), main_staff=worker)


def break_glass(client, kind, pk, reason=REASON, next_url=None):
    data = {"reason": reason}
    if next_url:
        data["next"] = next_url
    return client.post(f"/privacy/break-glass/{kind}/{pk}/", data)


def test_unassigned_worker_gets_the_break_glass_page_for_a_case(case, colleague_client):
    response = colleague_client.get(f"/cases/{case.pk}/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-break-glass="case"' in body
    assert "閲覧が必要な理由" in body
    assert case.number in body
    assert case.person.family_name not in body  # nothing of the record before the reason is given


def test_unassigned_worker_gets_the_break_glass_page_for_a_person(case, colleague_client):
    response = colleague_client.get(f"/people/{case.person_id}/")
    assert response.status_code == 403
    assert 'data-break-glass="person"' in response.content.decode()


def test_a_record_of_an_unassigned_case_offers_break_glass_on_its_case(case, colleague_client):
    activity = ActivityFactory(case=case)
    response = colleague_client.get(f"/records/{activity.pk}/history/")
    assert response.status_code == 403
    assert f'action="/privacy/break-glass/case/{case.pk}/"' in response.content.decode()


def test_the_refusal_is_logged_as_denied(case, colleague):
    from conftest import verified_client

    verified_client(colleague).get(f"/cases/{case.pk}/")
    row = AccessLog.objects.filter(staff=colleague, action=AccessAction.DENIED).get()
    assert (row.object_id, row.person_id_value, row.section) == (case.pk, case.person_id, "break_glass_required")


def test_another_centers_case_stays_404_and_never_offers_break_glass(other_center, colleague_client):
    foreign = CaseFactory(person=PersonFactory(center=other_center))
    response = colleague_client.get(f"/cases/{foreign.pk}/")
    assert response.status_code == 404
    assert "break-glass" not in response.content.decode()
    assert break_glass(colleague_client, "case", foreign.pk).status_code == 404
    assert not BreakGlassGrant.objects.exists()


def test_a_missing_case_is_404_not_break_glass(colleague_client):
    assert colleague_client.get("/cases/999999/").status_code == 404


def test_giving_a_reason_opens_the_case_and_is_logged(case, colleague, colleague_client):
    response = break_glass(colleague_client, "case", case.pk, next_url=f"/cases/{case.pk}/")
    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/"
    grant = BreakGlassGrant.objects.get()
    assert (grant.staff, grant.case, grant.person, grant.reason) == (colleague, case, None, REASON)
    log = AccessLog.objects.get(action=AccessAction.BREAK_GLASS)
    assert (log.staff, log.object_id, log.person_id_value) == (colleague, case.pk, case.person_id)
    assert REASON in log.detail
    opened = colleague_client.get(f"/cases/{case.pk}/")
    assert opened.status_code == 200
    assert case.person.family_name in opened.content.decode()


def test_a_case_grant_also_opens_its_person_and_records_but_not_the_persons_other_cases(case, center, colleague):
    other_case = CaseFactory(person=case.person)
    record = ActivityFactory(case=case)
    other_record = ActivityFactory(case=other_case)
    services.grant_break_glass(actor=colleague, case=case, reason=REASON)
    assert policy.persons_for(colleague).filter(pk=case.person_id).exists()
    assert set(policy.cases_for(colleague)) == {case}
    assert set(policy.activities_for(colleague)) == {record}
    assert other_record not in policy.activities_for(colleague)


def test_a_person_grant_opens_the_person_with_all_their_cases(case, colleague, colleague_client):
    other_case = CaseFactory(person=case.person)
    break_glass(colleague_client, "person", case.person_id)
    assert set(policy.cases_for(colleague)) == {case, other_case}
    assert colleague_client.get(f"/people/{case.person_id}/").status_code == 200


def test_the_reason_is_required(case, colleague_client):
    response = break_glass(colleague_client, "case", case.pk, reason="   ")
    assert response.status_code == 403
    assert "閲覧が必要な理由を入力してください。" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_the_service_refuses_an_empty_reason(case, colleague):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="理由を入力してください"):
        services.grant_break_glass(actor=colleague, case=case, reason=" ")


def test_the_grant_ends_after_the_configured_hours(case, colleague, colleague_client):
    from conftest import verified_client

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        break_glass(colleague_client, "case", case.pk)
        grant = BreakGlassGrant.objects.get()
        assert grant.expires_at - grant.created_at == dt.timedelta(hours=8)
    # A fresh log-in each time: the session itself times out after 30 idle minutes.
    with time_machine.travel(start + dt.timedelta(hours=7, minutes=59), tick=False):
        assert verified_client(colleague).get(f"/cases/{case.pk}/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=8, minutes=1), tick=False):
        assert verified_client(colleague).get(f"/cases/{case.pk}/").status_code == 403


@override_settings(YORISOI_BREAK_GLASS_HOURS=1)
def test_the_grant_length_is_a_setting(case, colleague):
    grant = services.grant_break_glass(actor=colleague, case=case, reason=REASON)
    assert grant.expires_at - grant.created_at == dt.timedelta(hours=1)


def test_the_access_object_says_until_when_the_grant_lasts(case, colleague, rf):
    grant = services.grant_break_glass(actor=colleague, case=case, reason=REASON)
    request = rf.get("/")
    request.user = colleague
    _case, access = policy.get_case_or_404(request, case.pk)
    assert access.break_glass_until == grant.expires_at
    request.user = case.main_staff
    assert policy.get_case_or_404(request, case.pk)[1].break_glass_until is None


def test_the_next_url_must_stay_on_this_site(case, colleague_client):
    response = break_glass(colleague_client, "case", case.pk, next_url="https://evil.example/")
    assert response.url == f"/cases/{case.pk}/"


def test_break_glass_is_not_offered_in_all_staff_mode(case, center, colleague_client):
    center.case_visibility = Center.CaseVisibility.ALL_STAFF
    center.save()
    response = colleague_client.get(f"/privacy/break-glass/case/{case.pk}/")
    assert response.status_code == 302
    assert colleague_client.get(f"/cases/{case.pk}/").status_code == 200
    assert not BreakGlassGrant.objects.exists()


def test_clerks_and_directors_never_need_break_glass(case, clerk, director):
    from django.core.exceptions import PermissionDenied

    for user in (clerk, director):
        assert not policy.may_break_glass(user)
        with pytest.raises(PermissionDenied):
            services.grant_break_glass(actor=user, case=case, reason=REASON)


def test_directors_and_auditors_see_the_list_of_break_glass_accesses(case, colleague, director_client,
                                                                       auditor_client, colleague_client,
                                                                       worker_client, clerk_client):
    services.grant_break_glass(actor=colleague, case=case, reason=REASON)
    for client in (director_client, auditor_client):
        response = client.get("/privacy/break-glass/")
        assert response.status_code == 200
        body = response.content.decode()
        assert REASON in body
        assert str(colleague) in body
        assert case.number in body
    for client in (colleague_client, worker_client, clerk_client):
        assert client.get("/privacy/break-glass/").status_code == 403


def test_the_list_shows_only_the_own_centers_grants(case, other_center, outsider, director_client):
    other_center.case_visibility = Center.CaseVisibility.ASSIGNED
    other_center.save()
    foreign = CaseFactory(person=PersonFactory(center=other_center))
    services.grant_break_glass(actor=outsider, case=foreign, reason="他センターの理由（テスト）")
    assert "他センターの理由" not in director_client.get("/privacy/break-glass/").content.decode()
