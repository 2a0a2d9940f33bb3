"""Writes to support records (支援経過記録)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import Activity

ACTIVITY_FIELDS = ["occurred_at", "kind", "counterpart", "narrative", "minutes"]


@transaction.atomic
def add_activity(*, actor: Staff, case: Case, request=None, **values) -> Activity:
    policy.require(actor, "add_record", case)
    if set(values) - set(ACTIVITY_FIELDS):
        raise PermissionDenied
    activity = Activity(center_id=case.center_id, case=case, person_id=case.person_id, author=actor,
                        updated_by=actor, **values)
    activity.full_clean()
    activity._history_user = actor
    activity.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=activity,
               person_id=case.person_id, section="activity")
    return activity


@transaction.atomic
def correct_activity(*, actor: Staff, activity: Activity, expected_version: int, change_reason: str = "",
                     request=None, **values) -> Activity:
    """A correction: the earlier text stays in the history table with who changed it and why."""
    policy.require(actor, "add_record", activity)
    if set(values) - set(ACTIVITY_FIELDS):
        raise PermissionDenied
    current = lock_for_edit(Activity, pk=activity.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._change_reason = change_reason.strip() or None
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.person_id, section="activity")
    return current
