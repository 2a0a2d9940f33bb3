"""Writes of 医療連携. Every function checks the policy (the face sheet's edit right and sight of health, on a person
the actor may reach), validates, and writes its audit row in the same transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yorisoi.accounts.models import Staff
from yorisoi.common import dates
from yorisoi.people.models import Person
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import ORGANIZATION_OR_NAME, Appointment, HealthCheck, Medication, UrgentRoute

SECTION = "medical"

MEDICATION_FIELDS = ["name", "dosage", "organization", "organization_name", "prescribed_on", "days_supplied",
                     "supply_until", "ended_on", "note"]
APPOINTMENT_FIELDS = ["on", "at", "organization", "organization_name", "purpose", "accompaniment_needed", "status",
                      "note"]
CHECK_FIELDS = ["kind", "due_on", "done_on", "organization", "organization_name", "result_note"]
ROUTE_FIELDS = ["organization", "organization_name", "when", "phone", "note"]

# model: (fields a form may set, whether a hospital must be named)
_KINDS = {
    Medication: (MEDICATION_FIELDS, False),
    Appointment: (APPOINTMENT_FIELDS, True),
    HealthCheck: (CHECK_FIELDS, False),
    UrgentRoute: (ROUTE_FIELDS, True),
}


def _require_write(actor: Staff, person: Person) -> None:
    """Edit rights and sight of health (the rule of the face sheet's health section), on a reachable person."""
    policy.require(actor, "edit", person)
    policy.require(actor, "see_health", person)


def supply_end(prescribed_on, days_supplied) -> object | None:
    """The last day a prescription lasts: 14 days prescribed on the 1st last through the 14th."""
    if prescribed_on is None or not days_supplied:
        return None
    return dates.add_days(prescribed_on, days_supplied - 1)


def _prepare(model, actor: Staff, values: dict) -> dict:
    fields, needs_place = _KINDS[model]
    if set(values) - set(fields):
        raise PermissionDenied
    values = dict(values)
    policy.require_same_center(actor, values.get("organization"))
    if values.get("organization") is not None:
        values["organization_name"] = ""  # the directory's name wins; a typed one would drift from it
    if needs_place and values.get("organization") is None and not (values.get("organization_name") or "").strip():
        raise ValidationError({"organization": ORGANIZATION_OR_NAME})
    if model is Medication and values.get("supply_until") is None:
        values["supply_until"] = supply_end(values.get("prescribed_on"), values.get("days_supplied"))
    return values


def _add(model, *, actor: Staff, person: Person, request, values: dict):
    _require_write(actor, person)
    values = _prepare(model, actor, values)
    item = model(center_id=person.center_id, person=person, created_by=actor, **values)
    item.full_clean()
    item._history_user = actor
    item.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=item, person_id=person.pk,
               section=SECTION)
    return item


def _update(item, *, actor: Staff, request, change_reason: str, values: dict):
    _require_write(actor, item.person)
    values = _prepare(type(item), actor, values)
    current = type(item)._base_manager.select_for_update().get(pk=item.pk)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current._history_user = actor
    current._change_reason = change_reason or None
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=current.person_id,
               section=SECTION, detail=",".join(sorted(values)))
    return current


def _remove(item, *, actor: Staff, request, change_reason: str) -> None:
    """Removed rows stay readable in the history table."""
    _require_write(actor, item.person)
    log_access(request=request, actor=actor, action=AccessAction.DELETE, obj=item, person_id=item.person_id,
               section=SECTION)
    item._history_user = actor
    item._change_reason = change_reason or None
    item.delete()


@transaction.atomic
def add_medication(*, actor: Staff, person: Person, request=None, **values) -> Medication:
    """A regular medicine. Without `supply_until`, the supply lasts `days_supplied` days from `prescribed_on`."""
    return _add(Medication, actor=actor, person=person, request=request, values=values)


@transaction.atomic
def update_medication(*, actor: Staff, medication: Medication, request=None, change_reason: str = "",
                      **values) -> Medication:
    return _update(medication, actor=actor, request=request, change_reason=change_reason, values=values)


@transaction.atomic
def remove_medication(*, actor: Staff, medication: Medication, request=None, change_reason: str = "") -> None:
    _remove(medication, actor=actor, request=request, change_reason=change_reason)


@transaction.atomic
def add_appointment(*, actor: Staff, person: Person, request=None, **values) -> Appointment:
    return _add(Appointment, actor=actor, person=person, request=request, values=values)


@transaction.atomic
def update_appointment(*, actor: Staff, appointment: Appointment, request=None, change_reason: str = "",
                       **values) -> Appointment:
    return _update(appointment, actor=actor, request=request, change_reason=change_reason, values=values)


@transaction.atomic
def remove_appointment(*, actor: Staff, appointment: Appointment, request=None, change_reason: str = "") -> None:
    _remove(appointment, actor=actor, request=request, change_reason=change_reason)


@transaction.atomic
def add_health_check(*, actor: Staff, person: Person, request=None, **values) -> HealthCheck:
    return _add(HealthCheck, actor=actor, person=person, request=request, values=values)


@transaction.atomic
def update_health_check(*, actor: Staff, check: HealthCheck, request=None, change_reason: str = "",
                        **values) -> HealthCheck:
    return _update(check, actor=actor, request=request, change_reason=change_reason, values=values)


@transaction.atomic
def remove_health_check(*, actor: Staff, check: HealthCheck, request=None, change_reason: str = "") -> None:
    _remove(check, actor=actor, request=request, change_reason=change_reason)


@transaction.atomic
def add_urgent_route(*, actor: Staff, person: Person, request=None, **values) -> UrgentRoute:
    return _add(UrgentRoute, actor=actor, person=person, request=request, values=values)


@transaction.atomic
def update_urgent_route(*, actor: Staff, route: UrgentRoute, request=None, change_reason: str = "",
                        **values) -> UrgentRoute:
    return _update(route, actor=actor, request=request, change_reason=change_reason, values=values)


@transaction.atomic
def remove_urgent_route(*, actor: Staff, route: UrgentRoute, request=None, change_reason: str = "") -> None:
    _remove(route, actor=actor, request=request, change_reason=change_reason)
