"""Reads for persons. Every query starts from the policy's scoped querysets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from yorisoi.common import names
from yorisoi.common.dates import format_checked
from yorisoi.privacy import policy

from .keys import parse_query, person_keys
from .models import (
    CERTIFICATE_GRADES,
    JUSTICE_CONTACT_ROLES,
    DisabilityCertificate,
    ExternalContact,
    FamilyContact,
    Person,
    PersonMerge,
    PersonSearchKey,
    ReoffenceEvent,
    SearchKeyKind,
)
from .services import HEALTH_FIELDS, JUSTICE_FIELDS


def _persons_with_phase(user) -> QuerySet:
    """The persons the user may see, each with the phase of their newest open case (a subquery, no extra query)."""
    from yorisoi.cases.models import OPEN_PHASES

    open_cases = (policy.cases_for(user).filter(person=OuterRef("pk"), phase__in=OPEN_PHASES)
                  .order_by("-referral_date", "-id"))
    return policy.persons_for(user).annotate(open_phase=Subquery(open_cases.values("phase")[:1]))


def person_list(*, user, query: str = "") -> QuerySet | list:
    """The center's persons by reading; with a query, the hits of search_persons (best first, each person with
    `search_hit`). A constant number of queries per page either way."""
    if query.strip():
        hits = search_persons(user=user, query=query, limit=SEARCH_LIST_LIMIT)
        for hit in hits:
            hit.person.search_hit = hit
        return [hit.person for hit in hits]
    return _persons_with_phase(user).order_by("family_name_kana", "given_name_kana", "id")


# --- search -------------------------------------------------------------------------------------------

SEARCH_LIST_LIMIT = 200  # hits a search returns at most (the list pages them)
KEY_ROWS = 600  # key rows read per look-up: bounds the work of a 1-character prefix such as 林
DATE_ROWS = 400  # persons born in the asked range read for the fuzzy pass


class Level:
    """How well a hit matched, best first (the score's hundreds)."""

    EXACT = 400  # the spelling typed (width, kana script and spaces aside)
    NORMALIZED = 300  # the same after the strict fold (variant kanji, kana confusions)
    PREFIX = 200  # the start of a name, reading or alias
    FUZZY = 100  # confusable kanji, voiced marks, or one character off with the birth date agreeing


_KIND_WEIGHT = {"name": 30, "family": 25, "given": 20, "reading": 28, "family_reading": 23, "given_reading": 18,
                "alias": 15, "phone": 30, "loose": 0}
_READING_KINDS = {"reading", "family_reading", "given_reading"}
# What scoring reads of a candidate (person_keys and _spelled_as_typed): never the encrypted sections.
_SCORING_FIELDS = ("id", "center_id", "family_name", "given_name", "family_name_kana", "given_name_kana", "aliases",
                   "birth_date", "phone")
DATE_BONUS = 250  # a birth date that agrees outweighs a level: 斉藤 + the right date beats 斎藤 of another date


@dataclass(slots=True)
class _Scored:
    """A candidate's name columns (_SCORING_FIELDS) as scoring reads them: hundreds are scored per search and only
    the hits are read whole, so a plain row instead of a model instance (a third of a 300,000-person search)."""

    id: int
    center_id: int
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    aliases: str
    birth_date: object
    phone: str

    @property
    def pk(self) -> int:
        return self.id


def _candidates(persons: QuerySet) -> list[_Scored]:
    return [_Scored(*row) for row in persons.values_list(*_SCORING_FIELDS)]


@dataclass
class PersonHit:
    person: Person  # a _Scored row while scoring, the whole person (with its phase) once returned
    match: int = 0  # the best Level (+ the kind's weight) of a name, reading, alias, phone or case number
    bonus: int = 0  # the birth date agreeing
    reasons: list[str] = field(default_factory=list)

    def add(self, score: int, reason: str, *, bonus: bool = False) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if bonus:
            self.bonus = score
        else:
            self.match = max(self.match, score)

    @property
    def score(self) -> int:
        return self.match + self.bonus

    @property
    def reason(self) -> str:
        return "、".join(self.reasons)

    @property
    def level(self) -> str:
        return ("完全一致" if self.match >= Level.EXACT else "一致" if self.match >= Level.NORMALIZED
                else "前方一致" if self.match >= Level.PREFIX else "あいまい")


def _prefix(value: str) -> Q:
    """key starts with `value`, in the form each database serves from the (center, key) B-tree: LIKE 'v%' on
    PostgreSQL (varchar_pattern_ops), a range on SQLite (its LIKE ignores the index; the range is exact under
    SQLite's binary collation)."""
    if connection.vendor == "postgresql":
        return Q(key__startswith=value)
    return Q(key__gte=value, key__lt=value + "\U0010ffff")


def _query_keys(words: list[str]) -> dict[str, str]:
    text = "".join(words)
    keys = {"name": names.name_key(text), "loose": names.loose_name_key(text)}
    if names.is_kana(text):
        keys |= {"reading": names.reading_key(text), "loose_reading": names.loose_reading_key(text)}
    return {k: v for k, v in keys.items() if v}


def _wanted(keys: dict[str, str]) -> dict[str, str | None]:
    return {"name": keys.get("name"), "reading": keys.get("reading"),
            "loose": keys.get("loose"), "loose_reading": keys.get("loose_reading")}


def _score_key_rows(rows, wanted: dict[str, str | None]) -> dict[int, tuple[int, str]]:
    """person id → (score, reason) of the best of `rows` ((person id, kind, key) triples) for the query's keys.
    A 300,000-person search scores over a thousand rows: the reason is written once per person, for its best."""
    best: dict[int, tuple[int, str, bool]] = {}  # person id → (score, kind, prefix)
    loose_targets = [t for t in (wanted["loose"], wanted["loose_reading"]) if t]
    reading_targets = [t for t in (wanted["reading"],) if t]
    name_targets = [t for t in (wanted["name"],) if t]
    alias_targets = [t for t in (wanted["name"], wanted["reading"]) if t]
    for person_id, kind, key in rows:
        if kind == "phone":
            continue
        if kind == "loose":
            targets, level = loose_targets, Level.FUZZY
        else:
            targets = (reading_targets if kind in _READING_KINDS else alias_targets if kind == "alias"
                       else name_targets)
            level = Level.NORMALIZED
        if key in targets:
            score, prefix = level + _KIND_WEIGHT[kind] + 5, False
        elif any(key.startswith(t) for t in targets):
            score, prefix = (Level.PREFIX if kind != "loose" else Level.FUZZY) + _KIND_WEIGHT[kind], True
        else:
            continue
        if score > best.get(person_id, (0,))[0]:
            best[person_id] = (score, kind, prefix)
    return {person_id: (score, _key_reason(kind, prefix)) for person_id, (score, kind, prefix) in best.items()}


_KIND_LABELS = dict(SearchKeyKind.choices)


def _key_reason(kind: str, prefix: bool) -> str:
    if kind == "loose":
        return "似た表記・読み（異体字・濁点の違い）"
    return f"{_KIND_LABELS[kind]}が{'前方一致' if prefix else '一致'}"


def _match_key_rows(user, keys: dict[str, str]) -> dict[int, tuple[int, str]]:
    """person id → (score, reason) of the best key row, exact look-ups first, then prefixes (two indexed queries)."""
    wanted = _wanted(keys)
    values = [v for v in wanted.values() if v]
    rows = policy.of_center(PersonSearchKey, user)
    found = list(rows.filter(key__in=values).values_list("person_id", "kind", "key")[:KEY_ROWS])
    prefix = Q()
    for value in values:
        prefix |= _prefix(value)
    found += list(rows.filter(prefix).exclude(key__in=values).values_list("person_id", "kind", "key")[:KEY_ROWS])
    return _score_key_rows(found, wanted)


def _spelled_as_typed(person: _Scored, words: list[str]) -> bool:
    typed = names.literal_key("".join(words))
    fields = (person.family_name + person.given_name, person.family_name, person.given_name,
              person.family_name_kana + person.given_name_kana, *person.aliases.splitlines())
    return any(names.literal_key(value) == typed for value in fields if value)


def _one_off(a: str, b: str) -> bool:
    """a and b differ by at most one substituted, missing or extra character (一郎/一朗, 斎藤/斉藤)."""
    if abs(len(a) - len(b)) > 1 or not a or not b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _date_q(ranges) -> Q:
    q = Q()
    for first, last in ranges:
        q |= Q(birth_date__range=(first, last))
    return q


def search_persons(*, user, query: str, limit: int = 20) -> list[PersonHit]:
    """The persons `user` may see that match `query`, best first, each with its score and reasons.

    The query may hold a name, reading or alias (any width, kana script, variant kanji, spacing), a birth date in
    era or Gregorian form (whole, year-month or year), a phone number and a case number. Names go through the
    normalized keys (exact and prefix look-ups of one B-tree index); a bounded fuzzy pass then reads the persons
    born on the asked date and keeps those whose name or reading is one character off. A constant number of
    queries (at most six), whatever the query. Nothing is logged here: the caller logs the persons it shows.

    The candidates are scored from their name columns only (hundreds of rows for a common family name at 300,000
    persons: the encrypted sections are not read nor decrypted for them); the hits returned are read whole, with
    their phase, in one last query.
    """
    parsed = parse_query(query)
    if not parsed:
        return []
    base = policy.persons_for(user)
    scores: dict[int, PersonHit] = {}
    matched: dict[int, tuple[int, str]] = {}
    query_keys = _query_keys(parsed.words) if parsed.words else {}
    if parsed.words:
        matched = _match_key_rows(user, query_keys)
    if parsed.phones:
        phone_rows = policy.of_center(PersonSearchKey, user).filter(kind="phone", key__in=parsed.phones)
        for person_id in phone_rows.values_list("person_id", flat=True)[:KEY_ROWS]:
            matched[person_id] = (Level.NORMALIZED + _KIND_WEIGHT["phone"], "電話番号が一致")
    case_people: set[int] = set()
    if parsed.case_numbers:
        case_people = set(policy.cases_for(user).filter(number__in=parsed.case_numbers)
                          .values_list("person_id", flat=True)[:KEY_ROWS])
    ids = set(matched) | case_people
    if parsed.dates and len(matched) > limit:
        # With a birth date, the persons born then are read below (with their own keys) and outrank every other;
        # of the persons matched by name alone only the best `limit` can still be shown: a common family name
        # with a date no longer reads hundreds of namesakes.
        ids = set(sorted(matched, key=lambda pk: (-matched[pk][0], pk))[:limit]) | case_people
    persons = _candidates(base.filter(pk__in=ids)) if ids else []
    if parsed.dates:
        born = base.filter(_date_q(parsed.dates))
        # Without other words the date alone lists the persons; with a name it bounds the fuzzy pass.
        born_list = _candidates(born.exclude(pk__in=ids)
                                .order_by("family_name_kana", "given_name_kana", "id")[:DATE_ROWS])
        if query_keys:
            # The name of a person born on the asked date is matched here too, from the person's own keys: a common
            # family name (佐藤 at 300,000 persons) has more key rows than the look-up above reads.
            rows = ((p.pk, kind, key) for p in born_list for kind, key in person_keys(p))
            for person_id, found in _score_key_rows(rows, _wanted(query_keys)).items():
                matched.setdefault(person_id, found)
        persons += born_list
    query_name = names.name_key(parsed.text)
    query_reading = names.reading_key(parsed.text) if names.is_kana(parsed.text) else ""
    for person in persons:
        hit = scores.setdefault(person.pk, PersonHit(person))
        if person.pk in matched:
            score, reason = matched[person.pk]
            if parsed.words and _spelled_as_typed(person, parsed.words):
                score, reason = Level.EXACT + score % 100, reason.replace("が一致", "の表記が一致")
            hit.add(score, reason)
        elif parsed.words and parsed.dates:
            if _one_off(query_name, names.name_key(person.family_name + person.given_name)) or (
                    query_reading and _one_off(query_reading,
                                               names.reading_key(person.family_name_kana + person.given_name_kana))):
                hit.add(Level.FUZZY, "氏名・読みが1文字違い")
        if person.pk in case_people:
            hit.add(Level.NORMALIZED + 30, "ケース番号が一致")
        if parsed.dates and person.birth_date and any(a <= person.birth_date <= b for a, b in parsed.dates):
            if parsed.words or parsed.phones or parsed.case_numbers:
                hit.add(DATE_BONUS, "生年月日が一致", bonus=True)
            else:
                hit.add(Level.NORMALIZED, "生年月日が一致")
    wanted = [h for h in scores.values() if h.reasons and (
        not parsed.words or any(r != "生年月日が一致" for r in h.reasons))]
    wanted.sort(key=lambda h: (-h.score, h.person.family_name_kana, h.person.given_name_kana, h.person.pk))
    wanted = wanted[:limit]
    whole = {p.pk: p for p in _persons_with_phase(user).filter(pk__in=[h.person.pk for h in wanted])}
    for hit in wanted:
        hit.person = whole.get(hit.person.pk)
    return [hit for hit in wanted if hit.person is not None]


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
        return format_checked(value)
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


def sub_record_of(model, *, person: Person, pk: int, access):
    """One family contact, certificate or agency officer of the face sheet, or None where there is none for this
    user: a justice agency's officer is not there for staff who may not see justice."""
    item = model.objects.filter(person=person, pk=pk).first()
    if item is None or (getattr(item, "is_justice", False) and not access.can_see_justice):
        return None
    return item


def external_contacts_for(*, person: Person, access) -> list:
    """The agencies' officers on the face sheet; those of justice agencies only for staff who see justice."""
    contacts = person.external_contacts.all()
    if not access.can_see_justice:
        contacts = contacts.exclude(role__in=JUSTICE_CONTACT_ROLES)  # not a staff role
    return list(contacts)


# --- merges -------------------------------------------------------------------------------------------


def survivor_for(*, user, pk) -> Person | None:
    """The record a merged record of the user's center now lives on, when the user may see it; else None."""
    merged = policy.of_center(Person._base_manager, user).filter(pk=pk, merged_into__isnull=False).first()
    seen: set[int] = set()
    while merged is not None and merged.merged_into_id and merged.pk not in seen:
        seen.add(merged.pk)
        nxt = Person._base_manager.filter(pk=merged.merged_into_id, center_id=merged.center_id).first()
        if nxt is None or not nxt.merged_into_id:
            return policy.persons_for(user).filter(pk=nxt.pk).first() if nxt is not None else None
        merged = nxt
    return None


def merges_for(*, user) -> QuerySet:
    """The merges of the user's center, newest first (directors and auditors read them)."""
    if not policy.may_review_merges(user):
        return PersonMerge.objects.none()
    return policy.of_center(PersonMerge, user).select_related("merged_by").order_by("-created_at", "-id")


def merges_into(*, user, person: Person) -> QuerySet:
    """The merges whose survivor is `person` (shown on the face sheet to who may review merges)."""
    return merges_for(user=user).filter(survivor=person)


def reoffences_of(*, case) -> list:
    """The reoffences known on a case, newest first (the caller has checked the case and the justice right)."""
    return list(ReoffenceEvent.objects.filter(case=case).select_related("recorded_by"))
