"""The outcome report (成果報告書) and annual statistics of a fiscal year: fixed tables, to .xlsx and PDF.

Reproducible: the same data gives the same bytes. The workbook's created/modified dates are the day after the
fiscal year ends and every zip entry carries a fixed timestamp; the PDF carries the same date as its metadata and
its identifier is derived from its content; the charts are SVG without dates (charts.py).

Publication mode (公表用) hides small counts and their complements (publication.py) in every table and chart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.writer.excel import ExcelWriter

from yorisoi.common.text import neutralise_formula
from yorisoi.planning import pdf as pdf_fonts

from . import charts, counting, figures, publication
from .counting import STATUSES, Period

HIDDEN = "＊"


@dataclass
class Table:
    code: str
    title: str
    row_labels: list[str]            # the last one is 計 when col_totals
    col_labels: list[str]            # the last one is 計 when row_totals
    grid: list[list[int]]
    row_totals: bool = False
    col_totals: bool = True
    note: str = ""
    hidden: set = field(default_factory=set)
    result: figures.Result | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)   # (label, value) lines below the table
    chart: str = ""

    def shown(self, r: int, c: int) -> str | int:
        return HIDDEN if (r, c) in self.hidden else self.grid[r][c]

    def rows(self):
        return [(label, [self.shown(r, c) for c in range(len(self.col_labels))])
                for r, label in enumerate(self.row_labels)]

    def hidden_keys(self) -> set[str]:
        """The figure rows hidden in publication mode (for the chart)."""
        if self.result is None:
            return set()
        return {self.result.rows[r].key for r, _ in self.hidden if r < len(self.result.rows)}


@dataclass
class Report:
    center_name: str
    fiscal_year: int
    period: Period
    public: bool
    threshold: int
    tables: list[Table]
    excluded: int

    @property
    def stamp(self) -> dt.datetime:
        """The report's date: the day after the fiscal year (fixed, so the same data gives the same file)."""
        return dt.datetime.combine(self.period.end + dt.timedelta(days=1), dt.time.min)


def _duty_table(center_id: int, period: Period) -> Table:
    rows = counting.duty_table(center_id, period)
    handled = [s for s, _ in STATUSES if s != "closed"]
    grid = [[counts[s] for s in handled] + [sum(counts[s] for s in handled)] for _, _, counts in rows]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    return Table("duty", "業務の区分別の取扱件数（新規・継続・休止中）", [label for _, label, _ in rows] + ["計"],
                 [label for s, label in STATUSES if s != "closed"] + ["取扱件数"], grid, row_totals=True,
                 note="数え方は reports/counting.py の規則（統計から除外したケースを除く）。")


def _closed_table(center_id: int, period: Period) -> Table:
    rows = counting.duty_table(center_id, period)
    grid = [[counts["closed"]] for _, _, counts in rows]
    grid.append([sum(g[0] for g in grid)])
    return Table("closed", "業務の区分別の終結件数", [label for _, label, _ in rows] + ["計"], ["終結件数"], grid)


def _figure_table(result: figures.Result) -> Table:
    grid = [[row.count] for row in result.rows]
    labels = [row.label for row in result.rows]
    if result.total is not None:
        grid.append([result.total])
        labels.append("計")
    table = Table(result.code, result.title, labels, [f"{result.unit}数"], grid,
                  col_totals=result.total is not None, note=result.note, result=result)
    if result.stats and "median" in result.stats:
        s = result.stats
        table.extra = [("中央値", f"{s['median']:g}日"), ("四分位（25%〜75%）", f"{s['q1']:g}〜{s['q3']:g}日")]
    if result.stats and "share" in result.stats:
        table.extra = [("予定日までに実施した割合", f"{result.stats['share']:g}%")]
    return table


REPORT_FIGURES = [code for code in figures.ALL_FIGURES if code not in ("status", "workload")]


def build_report(*, center, fiscal_year: int, public: bool = False) -> Report:
    period = Period.fiscal_year(fiscal_year)
    tables = [_duty_table(center.pk, period), _closed_table(center.pk, period)]
    for code in REPORT_FIGURES:
        tables.append(_figure_table(figures.ALL_FIGURES[code].compute(center.pk, period)))
    threshold = center.publication_threshold
    if public:
        for table in tables:
            _suppress(table, threshold)
    return Report(center.name, fiscal_year, period, public, threshold, tables,
                  figures.excluded_count(center.pk, period))


def _suppress(table: Table, threshold: int) -> None:
    if table.row_totals or table.col_totals:
        table.hidden = publication.suppress(table.grid, threshold, row_totals=table.row_totals,
                                            col_totals=table.col_totals)
    else:  # overlapping rows (障害の種別): no sums to solve
        table.hidden = {(r, c) for r, line in enumerate(table.grid) for c, v in enumerate(line) if 0 < v < threshold}
    if table.result is not None and table.result.stats and "n" in table.result.stats:
        if table.result.stats["n"] < threshold:
            table.extra = [("中央値・四分位", f"{HIDDEN}（{threshold}件未満のため秘匿）")]
    if table.result is not None and table.result.stats and "share" in table.result.stats and table.hidden:
        table.extra = [("予定日までに実施した割合", HIDDEN)]


# --- Excel -------------------------------------------------------------------------------------------------

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def to_xlsx(report: Report) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="888888")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for number, table in enumerate(report.tables, start=1):
        ws = wb.create_sheet(title=_sheet_title(number, table.title))
        ws.append([neutralise_formula(f"{report.center_name}　{report.period.label}　{table.title}")])
        ws["A1"].font = Font(bold=True, size=12)
        if report.public:
            ws.append([f"公表用：{report.threshold}未満の数と、そこから計算できる数を「{HIDDEN}」で秘匿しています。"])
        ws.append([])
        header = ["区分", *table.col_labels]
        ws.append(header)
        start = ws.max_row
        for label, values in table.rows():
            ws.append([neutralise_formula(label), *values])
        for row in ws.iter_rows(min_row=start, max_row=ws.max_row, max_col=len(header)):
            for cell in row:
                cell.border = border
                if cell.column > 1:
                    cell.alignment = Alignment(horizontal="right")
        for label, value in table.extra:
            ws.append([label, value])
        if table.note:
            ws.append([neutralise_formula(table.note)])
        ws.column_dimensions["A"].width = 34
        for col in "BCDEFG":
            ws.column_dimensions[col].width = 12
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.oddHeader.center.text = neutralise_formula(table.title)
        ws.oddFooter.center.text = "&P / &N"
    wb.properties.creator = "yorisoi"
    wb.properties.title = f"成果報告 {report.period.label}"
    wb.properties.created = wb.properties.modified = report.stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()   # save_workbook would stamp "now" as the modified date
    return _fixed_zip(raw.getvalue())


def _sheet_title(number: int, title: str) -> str:
    """「01 業務の区分別の…」: Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "", title)
    return f"{number:02d} {cleaned}"[:31]


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed (zipfile stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------------


def _html_to_pdf(html: str) -> bytes:
    """WeasyPrint with IPAexGothic embedded; only the font file may be read (nothing else, no network).
    WeasyPrint is imported here, as in planning.pdf: it is slow to import and only the report needs it."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = pdf_fonts._fetcher()
    fonts = FontConfiguration()
    font_face = f'@font-face {{ font-family: "{pdf_fonts.FONT_FAMILY}"; src: url("{pdf_fonts.FONT.as_uri()}"); }}'
    face = CSS(string=font_face, url_fetcher=fetcher, font_config=fonts)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[face], font_config=fonts)


def to_pdf(report: Report) -> bytes:
    for table in report.tables:
        table.chart = (charts.bar_chart_svg(table.result, suppressed=table.hidden_keys())
                       if table.result is not None else "")
    html = render_to_string("reports/outcome_pdf.html", {"report": report, "hidden_mark": HIDDEN})
    data = _html_to_pdf(html)
    return _fixed_pdf_id(data)


def _fixed_pdf_id(data: bytes) -> bytes:
    """WeasyPrint derives /ID from the time; replace it by a hash of the rest (same length, so offsets hold)."""
    marker = b"/ID ["
    at = data.find(marker)
    if at < 0:
        return data
    end = data.find(b"]", at)
    old = data[at:end + 1]
    digest = hashlib.md5(data[:at] + data[end + 1:], usedforsecurity=False).hexdigest().encode()
    parts = old[len(marker):-1].split()
    if not parts:
        return data
    width = len(parts[0]) - 2   # <hex>
    ident = b"<" + (digest * 4)[:width] + b">"
    new = marker + b" ".join([ident] * len(parts)) + b"]"
    if len(new) != len(old):
        return data
    return data[:at] + new + data[end + 1:]
