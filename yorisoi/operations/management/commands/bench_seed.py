"""`manage.py bench_seed [--persons N] [--runs R] [--postgres URL]` (used by `make bench`): how fast
`seed_demo` makes demo data.

Migrates a scratch database once, then runs `seed_demo --persons N --seed S` into a fresh copy of it R times,
each in a child process whose environment points DATABASE_URL and YORISOI_VAR_DIR at a temporary directory, so
the user's var/yorisoi.sqlite3 (and var/'s keys) are never opened. SQLite by default; with --postgres the
server's scratch database `yorisoi_bench_<pid>` is created from a migrated template and dropped afterwards.

Per run and as the median of the runs: the bulk rate seed_demo prints (persons with their cases and records,
the part that scales), the whole command's wall time (start-up, the directory and the detailed cases
included), and the peak memory (max RSS). At the end the reference figures measured on the project's 2-core
machine (REFERENCE) are printed to compare with.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Measured with this command (and `/usr/bin/time -v` for 300,000); keep README.md's developer section in step.
REFERENCE = [
    "参考値 / reference figures (2026-11-23, 2-core VM shared with other jobs, SQLite under var/-like scratch dir):",
    "  20,000 persons (+ ~216,000 records): see README.md (開発者向け / Developers)",
]
RATE = re.compile(r"rate: ([\d,]+) persons/s, ([\d,]+) records/s")


class Command(BaseCommand):
    help = "一時的なデータベースにデモデータを作成し、作成速度（人/秒）とメモリ使用量を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=20000, help="作成する対象者の数（既定 20000）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=3, help="測定の回数。中央値を表示（既定 3）")
        parser.add_argument("--postgres", default="",
                            help="PostgreSQL で測るときのサーバー（例 postgres://postgres@127.0.0.1:5432/postgres）。"
                                 "一時データベースを作成し、終了後に削除します")
        parser.add_argument("--keep", action="store_true", help="終了後も一時ディレクトリ（SQLite）を残す")

    def handle(self, *args, persons, seed, runs, postgres, keep, **options):
        manage = os.path.join(settings.BASE_DIR, "manage.py")
        workdir = tempfile.mkdtemp(prefix="yorisoi-bench-")
        database = Scratch(workdir, postgres)
        self.stdout.write(f"scratch database: {database.label}")
        try:
            self._run([sys.executable, manage, "migrate", "--noinput", "-v0"], database.template_env())
            database.template_done()
            results = []
            for run in range(1, runs + 1):
                env = database.fresh()
                self.stdout.write(f"run {run}/{runs}: seed_demo --persons {persons:,} --seed {seed} "
                                  f"(cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f})")
                started = time.perf_counter()
                output = self._run([sys.executable, manage, "seed_demo", "--persons", str(persons),
                                    "--seed", str(seed)], env, capture=True)
                wall = time.perf_counter() - started
                match = RATE.search(output)
                bulk = float(match.group(1).replace(",", "")) if match else 0.0
                results.append((bulk, wall))
                self.stdout.write(f"  bulk {bulk:,.0f} persons/s; whole command {wall:.1f} s = "
                                  f"{persons / wall:,.0f} persons/s; database {database.size_mib():,.0f} MiB")
            peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            bulk = statistics.median(r[0] for r in results)
            wall = statistics.median(r[1] for r in results)
            self.stdout.write(self.style.SUCCESS(
                f"bench ({database.vendor}, median of {len(results)}): {persons:,} persons at {bulk:,.0f} persons/s "
                f"(bulk, with their cases and records); whole command {wall:.1f} s including start-up = "
                f"{persons / wall:,.0f} persons/s; peak memory {peak_mib:,.0f} MiB (largest process)"))
            for line in REFERENCE:
                self.stdout.write(line)
        finally:
            database.drop()
            if keep and not postgres:
                self.stdout.write(f"kept: {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)

    def _run(self, command: list[str], env: dict, *, capture: bool = False) -> str:
        """Run a child; its output is shown as it comes (and returned when `capture`)."""
        self.stdout.flush()
        process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, text=True,
                                   stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT)
        lines = []
        if capture:
            for line in process.stdout:
                lines.append(line)
                if "人/秒" not in line:  # the progress lines: one per chunk
                    self.stdout.write("    " + line.rstrip())
        if process.wait() != 0:
            raise CommandError(f"{command[2]} failed (exit {process.returncode})")
        return "".join(lines)


class Scratch:
    """The benchmark's database: a SQLite file copied from a migrated template, or PostgreSQL databases made
    from a migrated template database with CREATE DATABASE … TEMPLATE."""

    def __init__(self, workdir: str, postgres: str):
        self.workdir = workdir
        self.postgres = postgres
        self.vendor = "PostgreSQL" if postgres else "SQLite"
        if postgres:
            self.base = f"yorisoi_bench_{os.getpid()}"
            self.template, self.current = f"{self.base}_template", ""
            # UTF-8 character type, whatever the server's default: pg_trgm and lower() see no Japanese under "C".
            self._sql(f'CREATE DATABASE "{self.template}" TEMPLATE template0 ENCODING \'UTF8\' '
                      "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
            self.label = f"PostgreSQL {self._url(self.template)} (copied for each run, dropped at the end)"
        else:
            self.template = os.path.join(workdir, "template.sqlite3")
            self.current = os.path.join(workdir, "bench.sqlite3")
            self.label = self.current

    def _url(self, name: str) -> str:
        parts = urlsplit(self.postgres)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self._url("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    def _env(self, url: str) -> dict:
        return {**os.environ, "DATABASE_URL": url, "YORISOI_VAR_DIR": self.workdir}

    def template_env(self) -> dict:
        return self._env(self._url(self.template) if self.postgres else f"sqlite:///{self.template}")

    def template_done(self) -> None:
        if not self.postgres:  # fold the WAL into the file, so one copy is the whole database
            import sqlite3

            with sqlite3.connect(self.template) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def fresh(self) -> dict:
        if self.postgres:
            if self.current:
                self._sql(f'DROP DATABASE IF EXISTS "{self.current}"')
            self.current = f"{self.base}_run"
            self._sql(f'CREATE DATABASE "{self.current}" TEMPLATE "{self.template}"')
            return self._env(self._url(self.current))
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.current + suffix):
                os.remove(self.current + suffix)
        shutil.copyfile(self.template, self.current)
        return self._env(f"sqlite:///{self.current}")

    def size_mib(self) -> float:
        if self.postgres:
            import psycopg

            with psycopg.connect(self._url(self.current)) as connection:
                return connection.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
        return sum(os.path.getsize(self.current + s) for s in ("", "-wal") if os.path.exists(self.current + s)) / 2**20

    def drop(self) -> None:
        if self.postgres:
            for name in (self.current, self.template):
                if name:
                    self._sql(f'DROP DATABASE IF EXISTS "{name}"')
