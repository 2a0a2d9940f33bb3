"""`manage.py bench_search [--persons N] [--queries Q] [--postgres URL]` (used by `make bench`): person search on
the demo generator's data.

Seeds a scratch database (as bench_seed does: SQLite by default, a scratch PostgreSQL database with --postgres), then,
in a child process on that database, builds at least Q variant queries from persons of the demo center (variant
kanji, hiragana, half-width katakana, spacing, long-vowel readings, era and Gregorian birth dates with and without
the name) and runs people.selectors.search_persons for each as the center's director. Prints one JSON line per kind
of query and one for all: recall at top 10 (the person the query was made from is among the first ten hits), p50
and p95 latency in milliseconds, the load average.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata

import jaconv
from django.conf import settings
from django.core.management.base import BaseCommand

from .bench_seed import Command as SeedCommand
from .bench_seed import Scratch


def _variant_table() -> dict[str, list[str]]:
    """Standard kanji → the old and variant forms the strict fold maps to it (read off the fold itself)."""
    from yorisoi.common.names import strict_fold

    table: dict[str, list[str]] = {}
    for start, end in ((0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)):
        for code in range(start, end + 1):
            char = chr(code)
            folded = strict_fold(unicodedata.normalize("NFKC", char))
            if folded != char and len(folded) == 1:
                table.setdefault(folded, []).append(char)
    return table


_O_ROW = set("オコゴソゾトドノホボポモヨロョ")


def _long_vowel(reading: str) -> str | None:
    """サトウ → サトー, as a reading is often typed; None when the reading has no long O written with ウ."""
    for i in range(1, len(reading)):
        if reading[i] == "ウ" and reading[i - 1] in _O_ROW:
            return reading[:i] + "ー" + reading[i + 1:]
    return None


def build_queries(persons, count: int, rng: random.Random) -> list[tuple[str, str, int]]:
    from yorisoi.common.dates import format_checked

    variants = _variant_table()
    queries = []
    kinds = ["variant_kanji", "hiragana", "halfwidth", "spacing", "long_vowel", "era_date_name", "era_date_reading",
             "gregorian_date_name"]
    while len(queries) < count:
        person = rng.choice(persons)
        kind = kinds[len(queries) % len(kinds)]
        family, given = person.family_name, person.given_name
        reading = person.family_name_kana + person.given_name_kana
        if kind == "variant_kanji":
            swapped = "".join(rng.choice(variants[c]) if c in variants else c for c in family + given)
            text = swapped if swapped != family + given else family + given
        elif kind == "hiragana":
            text = jaconv.kata2hira(f"{person.family_name_kana} {person.given_name_kana}")
        elif kind == "halfwidth":
            text = jaconv.z2h(reading, kana=True)
        elif kind == "spacing":
            text = f"{family}\u3000{given}"
        elif kind == "long_vowel":
            text = _long_vowel(reading)
            if text is None:
                continue
        elif person.birth_date is None:
            continue
        elif kind == "era_date_name":
            text = f"{family} {format_checked(person.birth_date, style='short')}"
        elif kind == "era_date_reading":
            era = format_checked(person.birth_date)
            text = f"{jaconv.kata2hira(person.family_name_kana)} {era}"
        else:
            text = f"{family}{given} {person.birth_date:%Y/%m/%d}"
        queries.append((kind, text, person.pk))
    return queries


class Command(BaseCommand):
    help = "デモデータで対象者検索の再現率（上位10件）と応答時間（p50・p95）を測り、JSON 行で表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000, help="作成する対象者の数（既定 2000、300000 まで）")
        parser.add_argument("--queries", type=int, default=1000, help="検索語の数（既定 1000）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--postgres", default="", help="PostgreSQL で測るときのサーバー（bench_seed と同じ）")
        parser.add_argument("--measure", action="store_true", help="（内部用）今のデータベースで測る")
        parser.add_argument("--show-misses", type=int, default=0,
                            help="見つからなかった検索語を種類ごとに何件まで表示するか（架空のデモデータのみ）")

    def handle(self, *args, persons, queries, seed, postgres, measure, show_misses=0, **options):
        if measure:
            return self._measure(queries, seed, show_misses)
        manage = os.path.join(settings.BASE_DIR, "manage.py")
        workdir = tempfile.mkdtemp(prefix="yorisoi-bench-search-")
        database = Scratch(workdir, postgres)
        runner = SeedCommand(stdout=self.stdout, stderr=self.stderr)
        try:
            runner._run([sys.executable, manage, "migrate", "--noinput", "-v0"], database.template_env())
            database.template_done()
            env = database.fresh()
            started = time.perf_counter()
            # Persons, their keys and cases in bulk (seed_demo's writer); no support records: search reads none.
            runner._run([sys.executable, manage, "seed_demo", "--persons", str(persons), "--seed", str(seed),
                         "--detailed", "0", "--without-records"], env, capture=True)
            self.stdout.write(f"seeded {persons:,} persons in {time.perf_counter() - started:.0f} s "
                              f"({database.vendor}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
            self.stdout.flush()
            runner._run([sys.executable, manage, "bench_search", "--measure", "--queries", str(queries),
                         "--seed", str(seed), "--show-misses", str(show_misses)], env)
        finally:
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)

    def _measure(self, count: int, seed: int, show_misses: int = 0) -> None:
        from django.db import connection

        from yorisoi.accounts.models import Staff
        from yorisoi.people.models import Person
        from yorisoi.people.selectors import search_persons
        from yorisoi.privacy.roles import Role

        director = (Staff.objects.filter(role=Role.DIRECTOR, center__isnull=False, is_active=True)
                    .order_by("id").first())
        persons = list(Person.objects.filter(center_id=director.center_id, deleted_at__isnull=True)
                       .only("id", "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date"))
        rng = random.Random(seed)
        queries = build_queries(persons, count, rng)
        search_persons(user=director, query="ウォームアップ")
        results: dict[str, list[tuple[bool, float]]] = {}
        for kind, text, target in queries:
            started = time.perf_counter()
            hits = search_persons(user=director, query=text, limit=10)
            elapsed = (time.perf_counter() - started) * 1000
            if any(h.person.center_id != director.center_id for h in hits):
                raise SystemExit("a hit from another center")
            found = any(h.person.pk == target for h in hits)
            results.setdefault(kind, []).append((found, elapsed))
            if not found and sum(1 for ok, _ in results[kind] if not ok) <= show_misses:
                person = next(p for p in persons if p.pk == target)
                self.stdout.write(json.dumps({"miss": kind, "query": text, "target": str(person),
                                              "reading": f"{person.family_name_kana} {person.given_name_kana}",
                                              "born": str(person.birth_date),
                                              "hits": [str(h.person) for h in hits[:3]]},
                                             ensure_ascii=False))
        everything = [r for rows in results.values() for r in rows]
        for kind, rows in [*sorted(results.items()), ("all", everything)]:
            times = sorted(t for _, t in rows)
            self.stdout.write(json.dumps({
                "bench": "search", "database": connection.vendor, "persons": len(persons), "kind": kind,
                "queries": len(rows), "recall_at_10": round(sum(ok for ok, _ in rows) / len(rows), 4),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "uptime_load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            }, ensure_ascii=False))
