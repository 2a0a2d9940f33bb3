"""Case-study material (事例検討会): a case summary with nothing that identifies the person.

Names become 「Aさん」, ages a decade band, dates months since the referral (「支援開始から3か月目」), places
「県内のある市」, agencies their kind (「保護観察所」, not its name); free text (the person's wishes, the plan's
goals) is kept for the author to review, with every identifying value found in it replaced by 「〇〇」. The
author edits the draft and releases it; release is refused while an identifying value remains."""

from __future__ import annotations

import datetime as dt
import re

from yorisoi.common.dates import format_checked
from yorisoi.planning.models import SupportPlan

MASK = "〇〇"


def identifying_values(case) -> list[str]:
    """Every value of the record that could identify the person (longest first, so that a full name is replaced
    before its parts)."""
    person = case.person
    values = {person.family_name, person.given_name, person.full_name, person.family_name_kana,
              person.given_name_kana, person.full_name_kana, person.phone, person.postal_code,
              person.municipality, person.address_line, person.address, case.number, case.referral_agency,
              case.referral_officer, case.referral_contact, case.release_place}
    values |= {line.strip() for line in (person.aliases or "").splitlines()}
    values |= {f"{person.family_name}{person.given_name}", f"{person.family_name_kana}{person.given_name_kana}"}
    if person.phone:
        values.add(re.sub(r"\D", "", person.phone))
    if person.birth_date:
        b = person.birth_date
        values |= {b.isoformat(), format_checked(b), f"{b.year}年{b.month}月{b.day}日", f"{b.year}/{b.month}/{b.day}",
                   f"{b.month}月{b.day}日"}
    for contact in person.external_contacts.all():
        values |= {contact.name, contact.agency, contact.phone, contact.agency_reference}
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)


def scrub(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, MASK)
    return text


def remaining(text: str, values: list[str]) -> list[str]:
    """The identifying values still in `text` (shown to the author; release waits until there are none)."""
    return [v for v in values if v in text]


def _month(day: dt.date | None, start: dt.date) -> str:
    if day is None:
        return "—"
    months = (day.year - start.year) * 12 + day.month - start.month
    return f"支援開始から{months + 1}か月目" if months >= 0 else f"支援開始の{-months}か月前"


def draft(case, *, today: dt.date) -> str:
    """The first draft of the material, from the record."""
    person = case.person
    values = identifying_values(case)
    start = case.referral_date
    age = person.age
    lines = [
        "【事例の概要】",
        f"対象者：Aさん（{f'{age // 10 * 10}代' if age is not None else '年齢不詳'}・{person.get_sex_display()}）",
        "住まいの地域：県内のある市",
        f"依頼元：{case.get_referral_source_display()}",
        f"支援の種別：{case.get_kind_display()}",
        f"現在の段階：{case.get_phase_display()}（{_month(today, start)}）",
    ]
    if case.expected_release_date:
        lines.append(f"釈放：{_month(case.expected_release_date, start)}")
    lines += ["", "【本人の意向（本人の言葉から）】", scrub(person.wishes or "—", values)]
    plan = SupportPlan.objects.filter(case=case).order_by("-revision").first()
    if plan is not None:
        lines += ["", "【支援計画の本人の目標】", scrub(plan.person_goals or "—", values)]
    lines += ["", "【検討したいこと】", "（ここに書いてください）"]
    return "\n".join(lines)
