"""Anonymisation after the retention period (`manage.py anonymise_expired`).

A person is considered once none of their cases is open. The reference date is the day their last case
closed (its end date; for a case closed without one, or deleted while open, the day it last changed); a
person who never had a case counts from the last change of their face sheet. A kind of record is due when
its center's period (rules.py) has passed since that date; when the person's own period has passed, every
kind is due, because a narrative kept beside an anonymised name still names the person.

Anonymising a kind blanks its free text (kinds.py says what stays), deletes its files and the rows it
deletes, and replaces the change history of every row it touched with one row holding the anonymised
state: the history tables would otherwise keep the old values. One person is done in one transaction with
one access-log row (action 匿名化, counts only, no names). A person whose provision or receipt record is
still within the legal retention period (YORISOI_DISCLOSURE_RETENTION_YEARS) keeps their name until it
ends: the record of a provision must name the person (個人情報保護法29条).

Running it again does nothing new: each (person, kind) done is recorded with its reference date, and only a
later case (a later reference date) makes the kind due again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, Anonymisation

from .kinds import ANONYMISED_TEXT, KINDS, KINDS_BY_CODE, ORDER, PERSON, Target, file_fields, text_fields
from .rules import is_due, rules_for, years_before

SYSTEM_USER = "system:anonymise_expired"
CHANGE_REASON = "保存期間経過による匿名化"
CHUNK = 500


@dataclass
class PersonPlan:
    person_id: int
    center_id: int
    reference_date: dt.date
    kinds: list[str]  # due and not done yet, in ORDER
    held: bool = False  # the person's name waits for the legal retention of a provision record

    @property
    def whole(self) -> bool:
        return PERSON in self.kinds


@dataclass
class Plan:
    today: dt.date
    people: list[PersonPlan] = field(default_factory=list)

    def by_center(self) -> dict[int, list[PersonPlan]]:
        grouped: dict[int, list[PersonPlan]] = defaultdict(list)
        for item in self.people:
            grouped[item.center_id].append(item)
        return dict(grouped)


def _reference_dates(center_id: int, cutoff: dt.date) -> Iterator[tuple[int, dt.date]]:
    """(person id, reference date) of the center's persons without an open case whose reference date is
    on or before `cutoff` (the shortest period's limit), deleted persons included (their data still exists)."""
    from yorisoi.cases.models import Phase
    from yorisoi.people.models import Person

    qs = (Person._base_manager.filter(center_id=center_id)
          .annotate(open_cases=Count("cases", filter=Q(cases__deleted_at__isnull=True) & ~Q(cases__phase=Phase.CLOSED)),
                    reference=Coalesce(Max(Coalesce("cases__end_date", TruncDate("cases__updated_at"))),
                                       TruncDate("updated_at")))
          .filter(open_cases=0, reference__lte=cutoff)
          .order_by("pk").values_list("pk", "reference"))
    yield from qs.iterator(chunk_size=2000)


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _legally_held(person_ids: list[int], today: dt.date) -> set[int]:
    """Persons named by a provision or receipt record still inside its legal retention period."""
    try:
        from yorisoi.disclosure import conf
        from yorisoi.disclosure.models import DisclosureRecord, ReceiptRecord
    except ImportError:
        return set()
    since = years_before(today, conf.retention_years())
    held = set(DisclosureRecord.objects.filter(person_id__in=person_ids, provided_on__gte=since)
               .values_list("person_id", flat=True))
    held |= set(ReceiptRecord.objects.filter(person_id__in=person_ids, received_on__gte=since)
                .values_list("person_id", flat=True))
    return held


def plan(*, today: dt.date | None = None, center_ids: list[int] | None = None) -> Plan:
    """What a run would do today: per person, the kinds due and not yet done. Reads only."""
    from yorisoi.accounts.models import Center

    today = today or timezone.localdate()
    result = Plan(today=today)
    centers = Center.objects.order_by("pk").values_list("pk", flat=True)
    if center_ids is not None:
        centers = centers.filter(pk__in=center_ids)
    for center_id in centers:
        years = rules_for(center_id)
        cutoff = years_before(today, min(years.values()))
        for chunk in _chunks(_reference_dates(center_id, cutoff), CHUNK):
            ids = [pk for pk, _ in chunk]
            done = {(p, k): ref for p, k, ref in Anonymisation.objects.filter(person_id__in=ids)
                    .values_list("person_id", "kind", "reference_date")}
            held = _legally_held(ids, today)
            for pk, reference in chunk:
                own = {kind.code for kind in KINDS if is_due(reference, years[kind.code], today)}
                is_held = PERSON in own and pk in held
                if is_held:
                    own.discard(PERSON)
                due = {kind.code for kind in KINDS} if PERSON in own else own
                due = [kind.code for kind in ORDER if kind.code in due
                       and not (done.get((pk, kind.code)) and done[(pk, kind.code)] >= reference)]
                if due or is_held:
                    result.people.append(PersonPlan(pk, center_id, reference, due, held=is_held))
    return result


# --- applying ---------------------------------------------------------------------------------------------


def _new_value(target: Target, model_field: models.Field, row):
    if model_field.name in target.replace:
        return target.replace[model_field.name](row)
    if model_field.blank or model_field.null:
        return "" if not model_field.null else None
    return ANONYMISED_TEXT[: model_field.max_length] if model_field.max_length else ANONYMISED_TEXT


def _filter_for(target: Target, person_id: int) -> Q:
    query = Q()
    for path in target.paths:
        query |= Q(**{path: person_id})
    return query


def _apply(target: Target, person_id: int, *, now, files: list) -> dict[str, int]:
    """Anonymise (or delete) one model's rows of one person and replace their history. Returns counts."""
    model = target.model
    rows = list(model._base_manager.filter(_filter_for(target, person_id)).distinct())
    names = [f.name for f in text_fields(target)]
    stored_files = file_fields(target)
    if not target.delete and not names and not stored_files:
        return {}
    history = getattr(model, "history", None)
    old_history = (history.model.objects.filter(_filter_for(target, person_id) | Q(id__in=[r.pk for r in rows]))
                   if history is not None else None)
    counts: dict[str, int] = {}
    for row in rows:
        for stored in stored_files:
            value = getattr(row, stored.attname)
            if value:
                files.append((value.storage, value.name))
    if old_history is not None:
        for stored in stored_files:  # files named only by an earlier version of a row
            for name in old_history.values_list(stored.attname, flat=True):
                if name:
                    files.append((stored.storage, name))
        counts["history"] = old_history.delete()[0]
    if target.delete:
        if rows:
            counts["deleted"] = model._base_manager.filter(pk__in=[r.pk for r in rows]).delete()[0]
        return counts
    if not rows:
        return counts
    concrete = {f.name: f for f in model._meta.concrete_fields}
    updated = list(names) + [f.name for f in stored_files if f.name not in names]
    for row in rows:
        for name in names:
            setattr(row, name, _new_value(target, concrete[name], row))
        for stored in stored_files:
            setattr(row, stored.attname, "")
        if "version" in concrete:
            row.version += 1  # an edit form opened before this is refused as stale, not saved over it
        if model._meta.label_lower == "people.person":
            from yorisoi.people.services import derive_search_key

            row.search_key = derive_search_key(row)
            row.anonymised_at = now
    if "version" in concrete:
        updated.append("version")
    if model._meta.label_lower == "people.person":
        updated += ["search_key", "anonymised_at"]
    model._base_manager.bulk_update(rows, updated)
    if model._meta.label_lower == "people.person":
        from yorisoi.people.services import rewrite_search_keys

        rewrite_search_keys(rows)  # the names are gone: so are the keys made from them
    counts["anonymised"] = len(rows)
    if history is not None:
        history.bulk_history_create(rows, update=True, default_change_reason=CHANGE_REASON, default_date=now)
    return counts


def _summary(counts: dict[str, dict[str, dict[str, int]]]) -> str:
    from django.apps import apps

    parts, history, files = [], 0, 0
    for per_kind in counts.values():
        for label, numbers in per_kind.items():
            if label == "files":
                files += numbers.get("deleted", 0)
                continue
            history += numbers.get("history", 0)
            name = apps.get_model(label)._meta.verbose_name
            if numbers.get("anonymised"):
                parts.append(f"{name} {numbers['anonymised']}件")
            if numbers.get("deleted"):
                parts.append(f"{name} {numbers['deleted']}件（削除）")
    parts.append(f"変更履歴 {history}件を置換")
    if files:
        parts.append(f"ファイル {files}件を削除")
    return "、".join(parts)


@transaction.atomic
def anonymise_person(item: PersonPlan, *, now: dt.datetime | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """Anonymise the kinds of `item` for one person, in one transaction, with one access-log row."""
    from yorisoi.people.models import Person

    now = now or timezone.now()
    person = Person._base_manager.select_for_update().get(pk=item.person_id)
    files: list = []
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for code in item.kinds:
        kind = KINDS_BY_CODE[code]
        per_kind: dict[str, dict[str, int]] = {}
        for target in kind.targets:
            if target.model is not None:
                numbers = _apply(target, person.pk, now=now, files=files)
                if numbers:
                    per_kind[target.label] = numbers
        Anonymisation.objects.update_or_create(
            person_id=person.pk, kind=code,
            defaults={"center_id": person.center_id, "reference_date": item.reference_date, "done_at": now,
                      "counts": per_kind})
        counts[code] = per_kind
    unique_files = sorted(set(files), key=lambda pair: pair[1])
    if unique_files:
        counts.setdefault("files", {})["files"] = {"deleted": len(unique_files)}
    kinds = "、".join(KINDS_BY_CODE[code].label for code in item.kinds)
    detail = f"保存期間経過による匿名化（基準日 {item.reference_date:%Y-%m-%d}／{kinds}）: {_summary(counts)}"
    log_access(action=AccessAction.ANONYMISE, username=SYSTEM_USER, center_id=person.center_id, obj=person,
               person_id=person.pk, section="retention", detail=detail[:500])
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in unique_files if storage.exists(name)])
    return counts


@dataclass
class RunResult:
    plan: Plan
    done: int = 0
    whole: int = 0


def run(*, today: dt.date | None = None, center_ids: list[int] | None = None,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Plan, then anonymise every person of the plan (each in its own transaction) and write one summary row
    to the access log. A person that fails stops the run; the persons already done stay done."""
    current = plan(today=today, center_ids=center_ids)
    result = RunResult(plan=current)
    todo = [item for item in current.people if item.kinds]
    now = timezone.now()
    for index, item in enumerate(todo, start=1):
        anonymise_person(item, now=now)
        result.done += 1
        result.whole += item.whole
        if progress:
            progress(index, len(todo))
    held = sum(1 for item in current.people if item.held)
    log_access(action=AccessAction.ANONYMISE, username=SYSTEM_USER, section="retention",
               detail=f"匿名化の実行（基準日 {current.today:%Y-%m-%d}）: 対象者 {result.done}人"
                      f"（うち全体 {result.whole}人）、提供記録の保存期間中のため氏名を保留 {held}人")
    return result
