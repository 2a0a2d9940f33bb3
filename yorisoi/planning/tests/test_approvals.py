"""決裁: submit, approve, return with a comment, withdraw; the approver is never the submitter; 決裁代行;
the 決裁 list for approvers and submitters; 決裁の記録 on the case."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.planning import services
from yorisoi.planning.models import ApprovalAction, ApprovalEvent, ApprovalStatus, ApproverDelegation
from yorisoi.planning.services.approvals import SELF_APPROVAL_MESSAGE

from .factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture
def plan(case, worker):
    return make_plan(actor=worker, case=case)


def _decide(client, plan, decision: str, comment: str = ""):
    return client.post(reverse("planning:plan_decide", args=[plan.case_id, plan.pk]),
                       {"decision-decision": decision, "decision-comment": comment})


def test_worker_submits_and_director_approves(plan, worker_client, director_client, director):
    assert worker_client.post(reverse("planning:plan_submit", args=[plan.case_id, plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.PENDING
    response = _decide(director_client, plan, "approve", "本人の言葉がよく書けています")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by, plan.decision_comment) == (
        ApprovalStatus.APPROVED, director, "本人の言葉がよく書けています")
    assert list(ApprovalEvent.objects.filter(plan=plan).values_list("action", flat=True)) == [
        ApprovalAction.SUBMITTED, ApprovalAction.APPROVED]


def test_submitting_needs_a_goal(case, worker):
    plan = make_plan(actor=worker, case=case, person_goals="", staff_goals="")
    with pytest.raises(ValidationError, match="目標を入力してから申請してください"):
        services.submit(actor=worker, subject=plan)


def test_director_cannot_approve_their_own_submission(case, director):
    plan = make_plan(actor=director, case=case)
    services.submit(actor=director, subject=plan)
    with pytest.raises(ValidationError) as refused:
        services.approve(actor=director, subject=plan)
    assert refused.value.messages == [SELF_APPROVAL_MESSAGE]
    with pytest.raises(ValidationError):
        services.return_for_revision(actor=director, subject=plan, comment="自分で差戻し")
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.PENDING


def test_self_approval_through_the_page_is_refused_with_a_japanese_message(case, director, director_client):
    plan = make_plan(actor=director, case=case)
    services.submit(actor=director, subject=plan)
    page = director_client.get(reverse("planning:plan_version", args=[case.pk, plan.pk])).content.decode()
    assert "自分が申請したものは決裁できません。" in page and "決裁する</button>" not in page
    response = _decide(director_client, plan, "approve")
    assert response.status_code == 200
    assert "自分が申請したものは決裁できません。" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.PENDING


def test_a_plain_worker_cannot_approve(plan, worker, colleague, colleague_client):
    services.submit(actor=worker, subject=plan)
    with pytest.raises(PermissionDenied):
        services.approve(actor=colleague, subject=plan)
    assert _decide(colleague_client, plan, "approve").status_code == 403
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.PENDING


def test_a_delegated_worker_approves_in_the_directors_place(plan, worker, colleague, director, colleague_client):
    services.grant_delegation(actor=director, staff=colleague, note="管理者の出張中")
    services.submit(actor=worker, subject=plan)
    assert _decide(colleague_client, plan, "approve").status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by) == (ApprovalStatus.APPROVED, colleague)


def test_a_delegated_worker_cannot_approve_their_own_submission(case, colleague, director):
    services.grant_delegation(actor=director, staff=colleague)
    plan = make_plan(actor=colleague, case=case)
    services.submit(actor=colleague, subject=plan)
    with pytest.raises(ValidationError, match="自分が申請したものは決裁できません"):
        services.approve(actor=colleague, subject=plan)


def test_revoked_delegation_no_longer_approves(plan, worker, colleague, director):
    delegation = services.grant_delegation(actor=director, staff=colleague)
    services.revoke_delegation(actor=director, delegation=delegation)
    services.submit(actor=worker, subject=plan)
    with pytest.raises(PermissionDenied):
        services.approve(actor=colleague, subject=plan)


def test_only_workers_of_the_center_can_be_delegated(director, clerk, worker, outsider):
    with pytest.raises(ValidationError, match="在職中の相談員"):
        services.grant_delegation(actor=director, staff=clerk)
    with pytest.raises(PermissionDenied):
        services.grant_delegation(actor=director, staff=outsider)
    with pytest.raises(PermissionDenied):
        services.grant_delegation(actor=worker, staff=worker)


def test_director_manages_delegations_on_the_page(director_client, colleague):
    response = director_client.post(reverse("planning:approvers"), {"staff": colleague.pk, "note": "休暇中"})
    assert response.status_code == 302
    delegation = ApproverDelegation.objects.get(staff=colleague)
    assert director_client.post(reverse("planning:approver_revoke", args=[delegation.pk])).status_code == 302
    assert not ApproverDelegation.objects.exists()


def test_return_needs_a_comment_and_reaches_the_submitters_list(plan, worker, director, director_client,
                                                                 worker_client):
    services.submit(actor=worker, subject=plan)
    missing = _decide(director_client, plan, "return", "")
    assert missing.status_code == 200
    assert "差し戻す理由をコメントに入力してください。" in missing.content.decode()
    assert _decide(director_client, plan, "return", "行動の担当を決めてください").status_code == 302
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.RETURNED
    listing = worker_client.get(reverse("planning:approvals")).content.decode()
    assert "差し戻されたもの" in listing and "行動の担当を決めてください" in listing
    assert listing.count("支援計画 第1版") == 1


def test_returned_plan_is_edited_and_submitted_again(plan, worker, director):
    services.submit(actor=worker, subject=plan)
    services.return_for_revision(actor=director, subject=plan, comment="直してください")
    plan.refresh_from_db()
    services.update_plan(actor=worker, plan=plan, expected_version=plan.version, actions=[], person_goals="直した")
    plan.refresh_from_db()
    services.submit(actor=worker, subject=plan)
    services.approve(actor=director, subject=plan)
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.APPROVED and plan.decision_comment == ""


def test_pending_items_appear_for_approvers_not_for_plain_workers(plan, worker, colleague_client, director_client):
    services.submit(actor=worker, subject=plan)
    director_page = director_client.get(reverse("planning:approvals"))
    assert [i.subject.pk for i in director_page.context["lists"].to_decide] == [plan.pk]
    colleague_page = colleague_client.get(reverse("planning:approvals"))
    assert colleague_page.context["lists"].to_decide == []
    assert "決裁待ち <span" not in colleague_page.content.decode()


def test_submitter_sees_their_pending_submission(plan, worker, worker_client):
    services.submit(actor=worker, subject=plan)
    page = worker_client.get(reverse("planning:approvals"))
    assert [i.subject.pk for i in page.context["lists"].waiting] == [plan.pk]


def test_withdrawn_plan_goes_back_to_draft(plan, worker, worker_client):
    services.submit(actor=worker, subject=plan)
    assert worker_client.post(reverse("planning:plan_withdraw", args=[plan.case_id, plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.DRAFT


def test_decided_item_cannot_be_decided_twice(plan, worker, director, colleague):
    services.grant_delegation(actor=director, staff=colleague)
    services.submit(actor=worker, subject=plan)
    services.approve(actor=director, subject=plan)
    with pytest.raises(ValidationError, match="すでに承認"):
        services.return_for_revision(actor=colleague, subject=plan, comment="遅れて差戻し")


def test_case_overview_shows_the_approval_events(plan, worker, director, worker_client, clerk_client):
    services.submit(actor=worker, subject=plan)
    services.return_for_revision(actor=director, subject=plan, comment="架空の差戻し理由")
    body = worker_client.get(reverse("planning:case", args=[plan.case_id])).content.decode()
    assert "決裁の記録" in body and "差戻し" in body and "架空の差戻し理由" in body
    clerk_body = clerk_client.get(reverse("planning:case", args=[plan.case_id])).content.decode()
    assert "差戻し" in clerk_body and "架空の差戻し理由" not in clerk_body


def test_approvals_of_another_center_are_not_listed(plan, worker, outsider, other_center):
    other_director = StaffFactory(center=other_center, role=Role.DIRECTOR, username="other-director")
    services.submit(actor=worker, subject=plan)
    from conftest import verified_client

    page = verified_client(other_director).get(reverse("planning:approvals"))
    assert page.context["lists"].to_decide == []
    with pytest.raises(PermissionDenied):
        services.approve(actor=other_director, subject=plan)


def test_non_directors_cannot_open_the_delegation_page(worker_client, clerk_client, auditor_client):
    for client in (worker_client, clerk_client, auditor_client):
        assert client.get(reverse("planning:approvers")).status_code == 403
