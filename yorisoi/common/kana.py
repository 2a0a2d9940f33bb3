"""Kana readings and name search keys.

Names are stored exactly as typed (NFC would change some compatibility ideographs); readings are kept
in full-width katakana; the search keys come from names.py (齋藤/斎藤, ひらがな/カタカナ, full/half width and
spaces meet; 斉藤 stays apart but is a loose candidate).
"""

from __future__ import annotations

import re

import jaconv

from .names import name_key

_KATAKANA_READING = re.compile(r"^[\u30A0-\u30FF\u3000 ]+$")


def to_katakana_reading(text: str) -> str:
    """ふりがな as typed (hiragana, half-width katakana) → full-width katakana, single spaces."""
    text = jaconv.h2z(text or "", kana=True, ascii=False, digit=False)
    text = jaconv.hira2kata(text)
    return re.sub(r"[\s\u3000]+", " ", text).strip()


def is_katakana_reading(text: str) -> bool:
    return bool(_KATAKANA_READING.match(text))


def name_search_key(text: str) -> str:
    """A key for matching names: the strict key of yorisoi.common.names (width, kana, case, spaces and variant
    kanji folded by a maintained table; control characters dropped as the text cleaner drops them). Never shown."""
    return name_key(text)
