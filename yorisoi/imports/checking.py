"""Checking rows: each spreadsheet row → the values a service takes, with every problem in Japanese. Never
writes. The same function checks the preview and, again, every row inside the commit's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from yorisoi.common import names
from yorisoi.common.eras import EraDateError, parse_date, parse_datetime
from yorisoi.people.duplicates import EarlierRows, duplicate_candidates_many, near_dates, wanted_keys
from yorisoi.people.models import Person
from yorisoi.privacy import policy
from yorisoi.procedures.models import FollowUp
from yorisoi.records.models import Activity, ActivityKind
from yorisoi.records.services import FUTURE_MESSAGE

from .fields import Field, field_map, fields_for, guess, heading_key
from .models import ImportedRow, ImportTarget
from .reading import FORMULA, HEADER_SEARCH_ROWS

_SPACES = re.compile(r"[ \u3000]+")
_PERSON_MODEL_FIELDS = ["family_name", "given_name", "family_name_kana", "given_name_kana", "sex", "birth_date",
                        "phone", "postal_code", "prefecture", "municipality", "address_line", "aliases"]


@dataclass
class CheckedRow:
    line: int
    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)  # persons this row may be: {"id", "name", "agreeing"}
    same_as_line: int | None = None
    row_key: str = ""
    already: bool = False
    shown: dict = field(default_factory=dict)  # field label → the file's text, for the preview
    identity: str = ""  # what makes two rows of the file the same person or case

    @property
    def status(self) -> str:
        if self.already:
            return "already"
        if self.problems:
            return "error"
        if self.candidates or self.same_as_line:
            return "duplicate"
        return "new"

    def as_json(self) -> dict:
        return {"line": self.line, "status": self.status, "problems": self.problems, "notes": self.notes,
                "candidates": self.candidates, "same_as_line": self.same_as_line, "shown": self.shown}


@dataclass(slots=True)
class _RowPerson:
    """An earlier row's person as the duplicate rules read it (a few fields, not a model instance)."""

    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: object
    line: int


def find_header(rows: list[tuple[int, list]], target: str, saved: dict | None = None) -> tuple[int, list[str]]:
    """The heading row: of the first rows, the one whose cells name the most fields (a title line above it, or
    cells merged across the title, are passed over); without any known heading, the first row with text.
    Returns (line, headings); line 0 when every row is empty."""
    best, best_line, best_headings = 0, 0, []
    for line, cells in rows[:HEADER_SEARCH_ROWS]:
        headings = ["" if c is FORMULA else str(c) for c in cells]
        found = len(guess(target, headings, saved))
        if found > best:
            best, best_line, best_headings = found, line, headings
    if not best_line:  # no known heading: the first row with text is taken, and the user maps its columns
        for line, cells in rows[:HEADER_SEARCH_ROWS]:
            headings = ["" if c is FORMULA else str(c) for c in cells]
            if any(headings):
                return line, headings
    return best_line, best_headings


class RowChecker:
    """Checks the rows of one file in order; remembers the rows seen so far (by identity) to name a row that
    repeats an earlier one."""

    def __init__(self, *, actor, target: str, mapping: dict[int, str], check_duplicates: bool = True):
        self.actor = actor
        self.target = target
        self.mapping = mapping
        self.fields = field_map(target)
        self.check_duplicates = check_duplicates
        self._first_line: dict[bytes, int] = {}
        self._earlier = EarlierRows()  # the file's persons so far, for same-person candidates among its rows
        self._persons = policy.persons_for(actor)
        self._cases = policy.cases_for(actor)

    # --- cells -> values ---

    def _convert(self, f: Field, text: str, row: CheckedRow):
        if f.kind in ("text", "id"):
            return text
        if f.kind == "digits":
            normal = unicodedata.normalize("NFKC", text).strip()
            if normal != text:
                row.notes.append(f"{f.label}：全角の数字・記号を半角に直しました")
            return normal
        if f.kind == "date":
            if not text:
                return None
            try:
                day = parse_date(text)
            except EraDateError as error:
                row.problems.append(f"{f.label}：{error}")
                return None
            if unicodedata.normalize("NFKC", text) != text:
                row.notes.append(f"{f.label}：全角の数字を半角に直しました")
            return day
        if f.kind in ("datetime", "time"):
            return self._moment(f, text, row)
        if f.kind == "choice":
            if not text:
                return ""
            wanted = heading_key(text)
            for value, label in f.choices:
                if wanted in (heading_key(label), heading_key(value)):
                    return value
            for pair in f.extra:
                value, word = pair.split(":", 1)
                if wanted == heading_key(word):
                    return value
            row.problems.append(f"{f.label}：『{text}』は選択肢にありません（"
                                f"{'、'.join(label for _, label in f.choices)}）")
            return ""
        raise AssertionError(f.kind)

    def _moment(self, f: Field, text: str, row: CheckedRow):
        """A date with its time (datetime: (date, time or None)) or a time alone (time)."""
        if not text:
            return None
        if f.kind == "time":
            try:
                return parse_datetime(f"2000-01-01 {text}")[1]
            except EraDateError as error:
                message = str(error) if "時刻はありません" in str(error) or "午前・午後" in str(error) else \
                    "時刻の形式が正しくありません（例：10:30、14時5分）。"
                row.problems.append(f"{f.label}：{message}")
                return None
        try:
            return parse_datetime(text)
        except EraDateError:
            pass
        try:
            return parse_date(text), None  # a date alone: the time may be in its own column
        except EraDateError as error:
            row.problems.append(f"{f.label}：{error}")
            return None

    def check_many(self, items: list[tuple[int, list]]) -> list[CheckedRow]:
        """Check a chunk of rows: each row alone, then the look-ups for the whole chunk at once (rows already
        imported; for persons, the same-name candidates by people.duplicates)."""
        rows = [self._check_alone(line, cells) for line, cells in items]
        clean = [row for row in rows if not row.problems]
        done = set(policy.of_center(ImportedRow, self.actor).filter(target=self.target,
                                              row_key__in=[row.row_key for row in clean])
                   .values_list("row_key", flat=True)) if clean else set()
        fresh = []
        for row in clean:
            row.already = row.row_key in done
            if not row.already:
                self._remember(row, row.identity)
                if row.same_as_line and self.target != ImportTarget.PERSONS:
                    row.problems.append(f"{row.same_as_line}行目と同じ{ImportTarget(self.target).label}です")
                fresh.append(row)
        if self.check_duplicates and self.target == ImportTarget.PERSONS and fresh:
            found = duplicate_candidates_many(actor=self.actor, wanted=[row.values for row in fresh])
            for row, candidates in zip(fresh, found, strict=True):
                row.candidates = [{"id": x.person.pk, "name": str(x.person), "agreeing": "・".join(x.agreeing)}
                                  for x in candidates]
                self._like_earlier_row(row)
        return rows

    def _like_earlier_row(self, row: CheckedRow) -> None:
        """Name the earlier row of the file this row may be the same person as, by the same rules (people.duplicates)
        that the registration applies to it once the earlier row is registered: the preview asks now what the commit
        would otherwise refuse."""
        values = row.values
        if not row.same_as_line:
            keys = wanted_keys(**{k: values.get(k) or "" for k in ("family_name", "given_name", "family_name_kana",
                                                                  "given_name_kana")})
            birth_date = values.get("birth_date")
            found = self._earlier.candidates(keys, birth_date, near_dates(birth_date))
            if found:
                best = max(found, key=lambda c: (c.score, -c.person.line))
                row.same_as_line = best.person.line
                row.notes.append(f"{best.person.line}行目と一致する項目：{'・'.join(best.agreeing)}")
        self._earlier.add(_RowPerson(values.get("family_name", ""), values.get("given_name", ""),
                                     values.get("family_name_kana", ""), values.get("given_name_kana", ""),
                                     values.get("birth_date"), row.line))

    def check(self, line: int, cells: list) -> CheckedRow:
        return self.check_many([(line, cells)])[0]

    def _check_alone(self, line: int, cells: list) -> CheckedRow:
        row = CheckedRow(line=line)
        texts: dict[str, str] = {}
        for position, key in self.mapping.items():
            f = self.fields[key]
            value = cells[position] if position < len(cells) else ""
            if value is FORMULA:
                row.problems.append(f"{f.label}：数式のセルは取り込めません（Excel で「値の貼り付け」をしてから"
                                    "読み込んでください）")
                value = ""
            texts[key] = value
            row.shown[f.label] = value
        converted = {key: self._convert(self.fields[key], text, row) for key, text in texts.items()}
        {ImportTarget.PERSONS: self._person, ImportTarget.CASES: self._case, ImportTarget.RECORDS: self._record,
         ImportTarget.FOLLOW_UPS: self._follow_up}[self.target](row, converted)
        return row

    def is_blank(self, cells: list) -> bool:
        return not any(cells[p] for p in self.mapping if p < len(cells) and cells[p] is not FORMULA) and \
            not any(cells[p] is FORMULA for p in self.mapping if p < len(cells))

    # --- persons ---

    def _person(self, row: CheckedRow, c: dict) -> None:
        family, given = c.get("family_name", ""), c.get("given_name", "")
        if not family and c.get("full_name"):
            family, given = _split(c["full_name"])
        kana_family, kana_given = c.get("family_name_kana", ""), c.get("given_name_kana", "")
        if not kana_family and c.get("full_kana"):
            kana_family, kana_given = _split(c["full_kana"])
        values = {"family_name": family, "given_name": given, "family_name_kana": kana_family,
                  "given_name_kana": kana_given}
        for key in ("sex", "birth_date", "phone", "postal_code", "prefecture", "municipality", "address_line",
                    "aliases"):
            if key in c and c[key] not in (None, ""):
                values[key] = c[key]
        if not family:
            row.problems.insert(0, "氏名がありません")
        if not kana_family:
            row.problems.append("フリガナがありません")
        row.values = values
        # Also beside other problems: every problem of the row is named at once. In the commit (no duplicate check
        # here) the registration service validates each person itself and names the row.
        if family and kana_family and self.check_duplicates:
            _model_problems(Person(center_id=self.actor.center_id, **values), row,
                            exclude=["center", "created_by", "updated_by", "search_key", "merged_into"])
        external = _normal_id(c.get("external_id", ""))
        identity = "|".join([names.name_key(family + given), names.reading_key(kana_family + kana_given),
                             str(values.get("birth_date") or "")])
        row.row_key = f"id:{external}" if external else "h:" + hashlib.sha256(identity.encode()).hexdigest()[:40]
        row.identity = "p|" + identity

    # --- cases ---

    def _case(self, row: CheckedRow, c: dict) -> None:
        person = self._find_person(row, c)
        values = {key: c[key] for key in ("kind", "referral_source", "referral_agency", "referral_officer",
                                          "referral_date", "expected_release_date", "release_place", "urgency")
                  if key in c and c[key] not in (None, "")}
        for key in ("kind", "referral_source", "referral_date"):
            if key not in values and not any(p.startswith(self.fields[key].label) for p in row.problems):
                row.problems.append(f"{self.fields[key].label}がありません")
        row.values = {**values, "person_id": person.pk if person else None}
        external = _normal_id(c.get("external_id", ""))
        identity = f"{person.pk if person else ''}|{values.get('kind', '')}|{values.get('referral_date') or ''}"
        row.row_key = f"id:{external}" if external else "h:" + hashlib.sha256(identity.encode()).hexdigest()[:40]
        row.identity = "c|" + identity

    # --- support records and follow-ups (of cases already in yorisoi) ---

    def _record(self, row: CheckedRow, c: dict) -> None:
        case = self._find_case(row, c)
        when = c.get("occurred_at")
        occurred_at = None
        if when:
            day, time = when
            time = time or c.get("occurred_time")
            if time is None:
                time = dt.time(0, 0)
                row.notes.append("時刻がないため 0:00 として取り込みます")
            occurred_at = timezone.make_aware(dt.datetime.combine(day, time))
            if occurred_at > timezone.now():
                row.problems.append(f"日時：{FUTURE_MESSAGE}")
        elif not any(p.startswith("日時") for p in row.problems):
            row.problems.append("日時がありません")
        values = {"occurred_at": occurred_at, "kind": c.get("kind") or "", "counterpart": c.get("counterpart", ""),
                  "narrative": c.get("narrative", "")}
        if not values["kind"] and not any(p.startswith("支援の方法") for p in row.problems):
            values["kind"] = ActivityKind.OTHER  # many centers' sheets keep the date and the text only
            row.notes.append("支援の方法がないため「その他」として取り込みます")
        if not values["narrative"]:
            row.problems.append("内容がありません")
        if case is not None and occurred_at and values["kind"] and values["narrative"]:
            _model_problems(Activity(center_id=case.center_id, case=case, person_id=case.person_id, **values), row,
                            exclude=["center", "case", "person", "author", "updated_by", "organization"])
        row.values = {**values, "case_id": case.pk if case else None}
        digest = hashlib.sha256(values["narrative"].encode()).hexdigest()[:16]
        self._keys(row, c, f"{case.pk if case else ''}|{occurred_at.isoformat() if occurred_at else ''}|{digest}",
                   "r")

    def _follow_up(self, row: CheckedRow, c: dict) -> None:
        case = self._find_case(row, c)
        values = {"target": c.get("target") or "", "due_date": c.get("due_date"), "notes": c.get("notes", "")}
        for key, label in (("target", "確認先"), ("due_date", "予定日")):
            if not values[key] and not any(p.startswith(label) for p in row.problems):
                row.problems.append(f"{label}がありません")
        if case is not None and values["target"] and values["due_date"]:
            _model_problems(FollowUp(center_id=case.center_id, case=case, **values), row,
                            exclude=["center", "case", "organization", "activity", "created_by", "updated_by"])
        row.values = {**values, "case_id": case.pk if case else None}
        self._keys(row, c, f"{case.pk if case else ''}|{values['target']}|{values['due_date'] or ''}", "f")

    def _keys(self, row: CheckedRow, c: dict, identity: str, prefix: str) -> None:
        external = _normal_id(c.get("external_id", ""))
        row.row_key = f"id:{external}" if external else "h:" + hashlib.sha256(identity.encode()).hexdigest()[:40]
        row.identity = f"{prefix}|{identity}"

    def _find_case(self, row: CheckedRow, c: dict):
        """The case a record or follow-up belongs to: by its yorisoi number, or by the external id of the case
        import that made it; only a case the importing user may see."""
        number = _normal_id(c.get("case_number", ""))
        external = _normal_id(c.get("case_external_id", ""))
        if number:
            case = self._cases.filter(number=number).first()
            if case is None:
                row.problems.append(f"ケース番号『{number}』の支援ケースが見つかりません")
            return case
        if external:
            imported = policy.of_center(ImportedRow, self.actor).filter(target=ImportTarget.CASES,
                                                                        row_key=f"id:{external}").first()
            case = self._cases.filter(pk=imported.object_id).first() if imported else None
            if case is None:
                row.problems.append(f"外部ケースID『{external}』の支援ケースが見つかりません（先に支援ケースを取り込んで"
                                    "ください）")
            return case
        row.problems.append("支援ケースを特定できません（ケース番号または外部ケースIDを入れてください）")
        return None

    def _find_person(self, row: CheckedRow, c: dict):
        external = _normal_id(c.get("person_external_id", ""))
        if external:
            imported = policy.of_center(ImportedRow, self.actor).filter(target=ImportTarget.PERSONS,
                                                  row_key=f"id:{external}").first()
            person = self._persons.filter(pk=imported.object_id).first() if imported else None
            if person is None:
                row.problems.append(f"対象者の外部ID『{external}』の対象者が見つかりません（先に対象者を取り込んで"
                                    "ください）")
            return person
        name, birth = c.get("full_name", ""), c.get("birth_date")
        if not name or not birth:
            if not any(p.startswith("生年月日") for p in row.problems):
                row.problems.append("対象者を特定できません（対象者の外部ID、または氏名と生年月日を入れてください）")
            return None
        key = names.name_key(name)
        found = [p for p in self._persons.filter(birth_date=birth)
                 if names.name_key(p.family_name + p.given_name) == key]
        if not found:
            row.problems.append("この氏名・生年月日の対象者が登録されていません（先に対象者を取り込んでください）")
            return None
        if len(found) > 1:
            row.problems.append("同じ氏名・生年月日の対象者が複数います。対象者の外部IDで指定してください")
            return None
        return found[0]

    def _remember(self, row: CheckedRow, identity: str) -> None:
        digest = hashlib.sha256(identity.encode()).digest()[:12]
        first = self._first_line.setdefault(digest, row.line)
        if first != row.line:
            row.same_as_line = first


def _split(full: str) -> tuple[str, str]:
    parts = _SPACES.split(full.strip(), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _normal_id(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()[:70]


def _model_problems(obj, row: CheckedRow, *, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            label = obj._meta.get_field(key).verbose_name if key != "__all__" else ""
            row.problems.extend(f"{label}：{m}" if label else m for m in messages)


def mapping_fields(target: str) -> list[Field]:
    return fields_for(target)
