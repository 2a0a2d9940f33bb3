"""休止 (pause instead of closing) as phase moves with a reason, a log of re-contact attempts and the next attempt in
やること; phase moves checked against the placement's dates; future placements shown as 予定."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.cases import selectors as case_selectors
from yorisoi.cases import services as case_services
from yorisoi.cases.models import CasePause, ContactAttempt, Phase, PhaseTransition
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.inbox import selectors as inbox_selectors
from yorisoi.inbox.rules import MINE
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.tests.factories import PlacementFactory
from yorisoi.planning import services as planning
from yorisoi.workflow import services as workflow

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))))


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.SETTLEMENT)


def _pause(case, actor, **overrides):
    values = {"reason_kind": "lost_contact", "reason": "11月から電話がつながらない（架空）",
              "next_attempt_on": dt.date(2026, 12, 8), **overrides}
    return workflow.pause_case(actor=actor, case=case, expected_version=case.version, **values)


# --- dates ------------------------------------------------------------------------------------------------


def test_temporary_placement_is_refused_before_the_entry_date(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.COORDINATING)
    PlacementFactory(case=case, entered_on=dt.date(2026, 12, 14))
    with pytest.raises(ValidationError) as refused:
        workflow.change_case_phase(actor=worker, case=case, to_phase=Phase.TEMPORARY_PLACEMENT, reason="入所",
                                   expected_version=case.version)
    assert "入所日（令和8年12月14日）より前には「一時受入」にできません" in refused.value.message_dict["to_phase"][0]
    case.refresh_from_db()
    assert case.phase == Phase.COORDINATING


def test_temporary_placement_is_allowed_from_the_entry_date(center, worker, time_machine):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.COORDINATING)
    PlacementFactory(case=case, entered_on=dt.date(2026, 12, 14))
    time_machine.move_to(dt.datetime(2026, 12, 14, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))))
    moved = workflow.change_case_phase(actor=worker, case=case, to_phase=Phase.TEMPORARY_PLACEMENT, reason="入所",
                                       expected_version=case.version)
    assert moved.phase == Phase.TEMPORARY_PLACEMENT


def test_case_page_refuses_the_early_move_in_japanese_and_keeps_the_reason(center, worker, worker_client):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.COORDINATING)
    PlacementFactory(case=case, entered_on=dt.date(2026, 12, 14))
    response = worker_client.post(reverse("cases:change_phase", args=[case.pk]), {
        "phase-to_phase": Phase.TEMPORARY_PLACEMENT, "phase-reason": "入所が決まった（架空）",
        "phase-version": case.version})
    assert response.status_code == 200
    text = response.content.decode()
    assert "より前には「一時受入」にできません" in text and "入所が決まった（架空）" in text


def test_future_placement_is_shown_as_planned_not_current(center, worker, worker_client):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.COORDINATING)
    PlacementFactory(case=case, entered_on=dt.date(2026, 12, 14))
    text = worker_client.get(reverse("placements:case", args=[case.pk])).content.decode()
    history = text[text.index('id="placements"'):]
    assert "R8.12.14〜 <span class=\"badge badge-booked\">予定</span>" in history
    assert "badge-current\">現在" not in history


# --- pause ------------------------------------------------------------------------------------------------


def test_pause_is_a_phase_move_with_reason_and_next_attempt(case, worker):
    pause = _pause(case, worker)
    case.refresh_from_db()
    assert case.phase == Phase.PAUSED and case.is_open
    assert (pause.from_phase, pause.reason_kind, pause.next_attempt_on) == (Phase.SETTLEMENT, "lost_contact",
                                                                             dt.date(2026, 12, 8))
    transition = PhaseTransition.objects.filter(case=case).latest("id")
    assert (transition.from_phase, transition.to_phase, transition.changed_by) == (Phase.SETTLEMENT, Phase.PAUSED,
                                                                                   worker)
    assert transition.reason.startswith("休止（連絡途絶）")


def test_pause_needs_a_next_attempt_from_today_and_a_reason_for_other(case, worker):
    with pytest.raises(ValidationError) as refused:
        _pause(case, worker, reason_kind="other", reason="", next_attempt_on=dt.date(2026, 11, 30))
    errors = refused.value.message_dict
    assert errors["next_attempt_on"] == ["次に連絡を試みる日は今日以降の日付にしてください。"]
    assert errors["reason"] == ["「その他」のときは理由の詳細を入力してください。"]
    case.refresh_from_db()
    assert case.phase == Phase.SETTLEMENT and not CasePause.objects.exists()


def test_the_ordinary_phase_change_cannot_pause_or_leave_a_pause(case, worker):
    with pytest.raises(ValidationError) as refused:
        workflow.change_case_phase(actor=worker, case=case, to_phase=Phase.PAUSED, reason="休止",
                                   expected_version=case.version)
    assert refused.value.message_dict["to_phase"] == ["「定着支援」から「休止」へは変更できません。"]
    _pause(case, worker)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        workflow.change_case_phase(actor=worker, case=case, to_phase=Phase.SETTLEMENT, reason="戻す",
                                   expected_version=case.version)


def test_contact_attempts_are_logged_and_move_the_next_attempt(case, worker):
    _pause(case, worker)
    case.refresh_from_db()
    case_services.record_contact_attempt(actor=worker, case=case, attempted_on=TODAY, method="phone",
                                         note="留守番電話に伝言（架空）", next_attempt_on=dt.date(2026, 12, 15))
    attempt = ContactAttempt.objects.get()
    assert (attempt.method, attempt.reached, attempt.recorded_by) == ("phone", False, worker)
    assert CasePause.objects.get().next_attempt_on == dt.date(2026, 12, 15)


def test_contact_attempt_is_refused_on_a_case_that_is_not_paused_and_for_a_future_day(case, worker):
    with pytest.raises(ValidationError):
        case_services.record_contact_attempt(actor=worker, case=case, attempted_on=TODAY, method="phone")
    _pause(case, worker)
    with pytest.raises(ValidationError) as refused:
        case_services.record_contact_attempt(actor=worker, case=case, attempted_on=dt.date(2026, 12, 2),
                                             method="visit")
    assert "attempted_on" in refused.value.message_dict
    assert not ContactAttempt.objects.exists()


def test_resume_goes_back_to_the_phase_before_the_pause(case, worker):
    _pause(case, worker)
    case.refresh_from_db()
    resumed = workflow.resume_case(actor=worker, case=case, expected_version=case.version,
                                   note="本人から電話があった（架空）")
    assert resumed.phase == Phase.SETTLEMENT
    pause = CasePause.objects.get()
    assert pause.ended_at is not None and pause.ended_by == worker
    transition = PhaseTransition.objects.filter(case=case).latest("id")
    assert (transition.from_phase, transition.to_phase) == (Phase.PAUSED, Phase.SETTLEMENT)
    assert transition.reason == "休止から再開：本人から電話があった（架空）"


def test_resume_needs_a_note_and_a_paused_case(case, worker):
    with pytest.raises(ValidationError):
        workflow.resume_case(actor=worker, case=case, expected_version=case.version, note="再開")
    _pause(case, worker)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        workflow.resume_case(actor=worker, case=case, expected_version=case.version, note=" ")
    assert refused.value.message_dict["note"] == ["再開する理由・経緯を入力してください。"]


def test_a_paused_case_can_be_closed_through_approval_and_its_pause_ends(case, worker, director):
    _pause(case, worker)
    case.refresh_from_db()
    closure = planning.request_closure(actor=worker, case=case, outcome="lost_contact", residence="unknown",
                                       services=["none"], summary="半年連絡がとれない（架空）")
    planning.approve(actor=director, subject=closure)
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED
    assert CasePause.objects.get().end_note == "終結"


def test_next_attempt_is_in_the_inbox_of_the_staff_in_charge(case, worker, colleague):
    _pause(case, worker)
    items = [i for i in inbox_selectors.items_for(worker, today=TODAY, until=dt.date(2026, 12, 14), scope=MINE)
             if i.kind == "recontact"]
    assert [(i.date, i.title, i.case_id) for i in items] == [
        (dt.date(2026, 12, 8), "休止中のケースに連絡を試みる（連絡途絶）", case.pk)]
    assert not [i for i in inbox_selectors.items_for(colleague, today=TODAY, until=dt.date(2026, 12, 14), scope=MINE)
                if i.kind == "recontact"]


def test_paused_cases_are_counted_apart_from_the_cases_in_progress(case, center, worker, worker_client):
    other = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.COORDINATING)
    _pause(case, worker)
    in_progress = case_selectors.case_list(user=worker, phase=case_selectors.OPEN_FILTER)
    assert list(in_progress.values_list("pk", flat=True)) == [other.pk]
    assert case_selectors.paused_count(user=worker) == 1
    text = worker_client.get(reverse("cases:list")).content.decode()
    assert "休止中のケース：" in text and "1件</a>" in text


def test_case_page_pauses_records_an_attempt_and_resumes(case, worker_client):
    url = reverse("cases:detail", args=[case.pk])
    assert "休止にする（連絡途絶・本人が今は望まないとき）" in worker_client.get(url).content.decode()
    response = worker_client.post(reverse("cases:pause", args=[case.pk]), {
        "pause-reason_kind": "declined", "pause-reason": "", "pause-next_attempt_on": "令和8年12月20日",
        "pause-version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.phase == Phase.PAUSED
    response = worker_client.post(reverse("cases:contact_attempt", args=[case.pk]), {
        "attempt-attempted_on": "令和8年12月1日", "attempt-method": "visit", "attempt-reached": "on",
        "attempt-note": "会えたが、今は話したくないとのこと（架空）"})
    assert response.status_code == 302
    text = worker_client.get(url).content.decode()
    assert "本人が今は支援を望まない" in text and "連絡がとれた" in text and "令和8年12月20日" in text
    response = worker_client.post(reverse("cases:resume", args=[case.pk]), {
        "resume-note": "本人から連絡があった（架空）", "resume-version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.phase == Phase.SETTLEMENT


def test_case_page_pause_with_bad_input_answers_in_japanese_and_keeps_it(case, worker_client):
    response = worker_client.post(reverse("cases:pause", args=[case.pk]), {
        "pause-reason_kind": "other", "pause-reason": "", "pause-next_attempt_on": "あした",
        "pause-version": case.version})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.phase == Phase.SETTLEMENT
    assert 'value="あした"' in response.content.decode()
