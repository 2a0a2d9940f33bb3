"""Services check the policy themselves (policy.require), with the same rules as the pages: a command, an
import or another service that calls them directly as a worker of another center, as a clerk, or as a worker
who is not assigned in a center that limits workers to their assigned cases (ASSIGNED mode) is refused before
anything is written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from yorisoi.accounts.models import Center
from yorisoi.cases.models import Case, Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements import services as placement_services
from yorisoi.planning.services import closures as closure_services
from yorisoi.privacy import policy
from yorisoi.procedures import services as procedure_services
from yorisoi.records import services as record_services
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory
from yorisoi.workflow import services as workflow

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)

# Each write, as a command would call it. The arguments are valid for an allowed actor.
WRITES = {
    "add_record": lambda actor, case: record_services.add_activity(
        actor=actor, case=case, occurred_at=NOW, kind="phone", counterpart="本人", narrative="架空の記録",
        minutes=10),
    "update_record": lambda actor, case: record_services.correct_activity(
        actor=actor, activity=Activity.objects.get(case=case), expected_version=1, change_reason="訂正（架空）",
        narrative="訂正した記録"),
    "change_phase": lambda actor, case: workflow.change_case_phase(
        actor=actor, case=case, to_phase=Phase.COORDINATING, reason="調整を始める（架空）",
        expected_version=case.version),
    "update_case": lambda actor, case: workflow.update_case(
        actor=actor, case=case, expected_version=case.version, release_place="架空刑務所"),
    "add_flag": lambda actor, case: workflow_flag(actor, case),
    "reopen": lambda actor, case: workflow.reopen_case(actor=actor, closed_case=case, reason="再開（架空）"),
    "add_procedure": lambda actor, case: procedure_services.recompute_due_dates(actor=actor, case=case),
    "record_inquiry": lambda actor, case: placement_services.record_inquiry(
        actor=actor, case=case, inquired_at=NOW, result="pending", facility_name="架空ホーム"),
    "request_closure": lambda actor, case: closure_services.request_closure(
        actor=actor, case=case, outcome="stable", residence="home", services=[], summary="まとめ（架空）"),
}


def workflow_flag(actor, case):
    from yorisoi.cases import services as case_services

    return case_services.add_case_flag(actor=actor, case=case, label="注意（架空）")


@pytest.fixture
def case(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.INTAKE)
    ActivityFactory(case=case)
    return case


def _assigned_only(center):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()


def _counts():
    return (Activity.objects.count(), Case.objects.count(), Person.objects.count(),
            sorted(Case.objects.values_list("phase", "version")))


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_worker_of_another_center_is_refused_by_the_service(write, case, outsider):
    before = _counts()
    with pytest.raises(PermissionDenied):
        WRITES[write](outsider, case)
    assert _counts() == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_an_unassigned_worker_in_assigned_mode_is_refused_by_the_service(write, case, center, colleague):
    _assigned_only(center)
    before = _counts()
    with pytest.raises(PermissionDenied):
        WRITES[write](colleague, case)
    assert _counts() == before


@pytest.mark.parametrize("write", ["add_record", "update_record", "change_phase", "reopen", "request_closure"])
def test_a_clerk_is_refused_by_the_service(write, case, clerk):
    before = _counts()
    with pytest.raises(PermissionDenied):
        WRITES[write](clerk, case)
    assert _counts() == before


def test_the_assigned_worker_in_assigned_mode_may_write(case, center, worker):
    """The same calls go through for the worker in charge: the refusals above are the policy, not broken calls."""
    _assigned_only(center)
    record = WRITES["add_record"](worker, case)
    assert record.case_id == case.pk
    moved = WRITES["change_phase"](worker, Case.objects.get(pk=case.pk))
    assert moved.phase == Phase.COORDINATING


def test_break_the_glass_lets_an_unassigned_worker_write_to_that_case_only(case, center, colleague):
    from yorisoi.privacy import services as privacy_services

    _assigned_only(center)
    other = CaseFactory(person=PersonFactory(center=center))
    privacy_services.grant_break_glass(actor=colleague, reason="夜間の緊急対応（架空）", case=case)
    assert WRITES["add_record"](colleague, case).case_id == case.pk
    with pytest.raises(PermissionDenied):
        WRITES["add_record"](colleague, other)


def test_require_refuses_an_unknown_action(worker):
    with pytest.raises(ValueError):
        policy.require(worker, "approve_everything")


def test_a_worker_in_assigned_mode_turns_a_pre_consultation_into_a_colleagues_case(center, worker, colleague):
    """Opening a case for a colleague writes its first record in the same transaction: the worker who opened the
    case reaches it (as the persons they registered), so the whole step goes through and the case stays theirs to
    open."""
    from yorisoi.intake import services as intake_services
    from yorisoi.intake.tests.factories import PreConsultationFactory

    _assigned_only(center)
    entry = PreConsultationFactory(center=center, staff=colleague, created_by=worker)
    case = intake_services.convert_to_case(actor=worker, entry=entry, expected_version=entry.version,
                                           register_new=True)
    assert case.main_staff_id == colleague.pk and case.created_by_id == worker.pk
    assert Activity.objects.filter(case=case).count() == 1
    assert policy.cases_for(worker).filter(pk=case.pk).exists()
    assert not policy.may_see_access_history(worker, case.person)  # who looked: the staff in charge only
