"""Writes to support records (支援経過記録)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.text import split_text
from yorisoi.partners.models import Organization
from yorisoi.partners.selectors import MIN_NAME_LENGTH, organization_named_in
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import Activity

ACTIVITY_FIELDS = ["occurred_at", "kind", "counterpart", "narrative", "minutes"]
# A record is of what happened: a clock a few minutes fast is forgiven, a plan for later is not.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
FUTURE_MESSAGE = "これからの予定は記録できません。実施した日時を入力してください。"


def check_not_future(occurred_at) -> None:
    if occurred_at and occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": FUTURE_MESSAGE})


@transaction.atomic
def add_activity(*, actor: Staff, case: Case, request=None, **values) -> Activity:
    policy.require(actor, "add_record", case)
    if set(values) - set(ACTIVITY_FIELDS):
        raise PermissionDenied
    check_not_future(values.get("occurred_at"))
    activity = Activity(center_id=case.center_id, case=case, person_id=case.person_id, author=actor,
                        updated_by=actor, **values)
    activity.organization_id = organization_named_in(center_id=case.center_id, text=activity.counterpart)
    activity.full_clean()
    activity._history_user = actor
    activity.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=activity,
               person_id=case.person_id, section="activity")
    return activity


def add_composed_activity(*, actor: Staff, case: Case, narrative: str, request=None, **values) -> list[Activity]:
    """A record the system composes from texts typed elsewhere (a consultation's summary, a transfer package) may be
    longer than one record holds: it continues in further records, marked （1/2）, （2/2）…"""
    limit = Activity._meta.get_field("narrative").max_length - 20  # room for the mark
    parts = split_text(narrative, limit)
    return [add_activity(actor=actor, case=case, request=request, **values,
                         narrative=part if len(parts) == 1 else f"（{number}/{len(parts)}）\n{part}")
            for number, part in enumerate(parts, start=1)]


@transaction.atomic
def correct_activity(*, actor: Staff, activity: Activity, expected_version: int, change_reason: str = "",
                     request=None, **values) -> Activity:
    """A correction: the earlier text stays in the history table with who changed it and why."""
    policy.require(actor, "add_record", activity)
    if set(values) - set(ACTIVITY_FIELDS):
        raise PermissionDenied
    if "occurred_at" in values:
        check_not_future(values["occurred_at"])
    current = lock_for_edit(Activity, pk=activity.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    if "counterpart" in values:
        current.organization_id = organization_named_in(center_id=current.center_id, text=current.counterpart)
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._change_reason = change_reason.strip() or None
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.person_id, section="activity")
    return current


RELINK_BATCH = 5000  # ids per statement (SQLite's limit of bound parameters)


def relink_records_naming(*, actor: Staff, organization) -> None:
    """After `organization` was created or renamed (partners.services.NAME_CHANGE_HOOKS, in its transaction): the
    records of its center whose 相手方 contains its name, or that were linked to it, are linked again by
    organization_named_in's rule (longest name first), set-based. `actor` did the directory change, which
    partners' service checked and logged; the records' text is not changed."""
    center_id = organization.center_id
    involved = Q(organization=organization)
    if len(organization.name) >= MIN_NAME_LENGTH:
        involved |= Q(counterpart__contains=organization.name)
    affected = list(Activity.objects.filter(center_id=center_id).filter(involved).values_list("pk", flat=True))
    if not affected:
        return
    names = list(Organization.objects.filter(center_id=center_id).annotate(_name_length=Length("name"))
                 .filter(_name_length__gte=MIN_NAME_LENGTH).order_by("-_name_length", "id")
                 .values_list("pk", "name"))
    for start in range(0, len(affected), RELINK_BATCH):
        batch = affected[start:start + RELINK_BATCH]
        Activity.objects.filter(pk__in=batch).update(organization=None)
        for pk, name in names:
            (Activity.objects.filter(pk__in=batch, organization__isnull=True, counterpart__contains=name)
             .update(organization_id=pk))
