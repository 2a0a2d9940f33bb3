"""Import and export of the directory as Excel (.xlsx) or CSV, with Japanese column headings.

Import is two steps: `read_table` + `check_rows` make a preview (what will be created, updated or left
as it is, and every row's errors), the parsed rows are kept in the user's session (never as a file
under a public URL), and `services.import_directory` applies them in one transaction after checking them
again. A file with any bad row imports nothing.

Rows are matched to existing organizations by 管理番号 (the id the export writes) or, when that column
is blank, by the organization's name and department. On update only the columns present in the file are
changed, so a list with a few columns does not blank the rest.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from yorisoi.common.kana import is_katakana_reading, name_search_key, to_katakana_reading
from yorisoi.common.text import SHIFT_JIS_ERRORS, clean_text, restore_formula_text, spreadsheet_cell

from . import selectors
from .models import AcceptedCareLevel, AcceptedSex, Organization, OrganizationKind
from .normalize import (
    InvalidValue,
    address_from_postal_code,
    label_key,
    normalize_phone,
    normalize_postal_code,
    parse_optional_yes_no,
    parse_yes_no,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 3000


class DirectoryImportError(Exception):
    """The file or some rows cannot be imported; `errors` are Japanese sentences naming the rows."""

    def __init__(self, errors: list[str]):
        super().__init__("directory import refused")
        self.errors = errors


# --- columns -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # Organization field name, or "id" / "kind"
    heading: str  # written on export, recognised on import
    kind: str = "text"  # text, kana, kind, phone, email, postal, bool, optional_bool, int, sex, care_level
    aliases: tuple[str, ...] = ()


COLUMNS: list[Column] = [
    Column("id", "管理番号", "id", ("ID", "番号", "No", "No.")),
    Column("name", "機関名", "text", ("名称", "機関・団体名", "事業所名", "施設名", "団体名")),
    Column("name_kana", "フリガナ", "kana", ("ふりがな", "機関名（フリガナ）", "カナ", "よみがな", "読み")),
    Column("kind", "種別", "kind", ("機関種別", "種類", "区分")),
    Column("department", "部署・課", "text", ("部署", "課", "担当課", "部署名")),
    Column("postal_code", "郵便番号", "postal", ("〒",)),
    Column("prefecture", "都道府県", "text"),
    Column("municipality", "市区町村", "text"),
    Column("address_line", "町域・番地・建物", "text", ("住所", "所在地", "番地")),
    Column("phone", "電話番号", "phone", ("電話", "TEL", "代表電話")),
    Column("fax", "FAX", "phone", ("FAX番号", "ファックス", "ファクス", "ファクシミリ")),
    Column("email", "メールアドレス", "email", ("メール", "E-mail", "Eメール", "email")),
    Column("opening_hours", "受付時間", "text", ("開所時間", "営業時間", "受付時間帯")),
    Column("offers_free_low_cost_care", "無料低額診療", "bool"),
    Column("is_medical_partner", "協力医療機関", "bool"),
    Column("offers_internal_medicine", "内科", "bool"),
    Column("offers_psychiatry", "精神科", "bool", ("精神科・心療内科", "心療内科")),
    Column("offers_dentistry", "歯科", "bool"),
    Column("accepts_emergencies", "救急対応", "bool", ("救急",)),
    Column("service_kinds", "サービスの種類", "text", ("サービス種別", "事業の種類")),
    Column("capacity", "定員", "int"),
    Column("accepts_sex", "受け入れ：性別", "sex"),
    Column("accepts_age_min", "受け入れ：年齢（下限）", "int"),
    Column("accepts_age_max", "受け入れ：年齢（上限）", "int"),
    Column("accepts_physical_disability", "受け入れ：身体障害", "optional_bool"),
    Column("accepts_intellectual_disability", "受け入れ：知的障害", "optional_bool"),
    Column("accepts_mental_disability", "受け入れ：精神障害", "optional_bool"),
    Column("accepts_care_level", "受け入れ：要介護度", "care_level"),
    Column("smoking_allowed", "喫煙", "optional_bool"),
    Column("pets_allowed", "ペット", "optional_bool"),
    Column("accepts_conditions", "その他の受け入れ条件", "text"),
    Column("notes", "備考", "text", ("メモ",)),
    Column("active", "使用中", "bool", ("有効",)),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
_HEADING_INDEX = {label_key(h): c for c in COLUMNS for h in (c.heading, *c.aliases)}
REQUIRED_COLUMNS = ("name", "kind")


# --- reading files ---------------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]  # column keys, in file order
    rows: list[dict]  # {"line": n, "cells": {key: str}}
    ignored_headings: list[str] = field(default_factory=list)


def read_table(uploaded) -> Table:
    """Read an uploaded .xlsx or .csv (UTF-8 with or without BOM, or Shift_JIS/cp932). Cells become text."""
    name = (getattr(uploaded, "name", "") or "").lower()
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise DirectoryImportError(["ファイルが大きすぎます（5MBまで）。"])
    data = uploaded.read()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        grid = _xlsx_grid(data)
    elif name.endswith(".xls"):
        raise DirectoryImportError(["Excel 97-2003 形式（.xls）は読み込めません。Excel で「.xlsx」または"
                                    "「CSV」形式で保存し直してから選んでください。"])
    elif name.endswith((".csv", ".txt")) or not name:
        grid = _csv_grid(data)
    else:
        raise DirectoryImportError(["Excel（.xlsx）または CSV（.csv）のファイルを選んでください。"])
    return _table_from_grid(grid)


def _xlsx_grid(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken or disguised file
        raise DirectoryImportError(
            ["Excel ファイルを読み込めませんでした。ファイルが壊れていないか確認してください。"]) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in itertools.islice(sheet.iter_rows(values_only=True), MAX_ROWS + 12)]
    finally:
        workbook.close()


def _csv_grid(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DirectoryImportError(
            ["CSV の文字コードを判別できませんでした。UTF-8 または Shift_JIS で保存してください。"])
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), MAX_ROWS + 12))


def _cell_text(value, column: Column | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and column is not None and column.kind == "phone":
        # Excel drops the leading 0 of a phone number typed without hyphens.
        text = str(value)
        return "0" + text if len(text) in (9, 10) else text
    if isinstance(value, int) and column is not None and column.kind == "postal":
        return str(value).zfill(7)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    # Cleaned like every text input; the apostrophe an export put before formula-like text comes off again.
    return restore_formula_text(clean_text(str(value)).strip())


def _table_from_grid(grid: list[list]) -> Table:
    # The heading row is the first row that names the 機関名 column (lists often start with a title line).
    header_index = None
    for index, row in enumerate(grid[:10]):
        keys = {_HEADING_INDEX.get(label_key(str(c or ""))) for c in row}
        if COLUMN_BY_KEY["name"] in keys:
            header_index = index
            break
    if header_index is None:
        raise DirectoryImportError(
            ["見出しの行が見つかりません。1行目に「機関名」「種別」などの見出しを入れてください。"])
    header = grid[header_index]
    positions: list[tuple[int, Column]] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for position, heading in enumerate(header):
        heading_text = str(heading or "").strip()
        if not heading_text:
            continue
        column = _HEADING_INDEX.get(label_key(heading_text))
        if column is None or column.key in seen:
            ignored.append(heading_text)
            continue
        seen.add(column.key)
        positions.append((position, column))
    missing = [COLUMN_BY_KEY[k].heading for k in REQUIRED_COLUMNS if k not in seen]
    if missing:
        raise DirectoryImportError([f"{header_index + 1}行目（見出し）：「{'」「'.join(missing)}」の列がありません。"])
    rows = []
    for offset, raw in enumerate(grid[header_index + 1:], start=header_index + 2):
        cells = {column.key: _cell_text(raw[pos] if pos < len(raw) else None, column) for pos, column in positions}
        if not any(cells.values()):
            continue
        rows.append({"line": offset, "cells": cells})
    if len(rows) > MAX_ROWS:
        raise DirectoryImportError([f"一度に取り込めるのは{MAX_ROWS}行までです。ファイルを分けてください。"])
    if not rows:
        raise DirectoryImportError(["取り込む行がありません。見出しの下に機関を1行ずつ入力してください。"])
    return Table(columns=[c.key for _, c in positions], rows=rows, ignored_headings=ignored)


# --- checking rows ---------------------------------------------------------------------------------------

_PREFECTURE = re.compile(r"^(北海道|東京都|京都府|大阪府|.{2,3}県)")
_MUNICIPALITY = re.compile(r"^(.+?郡.+?[町村]|.+?市.+?区|.+?[市区町村])")
_NUMBER = re.compile(r"^(?:定員)?\s*([0-9]+)\s*(?:人|名|歳|才)?(?:以上|以下|まで)?$")

_SEX = {label_key(v): k for k, v in AcceptedSex.choices} | {
    label_key(v): k for k, values in {"any": ("男女", "男女とも", "どちらも", "問わない", "不問"),
                                      "male": ("男性", "男"), "female": ("女性", "女")}.items() for v in values
}
_CARE = {label_key(v): k for k, v in AcceptedCareLevel.choices} | {
    label_key(v): k for k, values in {"independent": ("自立",), "support": ("要支援", "要支援1", "要支援2"),
                                      "c1": ("要介護1",), "c2": ("要介護2",), "c3": ("要介護3",),
                                      "c4": ("要介護4",), "c5": ("要介護5",)}.items() for v in values
}


@dataclass
class CheckedRow:
    line: int
    action: str  # create, update, unchanged
    values: dict
    organization_id: int | None = None
    version: int | None = None
    changed_values: dict = field(default_factory=dict)
    changed_labels: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kind_label: str = ""
    cells: dict = field(default_factory=dict)  # the file's own text, shown in the preview

    def shown(self, key: str) -> str:
        """For the preview: the cleaned value where there is one, else the file's own text."""
        value = self.values.get(key)
        if key == "kind":
            return self.kind_label or self.cells.get("kind", "")
        return str(value) if value not in (None, "") else self.cells.get(key, "")

    @property
    def shown_name(self) -> str:
        return self.shown("name")

    @property
    def shown_kind(self) -> str:
        return self.shown("kind")

    @property
    def shown_municipality(self) -> str:
        return self.shown("municipality")

    @property
    def shown_phone(self) -> str:
        return self.shown("phone")

    @property
    def shown_department(self) -> str:
        return self.shown("department")


@dataclass
class CheckResult:
    rows: list[CheckedRow]
    errors: list[str]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts


def _field_label(key: str) -> str:
    return COLUMN_BY_KEY[key].heading if key in COLUMN_BY_KEY else key


def _convert(column: Column, text: str, kinds: dict) -> object:
    """One cell → the model's value; raises ValueError with the Japanese message (without the line)."""
    if column.kind == "text":
        return text
    if column.kind == "kana":
        reading = to_katakana_reading(text)
        if reading and not is_katakana_reading(reading):
            raise ValueError("フリガナはカタカナ（またはひらがな）で入力してください")
        return reading
    if column.kind == "kind":
        if not text:
            raise ValueError("種別を入力してください")
        kind = kinds.get(label_key(text))
        if kind is None:
            raise ValueError(f"種別『{text}』は登録されていません")
        return kind
    if column.kind == "phone":
        try:
            return normalize_phone(text)
        except InvalidValue:
            raise ValueError(f"{column.heading}の形式が正しくありません") from None
    if column.kind == "postal":
        try:
            return normalize_postal_code(text)
        except InvalidValue:
            raise ValueError("郵便番号の形式が正しくありません（例：330-0063）") from None
    if column.kind == "email":
        text = unicodedata.normalize("NFKC", text)
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise ValueError("メールアドレスの形式が正しくありません") from None
        return text
    if column.kind in ("bool", "optional_bool"):
        if column.key == "active" and not text:
            return True
        try:
            return parse_optional_yes_no(text) if column.kind == "optional_bool" else parse_yes_no(text)
        except InvalidValue:
            raise ValueError(f"{column.heading}は「○」か空欄で入力してください") from None
    if column.kind == "int":
        text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            return None
        match = _NUMBER.match(text)
        if not match:
            raise ValueError(f"{column.heading}は数字で入力してください")
        return int(match[1])
    if column.kind in ("sex", "care_level"):
        if not text:
            return ""
        table = _SEX if column.kind == "sex" else _CARE
        value = table.get(label_key(text))
        if value is None:
            raise ValueError(f"{column.heading}『{text}』は選択肢にありません")
        return value
    raise AssertionError(column.kind)


def _split_address(values: dict, columns: Iterable[str]) -> None:
    """A single 住所 column: take the prefecture and municipality off the front when they are not given."""
    if "prefecture" in columns or "municipality" in columns:
        return
    address = values.get("address_line", "")
    prefecture = _PREFECTURE.match(address)
    if prefecture:
        values["prefecture"] = prefecture[1]
        address = address[prefecture.end():]
    municipality = _MUNICIPALITY.match(address)
    if municipality:
        values["municipality"] = municipality[1]
        address = address[municipality.end():]
    if prefecture or municipality:
        values["address_line"] = address.strip()


def _identity_key(name: str, department: str) -> str:
    return f"{name_search_key(name)}|{name_search_key(department)}"


def check_rows(*, user, rows: list[dict]) -> CheckResult:
    """Check every row against the user's center's directory; never writes. Errors name their row:
    「3行目：種別『病院』は登録されていません」."""
    kinds = {}
    for kind in selectors.kinds_for(user):
        kinds[label_key(kind.label)] = kind
        kinds.setdefault(label_key(kind.code), kind)
    existing = {o.pk: o for o in selectors.organizations_for(user).select_related("kind")}
    by_identity: dict[str, list[int]] = {}
    for org in existing.values():
        by_identity.setdefault(_identity_key(org.name, org.department), []).append(org.pk)

    checked: list[CheckedRow] = []
    errors: list[str] = []
    first_line_of: dict = {}
    for raw in rows:
        line, cells = raw["line"], raw["cells"]
        row = CheckedRow(line=line, action="create", values={}, cells=cells)
        for key, text in cells.items():
            if key == "id":
                continue
            try:
                row.values[key] = _convert(COLUMN_BY_KEY[key], text, kinds)
            except ValueError as error:
                row.errors.append(str(error))
        if "name" in cells and not row.values.get("name"):
            row.errors.insert(0, "機関名を入力してください")
        _split_address(row.values, cells.keys())
        if isinstance(row.values.get("kind"), OrganizationKind):
            row.kind_label = row.values["kind"].label

        # which organization this row is
        target = None
        id_text = unicodedata.normalize("NFKC", cells.get("id", "")).strip()
        if id_text:
            target = existing.get(int(id_text)) if id_text.isdigit() else None
            if target is None:
                row.errors.append(f"管理番号『{id_text}』の機関は見つかりません（新しく登録する行は管理番号を空欄にしてください）")
        else:
            matches = by_identity.get(_identity_key(row.values.get("name", ""), row.values.get("department", "")), [])
            if len(matches) > 1:
                row.errors.append("同じ名前・部署の機関が複数登録されています。管理番号の列で指定してください")
            elif matches:
                target = existing[matches[0]]
        if target is not None:
            identity = ("org", target.pk)
        elif not id_text:
            identity = ("new", _identity_key(row.values.get("name", ""), row.values.get("department", "")))
        else:
            identity = None
        if identity in first_line_of:
            row.errors.append(f"{first_line_of[identity]}行目と同じ機関です")
        elif identity is not None:
            first_line_of[identity] = line

        if target is None:
            _address_from_postal_code(row.values)
        new_kind = row.values.get("kind")
        newly_given = isinstance(new_kind, OrganizationKind) and (target is None or target.kind_id != new_kind.pk)
        if newly_given and not new_kind.active:
            row.errors.append(f"種別『{new_kind.label}』は使用を停止しています")
        if target is not None:
            row.organization_id, row.version = target.pk, target.version
            row.changed_values = {k: v for k, v in row.values.items() if _differs(target, k, v)}
            row.changed_labels = [_field_label(k) for k in row.changed_values]
            row.action = "update" if row.changed_values else "unchanged"
            if not row.kind_label:
                row.kind_label = target.kind.label
        seen = raw.get("seen")
        if seen is not None:
            if seen.get("id") != row.organization_id and not row.errors:
                row.errors.append("確認画面を表示した後に、この機関が登録・変更されました。もう一度ファイルを読み込んでください")
            if seen.get("version") is not None:
                row.version = seen["version"]

        if not row.errors:
            row.errors.extend(_model_errors(user, row, target))
        errors.extend(f"{line}行目：{message}" for message in row.errors)
        checked.append(row)
    return CheckResult(rows=checked, errors=errors)


def _address_from_postal_code(values: dict) -> None:
    """A new row with a postal code but no prefecture or municipality gets them from the code, as the form's
    look-up button does (services fill them the same way; here the preview shows them already)."""
    if values.get("postal_code") and not values.get("prefecture") and not values.get("municipality"):
        found = address_from_postal_code(values["postal_code"])
        if found is not None:
            values["prefecture"], values["municipality"] = found[0], found[1]
            values["address_line"] = values.get("address_line") or found[2]


def _differs(org: Organization, key: str, value) -> bool:
    if key == "kind":
        return org.kind_id != value.pk
    current = getattr(org, key)
    if key == "name":
        value = value.strip()
    return current != value


def _model_errors(user, row: CheckedRow, target: Organization | None) -> list[str]:
    """What the model itself refuses (lengths, the age range), in the column's words."""
    org = copy.copy(target) if target is not None else Organization(center_id=user.center_id)
    for key, value in row.values.items():
        setattr(org, key, value)
    try:
        org.full_clean(exclude=["search_key", "created_by", "updated_by"])
    except ValidationError as error:
        messages = []
        for key, field_messages in error.message_dict.items():
            label = _field_label(key) if key in COLUMN_BY_KEY else ""
            messages.extend(f"{label}：{message}" if label else message for message in field_messages)
        return messages
    return []


def preview_rows(table: Table, result: CheckResult) -> list[dict]:
    """The rows to keep in the session for the confirm step: raw cells plus what the preview showed."""
    return [{"line": raw["line"], "cells": raw["cells"],
             "seen": {"action": row.action, "id": row.organization_id, "version": row.version}}
            for raw, row in zip(table.rows, result.rows, strict=True)]


# --- export ---------------------------------------------------------------------------------------------


def _export_value(org: Organization, column: Column) -> str | int:
    if column.key == "id":
        return org.pk
    if column.key == "kind":
        return org.kind.label
    value = getattr(org, column.key)
    if column.kind == "bool":
        return "○" if value else ""
    if column.kind == "optional_bool":
        return "" if value is None else ("○" if value else "×")
    if column.kind == "sex":
        return AcceptedSex(value).label if value else ""
    if column.kind == "care_level":
        return AcceptedCareLevel(value).label if value else ""
    if value is None:
        return ""
    return value


def export_rows(organizations: Iterable[Organization]) -> Iterable[list]:
    yield [c.heading for c in COLUMNS]
    for org in organizations:
        yield [_export_value(org, c) for c in COLUMNS]


def export_csv(organizations: Iterable[Organization], *, encoding: str = "utf-8-sig") -> bytes:
    """UTF-8 with a BOM (Excel opens it), or "cp932" (Shift_JIS) for an older Excel: a character Shift_JIS cannot
    hold becomes 〓."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in export_rows(organizations):
        writer.writerow([spreadsheet_cell(v) for v in row])
    if encoding == "cp932":
        return buffer.getvalue().encode("cp932", errors=SHIFT_JIS_ERRORS)
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(organizations: Iterable[Organization], *, kinds: Iterable, exported_by: str,
                now: Callable[[], dt.datetime]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "関係機関"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    for index, row in enumerate(export_rows(organizations), start=1):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=index, column=col)
            value = spreadsheet_cell(value)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.number_format = "@"
            if index == 1:
                cell.font, cell.fill = bold, fill
    sheet.freeze_panes = "C2"
    widths = {"id": 9, "name": 30, "name_kana": 24, "kind": 22, "department": 16, "address_line": 28,
              "notes": 30, "accepts_conditions": 24, "opening_hours": 20, "service_kinds": 22, "email": 24}
    from openpyxl.utils import get_column_letter

    for col, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(column.key, 14)
    guide = workbook.create_sheet("種別一覧")
    guide.append(["種別（「種別」の列にはこの名前を入れてください）", "分類"])
    guide["A1"].font = guide["B1"].font = bold
    guide.column_dimensions["A"].width = 56
    guide.column_dimensions["B"].width = 14
    for kind in kinds:
        guide.append([spreadsheet_cell(kind.label), kind.get_group_display()])
    guide.append([])
    guide.append([spreadsheet_cell(f"書き出し：{now():%Y-%m-%d %H:%M} {exported_by}")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
