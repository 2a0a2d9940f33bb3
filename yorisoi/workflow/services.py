"""The case lifecycle across apps: what follows a case's writes in the other areas, in the same transaction.

cases.services writes the case itself (number, phase, transitions, audit row); the areas that follow the case
sit above it and are called from here, all or nothing:
- a new or reopened case gets the usual procedures of its kind (procedures.apply_case_template);
- a moved release or referral date moves the procedures' due dates (procedures.on_reference_date_changed);
- reaching 定着支援 or フォローアップ schedules the follow-ups, naming the current placement's facility
  (procedures.schedule_follow_ups).
Pages, intake, planning (終結の決裁), transfers and the demo data open and move cases through these functions;
each checks the policy first through the cases service it calls.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from yorisoi.accounts.models import Staff
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case
from yorisoi.placements import services as placement_services
from yorisoi.procedures import services as procedure_services

# The case's dates that procedures may be due from (procedures ReferenceKind RELEASE and CASE_OPEN).
REFERENCE_DATE_FIELDS = ("expected_release_date", "referral_date")


@transaction.atomic
def open_case(*, actor: Staff, person: Model, request=None, **values) -> Case:
    case = case_services.open_case(actor=actor, person=person, request=request, **values)
    procedure_services.apply_case_template(case=case, actor=actor, request=request)
    return case


@transaction.atomic
def reopen_case(*, actor: Staff, closed_case: Case, reason: str, request=None) -> Case:
    """See cases.services.reopen_case; the new case also gets the usual procedures of its kind."""
    case = case_services.reopen_case(actor=actor, closed_case=closed_case, reason=reason, request=request)
    procedure_services.apply_case_template(case=case, actor=actor, request=request)
    return case


@transaction.atomic
def update_case(*, actor: Staff, case: Case, expected_version: int, request=None, **values) -> Case:
    # Read the dates as stored before the edit: the cases service refuses a stale version, so what was read
    # here is what it changes.
    before = Case.objects.filter(pk=case.pk).values(*REFERENCE_DATE_FIELDS).first() or {}
    current = case_services.update_case(actor=actor, case=case, expected_version=expected_version,
                                        request=request, **values)
    moved = any(name in values and values[name] != before.get(name) for name in REFERENCE_DATE_FIELDS)
    if moved and current.is_open:
        procedure_services.on_reference_date_changed(case=current, actor=actor, request=request)
    return current


@transaction.atomic
def change_case_phase(*, actor: Staff, case: Case, to_phase: str, reason: str, expected_version: int,
                      request=None, **closure) -> Case:
    """See cases.services.change_case_phase (closure_outcome, closure_summary, approved_closure). Reaching
    定着支援 or フォローアップ schedules the follow-ups (idempotent), with the current placement's facility
    when it is an organization of the center."""
    current = case_services.change_case_phase(actor=actor, case=case, to_phase=to_phase, reason=reason,
                                              expected_version=expected_version, request=request, **closure)
    if to_phase in case_services.FOLLOW_UP_PHASES:
        placement = placement_services.current_placement_of(current.person_id)
        facility = placement.organization if placement is not None else None
        if facility is not None and facility.center_id != current.center_id:
            facility = None  # a shared directory entry: the follow-up names it later
        procedure_services.schedule_follow_ups(case=current, actor=actor, facility=facility, request=request)
    return current
