"""Writes to cases: open, edit, change phase, assign, close, reopen, flags.

These functions write the case alone. What follows a case in the other areas (the usual procedures of a new
case, due dates that move with the release date, follow-ups after 定着支援) is done by
yorisoi.workflow.services, which calls these in the same transaction: pages and other apps open and move cases
through workflow. Closing is requested and approved in the planning app (終結の決裁), which calls
change_case_phase with the approved request; without one 終結 is refused here too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import (
    CLOSE_THROUGH_APPROVAL,
    FLAG_ALREADY_ACTIVE,
    OWN_DUTY_NAME,
    PAUSABLE_PHASES,
    PHASE_MOVES,
    Case,
    CaseFlag,
    CaseKind,
    CaseNumberCounter,
    CasePause,
    ClosureOutcome,
    ContactAttempt,
    ContactMethod,
    CoordinationType,
    FundingProgramme,
    PauseReason,
    Phase,
    PhaseTransition,
)

# The per-case justice snapshot: justice information, set only by users who may see it (not clerks).
JUSTICE_CASE_FIELDS = ["justice_stage", "disposition", "disposition_date", "sentence_type"]
# The duty a new case is counted under when the form does not say (the kind tells the usual one).
COORDINATION_BY_KIND = {CaseKind.EXIT: CoordinationType.SPECIAL, CaseKind.ENTRANCE: CoordinationType.SUSPECT}
CASE_FIELDS = [
    "kind", "referral_source", "referral_agency", "referral_officer", "referral_contact", "referral_date",
    "expected_release_date", "release_place", "start_date", "main_staff", "sub_staff", "urgency",
    "coordination_type", "funding_programme", "actual_release_date",
    *JUSTICE_CASE_FIELDS,
]
# What a reopened case takes over from the closed one (the referral and how to work with the person).
REOPEN_COPIED_FIELDS = ["kind", "referral_source", "referral_agency", "referral_officer", "referral_contact",
                        "release_place", "urgency", "coordination_type", "funding_programme"]
# Reaching one of these phases schedules the follow-up contacts.
FOLLOW_UP_PHASES = (Phase.SETTLEMENT, Phase.FOLLOW_UP)


def _highest_number_in_use(center_id: int, prefix: str) -> int:
    """Cases may also arrive without the counter (demo data, imports): never hand out a number below theirs."""
    highest = 0
    for number in Case._base_manager.filter(center_id=center_id, number__startswith=prefix).values_list(
            "number", flat=True):
        tail = number[len(prefix):]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return highest


def next_case_number(center_id: int, year: int) -> str:
    """The next number of the center's year, 2026-0001 and up. Call inside the transaction that saves the case.

    The counter row is locked (SELECT … FOR UPDATE) until that transaction ends, so a second open_case of the
    same center waits for the first to commit and then reads its number: no duplicates on PostgreSQL. On
    SQLite the IMMEDIATE transaction already runs writers one at a time.
    """
    prefix = f"{year}-"
    CaseNumberCounter.objects.get_or_create(center_id=center_id, year=year)
    counter = CaseNumberCounter.objects.select_for_update().get(center_id=center_id, year=year)
    counter.last = max(counter.last, _highest_number_in_use(center_id, prefix)) + 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:04d}"


def _check_staff(actor: Staff, *staff: Staff | None) -> None:
    policy.require_same_center(actor, *staff)


def own_duty_programme(center_id: int) -> FundingProgramme:
    """The center's own-duty programme (業務委託), made on first use."""
    programme, _ = FundingProgramme.objects.get_or_create(center_id=center_id, is_own_duty=True,
                                                          defaults={"name": OWN_DUTY_NAME})
    return programme


def _check_statistics_fields(actor: Staff, values: dict, case: Case | None = None) -> None:
    if any(name in values for name in JUSTICE_CASE_FIELDS):
        policy.require(actor, "see_justice", case)
    programme = values.get("funding_programme")
    if programme is not None:
        policy.require_same_center(actor, programme)


@transaction.atomic
def open_case(*, actor: Staff, person: Model, request=None, **values) -> Case:
    policy.require(actor, "open_case")
    policy.require(actor, "view", person)
    _check_staff(actor, values.get("main_staff"), values.get("sub_staff"))
    _check_statistics_fields(actor, values, person)
    values.setdefault("coordination_type", COORDINATION_BY_KIND.get(values.get("kind"), CoordinationType.OTHER))
    if values.get("funding_programme") is None:
        values["funding_programme"] = own_duty_programme(actor.center_id)
    case = Case(center_id=actor.center_id, person=person, created_by=actor, updated_by=actor,
                phase=Phase.INTAKE, **values)
    if case.main_staff is None:
        case.main_staff = actor
    case.number = next_case_number(actor.center_id, timezone.localdate().year)
    case.full_clean()
    case._history_user = actor
    case.save()
    PhaseTransition.objects.create(case=case, from_phase="", to_phase=Phase.INTAKE,
                                   changed_at=timezone.now(), changed_by=actor, reason="相談受付")
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=case, person_id=person.pk,
               section="case")
    return case


@transaction.atomic
def reopen_case(*, actor: Staff, closed_case: Case, reason: str, request=None) -> Case:
    """Support the person of a closed case again, in a NEW case (相談受付) that points back to it.

    The closed case keeps its phases, records and closure untouched; it links forward through
    `next_cases`. The new case takes over the referral fields, the urgency and the active 注意事項, and
    keeps the main/sub staff when they still work at the center (else the actor is main staff).
    A case is reopened once; to support the person again later, reopen the newest case.
    """
    policy.require(actor, "open_case")
    policy.require(actor, "view", closed_case)
    old = Case._base_manager.select_for_update().get(pk=closed_case.pk)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if old.phase != Phase.CLOSED:
        errors["reopen_reason"] = "終結したケースだけを再開できます。"
    elif Case.objects.filter(previous_case=old, deleted_at__isnull=True).exists():
        later = Case.objects.filter(previous_case=old, deleted_at__isnull=True).order_by("id").first()
        errors["reopen_reason"] = f"このケースはすでにケース {later.number} として再開されています。"
    if not reason:
        errors["reopen_reason"] = errors.get("reopen_reason") or "再開する理由を入力してください。"
    if errors:
        raise ValidationError(errors)
    active_staff = set(policy.staff_for(actor).filter(pk__in=[old.main_staff_id, old.sub_staff_id])
                       .values_list("pk", flat=True))
    main = old.main_staff if old.main_staff_id in active_staff else actor
    sub = old.sub_staff if old.sub_staff_id in active_staff and old.sub_staff_id != main.pk else None
    values = {name: getattr(old, name) for name in REOPEN_COPIED_FIELDS}
    case = Case(center_id=actor.center_id, person_id=old.person_id, created_by=actor, updated_by=actor,
                phase=Phase.INTAKE, previous_case=old, referral_date=timezone.localdate(), main_staff=main,
                sub_staff=sub, **values)
    case.number = next_case_number(actor.center_id, timezone.localdate().year)
    case.full_clean()
    case._history_user = actor
    case._change_reason = f"ケース {old.number} の再開"
    case.save()
    PhaseTransition.objects.create(case=case, from_phase="", to_phase=Phase.INTAKE, changed_at=timezone.now(),
                                   changed_by=actor, reason=f"ケース {old.number} の再開：{reason}")
    for flag in old.flags.filter(active=True).order_by("id"):
        copy = CaseFlag(case=case, label=flag.label, instruction=flag.instruction,
                        exclude_from_statistics=flag.exclude_from_statistics, created_by=actor)
        copy._history_user = actor
        copy._change_reason = f"ケース {old.number} から引き継ぎ"
        copy.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=case, person_id=case.person_id,
               section="case", detail=f"reopen_of={old.pk}")
    return case


@transaction.atomic
def update_case(*, actor: Staff, case: Case, expected_version: int, request=None, **values) -> Case:
    policy.require(actor, "edit", case)
    if set(values) - set(CASE_FIELDS):
        raise PermissionDenied
    _check_staff(actor, values.get("main_staff"), values.get("sub_staff"))
    _check_statistics_fields(actor, values, case)
    current = lock_for_edit(Case, pk=case.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.person_id, section="case", detail=",".join(sorted(values)))
    return current


@transaction.atomic
def change_case_phase(*, actor: Staff, case: Case, to_phase: str, reason: str, expected_version: int,
                      closure_outcome: str = "", closure_summary: str = "", approved_closure=None,
                      request=None) -> Case:
    """Move a case along PHASE_MOVES, recording who, when and why.

    Closing needs an outcome and a summary and `approved_closure`:
    the planning app's ClosureRequest for this case, decided 承認 (the case page's form does not offer 終結).
    Errors are ValidationErrors keyed by the form's field names (to_phase, reason, closure_outcome,
    closure_summary) so a view can show them beside the field.
    A stale `expected_version` raises StaleEditError before anything else is checked.
    """
    policy.require(actor, "change_phase", case)
    current = lock_for_edit(Case, pk=case.pk, expected_version=expected_version)
    errors: dict[str, str] = {}
    if to_phase not in PHASE_MOVES[current.phase]:
        target = Phase(to_phase).label if to_phase in Phase.values else to_phase
        errors["to_phase"] = f"「{current.get_phase_display()}」から「{target}」へは変更できません。"
    if not reason.strip():
        errors["reason"] = "段階を変更する理由を入力してください。"
    if to_phase == Phase.CLOSED and "to_phase" not in errors and not _is_approved_closure_of(approved_closure, current):
        errors["to_phase"] = CLOSE_THROUGH_APPROVAL
    if to_phase == Phase.CLOSED:
        if closure_outcome not in ClosureOutcome.values:
            errors["closure_outcome"] = "終結するには終結理由を選んでください。"
        if not closure_summary.strip():
            errors["closure_summary"] = "終結するには終結時のまとめを入力してください。"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    if to_phase == Phase.CLOSED:
        current.closure_outcome = closure_outcome
        current.closure_summary = closure_summary.strip()
        current.end_date = current.end_date or today
        if current.phase == Phase.PAUSED:
            _end_pause(current, actor, "終結")
    return _record_move(current, actor=actor, to_phase=to_phase, reason=reason, expected_version=expected_version,
                        request=request)


def _record_move(current: Case, *, actor: Staff, to_phase: str, reason: str, expected_version: int,
                 request=None) -> Case:
    """Save the locked case in its new phase with the transition row, its history and the access-log row."""
    today = timezone.localdate()
    if to_phase not in (Phase.INTAKE, Phase.CLOSED, Phase.PAUSED) and current.start_date is None:
        current.start_date = today
    from_phase = current.phase
    current.phase = to_phase
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._change_reason = reason.strip()
    current._history_user = actor
    current.save()
    PhaseTransition.objects.create(case=current, from_phase=from_phase, to_phase=to_phase,
                                   changed_at=timezone.now(), changed_by=actor, reason=reason.strip())
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.person_id, section="phase", detail=f"{from_phase}->{to_phase}")
    return current


# --- 休止 (pause instead of closing) -------------------------------------------------------------------------


def open_pause_of(case: Case) -> CasePause | None:
    return CasePause.objects.filter(case_id=case.pk, ended_at__isnull=True).first()


def _end_pause(case: Case, actor: Staff, note: str) -> None:
    pause = CasePause.objects.select_for_update().filter(case_id=case.pk, ended_at__isnull=True).first()
    if pause is not None:
        pause.ended_at, pause.ended_by, pause.end_note = timezone.now(), actor, note.strip()
        pause.full_clean()
        pause.save()


def _check_next_attempt(next_attempt_on, today, errors: dict) -> None:
    if next_attempt_on is None:
        errors["next_attempt_on"] = "次に連絡を試みる日を入力してください。"
    elif next_attempt_on < today:
        errors["next_attempt_on"] = "次に連絡を試みる日は今日以降の日付にしてください。"


@transaction.atomic
def pause_case(*, actor: Staff, case: Case, expected_version: int, reason_kind: str, reason: str = "",
               next_attempt_on=None, request=None) -> CasePause:
    """休止: keep the case open while the person cannot be reached (連絡途絶) or declines for now, with the
    reason and the date of the next try to reach them (shown in やること). A phase move like the others."""
    policy.require(actor, "change_phase", case)
    current = lock_for_edit(Case, pk=case.pk, expected_version=expected_version)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if current.phase not in PAUSABLE_PHASES:
        errors["reason_kind"] = f"「{current.get_phase_display()}」のケースは休止にできません。"
    if reason_kind not in PauseReason.values:
        errors["reason_kind"] = errors.get("reason_kind") or "休止の理由を選んでください。"
    if reason_kind == PauseReason.OTHER and not reason.strip():
        errors["reason"] = "「その他」のときは理由の詳細を入力してください。"
    _check_next_attempt(next_attempt_on, today, errors)
    if errors:
        raise ValidationError(errors)
    pause = CasePause(case=current, from_phase=current.phase, reason_kind=reason_kind, reason=reason.strip(),
                      next_attempt_on=next_attempt_on, paused_at=timezone.now(), paused_by=actor)
    pause.full_clean()
    label = PauseReason(reason_kind).label
    _record_move(current, actor=actor, to_phase=Phase.PAUSED, reason=f"休止（{label}）{reason.strip()}",
                 expected_version=expected_version, request=request)
    pause.save()
    return pause


@transaction.atomic
def record_contact_attempt(*, actor: Staff, case: Case, attempted_on, method: str, reached: bool = False,
                           note: str = "", next_attempt_on=None, request=None) -> ContactAttempt:
    """One try to reach the person of a paused case; `next_attempt_on` moves the next try (kept if None)."""
    policy.require(actor, "add_record", case)
    pause = CasePause.objects.select_for_update().filter(case_id=case.pk, ended_at__isnull=True).first()
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if pause is None:
        raise ValidationError("休止中のケースではありません。")
    if attempted_on is None:
        errors["attempted_on"] = "試みた日を入力してください。"
    elif attempted_on > today:
        errors["attempted_on"] = "試みた日に今日より後の日付は入力できません。"
    elif attempted_on < timezone.localdate(pause.paused_at):
        errors["attempted_on"] = "試みた日は休止した日以降の日付にしてください。"
    if method not in ContactMethod.values:
        errors["method"] = "方法を選んでください。"
    if next_attempt_on is not None and next_attempt_on < today:
        errors["next_attempt_on"] = "次に連絡を試みる日は今日以降の日付にしてください。"
    if errors:
        raise ValidationError(errors)
    attempt = ContactAttempt(pause=pause, attempted_on=attempted_on, method=method, reached=reached,
                             note=note.strip(), recorded_at=timezone.now(), recorded_by=actor)
    attempt.full_clean()
    attempt.save()
    if next_attempt_on is not None:
        pause.next_attempt_on = next_attempt_on
        pause.save(update_fields=["next_attempt_on"])
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=attempt, person_id=case.person_id,
               section="pause")
    return attempt


@transaction.atomic
def resume_case(*, actor: Staff, case: Case, expected_version: int, note: str, request=None) -> Case:
    """End the pause: the case goes back to the phase it was paused from, recorded as a phase move."""
    policy.require(actor, "change_phase", case)
    current = lock_for_edit(Case, pk=case.pk, expected_version=expected_version)
    pause = open_pause_of(current)
    if current.phase != Phase.PAUSED or pause is None:
        raise ValidationError({"note": "休止中のケースだけを再開できます。"})
    if not note.strip():
        raise ValidationError({"note": "再開する理由・経緯を入力してください。"})
    _end_pause(current, actor, note)
    return _record_move(current, actor=actor, to_phase=pause.from_phase, reason=f"休止から再開：{note.strip()}",
                        expected_version=expected_version, request=request)


def _is_approved_closure_of(closure_request, case: Case) -> bool:
    """A planning ClosureRequest for this case decided 承認 (duck-typed: planning builds on cases, not the reverse)."""
    return (closure_request is not None and closure_request.case_id == case.pk
            and closure_request.status == "approved")


def _save_flag(flag: CaseFlag, **kwargs) -> None:
    """Save inside a savepoint: the same label activated at the same moment by someone else hits the unique
    index (cases_one_active_flag_per_label) after the check above passed for both."""
    try:
        with transaction.atomic():
            flag.save(**kwargs)
    except IntegrityError:
        raise ValidationError({"label": FLAG_ALREADY_ACTIVE}) from None


@transaction.atomic
def add_case_flag(*, actor: Staff, case: Case, label: str, instruction: str = "",
                  exclude_from_statistics: bool = False, request=None) -> CaseFlag:
    policy.require(actor, "edit", case)
    label = label.strip()
    if CaseFlag.objects.filter(case=case, label=label, active=True).exists():
        raise ValidationError({"label": FLAG_ALREADY_ACTIVE})
    flag = CaseFlag(case=case, label=label, instruction=instruction.strip(),
                    exclude_from_statistics=exclude_from_statistics, created_by=actor)
    flag.full_clean()
    flag._history_user = actor
    _save_flag(flag)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=flag, person_id=case.person_id,
               section="flag")
    return flag


@transaction.atomic
def set_case_flag_active(*, actor: Staff, flag: CaseFlag, active: bool, request=None) -> CaseFlag:
    policy.require(actor, "edit", flag.case)
    if active and CaseFlag.objects.filter(case_id=flag.case_id, label=flag.label, active=True).exclude(
            pk=flag.pk).exists():
        raise ValidationError({"label": FLAG_ALREADY_ACTIVE})
    flag.active = active
    flag._history_user = actor
    _save_flag(flag, update_fields=["active", "updated_at"])
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=flag,
               person_id=flag.case.person_id, section="flag")
    return flag
