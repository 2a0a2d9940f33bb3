"""The closure checklist: a case closes only when every open procedure, follow-up, placement, つなぎ and
更生緊急保護 is completed, cancelled with a reason or carried over; approval cancels the ones to cancel."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.inbox import selectors as inbox_selectors
from yorisoi.inbox.rules import MINE
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.models import ConnectionStatus, ConnectionStatusChange
from yorisoi.placements.tests.factories import ConnectionFactory, PlacementFactory
from yorisoi.planning import services as planning
from yorisoi.planning.models import ApprovalStatus, ClosureItem, ClosureRequest
from yorisoi.procedures.models import FollowUpStatus, ProcedureStatus, ProtectionStatus
from yorisoi.procedures.tests.factories import CaseProcedureFactory, FollowUpFactory, UrgentProtectionFactory
from yorisoi.workflow import closure as checklist
from yorisoi.workflow import services as workflow
from yorisoi.workflow.choices import Handling, ItemKind

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
CANCEL, CARRY = Handling.CANCEL, Handling.CARRY_OVER


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))))


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.SETTLEMENT)


@pytest.fixture
def items(case):
    """One open item of each kind, with names a reader can tell apart."""
    return {
        "procedure": CaseProcedureFactory(case=case, title="療育手帳の申請"),
        "follow_up": FollowUpFactory(case=case, interval_label="3か月後", due_date=dt.date(2027, 3, 1)),
        "placement": PlacementFactory(case=case, entered_on=dt.date(2026, 11, 1)),
        "connection": ConnectionFactory(case=case, status=ConnectionStatus.COORDINATING),
        "protection": UrgentProtectionFactory(case=case, status=ProtectionStatus.APPLIED, approval_date=None,
                                              start_date=None, end_date=None, guidance_limit_date=None),
    }


def _request(case, actor, items=None, **overrides):
    values = {"outcome": "stable", "residence": "group_home", "services": ["none"],
              "summary": "地域で落ち着いて暮らしている（架空）", **overrides}
    return planning.request_closure(actor=actor, case=case, items=items, **values)


def _all(items, handling: dict | None = None) -> dict:
    """A choice for every item: cancel where possible (with a reason), else carry over; `handling` overrides."""
    chosen = {}
    for item in checklist.open_items_of(next(iter(items.values())).case):
        choice = (handling or {}).get(item.kind) or (CANCEL if CANCEL in item.handlings else CARRY)
        chosen[item.key] = (choice, "本人の希望で不要になった（架空）")
    return chosen


def test_checklist_lists_every_kind_of_open_item_of_the_case(case, items):
    listed = checklist.open_items_of(case)
    assert [i.kind for i in listed] == [ItemKind.PROCEDURE, ItemKind.FOLLOW_UP, ItemKind.PLACEMENT,
                                        ItemKind.CONNECTION, ItemKind.PROTECTION]
    assert {i.key for i in listed} == {(kind, obj.pk) for kind, obj in items.items()}
    # a placement and a running つなぎ are carried over (or ended in their own screen), never cancelled here
    placement = next(i for i in listed if i.kind == ItemKind.PLACEMENT)
    assert placement.handlings == (CARRY,)


def test_completed_and_cancelled_items_are_not_on_the_checklist(case, items):
    done = CaseProcedureFactory(case=case, status=ProcedureStatus.DONE, completed_on=dt.date(2026, 11, 20))
    cancelled = FollowUpFactory(case=case, status=FollowUpStatus.CANCELLED, interval_label="1年後")
    started_ended = ConnectionFactory(case=case, status=ConnectionStatus.STARTED, started_on=dt.date(2026, 11, 6),
                                      ended_on=dt.date(2026, 11, 30))
    keys = {i.key for i in checklist.open_items_of(case)}
    assert (ItemKind.PROCEDURE, done.pk) not in keys
    assert (ItemKind.FOLLOW_UP, cancelled.pk) not in keys
    assert (ItemKind.CONNECTION, started_ended.pk) not in keys
    assert len(keys) == 5


def test_service_refuses_a_closure_request_with_unhandled_items_and_names_them(case, items, worker):
    with pytest.raises(ValidationError) as refused:
        _request(case, worker)
    message = " ".join(refused.value.message_dict["items"])
    assert "（5件）" in message
    for name in ("手続き「療育手帳の申請」", "フォローアップ「3か月後（本人）」", "居所「", "つなぎ「",
                 "更生緊急保護「更生緊急保護」"):
        assert name in message, name
    assert not ClosureRequest.objects.filter(case=case).exists()


def test_service_refuses_when_one_item_is_left_out(case, items, worker):
    chosen = _all(items)
    del chosen[(ItemKind.FOLLOW_UP, items["follow_up"].pk)]
    with pytest.raises(ValidationError) as refused:
        _request(case, worker, chosen)
    message = " ".join(refused.value.message_dict["items"])
    assert "（1件）" in message and "フォローアップ「3か月後（本人）」" in message
    assert "療育手帳の申請" not in message


def test_a_cancel_needs_a_reason(case, items, worker):
    chosen = _all(items)
    chosen[(ItemKind.PROCEDURE, items["procedure"].pk)] = (CANCEL, "  ")
    with pytest.raises(ValidationError) as refused:
        _request(case, worker, chosen)
    assert "療育手帳の申請" in " ".join(refused.value.message_dict["items"])


def test_a_placement_cannot_be_cancelled_from_the_checklist(case, items, worker):
    chosen = _all(items)
    chosen[(ItemKind.PLACEMENT, items["placement"].pk)] = (CANCEL, "退所した（架空）")
    with pytest.raises(ValidationError) as refused:
        _request(case, worker, chosen)
    assert "居所「" in " ".join(refused.value.message_dict["items"])


def test_request_keeps_the_choices_and_the_items_stay_open_until_approval(case, items, worker):
    closure = _request(case, worker, _all(items))
    rows = {row.kind: row for row in ClosureItem.objects.filter(request=closure)}
    assert set(rows) == set(ItemKind.values)
    assert (rows["procedure"].handling, rows["placement"].handling) == (CANCEL, CARRY)
    assert rows["procedure"].label == "手続き「療育手帳の申請」"
    items["procedure"].refresh_from_db()
    assert items["procedure"].status == ProcedureStatus.NOT_STARTED


def test_approval_cancels_with_the_reason_and_leaves_carried_items(case, items, worker, director):
    chosen = _all(items, {ItemKind.FOLLOW_UP: CARRY})
    closure = _request(case, worker, chosen)
    planning.approve(actor=director, subject=closure)
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED
    for obj in items.values():
        obj.refresh_from_db()
    procedure, follow_up, placement = items["procedure"], items["follow_up"], items["placement"]
    assert procedure.status == ProcedureStatus.CANCELLED
    assert "終結にあたり中止：本人の希望で不要になった（架空）" in procedure.notes
    assert follow_up.status == FollowUpStatus.SCHEDULED  # carried over: still to do after closure
    assert placement.exited_on is None
    assert items["connection"].status == ConnectionStatus.FAILED
    change = ConnectionStatusChange.objects.filter(connection=items["connection"]).latest("id")
    assert change.note.startswith("終結にあたり中止")
    assert items["protection"].status == ProtectionStatus.NOT_APPROVED


def test_an_item_opened_after_the_request_blocks_approval_and_nothing_changes(case, items, worker, director):
    closure = _request(case, worker, _all(items))
    late = CaseProcedureFactory(case=case, title="障害年金の請求")
    with pytest.raises(ValidationError) as refused:
        planning.approve(actor=director, subject=closure)
    assert "障害年金の請求" in " ".join(refused.value.message_dict["items"])
    case.refresh_from_db()
    closure.refresh_from_db()
    items["procedure"].refresh_from_db()
    late.refresh_from_db()
    assert case.phase == Phase.SETTLEMENT
    assert closure.status == ApprovalStatus.PENDING
    assert items["procedure"].status == ProcedureStatus.NOT_STARTED  # the cancellation was rolled back


def test_workflow_refuses_closing_with_unhandled_items_even_with_an_approved_request(case, items, director):
    approved = ClosureRequest(case=case, status="approved")
    with pytest.raises(ValidationError) as refused:
        workflow.change_case_phase(actor=director, case=case, to_phase=Phase.CLOSED, reason="終結",
                                   expected_version=case.version, closure_outcome="stable",
                                   closure_summary="まとめ（架空）", approved_closure=approved)
    assert "まだ対応が決まっていない項目" in " ".join(refused.value.message_dict["items"])


def test_carried_over_follow_up_stays_in_the_inbox_after_closure_marked_so(case, items, worker, director):
    other = FollowUpFactory(case=case, interval_label="6か月後", due_date=dt.date(2026, 12, 10))
    chosen = _all(items, {ItemKind.FOLLOW_UP: CARRY})
    chosen[(ItemKind.FOLLOW_UP, other.pk)] = (CANCEL, "本人の転居（架空）")
    planning.approve(actor=director, subject=_request(case, worker, chosen))
    titles = [i.title for i in inbox_selectors.items_for(worker, today=TODAY, until=dt.date(2027, 4, 1), scope=MINE)
              if i.case_id == case.pk]
    assert titles == ["フォローアップ：本人・3か月後（終結後も継続）"]


def test_closure_form_shows_the_checklist_and_keeps_what_was_typed(case, items, worker_client):
    page = worker_client.get(reverse("planning:closure", args=[case.pk]))
    text = page.content.decode()
    assert "療育手帳の申請" in text and "終結後も継続する（引き継ぐ）" in text
    response = worker_client.post(reverse("planning:closure", args=[case.pk]), {
        "outcome": "stable", "residence": "group_home", "services": ["none"], "summary": "入力したまとめ（架空）",
        f"item_procedure_{items['procedure'].pk}": CANCEL})
    assert response.status_code == 200
    text = response.content.decode()
    assert "中止するときは理由を入力してください。" in text
    assert "フォローアップ「3か月後（本人）」の扱いを選んでください" in text
    assert "入力したまとめ（架空）" in text
    assert not ClosureRequest.objects.filter(case=case).exists()


def test_closure_form_submits_when_every_item_is_handled(case, items, worker_client):
    data = {"outcome": "stable", "residence": "group_home", "services": ["none"], "summary": "まとめ（架空）"}
    for item in checklist.open_items_of(case):
        data[f"item_{item.kind}_{item.pk}"] = CARRY
    data[f"item_procedure_{items['procedure'].pk}"] = CANCEL
    data[f"reason_procedure_{items['procedure'].pk}"] = "不要になった（架空）"
    response = worker_client.post(reverse("planning:closure", args=[case.pk]), data)
    assert response.status_code == 302
    closure = ClosureRequest.objects.get(case=case)
    assert closure.items.get(kind=ItemKind.PROCEDURE).reason == "不要になった（架空）"


def test_director_decision_screen_shows_the_checklist_and_late_items(case, items, worker, director_client):
    closure = _request(case, worker, _all(items, {ItemKind.FOLLOW_UP: CARRY}))
    CaseProcedureFactory(case=case, title="障害年金の請求")
    text = director_client.get(reverse("planning:closure_detail", args=[case.pk, closure.pk])).content.decode()
    assert "終結時の未完了項目（チェックリスト）" in text
    assert "手続き「療育手帳の申請」" in text and "フォローアップ「3か月後（本人）」" in text
    assert "終結後も継続" in text and "本人の希望で不要になった（架空）" in text
    assert "扱いが決まっていない項目が増えました（1件）" in text and "障害年金の請求" in text


def test_a_returned_request_is_corrected_with_choices_for_items_opened_since(case, items, worker, director):
    before = _all(items)
    closure = _request(case, worker, before)
    planning.return_for_revision(actor=director, subject=closure, comment="手続きが増えました（架空）")
    late = CaseProcedureFactory(case=case, title="障害年金の請求")
    closure.refresh_from_db()
    with pytest.raises(ValidationError):
        planning.revise_closure_request(actor=worker, closure=closure, expected_version=closure.version,
                                        outcome="stable", residence="group_home", services=["none"],
                                        summary="まとめ（架空）", items=before)
    chosen = _all(items)
    assert (ItemKind.PROCEDURE, late.pk) in chosen  # _all lists what is open now
    planning.revise_closure_request(actor=worker, closure=closure, expected_version=closure.version,
                                    outcome="stable", residence="group_home", services=["none"],
                                    summary="まとめ（架空）", items=chosen)
    assert ClosureItem.objects.filter(request=closure).count() == 6
    planning.approve(actor=director, subject=closure)
    late.refresh_from_db()
    assert late.status == ProcedureStatus.CANCELLED
