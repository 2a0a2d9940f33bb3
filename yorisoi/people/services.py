"""Writes to persons. Every function checks the policy, validates, and audits in one transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.kana import name_search_key, to_katakana_reading
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import DisabilityCertificate, ExternalContact, FamilyContact, Person

# Fields a form may set; the justice and health sections only by users who may see them.
BASIC_FIELDS = [
    "family_name", "given_name", "family_name_kana", "given_name_kana", "aliases", "sex", "birth_date",
    "phone", "postal_code", "prefecture", "municipality", "address_line", "return_wish",
    "care_level", "disability_support_level", "public_assistance", "public_assistance_office", "wishes",
]
HEALTH_FIELDS = ["health_conditions", "medication", "hospitals"]
JUSTICE_FIELDS = ["justice_status", "offence_category", "justice_details", "justice_agencies"]


def editable_fields(actor: Staff) -> list[str]:
    access = policy.access_for(actor)
    fields = list(BASIC_FIELDS)
    if access.can_see_health:
        fields += HEALTH_FIELDS
    if access.can_see_justice:
        fields += JUSTICE_FIELDS
    return fields


def derive_search_key(person: Person) -> str:
    parts = [person.family_name, person.given_name, person.family_name_kana, person.given_name_kana,
             f"{person.family_name}{person.given_name}", f"{person.family_name_kana}{person.given_name_kana}",
             *person.aliases.splitlines()]
    return "|".join(name_search_key(p) for p in parts if p.strip())[:400]


def _normalise(person: Person) -> None:
    person.family_name_kana = to_katakana_reading(person.family_name_kana)
    person.given_name_kana = to_katakana_reading(person.given_name_kana)
    person.search_key = derive_search_key(person)


@transaction.atomic
def register_person(*, actor: Staff, request=None, **values) -> Person:
    policy.require(actor, "create_person")
    unknown = set(values) - set(editable_fields(actor))
    if unknown:
        raise PermissionDenied
    person = Person(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
    _normalise(person)
    person.full_clean()
    person._history_user = actor
    person.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=person, person_id=person.pk,
               section="face_sheet")
    return person


@transaction.atomic
def update_person(*, actor: Staff, person: Person, expected_version: int, request=None,
                  change_reason: str = "", **values) -> Person:
    """Save the face sheet if nobody saved since `expected_version`; else StaleEditError."""
    policy.require(actor, "edit", person)
    if set(values) - set(editable_fields(actor)):
        raise PermissionDenied
    current = lock_for_edit(Person, pk=person.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    _normalise(current)
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._change_reason = change_reason or None
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=current.pk,
               section="face_sheet", detail=",".join(sorted(values)))
    return current


def same_name_candidates(*, actor: Staff, family_name: str, given_name: str):
    """Exact-name check before registering (until the Search issue lands): folds kana, width and variants."""
    key = name_search_key(f"{family_name}{given_name}")
    if not key:
        return policy.persons_for(actor).none()
    return policy.persons_for(actor).filter(search_key__contains=key)[:10]


# --- sub-records of the face sheet: family and emergency contacts, certificates, external contacts --------

FAMILY_CONTACT_FIELDS = ["name", "relationship", "phone", "address", "is_emergency_contact", "notes"]
CERTIFICATE_FIELDS = ["kind", "grade", "issuing_prefecture", "number", "issued_on", "renewal_due"]
EXTERNAL_CONTACT_FIELDS = ["role", "name", "agency", "phone", "agency_reference", "notes", "active"]

_SUB_RECORDS = {
    FamilyContact: (FAMILY_CONTACT_FIELDS, "family_contacts"),
    DisabilityCertificate: (CERTIFICATE_FIELDS, "certificates"),
    ExternalContact: (EXTERNAL_CONTACT_FIELDS, "external_contacts"),
}


def _require_person_edit(actor: Staff, person: Person) -> None:
    """Same rule as the face sheet: a user who may edit, and a person the user may reach at all."""
    policy.require(actor, "edit", person)


def _add_item(model, *, actor: Staff, person: Person, request, values: dict):
    fields, section = _SUB_RECORDS[model]
    _require_person_edit(actor, person)
    if set(values) - set(fields):
        raise PermissionDenied
    item = model(person=person, **values)
    item.full_clean()
    item._history_user = actor
    item.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=item, person_id=person.pk,
               section=section)
    return item


def _update_item(item, *, actor: Staff, request, change_reason: str, values: dict):
    fields, section = _SUB_RECORDS[type(item)]
    _require_person_edit(actor, item.person)
    if set(values) - set(fields):
        raise PermissionDenied
    current = type(item)._base_manager.select_for_update().get(pk=item.pk)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current._history_user = actor
    current._change_reason = change_reason or None
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.person_id, section=section, detail=",".join(sorted(values)))
    return current


def _remove_item(item, *, actor: Staff, request, change_reason: str) -> None:
    """Removed rows stay readable in the history table (simple-history keeps a "-" row with every value)."""
    _fields, section = _SUB_RECORDS[type(item)]
    _require_person_edit(actor, item.person)
    log_access(request=request, actor=actor, action=AccessAction.DELETE, obj=item, person_id=item.person_id,
               section=section)
    item._history_user = actor
    item._change_reason = change_reason or None
    item.delete()


@transaction.atomic
def add_family_contact(*, actor: Staff, person: Person, request=None, **values) -> FamilyContact:
    return _add_item(FamilyContact, actor=actor, person=person, request=request, values=values)


@transaction.atomic
def update_family_contact(*, actor: Staff, contact: FamilyContact, request=None, change_reason: str = "",
                          **values) -> FamilyContact:
    return _update_item(contact, actor=actor, request=request, change_reason=change_reason, values=values)


@transaction.atomic
def remove_family_contact(*, actor: Staff, contact: FamilyContact, request=None, change_reason: str = "") -> None:
    _remove_item(contact, actor=actor, request=request, change_reason=change_reason)


@transaction.atomic
def add_certificate(*, actor: Staff, person: Person, request=None, **values) -> DisabilityCertificate:
    return _add_item(DisabilityCertificate, actor=actor, person=person, request=request, values=values)


@transaction.atomic
def update_certificate(*, actor: Staff, certificate: DisabilityCertificate, request=None, change_reason: str = "",
                       **values) -> DisabilityCertificate:
    return _update_item(certificate, actor=actor, request=request, change_reason=change_reason, values=values)


@transaction.atomic
def remove_certificate(*, actor: Staff, certificate: DisabilityCertificate, request=None,
                       change_reason: str = "") -> None:
    _remove_item(certificate, actor=actor, request=request, change_reason=change_reason)


@transaction.atomic
def add_external_contact(*, actor: Staff, person: Person, request=None, **values) -> ExternalContact:
    return _add_item(ExternalContact, actor=actor, person=person, request=request, values=values)


@transaction.atomic
def update_external_contact(*, actor: Staff, contact: ExternalContact, request=None, change_reason: str = "",
                            **values) -> ExternalContact:
    return _update_item(contact, actor=actor, request=request, change_reason=change_reason, values=values)


@transaction.atomic
def remove_external_contact(*, actor: Staff, contact: ExternalContact, request=None,
                            change_reason: str = "") -> None:
    _remove_item(contact, actor=actor, request=request, change_reason=change_reason)
