"""`manage.py seed_demo --persons N --seed S [--if-empty] [--center NAME] [--centers C]`: fictional demo data.

With `--centers C` (make bench-load: a national set) the N persons are spread over C fictional centers of unequal
size, the demo center the large one (operations/demo/centers.py); every center gets its own directory and staff.

1. the center's fictional directory of agencies (partners.demo.seed_directory: みどり県 and its offices);
2. persons living in that prefecture, their cases in every phase and years of support records, in chunks with
   bulk inserts, so 300,000 persons fit in a small, flat amount of memory (common/demo/generator.py);
3. for the first persons' latest cases (`--detailed`, 60 by default), everything else a case holds, written
   through the apps' services: consents, placements, 更生緊急保護, procedures, assessments, plans, つなぎ,
   follow-ups, and a pre-consultation, a consultation-only contact, a provision record (common/demo/features.py).

Deterministic for a seed (and a day: case and record dates count back from today). See yorisoi/common/demo/.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yorisoi.accounts.demo import ensure_demo_accounts
from yorisoi.accounts.models import Center, Role, Staff
from yorisoi.common import planner
from yorisoi.operations.demo.centers import MAX_CENTERS, center_sizes, ensure_centers
from yorisoi.operations.demo.directory import Directory
from yorisoi.operations.demo.features import describe_cases
from yorisoi.operations.demo.generator import DETAILED_PERSONS, DemoGenerator, SeedStats
from yorisoi.partners.demo import seed_directory
from yorisoi.people.models import Person


class Command(BaseCommand):
    # `make run` has just run migrate, which checks the project; the checks would only add seconds here.
    requires_system_checks = []
    help = ("架空のデモデータ（関係機関の名簿、対象者・フェイスシート・支援ケース・支援経過記録、最初の対象者の"
            "同意・居所・手続き・計画・フォローアップなど）を作成します。")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=60, help="作成する対象者の数（既定 60）")
        parser.add_argument("--seed", type=int, default=1, help="乱数の種。同じ種なら同じ氏名・日付・文章になる")
        parser.add_argument("--if-empty", action="store_true",
                            help="センターに対象者が既にいれば何もしない（make run 用：入力済みのデータを残す）")
        parser.add_argument("--center", default="", help="作成先のセンター名（既定：デモ用センター）")
        parser.add_argument("--centers", type=int, default=1,
                            help=f"対象者を分けるセンターの数（既定 1。最大 {MAX_CENTERS}。2 以上で架空の県の"
                                 "センターを作り、デモ用センターを大規模センターとして人数に差をつけます）")
        parser.add_argument("--chunk-size", type=int, default=1000, help="一度に書き込む対象者の数（既定 1000）")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="日付の基準日 YYYY-MM-DD（既定：今日）")
        parser.add_argument("--detailed", type=int, default=DETAILED_PERSONS,
                            help=f"手続き・居所・計画なども作る対象者の数（最初の何人か。既定 {DETAILED_PERSONS}、"
                                 "0 で作らない）")
        parser.add_argument("--without-records", action="store_true",
                            help="支援経過記録を作らない（検索のベンチマーク用：対象者・ケースだけを速く作る）")

    def handle(self, *args, persons, seed, if_empty, center, centers, chunk_size, today, detailed, verbosity,
               without_records=False, **options):
        demo_center, _other, created = ensure_demo_accounts()
        if created:
            self.stdout.write(self.style.SUCCESS("デモ用のセンターと職員を作成しました。"))
        target = demo_center
        if center:
            target = Center.objects.filter(name=center).first()
            if target is None:
                raise CommandError("指定されたセンターが見つかりません。")
        if if_empty and Person.objects.filter(center=target).exists():
            self.stdout.write("デモデータは作成済みです（入力済みのデータはそのまま残します）。")
            return
        if persons <= 0:
            return
        if centers > 1:
            if center:
                raise CommandError("--center と --centers は同時に指定できません。")
            if not 1 < centers <= MAX_CENTERS:
                raise CommandError(f"--centers は 2 から {MAX_CENTERS} までで指定してください。")
            sizes = center_sizes(persons, centers)
            for number, (home, workers) in enumerate(ensure_centers(target, sizes), start=1):
                self.stdout.write(f"センター {number}/{centers}：{home.name}（対象者 {sizes[number - 1]:,} 人、"
                                  f"相談員 {len(workers)} 人）")
                self._seed_center(home, workers, sizes[number - 1], seed + number - 1, chunk_size, today,
                                  detailed if number == 1 else 0, verbosity, records=not without_records)
            return
        staff = list(Staff.objects.filter(center=target, role=Role.WORKER, is_active=True).order_by("username"))
        staff = staff or list(Staff.objects.filter(center=target, is_active=True).order_by("username"))
        if not staff:
            raise CommandError("センターに職員がいないため、担当者を割り当てられません。")

        self._seed_center(target, staff, persons, seed, chunk_size, today, detailed, verbosity,
                          records=not without_records)

    def _seed_center(self, target, staff, persons, seed, chunk_size, today, detailed, verbosity, *,
                     records: bool = True) -> None:
        def progress(stats: SeedStats, total: int) -> None:
            if verbosity >= 1:
                self.stdout.write(
                    f"  {stats.persons:>9,} / {total:,} 人  {stats.persons_per_second:7,.0f} 人/秒  "
                    f"記録 {stats.activities:,} 件（{stats.activities_per_second:,.0f} 件/秒）"
                )
                self.stdout.flush()

        today = today or timezone.localdate()
        prefecture = target.prefecture or "みどり県"
        started = time.perf_counter()
        organizations = seed_directory(target, random.Random(seed), today=today, prefecture=prefecture)
        self.stdout.write(f"関係機関 {len(organizations)} 件（{prefecture}の架空の名簿）"
                          f"（{time.perf_counter() - started:.1f} 秒）")
        generator = DemoGenerator(center=target, staff=staff, seed=seed, today=today, chunk_size=chunk_size,
                                  directory=Directory.load(target, prefecture), detailed=detailed, progress=progress,
                                  records=records)
        stats = generator.run(persons)
        self.stdout.write(self.style.SUCCESS(
            f"対象者 {stats.persons:,} 人、支援ケース {stats.cases:,} 件、支援経過記録 {stats.activities:,} 件を"
            f"作成しました（{stats.seconds:.1f} 秒）。"
        ))
        self.stdout.write(
            f"rate: {stats.persons_per_second:,.0f} persons/s, {stats.activities_per_second:,.0f} records/s, "
            f"{stats.rows / stats.seconds if stats.seconds else 0:,.0f} rows/s (incl. history); "
            f"CPU {stats.cpu_seconds:.1f} s writing + {stats.child_cpu_seconds:.1f} s building"
        )
        self._describe(target, generator, seed, today)
        planner.refresh_statistics()  # the bulk load changed every table's size
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self.stdout.write(f"peak memory: {peak:,.0f} MiB" + (
            f" (+ {child_peak:,.0f} MiB the process that built the chunks)" if stats.child_cpu_seconds else ""))

    def _describe(self, center, generator: DemoGenerator, seed: int, today: dt.date) -> None:
        if not generator.hints:
            return
        started = time.perf_counter()
        pdf_log = logging.getLogger("weasyprint")
        level = pdf_log.level
        pdf_log.setLevel(logging.WARNING)  # its INFO lines narrate each step of the one provision document
        try:
            report = describe_cases(center=center, hints=generator.hints, seed=seed, today=today)
        finally:
            pdf_log.setLevel(level)
        made = "、".join(f"{label} {count}" for label, count in report.counts.items())
        self.stdout.write(f"最初の {len(generator.hints)} 人のケースの詳細：{made}"
                          f"（{time.perf_counter() - started:.1f} 秒）")
        for problem in report.problems:
            self.stderr.write(self.style.WARNING(f"作成できなかったデモデータ：{problem}"))
