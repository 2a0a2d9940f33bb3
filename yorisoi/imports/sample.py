"""The template spreadsheet of each target: the headings the wizard recognises, one fictional example row, and
a second sheet listing the accepted choices."""

from __future__ import annotations

import io

from yorisoi.common.text import spreadsheet_cell

from .fields import fields_for


def template_xlsx(target: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    fields = [f for f in fields_for(target) if f.key not in ("family_name", "given_name", "family_name_kana",
                                                             "given_name_kana")]
    book = Workbook()
    sheet = book.active
    sheet.title = "取り込み用"
    sheet.append([f.label for f in fields])
    sheet.append([spreadsheet_cell(f.example) for f in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.data_type = "s"
    guide = book.create_sheet("選択肢")
    guide.append(["項目", "入れられる値"])
    for f in fields:
        if f.choices:
            guide.append([f.label, "、".join(label for _, label in f.choices)])
    guide.append(["日付", "令和8年4月1日、R8.4.1、2026-04-01 のどれでも"])
    guide.append(["注意", "2行目は例です。消してから入力してください（架空の人です）。"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
