"""Reading an uploaded sheet row by row, never whole: openpyxl's read-only mode for .xlsx, the csv module over a
decoding stream for .csv (UTF-8 with or without BOM, else Shift_JIS/CP932 as Japanese Excel writes it).
Every cell becomes cleaned text; a formula cell is reported, never evaluated."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from yorisoi.common.text import clean_text, restore_formula_text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
FORMULA = object()  # a cell that holds a formula (its text is not imported)


class ReadError(Exception):
    """The file cannot be read; `message` is Japanese."""

    def __init__(self, message: str):
        super().__init__("import file unreadable")
        self.message = message


def file_kind(name: str, head: bytes) -> str:
    lower = (name or "").lower()
    if lower.endswith(".xls"):
        raise ReadError("Excel 97-2003 形式（.xls）は読み込めません。Excel で「.xlsx」または「CSV」形式で"
                        "保存し直してから選んでください。")
    if lower.endswith(".xlsx") or head[:4] == b"PK\x03\x04":
        return "xlsx"
    if lower.endswith((".csv", ".txt")):
        return "csv"
    raise ReadError("Excel（.xlsx）または CSV（.csv）のファイルを選んでください。")


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the first 256 KB decode as UTF-8 (a cut character at the end allowed), else cp932."""
    with open(path, "rb") as handle:
        head = handle.read(256 * 1024)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("cp932")().decode(head, final=False)
        return "cp932"
    except UnicodeDecodeError:
        raise ReadError("CSV の文字コードを判別できませんでした。UTF-8 または Shift_JIS で保存してください。") from None


def sheet_names(path: Path) -> list[str]:
    book = _open_book(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _open_book(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ReadError("Excel ファイルを読み込めませんでした。ファイルが壊れていないか確認してください。") from None
    except Exception:  # openpyxl raises many kinds for a broken or disguised file
        raise ReadError("Excel ファイルを読み込めませんでした。ファイルが壊れていないか確認してください。") from None


def cell_text(value) -> str | object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):  # a support record's date and time in one cell
            return value.strftime("%Y-%m-%d %H:%M")
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = clean_text(str(value)).strip()
    # The apostrophe an export put before formula-like text comes off again (common.text).
    return restore_formula_text(text)


def iter_rows(path: Path, *, kind: str, encoding: str = "", sheet: str = "") -> Iterator[tuple[int, list]]:
    """(line number from 1, cells as text or FORMULA) for every row of the file or sheet, streamed."""
    if kind == "xlsx":
        yield from _xlsx_rows(path, sheet)
    else:
        yield from _csv_rows(path, encoding)


def _xlsx_rows(path: Path, sheet_name: str) -> Iterator[tuple[int, list]]:
    book = _open_book(path)
    try:
        if sheet_name and sheet_name in book.sheetnames:
            sheet = book[sheet_name]
        elif book.worksheets:
            sheet = book.worksheets[0]
        else:
            return
        for line, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for cell in row:
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")
                                                               and getattr(cell, "data_type", "") != "s"):
                    cells.append(FORMULA)
                else:
                    cells.append(cell_text(value))
            yield line, cells
    finally:
        book.close()


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list]]:
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding or "utf-8-sig", newline="")
        sample = text.read(4096)
        text.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(text, delimiter=delimiter)
        line = 0
        try:
            for row in reader:
                line = reader.line_num
                yield line, [cell_text(v) for v in row]
        except UnicodeDecodeError:
            raise ReadError(f"{line + 1}行目あたりに、文字コード（{_encoding_label(encoding)}）で読めない文字が"
                            "あります。ファイルを UTF-8 で保存し直してください。") from None
        except csv.Error:
            raise ReadError(f"{line + 1}行目：CSV の形式が正しくありません（引用符の閉じ忘れなど）。") from None


def _encoding_label(encoding: str) -> str:
    return "Shift_JIS" if encoding == "cp932" else "UTF-8"
