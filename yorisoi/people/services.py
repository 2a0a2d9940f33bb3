"""Writes to persons. Every function checks the policy, validates, and audits in one transaction."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.kana import name_search_key, to_katakana_reading
from yorisoi.common.locks import lock_center
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .duplicates import EarlierRows, duplicate_candidates, duplicate_candidates_many, near_dates, wanted_keys
from .keys import person_keys
from .models import (
    DISABILITY_FIELDS,
    JUSTICE_CONTACT_ROLES,
    DisabilityCertificate,
    DistinctPersonStatement,
    ExternalContact,
    FamilyContact,
    Person,
    PersonSearchKey,
    ReoffenceEvent,
)

# Fields a form may set; the justice and health sections only by users who may see them.
BASIC_FIELDS = [
    "family_name", "given_name", "family_name_kana", "given_name_kana", "aliases", "sex", "birth_date",
    "phone", "postal_code", "prefecture", "municipality", "address_line", "return_wish",
    "no_fixed_abode", "registration_status", "registration_municipality",
    "care_level", "disability_support_level", "public_assistance", "public_assistance_office", "wishes",
]
HEALTH_FIELDS = ["health_conditions", "medication", "hospitals", *DISABILITY_FIELDS]
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


def rewrite_search_keys(persons) -> None:
    """Replace the normalized search keys (people.keys) of saved persons: called by every service that saves a
    face sheet's names, and by bulk writers (anonymisation, merge). Not a service of its own: it checks nothing."""
    persons = list(persons)
    PersonSearchKey.objects.filter(person__in=[p.pk for p in persons]).delete()
    insert_search_keys(persons)


def insert_search_keys(persons) -> None:
    """Insert the search keys of saved persons that have none yet (a registration): one executemany of plain
    rows, since an import writes about ten keys per person and the ORM's bulk_create spent most of its time
    preparing each value."""
    table, quote = PersonSearchKey._meta.db_table, connection.ops.quote_name
    rows = [(p.center_id, p.pk, kind, key) for p in persons for kind, key in person_keys(p)]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {quote(table)} ({quote('center_id')}, {quote('person_id')}, "
                               f"{quote('kind')}, {quote('key')}) VALUES (%s, %s, %s, %s)", rows)


SAME_NAME_MESSAGE = ("同じ名前の人がいます。同じ人でないか確かめてください。"
                     "別人なら、別人として登録することを選んでから、もう一度登録してください。")


class SameNameError(ValidationError):
    """Persons of the same name exist that the user was not shown (or not shown yet) when confirming."""

    def __init__(self, candidates: list[Person]):
        super().__init__(SAME_NAME_MESSAGE, code="same_name")
        self.candidates = candidates


@transaction.atomic
def register_person(*, actor: Staff, request=None, same_name_seen: Collection[int] | None = (),
                    **values) -> Person:
    """Register a person. The same-name check and the insert are one step per center (lock_center): if a
    person of the same name exists whose id is not in `same_name_seen` (the candidates the user was shown
    and confirmed as someone else), SameNameError names the candidates and nothing is written.
    `same_name_seen=None` skips the check (a caller that matched the person itself)."""
    policy.require(actor, "create_person")
    unknown = set(values) - set(editable_fields(actor))
    if unknown:
        raise PermissionDenied
    candidates = []
    if same_name_seen is not None:
        lock_center(actor.center_id, purpose="person_registration")
        candidates = same_name_candidates(actor=actor, **{k: values.get(k) or "" for k in (
            "family_name", "given_name", "family_name_kana", "given_name_kana")},
            birth_date=values.get("birth_date"))
        if {c.pk for c in candidates} - set(same_name_seen):
            raise SameNameError(candidates)
    person = Person(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
    _normalise(person)
    person.full_clean()
    person._history_user = actor
    person.save()
    rewrite_search_keys([person])
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=person, person_id=person.pk,
               section="face_sheet")
    for other in candidates:
        # The worker stated that each candidate shown is someone else: kept on the new person, and audited.
        statement = DistinctPersonStatement(person=person, other=other, score=other.duplicate_score,
                                            agreeing="、".join(other.duplicate_agreeing)[:200], stated_by=actor)
        statement.full_clean()
        statement.save()
        log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=statement, person_id=person.pk,
                   section="distinct_person", detail=f"other={other.pk}")
    return person


REGISTER_CHUNK = 100  # rows checked for same-name persons with one pair of queries, and inserted together


@transaction.atomic
def register_persons(*, actor: Staff, rows: Iterable[dict], request=None, section: str = "face_sheet",
                     detail: str = "", on_created: Callable[[dict, Person], None] | None = None) -> list[int]:
    """Register many persons at once (the import wizard): the same rules as `register_person` for each row (the
    policy, the fields the actor may set, the same-name check (people.duplicates) against every person already
    registered and every earlier row, `full_clean`), but ONE access-log row naming them all (`listed`), not one
    chained row per person. Rows are checked and inserted in chunks of REGISTER_CHUNK within the one transaction
    (one query pair for the same-name check of a chunk; bulk inserts with their history rows and search keys).
    `rows` may be a generator (read as it goes, so a long file is never held whole): each is
    {"values": {...}, "distinct": bool, "line": n}. `distinct` means the user stated, after seeing the
    candidates, that the row is someone else (each candidate is kept as a DistinctPersonStatement); otherwise
    any candidate refuses the whole call with SameNameError (its `line` set). Returns the new persons' ids."""
    policy.require(actor, "create_person")
    allowed = set(editable_fields(actor))
    lock_center(actor.center_id, purpose="person_registration")
    created: list[int] = []
    statements = 0
    iterator = iter(rows)
    while chunk := tuple(itertools.islice(iterator, REGISTER_CHUNK)):
        statements += _register_chunk(actor, chunk, allowed, created, on_created)
    if created:
        log_access(request=request, actor=actor, action=AccessAction.CREATE, section=section, listed=created,
                   detail=detail or f"registered={len(created)} distinct_statements={statements}")
    return created


def _register_chunk(actor: Staff, chunk: tuple[dict, ...], allowed: set[str], created: list[int],
                    on_created) -> int:
    for row in chunk:
        if set(row["values"]) - allowed:
            raise PermissionDenied
    found = duplicate_candidates_many(actor=actor, wanted=[row["values"] for row in chunk])
    new_persons: list[Person] = []
    earlier = EarlierRows()  # this chunk's rows, not inserted yet
    pairs: list[tuple[Person, Person, int, str]] = []  # (new person, other, score, agreeing)
    for row, registered in zip(chunk, found, strict=True):
        values = row["values"]
        keys = wanted_keys(**{k: values.get(k) or "" for k in ("family_name", "given_name", "family_name_kana",
                                                              "given_name_kana")})
        birth_date = values.get("birth_date")
        candidates = registered + earlier.candidates(keys, birth_date, near_dates(birth_date))
        if candidates and not row.get("distinct"):
            for c in candidates:
                c.person.duplicate_score, c.person.duplicate_agreeing = c.score, c.agreeing
            error = SameNameError([c.person for c in candidates])
            error.line = row.get("line")
            raise error
        person = Person(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
        _normalise(person)
        # The center and staff are the actor's own (checked by the policy above): validated once, not per row.
        try:
            person.full_clean(exclude=["center", "created_by", "updated_by", "merged_into"])
        except ValidationError as error:
            error.line = row.get("line")  # the import names the row
            raise
        new_persons.append(person)
        earlier.add(person)
        pairs += [(person, c.person, c.score, "、".join(c.agreeing)[:200]) for c in candidates]
    Person.objects.bulk_create(new_persons)
    Person.history.bulk_history_create(new_persons, default_user=actor)
    insert_search_keys(new_persons)
    statements = [DistinctPersonStatement(person=person, other=other, score=value, agreeing=agreeing,
                                          stated_by=actor) for person, other, value, agreeing in pairs]
    for statement in statements:
        statement.full_clean(exclude=["person", "other", "stated_by"])
    DistinctPersonStatement.objects.bulk_create(statements)
    for row, person in zip(chunk, new_persons, strict=True):
        created.append(person.pk)
        if on_created is not None:
            on_created(row, person)
    return len(statements)


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
    rewrite_search_keys([current])
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=current.pk,
               section="face_sheet", detail=",".join(sorted(values)))
    return current


def same_name_candidates(*, actor: Staff, family_name: str, given_name: str = "", family_name_kana: str = "",
                         given_name_kana: str = "", birth_date=None) -> list[Person]:
    """Likely duplicates (people.duplicates) as persons, each with `duplicate_score` and `duplicate_agreeing`."""
    found = duplicate_candidates(actor=actor, family_name=family_name, given_name=given_name,
                                 family_name_kana=family_name_kana, given_name_kana=given_name_kana,
                                 birth_date=birth_date)
    for candidate in found:
        candidate.person.duplicate_score = candidate.score
        candidate.person.duplicate_agreeing = candidate.agreeing
    return [c.person for c in found]


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


def _require_justice_sight(actor: Staff, person: Person, *roles) -> None:
    """A contact of a justice agency is justice information: only staff who see justice may add, change or remove it."""
    if any(role in JUSTICE_CONTACT_ROLES for role in roles):
        policy.require(actor, "see_justice", person)


def _add_item(model, *, actor: Staff, person: Person, request, values: dict):
    fields, section = _SUB_RECORDS[model]
    _require_person_edit(actor, person)
    _require_justice_sight(actor, person, values.get("role"))
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
    _require_justice_sight(actor, item.person, getattr(item, "role", None), values.get("role"))
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
    _require_justice_sight(actor, item.person, getattr(item, "role", None))
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


REOFFENCE_FIELDS = ["occurred_on", "offence_category", "disposition", "source", "note"]


@transaction.atomic
def record_reoffence(*, actor: Staff, case, request=None, **values) -> ReoffenceEvent:
    """再犯の把握: a reoffence the center came to know of, on a case in any phase (also after closure). It is
    justice information: only users who may see it record it. Kept apart from the closure reason."""
    policy.require(actor, "see_justice", case)
    policy.require(actor, "edit", case)
    if set(values) - set(REOFFENCE_FIELDS):
        raise PermissionDenied
    event = ReoffenceEvent(center_id=case.center_id, person_id=case.person_id, case=case, recorded_by=actor,
                           **values)
    event.full_clean()
    event._history_user = actor
    event.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=event, person_id=case.person_id,
               section="reoffences")
    return event
