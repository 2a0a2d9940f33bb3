"""What each import target can take: the fields a column may be mapped to, the headings (Japanese and English)
that guess the mapping, and the template spreadsheet's example row."""

from __future__ import annotations

from dataclasses import dataclass

from yorisoi.cases.models import CaseKind, ReferralSource, Urgency
from yorisoi.common.kana import name_search_key
from yorisoi.people.models import Sex
from yorisoi.procedures.models import FollowUpTarget
from yorisoi.records.models import ActivityKind

from .models import ImportTarget


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text, date, datetime, time, digits, choice, id
    aliases: tuple[str, ...] = ()
    choices: tuple = ()  # (value, label) pairs for kind "choice"
    extra: tuple[str, ...] = ()  # other words accepted for a choice: ("male:男", …)
    example: str = ""


PERSON_FIELDS = [
    Field("external_id", "外部ID", "id", ("管理番号", "対象者ID", "対象者番号", "ID", "No", "番号", "external id"),
          example="A-0001"),
    Field("full_name", "氏名", "text", ("名前", "お名前", "本人氏名", "name", "full name"), example="山田 太郎"),
    Field("family_name", "氏", "text", ("姓", "苗字", "family name", "last name", "surname")),
    Field("given_name", "名", "text", ("given name", "first name")),
    Field("full_kana", "フリガナ", "text", ("ふりがな", "氏名（フリガナ）", "カナ", "よみがな", "読み", "kana"),
          example="ヤマダ タロウ"),
    Field("family_name_kana", "氏（フリガナ）", "text", ("セイ", "姓（フリガナ）", "family name kana")),
    Field("given_name_kana", "名（フリガナ）", "text", ("メイ", "given name kana")),
    Field("sex", "性別", "choice", ("sex", "gender"), choices=tuple(Sex.choices),
          extra=("male:男", "female:女", "male:M", "female:F", "male:男性", "female:女性"), example="男性"),
    Field("birth_date", "生年月日", "date", ("誕生日", "birth date", "birthday", "date of birth", "DOB"),
          example="昭和30年4月1日"),
    Field("phone", "電話番号", "digits", ("電話", "TEL", "携帯", "phone", "telephone"), example="048-000-0000"),
    Field("postal_code", "郵便番号", "digits", ("〒", "postal code", "zip", "zip code")),
    Field("prefecture", "都道府県", "text", ("prefecture",)),
    Field("municipality", "市区町村", "text", ("city", "municipality")),
    Field("address_line", "町域・番地・建物", "text", ("住所", "番地", "address")),
    Field("aliases", "通称・旧姓・別名", "text", ("通称", "旧姓", "別名", "alias")),
]

CASE_FIELDS = [
    Field("external_id", "外部ケースID", "id", ("ケースID", "ケース管理番号", "case id"), example="C-0001"),
    Field("person_external_id", "対象者の外部ID", "id", ("外部ID", "対象者ID", "管理番号", "person id"),
          example="A-0001"),
    Field("full_name", "氏名", "text", ("名前", "対象者氏名", "name"), example="山田 太郎"),
    Field("birth_date", "生年月日", "date", ("誕生日", "birth date", "date of birth"), example="昭和30年4月1日"),
    Field("kind", "支援の種別", "choice", ("種別", "支援種別", "case kind", "kind"), choices=tuple(CaseKind.choices),
          extra=("entrance:入口支援", "exit:出口支援", "exit:特別調整", "consultation:相談"),
          example="出口支援（特別調整）"),
    Field("referral_source", "依頼元の種別", "choice", ("依頼元", "referral source"),
          choices=tuple(ReferralSource.choices), extra=("probation:保護観察", "prosecutor:検察庁"),
          example="保護観察所"),
    Field("referral_agency", "依頼元機関", "text", ("依頼機関", "referral agency"), example="さいたま保護観察所"),
    Field("referral_officer", "依頼元担当者", "text", ("担当者", "referral officer")),
    Field("referral_date", "依頼日", "date", ("受付日", "referral date"), example="令和8年4月1日"),
    Field("expected_release_date", "釈放予定日", "date", ("満期日", "出所予定日", "release date")),
    Field("release_place", "釈放場所", "text", ("出所先", "release place")),
    Field("urgency", "緊急度", "choice", ("urgency",), choices=tuple(Urgency.choices), example="通常"),
]

# Records and follow-ups name their case by its yorisoi number (2026-0012) or by the external case id of an earlier
# case import.
_CASE_REFERENCE = [
    Field("case_number", "ケース番号", "id", ("ケースNo", "ケース番号（yorisoi）", "case number"), example="2026-0001"),
    Field("case_external_id", "外部ケースID", "id", ("ケースID", "ケース管理番号", "case id"), example="C-0001"),
]

RECORD_FIELDS = [
    Field("external_id", "外部記録ID", "id", ("記録ID", "記録番号", "record id"), example="R-0001"),
    *_CASE_REFERENCE,
    Field("occurred_at", "日時", "datetime", ("日付", "年月日", "実施日", "記録日", "対応日", "date", "date time"),
          example="令和8年4月1日 10:00"),
    Field("occurred_time", "時刻", "time", ("時間", "開始時刻", "time"), example=""),
    Field("kind", "支援の方法", "choice", ("方法", "種別", "手段", "支援方法", "kind"),
          choices=tuple(ActivityKind.choices),
          extra=("interview:面談", "phone:TEL", "phone:電話連絡", "visit:家庭訪問", "accompany:同行支援",
                 "meeting:ケース会議", "paperwork:書類"), example="電話"),
    Field("counterpart", "相手方", "text", ("相手", "連絡先", "対応者", "counterpart"), example="本人"),
    Field("narrative", "内容", "text", ("支援内容", "経過", "記録", "内容・経過", "支援経過", "narrative", "note"),
          example="電話で様子を聞いた。通院は続けている。"),
]

FOLLOW_UP_FIELDS = [
    Field("external_id", "外部フォローアップID", "id", ("フォローアップID", "follow-up id"), example="F-0001"),
    *_CASE_REFERENCE,
    Field("target", "確認先", "choice", ("対象", "相手", "確認の相手", "target"), choices=tuple(FollowUpTarget.choices),
          extra=("facility:施設", "facility:受入施設"), example="本人"),
    Field("due_date", "予定日", "date", ("期日", "確認予定日", "フォローアップ予定日", "due date"),
          example="令和8年5月1日"),
    Field("notes", "メモ", "text", ("備考", "notes"), example=""),
]

FIELDS = {ImportTarget.PERSONS: PERSON_FIELDS, ImportTarget.CASES: CASE_FIELDS,
          ImportTarget.RECORDS: RECORD_FIELDS, ImportTarget.FOLLOW_UPS: FOLLOW_UP_FIELDS}
REQUIRED = {
    ImportTarget.PERSONS: ({"full_name", "family_name"}, {"full_kana", "family_name_kana"}),
    ImportTarget.CASES: ({"person_external_id", "full_name"}, {"kind"}, {"referral_source"}, {"referral_date"}),
    ImportTarget.RECORDS: ({"case_number", "case_external_id"}, {"occurred_at"}, {"narrative"}),
    ImportTarget.FOLLOW_UPS: ({"case_number", "case_external_id"}, {"target"}, {"due_date"}),
}


def fields_for(target: str) -> list[Field]:
    return FIELDS[target]


def field_map(target: str) -> dict[str, Field]:
    return {f.key: f for f in FIELDS[target]}


def heading_key(text: str) -> str:
    return name_search_key(str(text or "")).lower()


def guess(target: str, headings: list[str], saved: dict | None = None) -> dict[int, str]:
    """Column position → field key: first the center's saved mapping (by heading), then the known headings.
    A field is taken by the first column that names it."""
    index = {}
    for f in FIELDS[target]:
        for word in (f.label, f.key, *f.aliases):
            index.setdefault(heading_key(word), f.key)
    saved_index = {heading_key(h): key for h, key in (saved or {}).items()}
    known = field_map(target)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for position, heading in enumerate(headings):
        key = heading_key(heading)
        if not key:
            continue
        field_key = saved_index.get(key) or index.get(key)
        if field_key in known and field_key not in taken:
            mapping[position] = field_key
            taken.add(field_key)
    return mapping


def missing_required(target: str, chosen: set[str]) -> list[str]:
    """The Japanese names of the required fields no column is mapped to (one of each group is enough)."""
    known = field_map(target)
    return ["または".join(f"「{known[k].label}」" for k in sorted(group, key=list(known).index))
            for group in REQUIRED[target] if not group & chosen]
