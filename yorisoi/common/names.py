"""Keys for finding people by name and reading, in two layers.

Names are stored exactly as typed; these keys are derived from them for searching only, never shown.

- `name_key`: the strict layer, for equality. Width (NFKC), hiragana → katakana, old and variant kanji folded to
  their standard form by jpnorm's maintained table (齋→斎, 髙→高, 﨑→崎, 邉/邊→辺, 𠮷→吉, 澤→沢; 斎 and 斉 stay
  different characters), spaces and punctuation dropped, Latin letters lower-cased.
- `reading_key`: a reading (ふりがな) folded on top of that for the usual kana confusions: ズ/ヅ, ジ/ヂ, small and
  large kana, long-vowel marks (サトー = サトウ = サトオ), ヲ/オ.
- `loose_name_key` / `loose_reading_key`: the loose layer, only to propose duplicate candidates and as the last,
  fuzzy pass of a search: confusable kanji (斎~斉, 沢~澤) from kanji_loose.txt, and voiced marks dropped.
- `literal_key`: width and spaces only, to tell the spelling the user typed from a variant of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jaconv
import jpnorm

from .text import clean_text

# The maintained table (jpnorm's 旧字体→新字体 and 人名・地名の異体字, 337 characters in 0.1.3) with variation
# selectors dropped. Nothing else of jpnorm is switched on: the other steps are ours and explicit below.
_STRICT = jpnorm.Normalizer("none", kyujitai_to_shinjitai=True, unify_itaiji=True, remove_variation_selectors=True)
# Reviewed additions that jpnorm 0.1.3 lacks (each a variant form registered for names in the MJ character set).
_STRICT_ADDITIONS = str.maketrans({"桒": "桑", "栁": "柳", "舩": "船", "\U0002123d": "土"})  # 𡈽 (つちよし)
# Separators typed between or inside names: spaces, middle dots, hyphens, commas, brackets.
_SEPARATORS = re.compile(r"[\s\u3000・･·\-‐‑–—―−,，、.。()（）「」『』\[\]【】'\"]+")


def strict_fold(text: str) -> str:
    """Old and variant kanji to their standard form (the strict layer's table only)."""
    return _STRICT.normalize(text).translate(_STRICT_ADDITIONS)


@lru_cache(maxsize=20_000)  # pure; an import or a search keys the same names many times
def literal_key(text: str) -> str:
    """The spelling as typed, with width, kana script, case and spaces folded (no kanji folding)."""
    text = unicodedata.normalize("NFKC", clean_text(text or ""))
    return _SEPARATORS.sub("", jaconv.hira2kata(text)).lower()


@lru_cache(maxsize=20_000)  # pure; an import or a search keys the same names many times
def name_key(text: str) -> str:
    """The strict key of a name (or any name-like text): equality here means the same spelling up to variants."""
    text = unicodedata.normalize("NFKC", clean_text(text or ""))
    text = strict_fold(jaconv.hira2kata(text))
    return _SEPARATORS.sub("", text).lower()


# --- readings ---------------------------------------------------------------------------------------

_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_OLD_KANA = str.maketrans({"ヅ": "ズ", "ヂ": "ジ", "ヲ": "オ", "ヰ": "イ", "ヱ": "エ"})
_VOWEL_OF = {}
for _vowel, _row in (("ア", "アカガサザタダナハバパマヤラワ"), ("イ", "イキギシジチニヒビピミリ"),
                     ("ウ", "ウクグスズツヌフブプムユルヴ"), ("エ", "エケゲセゼテデネヘベペメレ"),
                     ("オ", "オコゴソゾトドノホボポモヨロ")):
    _VOWEL_OF.update(dict.fromkeys(_row, _vowel))
_LONG_MARKS = "ー～〜"


def _fold_long_vowels(text: str) -> str:
    """サトー, サトウ and サトオ meet as サトオ; ケイコ and ケーコ as ケエコ (a long O or E written three ways)."""
    out: list[str] = []
    for char in text:
        vowel = _VOWEL_OF.get(out[-1]) if out else None
        if char in _LONG_MARKS:
            if vowel:
                char = vowel
            else:
                continue  # after ン or at the start: nothing to lengthen
        if (char == "ウ" and vowel == "オ") or (char == "イ" and vowel == "エ"):
            char = vowel
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=20_000)  # pure; an import or a search keys the same names many times
def reading_key(text: str) -> str:
    """The key of a reading: the strict key, then ズ/ヅ, ジ/ヂ, small kana and long vowels folded."""
    text = name_key(text).translate(_SMALL_TO_LARGE).translate(_OLD_KANA)
    return _fold_long_vowels(text)


# --- the loose layer -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _loose_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in (Path(__file__).parent / "data" / "kanji_loose.txt").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            for char in line[1:]:
                table[ord(char)] = line[0]
    return table


@lru_cache(maxsize=20_000)  # pure; an import or a search keys the same names many times
def loose_name_key(text: str) -> str:
    """The strict key with confusable kanji folded together (斎~斉): for duplicate candidates only."""
    return name_key(text).translate(_loose_table())


def _drop_voicing(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if c not in "\u3099\u309a")


@lru_cache(maxsize=20_000)  # pure; an import or a search keys the same names many times
def loose_reading_key(text: str) -> str:
    """The reading key without voiced marks (サイトウ = ザイドウ, ハシモト = バシモト): for duplicate candidates."""
    return unicodedata.normalize("NFC", _drop_voicing(reading_key(text)))


def is_kana(text: str) -> bool:
    """Only kana (either script, any width) and the long-vowel mark, after separators are dropped."""
    key = literal_key(text)
    return bool(key) and all("\u30a0" <= c <= "\u30ff" for c in key)
