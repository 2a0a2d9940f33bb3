"""Phase changes follow PHASE_MOVES, are recorded (who, when, why) and closing needs an outcome and summary.
The case page does not close a case: 終結 goes through the planning app's closure request and 決裁."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yorisoi.cases.models import PHASE_MOVES, Case, Phase, PhaseTransition
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.planning.models import ApprovalStatus, ClosureRequest
from yorisoi.workflow import services

pytestmark = pytest.mark.django_db

ALL_MOVES = list(itertools.product(Phase.values, Phase.values))


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


def _closing(case, **extra) -> dict:
    """What planning.services.approve passes: the outcome, the summary and the approved closure request."""
    approved = ClosureRequest(case=case, status=ApprovalStatus.APPROVED)
    return {"closure_outcome": "stable", "closure_summary": "アパートで安定した生活（架空）",
            "approved_closure": approved, **extra}


@pytest.mark.parametrize(("from_phase", "to_phase"), ALL_MOVES)
def test_service_allows_exactly_the_moves_in_phase_moves(case, worker, from_phase, to_phase):
    Case.objects.filter(pk=case.pk).update(phase=from_phase, closure_outcome="other" if from_phase == "closed" else "")
    case.refresh_from_db()
    kwargs = {"actor": worker, "case": case, "to_phase": to_phase, "reason": "架空の理由",
              "expected_version": case.version, **(_closing(case) if to_phase == Phase.CLOSED else {})}
    if to_phase in PHASE_MOVES[from_phase]:
        moved = services.change_case_phase(**kwargs)
        assert moved.phase == to_phase
        assert PhaseTransition.objects.filter(case=case, from_phase=from_phase, to_phase=to_phase).count() == 1
    else:
        with pytest.raises(ValidationError) as refused:
            services.change_case_phase(**kwargs)
        expected = f"「{Phase(from_phase).label}」から「{Phase(to_phase).label}」へは変更できません。"
        assert refused.value.message_dict["to_phase"] == [expected]
        case.refresh_from_db()
        assert case.phase == from_phase
        assert not PhaseTransition.objects.filter(case=case).exists()


@time_machine.travel(dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC), tick=False)
def test_phase_change_through_the_page_records_who_when_and_why(case, worker, worker_client):
    response = worker_client.post(reverse("cases:change_phase", args=[case.pk]), {
        "phase-to_phase": "coordinating", "phase-reason": "検察庁から正式な依頼（架空）",
        "phase-version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.phase == Phase.COORDINATING
    assert case.start_date == dt.date(2026, 11, 20)
    transition = PhaseTransition.objects.get(case=case)
    assert (transition.from_phase, transition.to_phase, transition.changed_by, transition.reason) == (
        Phase.INTAKE, Phase.COORDINATING, worker, "検察庁から正式な依頼（架空）")
    assert transition.changed_at == dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)
    body = worker_client.get(response["Location"]).content.decode()
    assert "段階を「調整中」に変更しました。" in body


def test_refused_move_shows_a_japanese_error_and_keeps_the_reason(case, worker_client):
    response = worker_client.post(reverse("cases:change_phase", args=[case.pk]), {
        "phase-to_phase": "settlement", "phase-reason": "飛ばして定着支援へ（架空）", "phase-version": case.version})
    assert response.status_code == 200
    body = response.content.decode()
    assert "「相談受付」から「定着支援」へは変更できません。" in body
    assert "飛ばして定着支援へ（架空）" in body
    case.refresh_from_db()
    assert case.phase == Phase.INTAKE


def test_phase_change_needs_a_reason(case, worker_client):
    response = worker_client.post(reverse("cases:change_phase", args=[case.pk]), {
        "phase-to_phase": "coordinating", "phase-reason": "", "phase-version": case.version})
    assert response.status_code == 200
    assert "変更の理由を入力してください。" in response.content.decode()
    assert not PhaseTransition.objects.filter(case=case).exists()


def test_the_phase_form_refuses_closing_and_points_to_the_closure_request(case, worker_client):
    response = worker_client.post(reverse("cases:change_phase", args=[case.pk]), {
        "phase-to_phase": "closed", "phase-reason": "支援に至らず（架空）", "phase-version": case.version,
        "phase-closure_outcome": "refused", "phase-closure_summary": "架空"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "終結は「終結の申請」から申請し、管理者の決裁で行います。" in body
    assert "支援に至らず（架空）" in body  # what was typed is kept
    assert reverse("planning:closure", args=[case.pk]) in body
    case.refresh_from_db()
    assert case.phase == Phase.INTAKE
    assert not PhaseTransition.objects.filter(case=case).exists()


def test_service_refuses_closing_without_outcome(case, worker):
    with pytest.raises(ValidationError) as refused:
        services.change_case_phase(actor=worker, case=case, to_phase=Phase.CLOSED, reason="架空",
                                   expected_version=case.version, closure_summary="架空のまとめ")
    assert refused.value.message_dict["closure_outcome"] == ["終結するには終結理由を選んでください。"]


@pytest.mark.parametrize("closure", [None, "pending", "returned", "approved_for_another_case"])
def test_service_refuses_closing_without_an_approved_closure_request_of_this_case(case, worker, closure):
    other = CaseFactory(person=PersonFactory(center=case.center), main_staff=worker)
    approved_closure = {
        None: None,
        "pending": ClosureRequest(case=case, status=ApprovalStatus.PENDING),
        "returned": ClosureRequest(case=case, status=ApprovalStatus.RETURNED),
        "approved_for_another_case": ClosureRequest(case=other, status=ApprovalStatus.APPROVED),
    }[closure]
    with pytest.raises(ValidationError) as refused:
        services.change_case_phase(actor=worker, case=case, to_phase=Phase.CLOSED, reason="架空",
                                   expected_version=case.version, closure_outcome="refused",
                                   closure_summary="架空のまとめ", approved_closure=approved_closure)
    assert refused.value.message_dict["to_phase"] == ["終結は「終結の申請」から申請し、管理者の決裁で行います。"]
    case.refresh_from_db()
    assert case.phase == Phase.INTAKE
    assert not PhaseTransition.objects.filter(case=case).exists()


@time_machine.travel(dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC), tick=False)
def test_closing_through_the_service_ends_the_case_and_the_page_offers_reopening(case, worker, worker_client):
    """What an approved closure request does (planning.services.approve calls change_case_phase)."""
    services.change_case_phase(actor=worker, case=case, to_phase=Phase.CLOSED, reason="本人の意思で終了（架空）",
                               expected_version=case.version,
                               **_closing(case, closure_outcome="refused",
                                          closure_summary="本人が支援を希望しなくなった（架空）"))
    case.refresh_from_db()
    assert (case.phase, case.closure_outcome, case.end_date) == (Phase.CLOSED, "refused", dt.date(2026, 11, 20))
    body = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "新しい支援ケースを開始" in body
    assert 'id="id_phase-to_phase"' not in body


@pytest.mark.parametrize("client_name", ["clerk_client", "auditor_client"])
def test_clerk_and_auditor_cannot_change_the_phase(request, case, client_name):
    client = request.getfixturevalue(client_name)
    response = client.post(reverse("cases:change_phase", args=[case.pk]), {
        "phase-to_phase": "coordinating", "phase-reason": "架空", "phase-version": case.version})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.phase == Phase.INTAKE


def test_service_refuses_a_user_without_the_right(case, auditor):
    with pytest.raises(PermissionDenied):
        services.change_case_phase(actor=auditor, case=case, to_phase=Phase.COORDINATING, reason="架空",
                                   expected_version=case.version)


def test_stale_phase_change_is_refused_with_409_and_the_reason_kept(case, worker, colleague, worker_client):
    opened_version = case.version
    services.change_case_phase(actor=colleague, case=case, to_phase=Phase.COORDINATING,
                               reason="同僚が先に変更（架空）", expected_version=opened_version)
    response = worker_client.post(reverse("cases:change_phase", args=[case.pk]), {
        "phase-to_phase": "coordinating", "phase-reason": "私の変更理由（架空）", "phase-version": opened_version})
    assert response.status_code == 409
    body = response.content.decode()
    assert "保存できませんでした。" in body
    assert "私の変更理由（架空）" in body
    assert f'name="phase-version" value="{opened_version + 1}"' in body
    case.refresh_from_db()
    assert case.phase == Phase.COORDINATING
    assert PhaseTransition.objects.filter(case=case).count() == 1


def test_get_on_the_phase_url_goes_back_to_the_case(case, worker_client):
    response = worker_client.get(reverse("cases:change_phase", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith("#phase")


@pytest.mark.parametrize(("phase", "shown"), [(Phase.INTAKE, True), (Phase.COORDINATING, True),
                                               (Phase.TEMPORARY_PLACEMENT, False), (Phase.SETTLEMENT, False)])
def test_the_intake_urgency_badge_is_shown_until_a_place_is_secured(case, worker_client, phase, shown):
    Case.objects.filter(pk=case.pk).update(phase=phase, urgency="immediate")
    header = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode().split("<main", 1)[1]
    header = header[:header.index("</header>")] if "</header>" in header else header
    assert ('<span class="badge badge-urgency-immediate">至急</span>' in header) is shown
