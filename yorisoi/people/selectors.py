"""Reads for persons. Every query starts from the policy's scoped querysets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from yorisoi.common.eras import format_era
from yorisoi.common.kana import name_search_key
from yorisoi.privacy import policy

from .models import CERTIFICATE_GRADES, DisabilityCertificate, ExternalContact, FamilyContact, Person
from .services import HEALTH_FIELDS, JUSTICE_FIELDS


def person_list(*, user, query: str = "") -> QuerySet:
    """The center's persons by reading, each with the phase of their newest open case (one query per page)."""
    from yorisoi.cases.models import OPEN_PHASES

    open_cases = (policy.cases_for(user).filter(person=OuterRef("pk"), phase__in=OPEN_PHASES)
                  .order_by("-referral_date", "-id"))
    qs = (policy.persons_for(user)
          .annotate(open_phase=Subquery(open_cases.values("phase")[:1]))
          .order_by("family_name_kana", "given_name_kana", "id"))
    key = name_search_key(query)
    if key:
        qs = qs.filter(search_key__contains=key)
    return qs


def cases_of_person(*, user, person: Person) -> QuerySet:
    return (policy.cases_for(user).filter(person=person).select_related("main_staff")
            .order_by("-referral_date", "-id"))


# --- change history ---------------------------------------------------------------------------------

@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    at: dt.datetime
    user: object
    kind: str  # 登録 / 変更 / 削除
    subject: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


_KIND = {"+": "登録", "~": "変更", "-": "削除"}
_NEVER_SHOWN = {"id", "version", "created_at", "updated_at", "updated_by", "created_by", "center", "person",
                "search_key", "deleted_at"}
_SUBJECTS = {FamilyContact: "家族・緊急連絡先", DisabilityCertificate: "障害者手帳",
             ExternalContact: "関係機関の担当者"}


def _hidden_fields(access) -> set[str]:
    hidden = set(_NEVER_SHOWN)
    if not access.can_see_health:
        hidden |= set(HEALTH_FIELDS)
    if not access.can_see_justice:
        hidden |= set(JUSTICE_FIELDS)
    return hidden


def display_value(model_field, value) -> str:
    if model_field.choices and value in dict(model_field.flatchoices):
        return str(dict(model_field.flatchoices)[value])  # also "" where it has a label (未申請・不明)
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return format_era(value)
    return str(value)


def _only_line_endings(old, new) -> bool:
    """CRLF versus LF from a browser's textarea is not a change anyone made."""
    return isinstance(old, str) and isinstance(new, str) and old.replace("\r\n", "\n") == new.replace("\r\n", "\n")


def _display(model, name: str, field, value, row) -> str:
    if model is DisabilityCertificate and name == "grade" and value:
        return dict(CERTIFICATE_GRADES.get(row.kind, [])).get(value, value)  # the grade's meaning depends on kind
    return display_value(field, value)


def _entries_for(model, rows: list, hidden: set[str], subject_of) -> list[HistoryEntry]:
    """rows: the historical rows of one model, oldest first. Diffs are computed pairwise in memory
    (diff_against) so the page costs one query per table, however long the history is."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    shown = [name for name in fields if name not in hidden]
    excluded = [name for name in fields if name in hidden]
    previous: dict = {}
    entries = []
    for row in rows:
        key = row.id
        old = previous.get(key)
        if row.history_type == "~" and old is not None:
            delta = row.diff_against(old, excluded_fields=excluded)
            changes = [Change(str(fields[c.field].verbose_name), _display(model, c.field, fields[c.field], c.old, old),
                              _display(model, c.field, fields[c.field], c.new, row)) for c in delta.changes
                       if not _only_line_endings(c.old, c.new)]
            # Order as on the form, not as the library returns them.
            changes.sort(key=lambda c, order=[str(fields[n].verbose_name) for n in shown]: order.index(c.label))
        else:
            # Creation lists what was entered; removal lists what was there.
            changes = []
            for name in shown:
                value = getattr(row, name)
                if value in (None, ""):
                    continue
                text = _display(model, name, fields[name], value, row)
                before, after = ("", text) if row.history_type == "+" else (text, "")
                changes.append(Change(str(fields[name].verbose_name), before, after))
        previous[key] = row
        if row.history_type == "~" and not changes:
            continue  # nothing this user may see changed (e.g. only the justice section, for a clerk)
        entries.append(HistoryEntry(at=row.history_date, user=row.history_user, kind=_KIND[row.history_type],
                                    subject=subject_of(row), reason=row.history_change_reason or "",
                                    changes=changes))
    return entries


def person_history(*, person: Person, access) -> list[HistoryEntry]:
    """Every change of the face sheet and its sub-records, newest first, without the sections the user may
    not see (their values never leave the database decrypted for such a user)."""
    hidden = _hidden_fields(access)
    rows = list(Person.history.filter(id=person.pk).select_related("history_user").order_by("history_date",
                                                                                             "history_id"))
    entries = _entries_for(Person, rows, hidden, lambda row: "フェイスシート")
    for model, subject in _SUBJECTS.items():
        sub_rows = list(model.history.filter(person_id=person.pk).select_related("history_user")
                        .order_by("history_date", "history_id"))
        entries += _entries_for(model, sub_rows, hidden, lambda row, subject=subject: f"{subject}：{row.instance}")
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
