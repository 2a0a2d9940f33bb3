"""Writes to the partner network. Each function checks the role, validates, and logs in one transaction.

The directory is not personal data of the persons supported, so the log rows carry no person id; they
still say who changed which organization, contact or outreach entry, and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.kana import to_katakana_reading
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from . import selectors
from .models import Organization, OrganizationContact, OrganizationKind, Outreach, PostEndReason
from .normalize import address_from_postal_code, label_key, organization_search_key

SECTION = "partners"

ORGANIZATION_FIELDS = [
    "name", "name_kana", "kind", "department", "postal_code", "prefecture", "municipality", "address_line",
    "phone", "fax", "email", "opening_hours", "notes", "offers_free_low_cost_care", "is_medical_partner",
    "offers_internal_medicine", "offers_psychiatry", "offers_dentistry", "accepts_emergencies", "service_kinds",
    "capacity", "accepts_sex", "accepts_age_min", "accepts_age_max", "accepts_physical_disability",
    "accepts_intellectual_disability", "accepts_mental_disability", "accepts_care_level", "smoking_allowed",
    "pets_allowed", "accepts_conditions", "active",
]
CONTACT_FIELDS = ["name", "name_kana", "department", "title", "phone", "email", "notes", "started_on"]
OUTREACH_FIELDS = ["held_on", "title", "audience", "attendees", "materials", "follow_up_notes", "follow_up_on"]
KIND_FIELDS = ["label", "group", "sort_order", "is_residential", "is_medical", "has_services", "active"]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _check_fields(values: dict, allowed: list[str]) -> None:
    if set(values) - set(allowed):
        raise PermissionDenied


def _check_kind(actor: Staff, kind: OrganizationKind | None) -> None:
    if kind is not None and not selectors.kinds_for(actor).filter(pk=kind.pk).exists():
        raise PermissionDenied


def _normalise_organization(org: Organization) -> None:
    """Clean the name and kana, make the search key, and fill a blank prefecture and municipality (and a blank
    street line) from the postal code, as the form's 郵便番号から住所を入力 button does (imports have no
    button: a list with postal codes only still gives the vacancy search its municipalities)."""
    if org.postal_code and not org.prefecture and not org.municipality:
        found = address_from_postal_code(org.postal_code)
        if found is not None:
            org.prefecture, org.municipality = found[0], found[1]
            org.address_line = org.address_line or found[2]
    org.name = org.name.strip()
    org.name_kana = to_katakana_reading(org.name_kana)
    org.search_key = organization_search_key(name=org.name, name_kana=org.name_kana, department=org.department)


# --- organizations --------------------------------------------------------------------------------------


# Apps whose rows store the organization their free text names (records: a support record's 相手方) add a
# function(*, actor, organization) here (in their AppConfig.ready()); it runs in the same transaction when an
# organization is created or renamed, so those links follow the directory as the text matching did.
NAME_CHANGE_HOOKS: list[Callable] = []


def _names_changed(actor: Staff, organization: Organization) -> None:
    for hook in NAME_CHANGE_HOOKS:
        hook(actor=actor, organization=organization)


@transaction.atomic
def create_organization(*, actor: Staff, request=None, **values) -> Organization:
    _require(selectors.directory_access(actor).can_edit_directory)
    _check_fields(values, ORGANIZATION_FIELDS)
    _check_kind(actor, values.get("kind"))
    org = Organization(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
    _normalise_organization(org)
    org.full_clean()
    org.save()
    _names_changed(actor, org)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=org, section=SECTION)
    return org


@transaction.atomic
def update_organization(*, actor: Staff, organization: Organization, expected_version: int, request=None,
                        change_reason: str = "", **values) -> Organization:
    """Save if nobody saved since `expected_version`; else StaleEditError (nothing is written)."""
    _require(selectors.directory_access(actor).can_edit_directory)
    policy.require_same_center(actor, organization)
    _check_fields(values, ORGANIZATION_FIELDS)
    _check_kind(actor, values.get("kind"))
    current = lock_for_edit(Organization, pk=organization.pk, expected_version=expected_version)
    previous_name = current.name
    for name, value in values.items():
        setattr(current, name, value)
    _normalise_organization(current)
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._change_reason = change_reason or None
    current.save()
    if current.name != previous_name:
        _names_changed(actor, current)
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section=SECTION,
               detail=",".join(sorted(values)))
    return current


# --- contacts and their posts -----------------------------------------------------------------------------


def _check_post_dates(started_on: dt.date | None, ended_on: dt.date | None) -> None:
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": "離任日は着任日より後の日付にしてください。"})


@transaction.atomic
def add_contact(*, actor: Staff, organization: Organization, request=None, **values) -> OrganizationContact:
    _require(selectors.directory_access(actor).can_edit_directory)
    policy.require_same_center(actor, organization)
    _check_fields(values, CONTACT_FIELDS)
    contact = OrganizationContact(center_id=actor.center_id, organization=organization, created_by=actor,
                                  updated_by=actor, **values)
    contact.name_kana = to_katakana_reading(contact.name_kana)
    contact.full_clean()
    contact.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=contact, section=SECTION)
    return contact


@transaction.atomic
def update_contact(*, actor: Staff, contact: OrganizationContact, expected_version: int, request=None,
                   **values) -> OrganizationContact:
    _require(selectors.directory_access(actor).can_edit_directory)
    policy.require_same_center(actor, contact)
    _check_fields(values, CONTACT_FIELDS)
    current = lock_for_edit(OrganizationContact, pk=contact.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    current.name_kana = to_katakana_reading(current.name_kana)
    _check_post_dates(current.started_on, current.ended_on)
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section=SECTION,
               detail=",".join(sorted(values)))
    return current


@dataclass
class PostChange:
    ended: OrganizationContact
    successor: OrganizationContact | None = None
    new_post: OrganizationContact | None = None


@transaction.atomic
def end_contact_post(*, actor: Staff, contact: OrganizationContact, ended_on: dt.date, reason: str,
                     expected_version: int, successor: dict | None = None,
                     moved_to: Organization | None = None, request=None) -> PostChange:
    """End a contact's post and keep the row (the directory's memory of who was where).

    `successor` (name, name_kana, title, phone, email) adds the person who takes over the post, from the
    same date, and links it from the ended row. `moved_to` records the same person in a post at another
    organization of the center (officers move between offices), from the same date."""
    _require(selectors.directory_access(actor).can_edit_directory)
    policy.require_same_center(actor, contact)
    if reason not in PostEndReason.values:
        raise ValidationError({"reason": "離任の理由を選んでください。"})
    current = lock_for_edit(OrganizationContact, pk=contact.pk, expected_version=expected_version)
    if current.ended_on is not None:
        raise ValidationError("この担当者はすでに離任しています。")
    _check_post_dates(current.started_on, ended_on)
    change = PostChange(ended=current)
    if successor and successor.get("name", "").strip():
        change.successor = add_contact(
            actor=actor, organization=current.organization, request=request,
            name=successor["name"].strip(), name_kana=successor.get("name_kana", ""),
            department=current.department, title=successor.get("title") or current.title,
            phone=successor.get("phone", ""), email=successor.get("email", ""), started_on=ended_on,
        )
    if moved_to is not None:
        policy.require_same_center(actor, moved_to)
        change.new_post = add_contact(
            actor=actor, organization=moved_to, request=request, name=current.name, name_kana=current.name_kana,
            started_on=ended_on, notes=f"{current.organization.name}から異動",
        )
    current.ended_on = ended_on
    current.end_reason = reason
    current.successor = change.successor
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._change_reason = PostEndReason(reason).label
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section=SECTION,
               detail=f"end_post:{reason}")
    return change


# --- outreach ---------------------------------------------------------------------------------------------


def _check_outreach_links(actor: Staff, organizations, staff) -> None:
    if not organizations:
        raise ValidationError({"organizations": "対象機関を1つ以上選んでください。"})
    policy.require_same_center(actor, *organizations, *staff)


@transaction.atomic
def record_outreach(*, actor: Staff, organizations, staff=(), request=None, **values) -> Outreach:
    _require(selectors.directory_access(actor).can_edit_outreach)
    _check_fields(values, OUTREACH_FIELDS)
    organizations, staff = list(organizations), list(staff)
    _check_outreach_links(actor, organizations, staff)
    outreach = Outreach(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
    outreach.full_clean()
    outreach.save()
    outreach.organizations.set(organizations)
    outreach.staff.set(staff)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=outreach, section=SECTION)
    return outreach


@transaction.atomic
def update_outreach(*, actor: Staff, outreach: Outreach, expected_version: int, organizations, staff=(),
                    request=None, **values) -> Outreach:
    _require(selectors.directory_access(actor).can_edit_outreach)
    policy.require_same_center(actor, outreach)
    _check_fields(values, OUTREACH_FIELDS)
    organizations, staff = list(organizations), list(staff)
    _check_outreach_links(actor, organizations, staff)
    current = lock_for_edit(Outreach, pk=outreach.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    current.organizations.set(organizations)
    current.staff.set(staff)
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section=SECTION)
    return current


# --- kinds ----------------------------------------------------------------------------------------------


def _check_label_free(actor: Staff, label: str, exclude_pk: int | None = None) -> None:
    key = label_key(label)
    for kind in selectors.kinds_for(actor).exclude(pk=exclude_pk):
        if label_key(kind.label) == key:
            raise ValidationError({"label": f"「{kind.label}」という種別はすでにあります。"})


@transaction.atomic
def add_organization_kind(*, actor: Staff, request=None, **values) -> OrganizationKind:
    """A director adds a kind for the center (the shared kinds stay as they are)."""
    _require(selectors.directory_access(actor).can_manage_kinds)
    _check_fields(values, KIND_FIELDS)
    _check_label_free(actor, values.get("label", ""))
    count = policy.of_center(OrganizationKind, actor).count()
    kind = OrganizationKind(center_id=actor.center_id, code=f"c{actor.center_id}-{count + 1}", **values)
    while policy.of_center(OrganizationKind, actor).filter(code=kind.code).exists():
        count += 1
        kind.code = f"c{actor.center_id}-{count + 1}"
    kind.full_clean()
    kind.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=kind, section=SECTION)
    return kind


@transaction.atomic
def update_organization_kind(*, actor: Staff, kind: OrganizationKind, request=None, **values) -> OrganizationKind:
    _require(selectors.directory_access(actor).can_manage_kinds)
    policy.require_same_center(actor, kind)
    _check_fields(values, KIND_FIELDS)
    _check_label_free(actor, values.get("label", kind.label), exclude_pk=kind.pk)
    for name, value in values.items():
        setattr(kind, name, value)
    kind.full_clean()
    kind.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=kind, section=SECTION)
    return kind


# --- import -----------------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    created: list[Organization] = field(default_factory=list)
    updated: list[Organization] = field(default_factory=list)
    unchanged: int = 0


@transaction.atomic
def import_directory(*, actor: Staff, rows: list, request=None) -> ImportOutcome:
    """Apply checked rows of an import (see transfer.check_rows): all of them or, on any error, none.

    Rows that update an organization carry the version seen at preview; if someone saved it since,
    StaleEditError is raised and the whole import is rolled back."""
    from .transfer import DirectoryImportError, check_rows

    _require(selectors.directory_access(actor).can_import)
    checked = check_rows(user=actor, rows=rows)
    if checked.errors:
        raise DirectoryImportError(checked.errors)
    outcome = ImportOutcome()
    for row in checked.rows:
        if row.action == "create":
            outcome.created.append(create_organization(actor=actor, request=request, **row.values))
        elif row.action == "update":
            organization = Organization.objects.get(pk=row.organization_id)
            outcome.updated.append(update_organization(
                actor=actor, organization=organization, expected_version=row.version, request=request,
                change_reason="一括取り込み", **row.changed_values))
        else:
            outcome.unchanged += 1
    return outcome
