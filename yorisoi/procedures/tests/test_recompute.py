"""When the reference date moves, only what is not done and follows the reference moves with it; the chain
申請 → 判定 → 交付 gets its due dates from each completion."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.models import CaseKind
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures import services
from yorisoi.procedures.models import CaseProcedure, ProcedureStatus
from yorisoi.workflow import services as case_services

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)  # 10:00 in Japan


@pytest.fixture
def exit_case(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, kind=CaseKind.EXIT,
                       expected_release_date=dt.date(2026, 12, 1))
    # every item, those for the worker to choose (the 身体障害者手帳 chain) too
    everything = [p.item.pk for p in services.proposals_for(case=case, actor=worker)]
    services.apply_case_template(case=case, actor=worker, item_ids=everything)
    return case


def _by_title(case) -> dict[str, CaseProcedure]:
    return {p.title: p for p in CaseProcedure.objects.filter(case=case).select_related("depends_on")}


def _move_release(case, actor, new_date):
    """cases.services.update_case calls on_reference_date_changed itself: return the procedures it moved."""
    before = {p.pk: p.due_date for p in CaseProcedure.objects.filter(case=case)}
    current = case.__class__.objects.get(pk=case.pk)
    case_services.update_case(actor=actor, case=current, expected_version=current.version,
                              expected_release_date=new_date)
    return [p for p in CaseProcedure.objects.filter(case=case) if p.due_date != before[p.pk]]


@time_machine.travel(TODAY, tick=False)
def test_moving_the_release_date_moves_only_unfinished_following_procedures(exit_case, worker):
    p = _by_title(exit_case)
    assert p["住民票の回復"].due_date == dt.date(2026, 12, 4)  # Tue 12/1 + 3 business days
    services.change_procedure_status(actor=worker, procedure=p["援護の実施者の確定"],
                                     expected_version=p["援護の実施者の確定"].version, status=ProcedureStatus.DONE)
    services.update_case_procedure(actor=worker, procedure=p["健康保険"], expected_version=p["健康保険"].version,
                                   follows_reference=False, due_date=dt.date(2026, 12, 24))
    services.change_procedure_status(actor=worker, procedure=p["年金"], expected_version=p["年金"].version,
                                     status=ProcedureStatus.CANCELLED)
    before = _by_title(exit_case)

    moved = _move_release(exit_case, worker, dt.date(2026, 12, 22))

    after = _by_title(exit_case)
    assert after["住民票の回復"].due_date == dt.date(2026, 12, 25)
    assert after["受診・無料低額診療"].due_date == dt.date(2026, 12, 29)  # calendar days: the closure does not matter
    assert after["援護の実施者の確定"].due_date == before["援護の実施者の確定"].due_date  # done
    assert after["健康保険"].due_date == dt.date(2026, 12, 24)  # typed by hand
    assert after["年金"].due_date == before["年金"].due_date  # cancelled
    assert after["住民票の回復"].version == before["住民票の回復"].version + 1
    assert {m.title for m in moved} >= {"住民票の回復", "受診・無料低額診療", "身分証明書"}
    assert "援護の実施者の確定" not in {m.title for m in moved}


@time_machine.travel(TODAY, tick=False)
def test_recompute_is_a_no_op_when_nothing_changed(exit_case, worker):
    assert services.recompute_due_dates(case=exit_case, actor=worker) == []


@time_machine.travel(TODAY, tick=False)
def test_the_placement_date_gives_placement_procedures_their_due_dates(exit_case, worker):
    assert _by_title(exit_case)["要介護認定"].due_date is None
    services.on_reference_date_changed(case=exit_case, actor=worker, placement_date=dt.date(2026, 12, 2))
    p = _by_title(exit_case)
    assert p["要介護認定"].due_date == dt.date(2026, 12, 11)  # Wed 12/2 + 7 business days
    assert p["障害支援区分認定調査"].due_date == dt.date(2026, 12, 16)
    assert p["身体障害者手帳の申請"].due_date == dt.date(2027, 1, 1)


@time_machine.travel(TODAY, tick=False)
def test_the_page_tells_when_the_release_date_moved_without_recompute(exit_case, worker, worker_client):
    # a date changed outside cases.services.update_case (which recomputes at once), e.g. by an import
    exit_case.__class__.objects.filter(pk=exit_case.pk).update(expected_release_date=dt.date(2026, 12, 15))
    body = worker_client.get(reverse("procedures:case", args=[exit_case.pk])).content.decode()
    assert "期限が前の基準日のままです" in body
    response = worker_client.post(reverse("procedures:recompute", args=[exit_case.pk]))
    assert response.status_code == 302
    assert _by_title(exit_case)["住民票の回復"].due_date == dt.date(2026, 12, 18)
    body = worker_client.get(reverse("procedures:case", args=[exit_case.pk])).content.decode()
    assert "期限が前の基準日のままです" not in body


# --- the chain 申請 → 判定 → 交付 -----------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_completing_a_step_gives_the_next_one_its_due_date(exit_case, worker, worker_client):
    services.on_reference_date_changed(case=exit_case, actor=worker, placement_date=dt.date(2026, 10, 1))
    p = _by_title(exit_case)
    apply_, assess, issue = p["身体障害者手帳の申請"], p["身体障害者手帳の判定"], p["身体障害者手帳の交付"]
    assert (assess.due_date, issue.due_date) == (None, None)
    body = worker_client.get(reverse("procedures:case", args=[exit_case.pk])).content.decode()
    assert body.count("前の手続きの完了待ち") == 2

    services.change_procedure_status(actor=worker, procedure=apply_, expected_version=apply_.version,
                                     status=ProcedureStatus.DONE, on=dt.date(2026, 11, 2))
    p = _by_title(exit_case)
    assert p["身体障害者手帳の判定"].due_date == dt.date(2026, 12, 2)  # completion + 30 days
    assert p["身体障害者手帳の交付"].due_date is None

    assess = p["身体障害者手帳の判定"]
    services.change_procedure_status(actor=worker, procedure=assess, expected_version=assess.version,
                                     status=ProcedureStatus.DONE, on=dt.date(2026, 11, 19))
    assert _by_title(exit_case)["身体障害者手帳の交付"].due_date == dt.date(2026, 12, 3)  # + 14 days


@time_machine.travel(TODAY, tick=False)
def test_undoing_a_completion_puts_the_next_step_back_to_waiting(exit_case, worker):
    apply_ = _by_title(exit_case)["身体障害者手帳の申請"]
    apply_ = services.change_procedure_status(actor=worker, procedure=apply_, expected_version=apply_.version,
                                              status=ProcedureStatus.DONE)
    assert _by_title(exit_case)["身体障害者手帳の判定"].due_date == dt.date(2026, 12, 20)
    services.change_procedure_status(actor=worker, procedure=apply_, expected_version=apply_.version,
                                     status=ProcedureStatus.IN_PROGRESS)
    assert _by_title(exit_case)["身体障害者手帳の判定"].due_date is None


@time_machine.travel(TODAY, tick=False)
def test_moving_the_release_date_leaves_a_chain_step_alone(exit_case, worker):
    apply_ = _by_title(exit_case)["身体障害者手帳の申請"]
    services.change_procedure_status(actor=worker, procedure=apply_, expected_version=apply_.version,
                                     status=ProcedureStatus.DONE, on=dt.date(2026, 11, 10))
    _move_release(exit_case, worker, dt.date(2027, 1, 15))
    assert _by_title(exit_case)["身体障害者手帳の判定"].due_date == dt.date(2026, 12, 10)


def test_a_procedure_cannot_wait_for_itself_in_a_circle(case, worker):
    from django.core.exceptions import ValidationError

    from yorisoi.procedures.models import ReferenceKind
    from yorisoi.procedures.tests.factories import procedure_type

    first = services.add_case_procedure(actor=worker, case=case, procedure_type=procedure_type(),
                                        follows_reference=False)
    second = services.add_case_procedure(actor=worker, case=case, procedure_type=procedure_type(),
                                         follows_reference=True, reference=ReferenceKind.PREVIOUS, depends_on=first,
                                         offset_days=5)
    with pytest.raises(ValidationError) as error:
        services.update_case_procedure(actor=worker, procedure=first, expected_version=first.version,
                                       follows_reference=True, reference=ReferenceKind.PREVIOUS, depends_on=second)
    assert "循環" in str(error.value)
