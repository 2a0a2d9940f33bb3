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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case, Phase
from yorisoi.common.dates import format_checked
from yorisoi.placements import services as placement_services
from yorisoi.privacy import policy
from yorisoi.procedures import services as procedure_services

from . import closure as closure_items

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


def check_phase_dates(case: Case, to_phase: str, today) -> None:
    """Phase moves follow the dates: 一時受入 starts on the placement's entry date, not before."""
    if to_phase != Phase.TEMPORARY_PLACEMENT:
        return
    placement = placement_services.current_placement_of(case.person_id)
    if placement is not None and placement.entered_on > today:
        raise ValidationError({"to_phase": (
            f"居所「{placement.place_name}」の入所日（{format_checked(placement.entered_on)}）より前には"
            "「一時受入」にできません。入所日以降に変更してください。")})


@transaction.atomic
def change_case_phase(*, actor: Staff, case: Case, to_phase: str, reason: str, expected_version: int,
                      request=None, item_handling: dict | None = None, **closure) -> Case:
    """See cases.services.change_case_phase (closure_outcome, closure_summary, approved_closure). Reaching
    定着支援 or フォローアップ schedules the follow-ups (idempotent), with the current placement's facility
    when it is an organization of the center. 一時受入 is refused before the placement's entry date.

    Closing needs `item_handling` ({(kind, pk): (handling, reason)}, see closure.py): it is refused while an
    open procedure, follow-up, placement, つなぎ or 更生緊急保護 has no choice, and the ones to cancel are
    cancelled in the same transaction."""
    policy.require(actor, "change_phase", case)
    today = timezone.localdate()
    check_phase_dates(case, to_phase, today)
    if to_phase == Phase.CLOSED:
        closure_items.settle(actor=actor, case=case, handling=item_handling or {}, today=today, request=request)
    current = case_services.change_case_phase(actor=actor, case=case, to_phase=to_phase, reason=reason,
                                              expected_version=expected_version, request=request, **closure)
    if to_phase in case_services.FOLLOW_UP_PHASES:
        _schedule_follow_ups(current, actor, request)
    return current


def _schedule_follow_ups(current: Case, actor: Staff, request) -> None:
    placement = placement_services.current_placement_of(current.person_id)
    facility = placement.organization if placement is not None else None
    if facility is not None and facility.center_id != current.center_id:
        facility = None  # a shared directory entry: the follow-up names it later
    procedure_services.schedule_follow_ups(case=current, actor=actor, facility=facility, request=request)


@transaction.atomic
def pause_case(*, actor: Staff, case: Case, expected_version: int, request=None, **values):
    """休止 (cases.services.pause_case): the case stays open; its procedures and follow-ups stay as they are."""
    return case_services.pause_case(actor=actor, case=case, expected_version=expected_version, request=request,
                                    **values)


@transaction.atomic
def resume_case(*, actor: Staff, case: Case, expected_version: int, note: str, request=None) -> Case:
    """Back from 休止 to the phase it was paused from, with the same follow-ups and date checks as a move."""
    pause = case_services.open_pause_of(case)
    if pause is not None:
        check_phase_dates(case, pause.from_phase, timezone.localdate())
    current = case_services.resume_case(actor=actor, case=case, expected_version=expected_version, note=note,
                                        request=request)
    if current.phase in case_services.FOLLOW_UP_PHASES:
        _schedule_follow_ups(current, actor, request)
    return current
