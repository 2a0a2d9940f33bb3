"""Kana readings and name search keys.

Names are stored exactly as typed (NFC would change some compatibility ideographs); readings are kept
in full-width katakana; search keys are derived here so that 齋藤/斎藤/斉藤, ひらがな/カタカナ, full/half
width and spaces all meet.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

# Old and variant forms of kanji common in names, folded to one representative for searching only.
# Kept short and explicit; the Search issue may replace it with a maintained table.
VARIANT_KANJI = {
    "齋": "斉", "齊": "斉", "斎": "斉",
    "髙": "高", "﨑": "崎", "嵜": "崎",
    "邊": "辺", "邉": "辺",
    "澤": "沢", "濱": "浜", "濵": "浜", "廣": "広", "國": "国", "櫻": "桜", "眞": "真",
    "德": "徳", "惠": "恵", "壽": "寿", "龍": "竜", "瀧": "滝", "藏": "蔵", "實": "実",
    "淵": "渕", "冨": "富", "嶋": "島", "嶌": "島", "槇": "槙", "曽": "曾", "桒": "桑",
    "舘": "館", "穗": "穂", "禮": "礼", "𠮷": "吉",
}
_VARIANT_TABLE = str.maketrans(VARIANT_KANJI)
_KATAKANA_READING = re.compile(r"^[\u30A0-\u30FF\u3000 ]+$")


def to_katakana_reading(text: str) -> str:
    """ふりがな as typed (hiragana, half-width katakana) → full-width katakana, single spaces."""
    text = jaconv.h2z(text or "", kana=True, ascii=False, digit=False)
    text = jaconv.hira2kata(text)
    return re.sub(r"[\s\u3000]+", " ", text).strip()


def is_katakana_reading(text: str) -> bool:
    return bool(_KATAKANA_READING.match(text))


def name_search_key(text: str) -> str:
    """A key for matching names: width, kana, case, spaces and variant kanji folded. Never shown."""
    text = unicodedata.normalize("NFKC", text or "")
    text = jaconv.hira2kata(text)
    text = text.translate(_VARIANT_TABLE)
    return re.sub(r"[\s\u3000・･]+", "", text).lower()
