"""The exported file: the marking at its top (who exported it, when, why, approved by whom, which request and
which access-log row), then the sheets. CSV puts the sheets one after the other; Excel gives each its own sheet
with the marking repeated, and prints it in every page header. Both are written to a file as the rows come
(building.py hands them over chunk by chunk), never held whole in memory."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.common.text import SHIFT_JIS_ERRORS, spreadsheet_cell
from yorisoi.privacy.models import ExportFormat, ExportRequest

from .specs import notice_for, spec_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CSV_SJIS_TYPE = "text/csv; charset=shift_jis"


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


# Every cell of every sheet: formulas neutralised, characters an .xlsx cannot hold removed (common.text).
cell = spreadsheet_cell


class CsvFile:
    """CSV written as the rows come: the marking, then each sheet (a title line when there are several)."""

    content_type = CSV_TYPE
    encoding = "utf-8"

    def __init__(self, path: Path, export_request: ExportRequest, header: list[list], *, page_mark: str,
                 sheet_count: int):
        self._out = open(path, "w", encoding=self.encoding, newline="", errors=SHIFT_JIS_ERRORS)
        if self.encoding == "utf-8":
            self._out.write("\ufeff")  # BOM: Excel opens UTF-8 CSV correctly only with it
        self._writer = csv.writer(self._out)
        self._several = sheet_count > 1
        self._sheets = 0
        for line in header:
            self._writer.writerow([cell(v) for v in line])

    def start_sheet(self, title: str, columns: tuple[str, ...]) -> None:
        if self._several:
            if self._sheets:
                self._writer.writerow([])
            self._writer.writerow([cell(f"【{title}】")])
        self._sheets += 1
        self._writer.writerow([cell(c) for c in columns])

    def rows(self, rows: Iterable[list]) -> None:
        self._writer.writerows([cell(v) for v in row] for row in rows)

    def close(self) -> None:
        self._out.close()


class XlsxFile:
    """openpyxl's write-only workbook: each sheet streams to a temporary file, so memory stays flat; every sheet
    starts with the marking and prints it in its page header."""

    content_type = XLSX_TYPE

    def __init__(self, path: Path, export_request: ExportRequest, header: list[list], *, page_mark: str,
                 sheet_count: int):
        from openpyxl import Workbook

        self._path = path
        self._header = header
        self._page_mark = page_mark
        self._book = Workbook(write_only=True)
        self._book.properties.creator = export_request.requested_by.get_username()
        self._book.properties.title = f"{spec_for(export_request.target).label} 申請ID {export_request.pk}"
        self._book.properties.description = page_mark
        self._sheet = None

    def start_sheet(self, title: str, columns: tuple[str, ...]) -> None:
        sheet = self._book.create_sheet(cell(title)[:31])
        sheet.oddHeader.left.text = self._page_mark  # printed pages carry the marking too
        sheet.oddFooter.right.text = "&P / &N"
        for line in self._header:
            sheet.append([cell(v) for v in line])
        sheet.append([cell(c) for c in columns])
        self._sheet = sheet

    def rows(self, rows: Iterable[list]) -> None:
        append = self._sheet.append
        for row in rows:
            append([cell(v) for v in row])

    def close(self) -> None:
        self._book.save(self._path)


class ShiftJisCsvFile(CsvFile):
    """The same CSV in Shift_JIS (cp932, no BOM), for an older Excel or another office's system."""

    content_type = CSV_SJIS_TYPE
    encoding = "cp932"


WRITERS = {ExportFormat.CSV: CsvFile, ExportFormat.CSV_SJIS: ShiftJisCsvFile, ExportFormat.XLSX: XlsxFile}
