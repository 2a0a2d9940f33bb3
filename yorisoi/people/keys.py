"""The normalized search keys of a person, from the face sheet's name fields (no database access).

Used by the services on every save, by the migration that filled them for existing rows, by the demo generator and
by anonymisation. A person has about ten keys: the full name, family and given names, their readings, each alias,
the phone number's digits, and the loose keys (confusable kanji, voiceless reading) of the full name and reading.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from yorisoi.common.eras import find_search_dates
from yorisoi.common.names import (
    is_kana,
    loose_name_key,
    loose_reading_key,
    name_key,
    reading_key,
)
from yorisoi.common.text import clean_text

KEY_MAX_LENGTH = 200
PHONE_MIN_DIGITS = 6


def phone_digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))


def person_keys(person) -> list[tuple[str, str]]:
    """(kind, key) pairs of `person` (anything with the name fields: a model instance or a stand-in), without
    empty or repeated pairs."""
    family, given = person.family_name or "", person.given_name or ""
    family_kana, given_kana = person.family_name_kana or "", person.given_name_kana or ""
    pairs = [
        ("name", name_key(family + given)), ("family", name_key(family)), ("given", name_key(given)),
        ("reading", reading_key(family_kana + given_kana)), ("family_reading", reading_key(family_kana)),
        ("given_reading", reading_key(given_kana)),
    ]
    for alias in (person.aliases or "").splitlines()[:20]:
        pairs.append(("alias", name_key(alias)))
        if is_kana(alias):
            pairs.append(("alias", reading_key(alias)))
    digits = phone_digits(getattr(person, "phone", "") or "")
    if len(digits) >= PHONE_MIN_DIGITS:
        pairs.append(("phone", digits))
    pairs += [("loose", loose_name_key(family + given)), ("loose", loose_reading_key(family_kana + given_kana))]
    seen, out = set(), []
    for kind, key in pairs:
        key = key[:KEY_MAX_LENGTH]
        if key and (kind, key) not in seen:
            seen.add((kind, key))
            out.append((kind, key))
    return out


# --- what a search text asks for -------------------------------------------------------------------

# Case numbers are handed out as 2026-0012 (cases.services); phone numbers start with 0 (国内の番号).
CASE_NUMBER = re.compile(r"(?<![0-9])(?P<number>(?:19|20)\d\d-\d{4})(?![0-9])")
PHONE = re.compile(r"(?<![0-9])(?P<phone>0\d{1,4}(?:[-\s]?\d{1,4}){1,2}[-\s]?\d{3,4})(?![0-9])")


@dataclass
class SearchQuery:
    """A search text taken apart: the name (or reading) words, birth-date ranges, phone digits, case numbers."""

    words: list[str] = field(default_factory=list)
    dates: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.words)

    def __bool__(self) -> bool:
        return bool(self.words or self.dates or self.phones or self.case_numbers)


def parse_query(query: str) -> SearchQuery:
    text = unicodedata.normalize("NFKC", clean_text(query or ""))[:100]
    parsed = SearchQuery()

    def take(match, into: list, convert=lambda s: s):
        into.append(convert(match.group(1)))
        return " "

    text = re.sub(CASE_NUMBER, lambda m: take(m, parsed.case_numbers), text)
    text = re.sub(PHONE, lambda m: take(m, parsed.phones, phone_digits) if len(phone_digits(m.group(1))) >= 9
                  else m.group(0), text)
    parsed.dates, text = find_search_dates(text)
    parsed.words = [w for w in re.split(r"\s+", text) if name_key(w)]
    return parsed
