"""Follow-up contacts (フォローアップ) after placement: scheduled at the configured intervals, each for the
person and for the accepting facility; one is done by writing a support record.

Integration point: schedule_follow_ups(case=, actor=) after the case moved to 定着支援 or フォローアップ
(cases.services.change_case_phase). It is idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.records import services as record_services
from yorisoi.records.models import Activity

from .. import conf
from ..models import FollowUp, FollowUpStatus, FollowUpTarget
from ._common import check_fields, require_case_right

SECTION = "follow_up"
EDIT_FIELDS = ["target", "due_date", "organization", "notes", "status"]


def _check_organization(case: Case, organization) -> None:
    if organization is not None and organization.center_id != case.center_id:
        raise PermissionDenied


@transaction.atomic
def schedule_follow_ups(*, case: Case, actor: Staff, start: dt.date | None = None, facility=None,
                        include_facility: bool = True, request=None) -> list[FollowUp]:
    """Create the follow-ups of every configured interval (YORISOI_FOLLOW_UP_INTERVALS) from `start` (today by
    default): one with the person and, unless include_facility is False, one with the accepting facility
    (`facility`, a partners Organization, may be left for later). Idempotent: an interval already scheduled for
    a target is not scheduled again, whatever happened to it. Returns the follow-ups created now."""
    require_case_right(actor, case)
    _check_organization(case, facility)
    if not case.is_open:
        raise ValidationError("終結したケースにはフォローアップを予定できません。")
    start = start or timezone.localdate()
    targets = [FollowUpTarget.PERSON] + ([FollowUpTarget.FACILITY] if include_facility else [])
    existing = set(FollowUp.objects.filter(case=case).exclude(interval_code="")
                   .values_list("target", "interval_code"))
    created = []
    for interval in conf.follow_up_intervals():
        for target in targets:
            if (target, interval.code) in existing:
                continue
            follow_up = FollowUp(center_id=case.center_id, case=case, target=target,
                                 organization=facility if target == FollowUpTarget.FACILITY else None,
                                 interval_code=interval.code, interval_label=interval.label,
                                 due_date=interval.after(start), created_by=actor, updated_by=actor)
            follow_up.full_clean()
            follow_up._history_user = actor
            follow_up.save()
            created.append(follow_up)
    if created:
        log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=case, person_id=case.person_id,
                   section=SECTION, detail=f"scheduled={len(created)}")
    return created


@transaction.atomic
def add_follow_up(*, actor: Staff, case: Case, target: str, due_date: dt.date, organization=None, notes: str = "",
                  request=None) -> FollowUp:
    """One more contact outside the regular intervals."""
    require_case_right(actor, case)
    _check_organization(case, organization)
    follow_up = FollowUp(center_id=case.center_id, case=case, target=target, due_date=due_date,
                         organization=organization if target == FollowUpTarget.FACILITY else None,
                         notes=notes.strip(), created_by=actor, updated_by=actor)
    follow_up.full_clean()
    follow_up._history_user = actor
    follow_up.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=follow_up, person_id=case.person_id,
               section=SECTION)
    return follow_up


@transaction.atomic
def update_follow_up(*, actor: Staff, follow_up: FollowUp, expected_version: int, request=None,
                     **values) -> FollowUp:
    """Move, annotate, cancel (中止) or restore (予定) a follow-up. Done only through a record."""
    case = follow_up.case
    require_case_right(actor, case)
    check_fields(values, EDIT_FIELDS)
    _check_organization(case, values.get("organization"))
    current = lock_for_edit(FollowUp, pk=follow_up.pk, expected_version=expected_version)
    if current.status == FollowUpStatus.DONE:
        raise ValidationError("記録して完了したフォローアップは変更できません。")
    if values.get("status", current.status) not in (FollowUpStatus.SCHEDULED, FollowUpStatus.CANCELLED):
        raise ValidationError({"status": "完了にするには「記録して完了」から支援経過記録を書いてください。"})
    for name, value in values.items():
        setattr(current, name, value.strip() if isinstance(value, str) and name == "notes" else value)
    if current.target != FollowUpTarget.FACILITY:
        current.organization = None
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=case.person_id,
               section=SECTION, detail=",".join(sorted(values)))
    return current


@transaction.atomic
def complete_follow_up_with_record(*, actor: Staff, follow_up: FollowUp, expected_version: int, request=None,
                                   **activity_values) -> tuple[FollowUp, Activity]:
    """記録して完了: write the support record of the contact (records.services.add_activity) and mark the
    follow-up done with a link to it, in one transaction (both or neither)."""
    case = follow_up.case
    require_case_right(actor, case, "add_record")
    current = lock_for_edit(FollowUp, pk=follow_up.pk, expected_version=expected_version)
    if current.status != FollowUpStatus.SCHEDULED:
        raise ValidationError("このフォローアップは予定ではありません（完了済みまたは中止）。")
    activity = record_services.add_activity(actor=actor, case=case, request=request, **activity_values)
    current.status = FollowUpStatus.DONE
    current.done_on = timezone.localtime(activity.occurred_at).date()
    current.activity = activity
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=case.person_id,
               section=SECTION, detail=f"done activity={activity.pk}")
    return current, activity
