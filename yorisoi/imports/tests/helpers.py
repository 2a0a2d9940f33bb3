"""Spreadsheets built in the test (fictional people) and the wizard's steps driven through the pages."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from yorisoi.imports import services
from yorisoi.imports.models import ImportBatch

PERSON_HEADINGS = ["外部ID", "氏名", "フリガナ", "性別", "生年月日", "電話番号"]
PERSON_ROWS = [
    ["A-1", "輪島 一郎", "ワジマ イチロウ", "男性", "昭和30年4月1日", "048-000-0001"],
    ["A-2", "能登 花子", "ノト ハナコ", "女", "S35.5.6", "０４８－０００－０００２"],
    ["A-3", "珠洲 三郎", "スズ サブロウ", "男", "1960-07-08", ""],
]


def xlsx_bytes(rows: list[list], *, title_row: str | None = None, sheets: dict | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "名簿"
    if title_row is not None:
        sheet.append([title_row])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
    for row in rows:
        sheet.append(row)
    for name, extra_rows in (sheets or {}).items():
        other = book.create_sheet(name)
        for row in extra_rows:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, data: bytes, name: str, target: str = "persons"):
    return client.post(reverse("imports:start"), {"target": target, "file": SimpleUploadedFile(name, data)})


def check(client, user, data: bytes, name: str = "名簿.xlsx", target: str = "persons") -> ImportBatch:
    """Upload, take the guessed mapping, run the check (the test settings run tasks at once)."""
    response = upload(client, data, name, target)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    _, headings, guessed = services.suggested_mapping(actor=user, batch=batch)
    form = {f"col_{p}": guessed.get(p, "") for p in range(len(headings))}
    response = client.post(reverse("imports:mapping", args=[batch.pk]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    batch.refresh_from_db()
    return batch


def commit(client, batch, action: str = "commit", **decisions):
    response = client.post(reverse("imports:run", args=[batch.pk]), {"action": action, **decisions})
    batch.refresh_from_db()
    return response
