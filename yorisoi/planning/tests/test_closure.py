"""Closure with 決裁: an approved request closes the case through cases.services.change_case_phase in the same
transaction; a returned one leaves it open; residence and services at closure stay on the request."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.cases.models import Case, Phase, PhaseTransition
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.planning import services
from yorisoi.planning.models import ApprovalStatus, ClosureRequest, ServiceAtClosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.SETTLEMENT)


def _form(**overrides) -> dict:
    data = {"outcome": "stable", "residence": "group_home", "services": ["public_assistance", "disability_welfare"],
            "summary": "グループホームで落ち着いて暮らしている（架空）"}
    return {**data, **overrides}


def _decide(client, closure, decision: str, comment: str = ""):
    return client.post(reverse("planning:closure_decide", args=[closure.case_id, closure.pk]),
                       {"decision-decision": decision, "decision-comment": comment})


def test_worker_requests_closure_and_the_case_stays_open(case, worker_client):
    response = worker_client.post(reverse("planning:closure", args=[case.pk]), _form())
    assert response.status_code == 302
    closure = ClosureRequest.objects.get(case=case)
    assert (closure.status, closure.residence) == (ApprovalStatus.PENDING, "group_home")
    assert sorted(closure.services.values_list("service", flat=True)) == ["disability_welfare", "public_assistance"]
    case.refresh_from_db()
    assert case.phase == Phase.SETTLEMENT


def test_approved_closure_closes_the_case_through_change_case_phase(case, worker, director, director_client,
                                                                    worker_client):
    worker_client.post(reverse("planning:closure", args=[case.pk]), _form())
    closure = ClosureRequest.objects.get(case=case)
    assert _decide(director_client, closure, "approve").status_code == 302
    case.refresh_from_db()
    assert (case.phase, case.closure_outcome, case.closure_summary) == (
        Phase.CLOSED, "stable", "グループホームで落ち着いて暮らしている（架空）")
    assert case.end_date is not None
    transition = PhaseTransition.objects.filter(case=case).order_by("-id").first()
    assert (transition.from_phase, transition.to_phase, transition.reason, transition.changed_by) == (
        Phase.SETTLEMENT, Phase.CLOSED, "終結（決裁済み）", director)
    closure.refresh_from_db()
    assert closure.status == ApprovalStatus.APPROVED


def test_returned_closure_keeps_the_case_open_and_can_be_corrected(case, worker, director, director_client,
                                                                   worker_client):
    closure = services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                       services=["none"], summary="まとめ（架空）")
    assert _decide(director_client, closure, "return", "居所を確認してください").status_code == 302
    case.refresh_from_db()
    closure.refresh_from_db()
    assert case.phase == Phase.SETTLEMENT and closure.status == ApprovalStatus.RETURNED
    assert not PhaseTransition.objects.filter(case=case, to_phase=Phase.CLOSED).exists()
    response = worker_client.post(reverse("planning:closure_edit", args=[case.pk, closure.pk]),
                                  {**_form(residence="group_home"), "version": closure.version})
    assert response.status_code == 302
    closure.refresh_from_db()
    assert (closure.status, closure.residence) == (ApprovalStatus.PENDING, "group_home")


def test_self_approval_of_a_closure_is_refused(case, director):
    closure = services.request_closure(actor=director, case=case, outcome="stable", residence="home",
                                       services=["medical"], summary="まとめ（架空）")
    with pytest.raises(ValidationError, match="自分が申請したものは決裁できません"):
        services.approve(actor=director, subject=closure)
    case.refresh_from_db()
    assert case.phase == Phase.SETTLEMENT


def test_closure_fails_as_a_whole_when_the_case_is_already_closed(case, worker, director):
    closure = services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                       services=["none"], summary="まとめ（架空）")
    Case.objects.filter(pk=case.pk).update(phase=Phase.CLOSED, closure_outcome="other")  # closed meanwhile
    with pytest.raises(ValidationError, match="すでに終結"):
        services.approve(actor=director, subject=closure)
    closure.refresh_from_db()
    assert closure.status == ApprovalStatus.PENDING  # rolled back with the case change


def test_one_closure_request_in_progress_per_case(case, worker):
    services.request_closure(actor=worker, case=case, outcome="stable", residence="home", services=["none"],
                             summary="架空")
    with pytest.raises(ValidationError, match="手続き中の終結の申請"):
        services.request_closure(actor=worker, case=case, outcome="stable", residence="home", services=["none"],
                                 summary="架空")


def test_none_cannot_be_combined_with_a_service(case, worker_client):
    response = worker_client.post(reverse("planning:closure", args=[case.pk]),
                                  _form(services=[ServiceAtClosure.NONE, ServiceAtClosure.MEDICAL]))
    assert response.status_code == 200
    assert "「なし」と他のサービスは同時に選べません。" in response.content.decode()


def test_closure_form_errors_are_japanese_and_keep_input(case, worker_client):
    response = worker_client.post(reverse("planning:closure", args=[case.pk]),
                                  {"summary": "途中まで書いたまとめ", "outcome": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "終結理由を選んでください。" in body and "終結時に利用中のサービスを選んでください" in body
    assert "途中まで書いたまとめ" in body


def test_withdrawn_closure_leaves_the_case_open_and_allows_a_new_request(case, worker, worker_client):
    closure = services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                       services=["none"], summary="架空")
    assert worker_client.post(reverse("planning:closure_withdraw", args=[case.pk, closure.pk])).status_code == 302
    closure.refresh_from_db()
    assert closure.status == ApprovalStatus.WITHDRAWN
    assert worker_client.get(reverse("planning:closure", args=[case.pk])).status_code == 200
    services.request_closure(actor=worker, case=case, outcome="moved", residence="unknown", services=["none"],
                             summary="架空")


def test_clerk_and_auditor_cannot_request_closure(case, clerk_client, auditor_client):
    for client in (clerk_client, auditor_client):
        assert client.post(reverse("planning:closure", args=[case.pk]), _form()).status_code == 403
    assert not ClosureRequest.objects.exists()


def test_clerk_does_not_see_the_closing_summary(case, worker, clerk_client):
    closure = services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                       services=["none"], summary="架空の秘密のまとめ")
    body = clerk_client.get(reverse("planning:closure_detail", args=[case.pk, closure.pk])).content.decode()
    assert "地域生活が安定" in body and "架空の秘密のまとめ" not in body


def test_outsider_gets_404_for_closure_pages(case, worker, outsider_client):
    closure = services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                       services=["none"], summary="架空")
    for name in ("closure_detail", "closure_edit", "closure_withdraw", "closure_decide"):
        url = reverse(f"planning:{name}", args=[case.pk, closure.pk])
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url).status_code == 404, url
    assert outsider_client.get(reverse("planning:closure", args=[case.pk])).status_code == 404


def test_closure_of_another_case_is_404(case, center, worker, worker_client):
    closure = services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                       services=["none"], summary="架空")
    other = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    assert worker_client.get(reverse("planning:closure_detail", args=[other.pk, closure.pk])).status_code == 404
