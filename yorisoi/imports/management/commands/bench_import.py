"""`manage.py bench_import [--rows 10000,100000]` (used by `make bench`): the import wizard's check (the preview) and
its one-transaction commit of a generated person sheet (.xlsx, fictional names), on a scratch SQLite database under a
temporary directory (the user's var/ is never opened).

The scratch database is migrated and given one center with a director (`--setup`); for each N a fresh copy
imports an N-row sheet in a child process (`--run`), through the same services the wizard's tasks call, so that
the child's peak memory (max RSS from wait4) is the import's alone: with rows streamed it stays flat as N grows.

Prints one JSON line per stage and N: rows, stage (check, commit), seconds, rows_per_second, and for the child
process peak_rss_mib and load_average.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from yorisoi.accounts.models import Staff

DIRECTOR = "kanri"  # the demo center's director (accounts/demo.py)

DIGIT_KANJI = "〇一二三四五六七八九"
DIGIT_KANA = "カキクケコサシスセソ"  # no イ or ウ: the long-vowel fold (エイ = エエ) would merge rows
FAMILIES = [("試験", "シケン"), ("架空", "カクウ"), ("見本", "ミホン"), ("仮名", "カメイ")]


def person_row(i: int) -> list:
    """A fictional person whose given name and reading carry the row number (no two rows are the same person)."""
    family, family_kana = FAMILIES[i % len(FAMILIES)]
    digits = f"{i:06d}"
    given = "郎" + "".join(DIGIT_KANJI[int(d)] for d in digits)
    given_kana = "ロウ" + "".join(DIGIT_KANA[int(d)] for d in digits)
    birth = f"昭和{20 + i % 40}年{1 + i % 12}月{1 + i % 28}日"
    return [f"B-{i}", f"{family} {given}", f"{family_kana} {given_kana}", "男性" if i % 2 else "女性", birth,
            f"048-{i % 1000:03d}-{i % 10000:04d}"]


def write_sheet(path: str, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("対象者")
    sheet.append(["外部ID", "氏名", "フリガナ", "性別", "生年月日", "電話番号"])
    for i in range(rows):
        sheet.append(person_row(i))
    book.save(path)


class Command(BaseCommand):
    help = "一時的なデータベースで N 行の対象者を取り込み（確認と登録）、速さと最大メモリを JSON で表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--rows", default="10000,100000", help="行数（カンマ区切り、既定 10000,100000）")
        parser.add_argument("--setup", action="store_true", help="（内部用）センターと管理者を作ります")
        parser.add_argument("--run", help="（内部用）このファイルを取り込み、各段階の時間を JSON で表示します")

    def handle(self, *args, rows, setup, run, **options):
        if setup:
            return self._setup()
        if run:
            return self._run_import(run)
        sizes = [int(n.replace("_", "")) for n in rows.split(",") if n.strip()]
        if not sizes or any(n <= 0 for n in sizes):
            raise CommandError("--rows は正の整数で指定してください。")
        manage = os.path.join(settings.BASE_DIR, "manage.py")
        workdir = tempfile.mkdtemp(prefix="yorisoi-bench-import-")
        template, current = os.path.join(workdir, "template.sqlite3"), os.path.join(workdir, "bench.sqlite3")
        try:
            env = self._env(workdir, template)
            self._call([sys.executable, manage, "migrate", "--noinput", "-v0"], env)
            self._call([sys.executable, manage, "bench_import", "--setup"], env)
            with sqlite3.connect(template) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for n in sizes:
                sheet = os.path.join(workdir, f"persons-{n}.xlsx")
                write_sheet(sheet, n)
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(current + suffix):
                        os.remove(current + suffix)
                shutil.copyfile(template, current)
                env = self._env(workdir, current)
                load = os.getloadavg()[0]
                child = subprocess.Popen([sys.executable, manage, "bench_import", "--run", sheet], env=env,
                                         cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True)
                output = child.stdout.read()
                _, status, usage = os.wait4(child.pid, 0)
                if os.waitstatus_to_exitcode(status) != 0:
                    raise CommandError(f"the import child failed (exit {os.waitstatus_to_exitcode(status)})")
                for line in output.splitlines():
                    if line.startswith("{"):
                        figures = json.loads(line)
                        size = round(os.path.getsize(sheet) / 2**20, 1)
                        self.stdout.write(json.dumps({**figures, "file_mib": size,
                                                      "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
                                                      "load_average": round(load, 2)}))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _env(self, workdir: str, database: str) -> dict:
        return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": f"sqlite:///{database}",
                "YORISOI_VAR_DIR": workdir, "YORISOI_IMPORT_DIR": os.path.join(workdir, "imports")}

    def _call(self, command: list[str], env: dict) -> None:
        self.stdout.flush()
        if subprocess.run(command, env=env, cwd=settings.BASE_DIR).returncode != 0:
            raise CommandError(f"{' '.join(command[2:4])} failed")

    # --- the child processes -----------------------------------------------------------------------------------

    def _setup(self) -> None:
        # the demo center and its director (kanri), as `make run` makes them: the import runs as that director
        from yorisoi.accounts.demo import ensure_demo_accounts

        ensure_demo_accounts()

    def _run_import(self, path: str) -> None:
        from yorisoi.imports import services
        from yorisoi.imports.models import BatchStatus, ImportBatch

        director = Staff.objects.get(username=DIRECTOR)
        with open(path, "rb") as handle:
            upload = File(handle, name=os.path.basename(path))
            batch = services.start_batch(actor=director, target="persons", uploaded=upload)
        _, _, guessed = services.suggested_mapping(actor=director, batch=batch)
        services.save_mapping(actor=director, batch=batch, mapping=guessed)
        started = time.perf_counter()
        services.check_batch(batch.pk)
        batch = ImportBatch.objects.get(pk=batch.pk)
        seconds = time.perf_counter() - started
        rows = batch.counts["total"]
        if batch.status != BatchStatus.CHECKED or batch.counts["new"] != rows:
            raise CommandError(f"the check did not pass: {batch.counts} {batch.errors[:3]}")
        self.stdout.write(json.dumps({"rows": rows, "stage": "check", "seconds": round(seconds, 1),
                                      "rows_per_second": round(rows / seconds)}))
        services.decide(actor=director, batch=batch, skip_lines=set(), distinct_lines=set(), dry_run=False)
        started = time.perf_counter()
        services.run_batch(batch.pk, dry_run=False)
        seconds = time.perf_counter() - started
        batch = ImportBatch.objects.get(pk=batch.pk)
        if batch.status != BatchStatus.DONE or batch.counts["created"] != rows:
            raise CommandError(f"the commit did not complete: {batch.counts} {batch.errors[:3]}")
        self.stdout.write(json.dumps({"rows": rows, "stage": "commit", "seconds": round(seconds, 1),
                                      "rows_per_second": round(rows / seconds)}))
