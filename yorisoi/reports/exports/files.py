"""The exported file: the marking at its top (who exported it, when, why, approved by whom, which request and
which access-log row), then the sheets. CSV puts the sheets one after the other; Excel gives each its own sheet
with the marking repeated, and prints it in every page header."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.privacy.models import ExportRequest

from .specs import Sheet, notice_for, spec_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def staff_label(staff: Staff | None) -> str:
    return f"{staff}（{staff.get_username()}）" if staff is not None else ""


def local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def header_lines(export_request: ExportRequest, *, counts: str, exported_at: dt.datetime, log_id: int) -> list[list]:
    spec = spec_for(export_request.target)
    approver = staff_label(export_request.decided_by) + ("（自己承認）" if export_request.self_approved else "")
    return [
        [f"寄り添い {spec.label}（エクスポート）"],
        ["センター", str(export_request.center)],
        ["出力者", staff_label(export_request.requested_by)],
        ["出力日時", local(exported_at)],
        ["申請ID", export_request.pk],
        ["出力の理由", export_request.reason],
        ["承認者", approver],
        ["承認日時", local(export_request.decided_at)],
        ["抽出条件", export_request.filter_summary],
        ["件数", counts],
        ["出力記録ID", log_id],
        ["注意", notice_for(spec)],
        [],
    ]


def marking(export_request: ExportRequest, exported_at: dt.datetime) -> str:
    """One line for the printed page header of the Excel file."""
    return (f"申請ID {export_request.pk}　出力者 {export_request.requested_by.get_username()}　"
            f"出力日時 {local(exported_at)}　個人情報（持ち出し禁止）")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """Text that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: list[list], sheets: Iterable[Sheet]) -> bytes:
    sheets = list(sheets)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 CSV correctly only with it
    writer = csv.writer(buffer)
    for line in header:
        writer.writerow([cell(v) for v in line])
    for index, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if index:
                writer.writerow([])
            writer.writerow([f"【{sheet.title}】"])
        writer.writerow(sheet.columns)
        for row in sheet.rows:
            writer.writerow([cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(export_request: ExportRequest, header: list[list], sheets: Iterable[Sheet], *, page_mark: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.creator = export_request.requested_by.get_username()
    book.properties.title = f"{spec_for(export_request.target).label} 申請ID {export_request.pk}"
    book.properties.description = page_mark
    for sheet in sheets:
        out = book.create_sheet(sheet.title[:31])
        out.oddHeader.left.text = page_mark  # printed pages carry the marking too
        out.oddFooter.right.text = "&P / &N"
        for line in header:
            out.append([cell(v) for v in line])
        out.append(list(sheet.columns))
        for row in sheet.rows:
            out.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
