"""`manage.py outcome_report --fiscal-year YYYY --center ID --output FILE [--public]`: the outcome report
(成果報告書) of a fiscal year as .xlsx or .pdf (by the file's suffix). The same data gives the same bytes."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.accounts.models import Center
from yorisoi.reports import outcome


class Command(BaseCommand):
    help = "成果報告書（年度の集計表）を Excel（.xlsx）または PDF（.pdf）で出力します。"

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", type=int, required=True, help="年度（西暦。2026 = 令和8年度）")
        parser.add_argument("--center", type=int, help="センターの ID（センターが1つだけなら省略可）")
        parser.add_argument("--output", required=True, help="出力するファイル（.xlsx または .pdf）")
        parser.add_argument("--public", action="store_true", help="公表用（少ない数と、その補数を秘匿）")

    def handle(self, *args, fiscal_year, center, output, public, **options):
        path = Path(output)
        if path.suffix.lower() not in (".xlsx", ".pdf"):
            raise CommandError("出力ファイルの拡張子は .xlsx か .pdf にしてください。")
        if not 2000 <= fiscal_year <= 2100:
            raise CommandError("年度は西暦（例 2026）で指定してください。")
        centers = Center.objects.all() if center is None else Center.objects.filter(pk=center)
        if center is None and centers.count() != 1:
            raise CommandError("センターが複数あります。--center で ID を指定してください。")
        chosen = centers.first()
        if chosen is None:
            raise CommandError("指定したセンターが見つかりません。")
        report = outcome.build_report(center=chosen, fiscal_year=fiscal_year, public=public)
        data = outcome.to_pdf(report) if path.suffix.lower() == ".pdf" else outcome.to_xlsx(report)
        path.write_bytes(data)
        self.stdout.write(f"{path}（{len(data):,} バイト、{len(report.tables)} 表）を出力しました。")
