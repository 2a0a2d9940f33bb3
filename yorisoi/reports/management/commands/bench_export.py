"""`manage.py bench_export [--rows 100000,1000000] [--formats csv,xlsx]` (used by `make bench`, after bench_seed):
an export of N rows run as a background task by the real database worker, with its time and peak memory, to show
that memory stays flat whatever N. It lives with the exports (reports may not import operations' bench_seed; the
floors keep floor-3 apps apart), and does the same: everything in child processes on a scratch SQLite database under
a temporary directory, so the user's var/ is never opened.

The scratch database is migrated and given the demo center once (`seed_demo --persons 10`); then for each N and
format, a fresh copy gets N access-log rows of the demo center and an approved export request of the access log whose
build task is enqueued (`--fill`, in a child process), and `manage.py db_worker --batch` runs that task in another
child, whose peak memory (max RSS) comes from wait4(). The request is made directly in the database: the limits
checked when asking (300,000 rows for the access log) are not what is measured here.

Prints one JSON line per run: rows, format, seconds (the task, from the task result), worker_seconds (the worker
process, start-up included), peak_rss_mib (the worker process), file_mib, load_average.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yorisoi.accounts.models import Role, Staff
from yorisoi.privacy.models import (
    AccessAction,
    AccessLog,
    ExportFileStatus,
    ExportRequest,
    ExportStatus,
    ExportTarget,
)
from yorisoi.reports.exports.tasks import build_export


class Command(BaseCommand):
    help = "一時的なデータベースで、N 行のエクスポートをタスクとして実行し、時間と最大メモリを JSON で表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--rows", default="100000,1000000", help="行数（カンマ区切り、既定 100000,1000000）")
        parser.add_argument("--formats", default="csv,xlsx", help="形式（csv, xlsx のカンマ区切り、既定 両方）")
        parser.add_argument("--fill", type=int, help=("（内部用）この行数のアクセスログと承認済みの申請を作り、"
                                                      "作成タスクを登録します"))
        parser.add_argument("--format", default="csv", help="（内部用）--fill の申請の形式")
        parser.add_argument("--report", action="store_true", help="（内部用）最後のタスクの結果を JSON で表示します")

    def handle(self, *args, rows, formats, fill, format, report, **options):
        if fill is not None:
            return self._fill(fill, format)
        if report:
            return self._report()
        sizes = [int(n.replace("_", "")) for n in rows.split(",") if n.strip()]
        kinds = [f.strip() for f in formats.split(",") if f.strip()]
        if not sizes or any(n <= 0 for n in sizes) or not set(kinds) <= {"csv", "xlsx"}:
            raise CommandError("--rows は正の整数、--formats は csv・xlsx で指定してください。")
        manage = os.path.join(settings.BASE_DIR, "manage.py")
        workdir = tempfile.mkdtemp(prefix="yorisoi-bench-export-")
        template, current = os.path.join(workdir, "template.sqlite3"), os.path.join(workdir, "bench.sqlite3")
        self.stdout.write(f"scratch database: {current}")
        try:
            template_env = self._env(workdir, template)
            self._run([sys.executable, manage, "migrate", "--noinput", "-v0"], template_env)
            self._run([sys.executable, manage, "seed_demo", "--persons", "10", "--seed", "1"], template_env,
                      capture=True)
            with sqlite3.connect(template) as connection:  # fold the WAL in: one copy is the whole database
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for n in sizes:
                for kind in kinds:
                    for suffix in ("", "-wal", "-shm"):
                        if os.path.exists(current + suffix):
                            os.remove(current + suffix)
                    shutil.copyfile(template, current)
                    shutil.rmtree(os.path.join(workdir, "exports"), ignore_errors=True)
                    env = self._env(workdir, current)
                    self._run([sys.executable, manage, "bench_export", "--fill", str(n), "--format", kind], env)
                    load = os.getloadavg()[0]
                    started = time.perf_counter()
                    worker = subprocess.Popen(
                        [sys.executable, manage, "db_worker", "--batch", "--no-reload", "--no-startup-delay",
                         "-v0"], env=env, cwd=settings.BASE_DIR)
                    _, status, usage = os.wait4(worker.pid, 0)
                    worker.returncode = os.waitstatus_to_exitcode(status)
                    wall = time.perf_counter() - started
                    if worker.returncode != 0:
                        raise CommandError(f"db_worker failed (exit {worker.returncode})")
                    result = json.loads(self._run([sys.executable, manage, "bench_export", "--report"], env,
                                                  capture=True))
                    # the demo data's own access-log rows come on top of the N made for the bench
                    if result["file_status"] != "ready" or result["rows"] < n:
                        raise CommandError(f"the export did not complete: {result}")
                    self.stdout.write(json.dumps({
                        "rows": result["rows"], "format": kind, "seconds": result["seconds"],
                        "worker_seconds": round(wall, 1),
                        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "file_mib": result["file_mib"],
                        "load_average": round(load, 2)}))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _env(self, workdir: str, database: str) -> dict:
        # dev settings (the database task backend), everything under the scratch directory: keys, export files.
        return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": f"sqlite:///{database}",
                "YORISOI_VAR_DIR": workdir, "YORISOI_EXPORT_DIR": os.path.join(workdir, "exports")}

    def _run(self, command: list[str], env: dict, *, capture: bool = False) -> str:
        self.stdout.flush()
        done = subprocess.run(command, env=env, cwd=settings.BASE_DIR, text=True,
                              stdout=subprocess.PIPE if capture else None)
        if done.returncode != 0:
            raise CommandError(f"{' '.join(command[2:4])} failed (exit {done.returncode})")
        return done.stdout or ""

    # --- the child processes -----------------------------------------------------------------------------------

    def _fill(self, n: int, file_format: str) -> None:
        """N access-log rows of the demo center (bulk_create: no hash chain is needed to read them), then an approved
        request for the access log, and its build task in the queue."""
        director = Staff.objects.filter(role=Role.DIRECTOR).order_by("id").first()
        start = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
        actions = [AccessAction.VIEW, AccessAction.SEARCH, AccessAction.UPDATE, AccessAction.PRINT]
        chunk = 50_000
        for offset in range(0, n, chunk):
            count = min(chunk, n - offset)
            rows = [AccessLog(at=start + dt.timedelta(seconds=offset + i), staff_id=director.pk,
                              username=director.get_username(), center_id_value=director.center_id,
                              action=actions[i % 4], object_type="people.person", object_id=1 + i % 1000,
                              person_id_value=1 + i % 1000, section="face_sheet", detail=f"ベンチマーク {offset + i}",
                              prev_hash="0" * 64, row_hash=f"{offset + i:064x}") for i in range(count)]
            with transaction.atomic():
                AccessLog.objects.bulk_create(rows, batch_size=5000)
        now = timezone.now()
        with transaction.atomic():
            export_request = ExportRequest.objects.create(
                center_id=director.center_id, requested_by=director, requested_at=now,
                target=ExportTarget.ACCESS_LOG, file_format=file_format, filters={}, filter_summary="条件なし",
                reason="ベンチマーク", status=ExportStatus.APPROVED, decided_by=director, decided_at=now,
                self_approved=True, expires_at=now + dt.timedelta(hours=24), file_status=ExportFileStatus.QUEUED)
            build_export.enqueue(export_request.pk)

    def _report(self) -> None:
        task = DBTaskResult.objects.order_by("-enqueued_at").first()
        export_request = ExportRequest.objects.order_by("-id").first()
        size = export_request.file_size or 0
        self.stdout.write(json.dumps({
            "seconds": round((task.finished_at - task.started_at).total_seconds(), 1), "status": task.status,
            "file_status": export_request.file_status, "rows": export_request.rows_done,
            "file_mib": round(size / 2**20, 1)}))
