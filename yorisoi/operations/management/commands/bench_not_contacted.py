"""`manage.py bench_not_contacted [--runs R] [--days D]`: how long the "not contacted for a while" list
(/partners/not-contacted/) takes on the current database, e.g. after `seed_demo --persons N`.

Per center with a director: the page's database work as the view does it (the selector read once, its first page of
50), R times after one warm-up; one JSON line with p50/p95 in milliseconds, the number of
queries, persons and records of the center, and the load average.
"""

from __future__ import annotations

import json
import os
import statistics
import time

from django.core.management.base import BaseCommand
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yorisoi.accounts.models import Staff
from yorisoi.partners import selectors
from yorisoi.people.models import Person
from yorisoi.records.models import Activity

PAGE_SIZE = 50  # partners.views.PAGE_SIZE


class Command(BaseCommand):
    help = "「しばらく連絡していない機関」一覧の所要時間（p50/p95）を現在のデータベースで測ります。"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="測定の回数（既定 20）")
        parser.add_argument("--days", type=int, default=180, help="連絡していない日数（既定 180）")

    def handle(self, *args, runs, days, **options):
        for director in Staff.objects.filter(role="director", is_active=True, center__isnull=False).order_by(
                "center_id", "id").distinct("center_id") if connection.vendor == "postgresql" else \
                _first_director_per_center():
            self._measure(director, runs, days)

    def _measure(self, director, runs: int, days: int) -> None:
        def page():
            rows = selectors.organizations_not_contacted(user=director, days=days)
            return list(Paginator(rows, PAGE_SIZE).get_page(1))  # as the view does

        page()  # warm-up
        with CaptureQueriesContext(connection) as captured:
            rows = page()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            page()
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        self.stdout.write(json.dumps({
            "bench": "not_contacted", "vendor": connection.vendor, "center": director.center_id,
            "persons": Person.objects.filter(center_id=director.center_id).count(),
            "records": Activity.objects.filter(center_id=director.center_id).count(),
            "organizations_listed": len(rows), "queries": len(captured), "runs": runs,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 1),
            "load_average": round(os.getloadavg()[0], 2),
        }))


def _first_director_per_center():
    seen = set()
    for director in Staff.objects.filter(role="director", is_active=True, center__isnull=False).order_by(
            "center_id", "id"):
        if director.center_id not in seen:
            seen.add(director.center_id)
            yield director
