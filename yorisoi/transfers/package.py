"""The transfer package: what is frozen in `Transfer.package` at sending time, and how a receiving center reads it.

    {"version": 1,
     "letter":  the 支援業務協力依頼書 (who asks whom, why, what support, the move, the basis of the provision),
     "content": the ticked items exactly as disclosure.provide_information gave them (name, groups, records),
     "person":  raw values of the ticked face-sheet items, to register the person at the receiving center,
     "items":   the ticked item codes}

The printable document is rendered from "letter" and "content" only. "person" holds nothing that is not also in
"content": the same ticked items, as values instead of display text (dates as ISO strings).
"""

from __future__ import annotations

import datetime as dt

from yorisoi.common.dates import format_checked
from yorisoi.disclosure import items as disclosure_items

PACKAGE_VERSION = 1

# Ticked disclosure item → the Person fields it carries. The name (氏・名) is always given.
PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    "kana": ("family_name_kana", "given_name_kana"),
    "aliases": ("aliases",),
    "sex": ("sex",),
    "birth_date": ("birth_date",),
    "phone": ("phone",),
    "address": ("postal_code", "prefecture", "municipality", "address_line"),
    "return_wish": ("return_wish",),
    "care_level": ("care_level",),
    "disability_support_level": ("disability_support_level",),
    "public_assistance": ("public_assistance", "public_assistance_office"),
    "health_conditions": ("health_conditions",),
    "medication": ("medication",),
    "hospitals": ("hospitals",),
    "justice_status": ("justice_status",),
    "offence_category": ("offence_category",),
    "justice_details": ("justice_details",),
    "justice_agencies": ("justice_agencies",),
    "wishes": ("wishes",),
}
CERTIFICATES = "certificates"
CERTIFICATE_FIELDS = ("kind", "grade", "issuing_prefecture", "number", "issued_on", "renewal_due")
DATE_FIELDS = {"birth_date", "issued_on", "renewal_due"}


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def _parse(name: str, value):
    if name in DATE_FIELDS:
        return dt.date.fromisoformat(value) if value else None
    return value


def person_values(person, item_codes) -> dict:
    """The raw values of the ticked face-sheet items (and the name), for the package's "person" part."""
    fields = {"family_name": person.family_name, "given_name": person.given_name}
    for code in item_codes:
        for name in PERSON_FIELDS.get(code, ()):
            fields[name] = _plain(getattr(person, name))
    certificates = []
    if CERTIFICATES in item_codes:
        certificates = [{name: _plain(getattr(cert, name)) for name in CERTIFICATE_FIELDS}
                        for cert in person.certificates.order_by("id")]
    return {"fields": fields, "certificates": certificates}


def build(*, record_content: dict, letter: dict, person, item_codes) -> dict:
    codes = [i.code for i in disclosure_items.ITEMS if i.code in item_codes]
    return {"version": PACKAGE_VERSION, "letter": letter, "content": record_content,
            "person": person_values(person, codes), "items": codes}


# --- reading a package (receiving side) -------------------------------------------------------------------


def register_values(data: dict, allowed: list[str]) -> dict:
    """Person fields for people.services.register_person: the package's values, only the fields the actor may
    write (`allowed`), dates parsed. The name and its reading come from the accept form, not from here."""
    fields = (data.get("person") or {}).get("fields") or {}
    skip = {"family_name", "given_name", "family_name_kana", "given_name_kana"}
    return {name: _parse(name, value) for name, value in fields.items() if name in allowed and name not in skip}


def certificate_values(data: dict) -> list[dict]:
    return [{name: _parse(name, cert.get(name, "")) for name in CERTIFICATE_FIELDS}
            for cert in (data.get("person") or {}).get("certificates") or []]


def name_initial(data: dict) -> dict:
    fields = (data.get("person") or {}).get("fields") or {}
    return {name: fields.get(name, "") for name in ("family_name", "given_name", "family_name_kana",
                                                    "given_name_kana")}


def unmapped_rows(data: dict) -> list[dict]:
    """Rows of ticked items that are not face-sheet fields (the latest assessment, and any item added to the
    disclosure catalogue later): they go into the summary support record of the receiving case."""
    codes = [c for c in data.get("items") or [] if c not in PERSON_FIELDS and c != CERTIFICATES]
    labels = {disclosure_items.ITEM_BY_CODE[c].label for c in codes if c in disclosure_items.ITEM_BY_CODE}
    rows = []
    for group in (data.get("content") or {}).get("groups") or []:
        rows += [row for row in group.get("rows", []) if row.get("label") in labels]
    return rows


def group_codes(data: dict) -> list[str]:
    """The disclosure item groups the package holds (for the receipt record)."""
    return disclosure_items.groups_of(data.get("items") or [],
                                      with_records=bool((data.get("content") or {}).get("records")))


def letter_for_display(data: dict) -> dict:
    """The letter with its ISO dates as dates (for |era in templates)."""
    letter = dict(data.get("letter") or {})
    for name in ("planned_move_date", "support_started", "provided_on"):
        letter[name] = dt.date.fromisoformat(letter[name]) if letter.get(name) else None
    return letter


def summary_narrative(*, data: dict, sender_name: str, number: str, sent_on: dt.date) -> str:
    """The text of the one support record the receiving case starts with."""
    letter = letter_for_display(data)
    lines = [f"【他センターからの引継ぎ】{sender_name}より（引継ぎ番号 {number}、送付日 {format_checked(sent_on)}）"]
    lines.append(f"依頼の理由・経緯：{letter.get('reason', '')}")
    lines.append(f"依頼する支援の内容：{letter.get('support_requested', '')}")
    if letter.get("planned_move_date") or letter.get("destination"):
        move = format_checked(letter["planned_move_date"]) if letter.get("planned_move_date") else "未定"
        lines.append(f"転居予定日：{move}　転居先：{letter.get('destination') or '—'}")
    lines.append(f"送り手の担当者：{letter.get('staff', '')}　{letter.get('staff_contact', '')}".rstrip())
    for row in unmapped_rows(data):
        lines += ["", f"■ {row['label']}", str(row.get("value", ""))]
    records = (data.get("content") or {}).get("records") or []
    if records:
        lines += ["", f"■ 引継ぎを受けた支援経過記録（{len(records)}件）"]
        for r in records:
            head = " ".join(part for part in (r.get("at", ""), r.get("kind", ""), r.get("counterpart", "")) if part)
            lines += [f"◇ {head}", r.get("text", "")]
    return "\n".join(lines)
