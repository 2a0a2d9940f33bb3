"""Merging two records of one person (名寄せの統合): a director keeps one record (the survivor) and moves
everything of the other (the absorbed record) onto it.

Every row that points at a person is found from the model graph (`person_references`: every foreign key to Person,
hidden ones included), so a model added later is moved too without anyone remembering this module. Left as they
are, on purpose:

- the history tables (simple-history): they record what was, under the id it was on; a moved row gets a new
  history row of its own ("統合により移動") so the survivor's history shows the move;
- the ledger of merges itself (PersonMerge.survivor / absorbed);
- the access log, which is sealed and never rewritten: it keeps the absorbed id, and the person's access history
  finds it through Person.merged_into (privacy.selectors.person_access_rows).

A unique constraint that the move would break is handled explicitly: statements that two records are different
persons (DistinctPersonStatement) between the two are dropped (they are kept, with who stated them, in the merge
record), repeated statements are dropped the same way; any other collision (two current placements, an
anonymisation of the same kind…) refuses the merge with a Japanese message naming what to settle first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from yorisoi.accounts.models import Staff
from yorisoi.common import names
from yorisoi.common.dates import format_checked
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import DistinctPersonStatement, Person, PersonMerge, PersonSearchKey
from .services import rewrite_search_keys

MOVE_REASON = "対象者の統合により移動"
# Kept where they are (see the module's docstring): the merge ledger names both records as they were.
_LEDGER = {(PersonMerge, "survivor"), (PersonMerge, "absorbed")}
# The identity of a record as it was before the merge (names, reading, birth date, ids), kept in PersonMerge.
IDENTITY_FIELDS = ["family_name", "given_name", "family_name_kana", "given_name_kana", "aliases", "sex",
                   "phone", "prefecture", "municipality", "address_line"]


class MergeRefused(ValidationError):
    """The merge cannot be done as asked: the message says why, in Japanese."""


def _is_history_model(model) -> bool:
    return hasattr(model, "instance_type")  # simple-history's Historical* models


def person_references() -> list[models.ForeignKey]:
    """Every foreign key (or one-to-one) to Person that the merge moves: read from the model graph, hidden reverse
    relations (related_name="+") included, history tables and the merge ledger left out."""
    found = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        fk = relation.field
        if relation.many_to_many or _is_history_model(fk.model) or (fk.model, fk.name) in _LEDGER:
            continue
        found.append(fk)
    return found


def _label(fk) -> str:
    return f"{fk.model._meta.label}.{fk.name}"


def moved_label(key: str) -> str:
    """「支援ケース」 for "cases.Case.person": the Japanese name of what moved, for the pages."""
    app_model, _, field_name = key.rpartition(".")
    try:
        model = apps.get_model(app_model)
    except (LookupError, ValueError):
        return key
    name = str(model._meta.verbose_name)
    if model is DistinctPersonStatement and field_name == "other":
        return f"{name}（候補として）"
    if model is Person:
        return "以前に統合した記録"
    return name


SEARCH_KEYS = "people.PersonSearchKey.person"


def shown_lines(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(Japanese label, count) of what moved, for the pages: the search keys (rebuilt, never read) left out."""
    return [(moved_label(k), n) for k, n in counts.items() if k != SEARCH_KEYS]


def rows_pointing_at(person: Person) -> dict[str, int]:
    """How many rows of each kind point at `person` (what a merge of it would move), non-empty kinds only."""
    counts = {}
    for fk in person_references():
        n = fk.model._base_manager.filter(**{fk.name: person.pk}).count()
        if n:
            counts[_label(fk)] = n
    return counts


@dataclass
class MergePlan:
    """What a merge of `absorbed` into `survivor` would do: for the confirm page and the service alike."""

    survivor: Person
    absorbed: Person
    moves: dict[str, int] = field(default_factory=dict)
    dropped_statements: list[DistinctPersonStatement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def move_lines(self) -> list[tuple[str, int]]:
        return shown_lines(self.moves)

    @property
    def stated_distinct(self) -> list[DistinctPersonStatement]:
        """Statements that these two very records are different persons (the director overrides them)."""
        pair = {self.survivor.pk, self.absorbed.pk}
        return [s for s in self.dropped_statements if {s.person_id, s.other_id} == pair]


def _unique_sets(model, fk) -> list[tuple[list[str], models.Q | None]]:
    """(the other fields, condition) of each unique rule of `model` that includes `fk`."""
    rules = []
    if fk.unique:
        rules.append(([], None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and fk.name in constraint.fields:
            rules.append(([f for f in constraint.fields if f != fk.name], constraint.condition))
    for together in model._meta.unique_together:
        if fk.name in together:
            rules.append(([f for f in together if f != fk.name], None))
    return rules


def _statements_to_drop(survivor: Person, absorbed: Person) -> list[DistinctPersonStatement]:
    """Statements that would point a record at itself, or repeat one the survivor already has, after the move."""
    pair = (survivor.pk, absorbed.pk)
    rows = list(DistinctPersonStatement.objects.filter(
        models.Q(person_id__in=pair) | models.Q(other_id__in=pair)).order_by("pk"))
    kept: set[tuple[int, int]] = set()
    drop = []
    for row in rows:
        person = survivor.pk if row.person_id == absorbed.pk else row.person_id
        other = survivor.pk if row.other_id == absorbed.pk else row.other_id
        if person == other or (person, other) in kept:
            drop.append(row)
        else:
            kept.add((person, other))
    return drop


def plan_merge(*, survivor: Person, absorbed: Person) -> MergePlan:
    """What would move, what would be dropped and what stands in the way (no writes, no policy: see merge_persons)."""
    plan = MergePlan(survivor=survivor, absorbed=absorbed)
    plan.dropped_statements = _statements_to_drop(survivor, absorbed)
    dropped = {s.pk for s in plan.dropped_statements}
    for fk in person_references():
        rows = fk.model._base_manager.filter(**{fk.name: absorbed.pk})
        if fk.model is DistinctPersonStatement:
            rows = rows.exclude(pk__in=dropped)
        n = rows.count()
        if n:
            plan.moves[_label(fk)] = n
        if not n or fk.model is DistinctPersonStatement:
            continue
        for others, condition in _unique_sets(fk.model, fk):
            mine = fk.model._base_manager.filter(**{fk.name: absorbed.pk})
            theirs = fk.model._base_manager.filter(**{fk.name: survivor.pk})
            if condition is not None:
                mine, theirs = mine.filter(condition), theirs.filter(condition)
            if others:
                clash = bool(set(mine.values_list(*others)) & set(theirs.values_list(*others)))
            else:
                clash = mine.exists() and theirs.exists()
            if clash:
                plan.problems.append(
                    f"「{fk.model._meta.verbose_name}」が両方の記録にあり、1人に1つ（または同じ種類に1つ）の決まりに"
                    "反するため統合できません。先にどちらかを終了・整理してください。")
    for who, person in (("残す記録", survivor), ("統合する記録", absorbed)):
        if person.merged_into_id:
            plan.problems.append(f"{who}は、すでに別の記録に統合されています。")
        elif person.deleted_at is not None:
            plan.problems.append(f"{who}は削除されています。")
        if person.anonymised_at is not None:
            plan.problems.append(f"{who}は匿名化済みのため統合できません。")
    if survivor.pk == absorbed.pk:
        plan.problems.append("同じ記録どうしは統合できません。")
    return plan


def identity_of(person: Person) -> dict:
    """The record as it was: ids, names, reading, birth date (ISO), for the merge ledger."""
    identity = {"id": person.pk, "created_at": person.created_at.isoformat() if person.created_at else ""}
    identity |= {name: getattr(person, name) for name in IDENTITY_FIELDS}
    identity["birth_date"] = person.birth_date.isoformat() if person.birth_date else ""
    return identity


def identity_for_page(identity: dict) -> dict:
    """A stored identity with its birth date formatted (era, degrading for a date outside the rules)."""
    shown = dict(identity or {})
    try:
        born = dt.date.fromisoformat(shown.get("birth_date") or "")
    except (TypeError, ValueError):
        born = None
    shown["birth_label"] = format_checked(born) if born else ""
    return shown


def _merged_aliases(survivor: Person, absorbed: Person) -> str:
    """The survivor's aliases with the absorbed record's name, reading and aliases added (each once, compared by
    the strict key), so that a search by the old spelling still finds the survivor."""
    lines = [line for line in survivor.aliases.splitlines() if line.strip()]
    known = {names.name_key(v) for v in (survivor.family_name + survivor.given_name,
                                         survivor.family_name_kana + survivor.given_name_kana, *lines)}
    known |= {names.reading_key(v) for v in (survivor.family_name_kana + survivor.given_name_kana, *lines)
              if names.is_kana(v)}
    for value in (f"{absorbed.family_name} {absorbed.given_name}".strip(), absorbed.full_name_kana,
                  *absorbed.aliases.splitlines()):
        key = names.reading_key(value) if names.is_kana(value) else names.name_key(value)
        if key and key not in known:
            known.add(key)
            lines.append(value.strip())
    return "\n".join(lines[:20])


def _move(fk, absorbed: Person, survivor: Person, actor: Staff, now, exclude=()) -> int:
    model = fk.model
    rows = model._base_manager.filter(**{fk.name: absorbed.pk}).exclude(pk__in=list(exclude))
    if hasattr(model, "history") and not _is_history_model(model) and model is not Person:
        objs = list(rows)
        for obj in objs:
            setattr(obj, fk.attname, survivor.pk)
        if objs:
            bulk_update_with_history(objs, model, [fk.name], default_user=actor, default_change_reason=MOVE_REASON,
                                     default_date=now)
        return len(objs)
    return rows.update(**{fk.attname: survivor.pk})


@transaction.atomic
def merge_persons(*, actor: Staff, survivor: Person, merged: Person, reason: str, request=None) -> PersonMerge:
    """Merge `merged` into `survivor`: every row pointing at `merged` moves to `survivor`, both identities are kept
    in a PersonMerge with the counts of what moved, `merged` is marked (merged_into, soft-deleted: it leaves every
    list and search; opening it leads to the survivor) and the access log gets its row. All or nothing.

    Only a director of the center both records belong to; neither record already merged, deleted or anonymised;
    not a record with itself. MergeRefused (a ValidationError) says in Japanese what stands in the way."""
    policy.require(actor, "merge_persons")
    if survivor.pk == merged.pk:
        raise MergeRefused("同じ記録どうしは統合できません。")
    first, second = sorted([survivor.pk, merged.pk])
    locked = {p.pk: p for p in Person._base_manager.select_for_update().filter(pk__in=[first, second])
              .order_by("pk")}
    if len(locked) != 2:
        raise PermissionDenied
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    for person in (survivor, merged):
        if person.center_id != actor.center_id:
            raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise MergeRefused({"reason": "統合の理由を入力してください（例：生年月日と旧姓が一致し、本人に確認した）。"})
    plan = plan_merge(survivor=survivor, absorbed=merged)
    if plan.problems:
        raise MergeRefused(plan.problems)
    # Both must be reachable records of the actor's center (not deleted): checked after the lock, by the policy.
    policy.require(actor, "edit", survivor)
    policy.require(actor, "edit", merged)

    now = timezone.now()
    survivor_before, absorbed_before = identity_of(survivor), identity_of(merged)
    absorbed_before["dropped_statements"] = [
        {"id": s.pk, "person": s.person_id, "other": s.other_id, "score": s.score, "agreeing": s.agreeing,
         "stated_by": s.stated_by_id, "stated_at": s.created_at.isoformat()} for s in plan.dropped_statements]
    moved: Counter = Counter()
    dropped = [s.pk for s in plan.dropped_statements]
    DistinctPersonStatement.objects.filter(pk__in=dropped).delete()
    for fk in person_references():
        if fk.model is PersonSearchKey:
            continue  # rewritten below from the survivor's names (the absorbed names become its aliases)
        n = _move(fk, merged, survivor, actor, now)
        if n:
            moved[_label(fk)] += n
    search_keys = PersonSearchKey.objects.filter(person_id=merged.pk).delete()[0]
    if search_keys:
        moved[_label(PersonSearchKey._meta.get_field("person"))] = search_keys

    survivor.aliases = _merged_aliases(survivor, merged)
    survivor.version += 1
    survivor.updated_by = actor
    survivor.full_clean()
    survivor._history_user = actor
    survivor._change_reason = f"対象者の統合（#{merged.pk} を統合）"
    survivor.save()
    rewrite_search_keys([survivor])

    merged.merged_into = survivor
    merged.deleted_at = now
    merged.version += 1
    merged.updated_by = actor
    merged._history_user = actor
    merged._change_reason = f"対象者の統合（#{survivor.pk} に統合）"
    merged.save()

    record = PersonMerge(center_id=actor.center_id, survivor=survivor, absorbed=merged,
                         survivor_before=survivor_before, absorbed_before=absorbed_before,
                         moved_records=dict(sorted(moved.items())), reason=reason, merged_by=actor)
    record.full_clean(exclude=["moved_records"])  # {} (nothing moved) is a valid count, not a blank field
    record.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=record, person_id=survivor.pk,
               section="person_merge", detail=f"absorbed={merged.pk}")
    return record


def survivor_of(person: Person) -> Person | None:
    """The record that carries a merged record's history now (following earlier merges), or None."""
    seen = set()
    current = person
    while current.merged_into_id and current.pk not in seen:
        seen.add(current.pk)
        current = Person._base_manager.get(pk=current.merged_into_id)
    return current if current.pk != person.pk else None
