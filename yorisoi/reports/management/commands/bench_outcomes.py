"""`manage.py bench_outcomes [--persons N] [--database-url URL]` (used by `make bench`): the outcomes dashboard
and the full outcome report of a fiscal year on the demo generator's data.

Without --database-url: migrates a scratch SQLite database in a temporary directory and seeds it with
`seed_demo --persons N` (child processes whose DATABASE_URL and YORISOI_VAR_DIR point there, so var/ is never
touched). With --database-url the given (scratch!) database is migrated and seeded instead. Then, in a child
process on that database, measures for the demo center's current fiscal year: the dashboard's figures
(figures.compute_all, what the page computes; its charts are separate requests) and the full outcome report
(tables, .xlsx and .pdf with charts). Prints one JSON line per measurement: seconds (best of --runs), the
load average, the database vendor and the number of persons.

Targets (issue 13) at 300,000 persons on PostgreSQL: dashboard < 1 s, full report < 5 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "デモデータで成果の集計（ダッシュボード）と成果報告書の所要時間を測り、JSON 行で表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--database-url", default="", help="測定に使う一時データベース（消してよいもの）")
        parser.add_argument("--measure", action="store_true", help="（内部用）今のデータベースで測る")

    def handle(self, *args, persons, seed, runs, database_url, measure, **options):
        if measure:
            return self._measure(runs)
        manage = os.path.join(settings.BASE_DIR, "manage.py")
        workdir = tempfile.mkdtemp(prefix="yorisoi-bench-outcomes-")
        url = database_url or f"sqlite:///{workdir}/bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": url, "YORISOI_VAR_DIR": workdir}
        try:
            self._run([sys.executable, manage, "migrate", "--noinput", "-v0"], env)
            started = time.perf_counter()
            self._run([sys.executable, manage, "seed_demo", "--persons", str(persons), "--seed", str(seed),
                       "--detailed", "0"], env)
            self.stdout.write(f"seeded {persons:,} persons in {time.perf_counter() - started:.0f} s")
            self.stdout.flush()
            self._run([sys.executable, manage, "bench_outcomes", "--measure", "--runs", str(runs)], env, show=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _run(self, command: list[str], env: dict, *, show: bool = False) -> None:
        done = subprocess.run(command, env=env, capture_output=not show, text=True, check=False)
        if done.returncode != 0:
            raise CommandError(f"{' '.join(command[1:3])} failed: {(done.stderr or '')[-2000:]}")

    def _measure(self, runs: int) -> None:
        from django.db import connection
        from django.utils import timezone

        from yorisoi.accounts.models import Center
        from yorisoi.people.models import Person
        from yorisoi.reports import counting, figures, outcome

        center = Center.objects.order_by("id").first()
        fiscal_year = counting.current_fiscal_year(timezone.localdate())
        period = counting.Period.fiscal_year(fiscal_year)
        persons = Person.objects.filter(center=center).count()

        def best(action) -> float:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                action()
                times.append(time.perf_counter() - started)
            return min(times)

        def report():
            built = outcome.build_report(center=center, fiscal_year=fiscal_year)
            outcome.to_xlsx(built)
            outcome.to_pdf(built)

        for name, action in [
            ("dashboard", lambda: (figures.compute_all(center.pk, period), counting.duty_table(center.pk, period))),
            ("outcome_report_tables", lambda: outcome.build_report(center=center, fiscal_year=fiscal_year)),
            ("outcome_report_full", report),
        ]:
            seconds = best(action)
            self.stdout.write(json.dumps({
                "bench": "outcomes", "what": name, "seconds": round(seconds, 3), "persons": persons,
                "vendor": connection.vendor, "fiscal_year": fiscal_year, "runs": runs,
                "load_average": round(os.getloadavg()[0], 2)}))
