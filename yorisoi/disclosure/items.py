"""The items of a person's record that can be provided, grouped as the person page shows them.

Each item knows its group, its label, how it reads on the document, and which right it needs
(`health`, `justice`, `narrative` or none). `snapshot()` captures the ticked items' values as they are at the
moment of the provision: the printable page and the PDF are rendered from that snapshot and nothing else,
so a document never holds an item that was not ticked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from yorisoi.common.dates import format_checked, format_checked_both, format_checked_datetime


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    sensitive: str = ""  # the right needed to see and provide it: "health", "justice", "narrative" or ""


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    label: str
    value: Callable


GROUPS = [
    Group("basic", "基本情報"),
    Group("contact", "連絡先・住所"),
    Group("welfare", "福祉"),
    Group("certificates", "障害者手帳"),
    Group("health", "健康（要配慮個人情報）", "health"),
    Group("justice", "司法に関する情報（要配慮個人情報）", "justice"),
    Group("wishes", "本人の意向"),
    Group("assessment", "アセスメント", "narrative"),
    Group("records", "支援経過記録", "narrative"),
]
GROUP_BY_CODE = {g.code: g for g in GROUPS}


def _text(name: str) -> Callable:
    return lambda person: getattr(person, name) or "—"


def _display(name: str) -> Callable:
    return lambda person: getattr(person, f"get_{name}_display")() or "—"


def _birth(person) -> str:
    # the one date an agency matches in Gregorian too
    return format_checked_both(person.birth_date) if person.birth_date else "不明"


def _address(person) -> str:
    postal = f"〒{person.postal_code} " if person.postal_code else ""
    return f"{postal}{person.address}".strip() or "—"


def _public_assistance(person) -> str:
    office = f"（{person.public_assistance_office}）" if person.public_assistance_office else ""
    return f"{person.get_public_assistance_display()}{office}"


def _certificates(person) -> str:
    lines = []
    for cert in person.certificates.all():
        parts = [cert.get_kind_display(), cert.grade_with_issuer]
        if cert.number:
            parts.append(f"番号 {cert.number}")
        if cert.renewal_due:
            parts.append(f"次回更新 {format_checked(cert.renewal_due)}")
        lines.append(" ".join(parts))
    return "\n".join(lines) or "登録なし"


def _latest_assessment(person) -> str:
    if not apps.is_installed("yorisoi.planning"):
        return "—"
    from yorisoi.planning.models import Assessment

    latest = (Assessment.objects.filter(case__person=person, case__deleted_at__isnull=True)
              .order_by("-assessed_on", "-id").first())
    if latest is None:
        return "アセスメントの記録はありません"
    return f"{latest.get_kind_display()}（{format_checked(latest.assessed_on)}）\n{latest.summary or '—'}"


ITEMS = [
    Item("kana", "basic", "フリガナ", lambda p: p.full_name_kana or "—"),
    Item("aliases", "basic", "通称・旧姓・別名", _text("aliases")),
    Item("sex", "basic", "性別", _display("sex")),
    Item("birth_date", "basic", "生年月日", _birth),
    Item("phone", "contact", "電話番号", _text("phone")),
    Item("address", "contact", "住所", _address),
    Item("return_wish", "contact", "帰住地の希望", _text("return_wish")),
    Item("care_level", "welfare", "要介護度・要支援", _display("care_level")),
    Item("disability_support_level", "welfare", "障害支援区分", _display("disability_support_level")),
    Item("public_assistance", "welfare", "生活保護", _public_assistance),
    Item("certificates", "certificates", "障害者手帳", _certificates),
    Item("health_conditions", "health", "疾病・障害の状況", _text("health_conditions")),
    Item("medication", "health", "常用薬", _text("medication")),
    Item("hospitals", "health", "通院先・主治医", _text("hospitals")),
    Item("justice_status", "justice", "司法上の立場", _display("justice_status")),
    Item("offence_category", "justice", "罪名の分類", _display("offence_category")),
    Item("justice_details", "justice", "事件・処分の概要", _text("justice_details")),
    Item("justice_agencies", "justice", "関係した司法機関・担当者", _text("justice_agencies")),
    Item("wishes", "wishes", "本人の意向（本人の言葉で）", _text("wishes")),
    Item("assessment_summary", "assessment", "最新のアセスメントの総合的な見立て", _latest_assessment),
]
ITEM_BY_CODE = {i.code: i for i in ITEMS}


def _allowed(group: Group, access) -> bool:
    return {"": True, "health": access.can_see_health, "justice": access.can_see_justice,
            "narrative": access.can_see_narrative}[group.sensitive]


def visible_groups(access) -> list[Group]:
    groups = [g for g in GROUPS if _allowed(g, access)]
    if not apps.is_installed("yorisoi.planning"):
        groups = [g for g in groups if g.code != "assessment"]
    return groups


def grouped_choices(access) -> list[tuple[str, list[tuple[str, str]]]]:
    """Item choices for the form, grouped, without the groups this user may not see (records are separate)."""
    result = []
    for group in visible_groups(access):
        items = [(i.code, i.label) for i in ITEMS if i.group == group.code]
        if items:
            result.append((group.label, items))
    return result


def item_codes_allowed(access) -> set[str]:
    codes = {g.code for g in visible_groups(access)}
    return {i.code for i in ITEMS if i.group in codes}


def groups_of(item_codes, *, with_records: bool = False) -> list[str]:
    codes = {ITEM_BY_CODE[c].group for c in item_codes if c in ITEM_BY_CODE}
    if with_records:
        codes.add("records")
    return [g.code for g in GROUPS if g.code in codes]


def group_labels(codes) -> list[str]:
    return [GROUP_BY_CODE[c].label for c in codes or [] if c in GROUP_BY_CODE]


def needs(item_codes, *, with_records: bool = False) -> set[str]:
    """The rights the ticked items need (health, justice, narrative)."""
    return {GROUP_BY_CODE[g].sensitive for g in groups_of(item_codes, with_records=with_records)} - {""}


def summary(item_codes, activities) -> str:
    """「基本情報（性別・生年月日）、健康（常用薬）、支援経過記録 2件」: the items, for the ledger."""
    parts = []
    for group in GROUPS:
        labels = [i.label for i in ITEMS if i.group == group.code and i.code in item_codes]
        name = group.label.split("（")[0]
        if len(labels) == 1 and labels[0].startswith(name):  # 本人の意向（本人の言葉で）: the group says it all
            parts.append(labels[0])
        elif labels:
            parts.append(f"{name}（{'・'.join(labels)}）")
    if activities:
        parts.append(f"支援経過記録 {len(activities)}件")
    return "、".join(["氏名", *parts])


def snapshot(person, item_codes, activities) -> dict:
    """What the document says: the person's name, then the ticked items by group, then the chosen records."""
    groups = []
    for group in GROUPS:
        rows = [{"label": i.label, "value": str(i.value(person))} for i in ITEMS
                if i.group == group.code and i.code in item_codes]
        if rows:
            groups.append({"code": group.code, "label": group.label, "rows": rows})
    records = [
        {"at": format_checked_datetime(a.occurred_at), "kind": a.get_kind_display(),
         "counterpart": a.counterpart, "text": a.narrative}
        for a in sorted(activities, key=lambda a: (a.occurred_at, a.pk))
    ]
    return {"name": person.full_name, "groups": groups, "records": records}
