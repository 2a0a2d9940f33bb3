"""Likely duplicates of a person about to be registered (名寄せ): normalized name or reading plus the birth date,
allowing a birth date one day off, with day and month swapped or one digit slipped, and given-name-only matches
(family names change with marriage or adoption). Reads only what the registering user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from yorisoi.common import names
from yorisoi.privacy import policy

from .models import Person, PersonSearchKey

CANDIDATE_LIMIT = 10
THRESHOLD = 50  # a same-name person is always shown (50); a reading or given name needs the birth date too
ROWS = 300
# What scoring and the candidate lists read of a person (never the encrypted sections).
_SCORED_FIELDS = ("id", "center_id", "family_name", "given_name", "family_name_kana", "given_name_kana",
                  "birth_date")


@dataclass
class Candidate:
    person: Person
    score: int = 0
    agreeing: list[str] = field(default_factory=list)

    def add(self, score: int, label: str) -> None:
        self.score += score
        self.agreeing.append(label)


def near_dates(day: dt.date | None) -> frozenset[dt.date]:
    """Birth dates a typing or transcription slip turns `day` into: ±1 day, day and month swapped, one digit of the
    year, month or day different."""
    if day is None:
        return frozenset()
    return _near_dates(day)


@lru_cache(maxsize=50_000)  # an import checks the same birth dates again and again
def _near_dates(day: dt.date) -> frozenset[dt.date]:
    found = set()
    for step in (-1, 1):
        try:
            found.add(day + dt.timedelta(days=step))
        except OverflowError:  # a stored 0001-01-01 or 9999-12-31 (bad data) has no neighbour
            pass
    text = f"{day.year:04d}{day.month:02d}{day.day:02d}"
    for i in range(8):
        for digit in "0123456789":
            slipped = text[:i] + digit + text[i + 1:]
            try:
                found.add(dt.date(int(slipped[:4]), int(slipped[4:6]), int(slipped[6:])))
            except ValueError:
                pass
    try:
        found.add(dt.date(day.year, day.day, day.month))
    except ValueError:
        pass
    found.discard(day)
    return frozenset(found)


def wanted_keys(*, family_name: str = "", given_name: str = "", family_name_kana: str = "",
                given_name_kana: str = "") -> dict[str, str]:
    """The keys a person being registered is looked up by (people.keys stores the same ones for each person)."""
    full, kana = family_name + given_name, family_name_kana + given_name_kana
    return {
        "name": names.name_key(full), "loose_name": names.loose_name_key(full),
        "reading": names.reading_key(kana), "loose_reading": names.loose_reading_key(kana),
        "given": names.name_key(given_name), "given_reading": names.reading_key(given_name_kana),
    }


def score(person: Person, keys: dict[str, str], birth_date: dt.date | None,
          dates: frozenset[dt.date]) -> Candidate | None:
    """How far `person` agrees with the one being registered; None below the threshold or without a name part."""
    candidate = Candidate(person)
    other_full = person.family_name + person.given_name
    other_kana = person.family_name_kana + person.given_name_kana
    if names.name_key(other_full) == keys["name"]:
        candidate.add(50, "氏名")
    elif names.loose_name_key(other_full) == keys["loose_name"]:
        candidate.add(35, "氏名（似た漢字）")
    elif keys["given"] and names.name_key(person.given_name) == keys["given"]:
        candidate.add(20, "名")
    elif not keys["given"] and names.name_key(person.family_name) == keys["name"]:
        # only the family name typed so far (a phone intake as it is typed): same-surname persons are shown
        candidate.add(THRESHOLD, "氏")
    if keys["reading"] and names.reading_key(other_kana) == keys["reading"]:
        candidate.add(40, "フリガナ")
    elif keys["loose_reading"] and names.loose_reading_key(other_kana) == keys["loose_reading"]:
        candidate.add(25, "フリガナ（濁点・小さい字など）")
    elif keys["given_reading"] and names.reading_key(person.given_name_kana) == keys["given_reading"]:
        candidate.add(15, "名のフリガナ")
    if birth_date and person.birth_date == birth_date:
        candidate.add(40, "生年月日")
    elif person.birth_date in dates:
        candidate.add(25, "生年月日（1日違い・月日の入れ違い・1桁違い）")
    named = any(label.startswith(("氏", "名", "フリガナ")) for label in candidate.agreeing)
    if named and candidate.score >= THRESHOLD:
        candidate.score = min(candidate.score, 100)
        return candidate
    return None


class EarlierRows:
    """The persons of one batch registered (or checked) before the current row, that the database cannot show
    yet: an import's preview writes nothing, and a registration chunk is inserted at its end. Scored with the same
    `score` as persons already registered, but only against the earlier rows that can reach its threshold: those
    sharing the full name, the reading or their loose forms (or the family name when no given name is typed), and
    those sharing the given name or its reading with the birth date on or near the same day (a given name counts
    only with the date)."""

    def __init__(self):
        self._by_key: dict[str, list] = {}
        self._by_given_and_date: dict[tuple[str, dt.date], list] = {}

    def candidates(self, keys: dict[str, str], birth_date: dt.date | None,
                   dates: frozenset[dt.date]) -> list[Candidate]:
        if not keys["name"]:
            return []
        earlier = {id(p): p for kind in ("name", "loose_name", "reading", "loose_reading")
                   if keys[kind] for p in self._by_key.get(keys[kind], [])}
        if birth_date:  # 名 or 名のフリガナ with the same date; 名 and 名のフリガナ with a near date
            for given in {keys["given"], keys["given_reading"]} - {""}:
                earlier.update((id(p), p) for p in self._by_given_and_date.get((given, birth_date), []))
            if keys["given"] and keys["given_reading"]:
                for day in dates:
                    earlier.update((id(p), p) for p in self._by_given_and_date.get((keys["given"], day), ()))
        return [c for c in (score(p, keys, birth_date, dates) for p in earlier.values()) if c is not None]

    def add(self, person) -> None:
        """`person`: a Person or any stand-in with the four name fields and birth_date."""
        keys = wanted_keys(family_name=person.family_name or "", given_name=person.given_name or "",
                           family_name_kana=person.family_name_kana or "", given_name_kana=person.given_name_kana or "")
        family = names.name_key(person.family_name or "")
        for key in {keys["name"], keys["loose_name"], keys["reading"], keys["loose_reading"], family} - {""}:
            self._by_key.setdefault(key, []).append(person)
        if person.birth_date:
            for given in {keys["given"], keys["given_reading"]} - {""}:
                self._by_given_and_date.setdefault((given, person.birth_date), []).append(person)


def _ranked(candidates: list[Candidate]) -> list[Candidate]:
    candidates.sort(key=lambda c: (-c.score, -(c.person.pk or 0)))
    return candidates[:CANDIDATE_LIMIT]


def duplicate_candidates(*, actor, family_name: str = "", given_name: str = "", family_name_kana: str = "",
                         given_name_kana: str = "", birth_date: dt.date | None = None) -> list[Candidate]:
    """The persons that may be the one being registered, highest score first, with the fields that agree."""
    keys = wanted_keys(family_name=family_name, given_name=given_name, family_name_kana=family_name_kana,
                       given_name_kana=given_name_kana)
    if not keys["name"]:
        return []
    dates = near_dates(birth_date)
    rows = policy.of_center(PersonSearchKey, actor).filter(key__in=[k for k in keys.values() if k])
    ids = set(rows.values_list("person_id", flat=True)[:ROWS])
    persons = policy.persons_for(actor)
    found = list(persons.filter(pk__in=ids)) if ids else []
    if birth_date:
        found += list(persons.filter(birth_date__in=[birth_date, *dates]).exclude(pk__in=ids)[:ROWS])
    return _ranked([c for c in (score(p, keys, birth_date, dates) for p in found) if c is not None])


def duplicate_candidates_many(*, actor, wanted: list[dict]) -> list[list[Candidate]]:
    """`duplicate_candidates` for many persons at once (an import's chunk of rows): the same keys, dates and scores,
    read with one query for the keys (with each key's person's birth date) and one for the persons, instead of two
    or three per person. Each item of `wanted` holds the four name fields and birth_date.

    No person is read for its birth date alone: `score` counts a person only when a name part agrees, and every
    name part is a stored key, so the key rows hold every possible candidate; where a row shares keys with more
    than ROWS persons, those born on or near its birth date come first."""
    prepared = []
    for item in wanted:
        keys = wanted_keys(**{k: item.get(k) or "" for k in ("family_name", "given_name", "family_name_kana",
                                                            "given_name_kana")})
        birth_date = item.get("birth_date")
        prepared.append((keys, birth_date, near_dates(birth_date)))
    all_keys = {k for keys, _, _ in prepared if keys["name"] for k in keys.values() if k}
    ids_by_key: dict[str, set[int]] = {}
    born: dict[int, dt.date | None] = {}
    if all_keys:
        for key, person_id, birth_date in policy.of_center(PersonSearchKey, actor).filter(
                key__in=all_keys).values_list("key", "person_id", "person__birth_date"):
            ids_by_key.setdefault(key, set()).add(person_id)
            born[person_id] = birth_date
    chosen_by_row: list[list[int]] = []
    for keys, birth_date, dates in prepared:
        ids = set().union(*(ids_by_key.get(k, set()) for k in keys.values() if k)) if keys["name"] else set()
        if len(ids) > ROWS:
            near = {birth_date, *dates} if birth_date else set()
            first = sorted(pk for pk in ids if born[pk] in near)
            ids = set(first[:ROWS] + sorted(ids - set(first))[:max(0, ROWS - len(first))])
        chosen_by_row.append(sorted(ids))
    all_ids = {pk for chosen in chosen_by_row for pk in chosen}
    persons: dict[int, Person] = {}
    if all_ids:
        persons.update((p.pk, p) for p in policy.persons_for(actor).filter(pk__in=all_ids).only(*_SCORED_FIELDS))
    found_all = []
    for (keys, birth_date, dates), chosen in zip(prepared, chosen_by_row, strict=True):
        found = [persons[pk] for pk in chosen if pk in persons]
        found_all.append(_ranked([c for c in (score(p, keys, birth_date, dates) for p in found) if c is not None]))
    return found_all
