"""`manage.py bench_load [--quick]` (`make bench-load`, `make bench-load QUICK=1`): the load benchmark.

1. A national data set in a scratch PostgreSQL database (`yorisoi_bench`, `yorisoi_bench_quick` for --quick):
   `seed_demo --centers 47` spreads the persons over 47 fictional centers of unequal size, the demo center the
   large one (a tenth). Made once and reused: when the database already holds the asked number of persons and
   centers it is not seeded again (--reset drops it first).
2. The application as in production: gunicorn with config.settings.bench (= config.settings.production, served
   over plain HTTP on 127.0.0.1: cookies not marked Secure, no https redirect), the documented worker count
   (2 × cores + 1), on a free port; the secrets are bench values kept under var/bench/state/.
3. Locust (bench/locustfile.py), headless: each simulated member of staff logs in with the
   password and the authenticator code, then does the mix of the day's work (home, やること, calendar, person list
   and search, header search, person page, case page, timeline page 2, add a record, vacancy search, directory,
   approvals, audit log) with think time (constant pacing: open loop while pages answer faster than the pace).
   Statistics are reset once every user has logged in, so the figures are the steady state.
4. A closed-loop run (no think time) that finds the saturation throughput, reported per core.

Prints one JSON line per page and run (p50/p95/p99 in ms, requests, failures, requests/s) and a summary line with
the load average; draws the chart into var/bench/. Also the database size per 1,000 persons (capacity plan).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Outside the yorisoi package: importing locust patches the process for gevent, which no test or page may see.
LOCUSTFILE = Path(settings.BASE_DIR) / "bench" / "locustfile.py"
FULL = {"persons": 300_000, "users": 300, "think": 10.0, "measure": 300, "closed_users": 50, "closed_measure": 120}
QUICK = {"persons": 3_000, "users": 30, "think": 5.0, "measure": 60, "closed_users": 10, "closed_measure": 30}
SAMPLE = 200  # persons and cases per center handed to the simulated staff


def workers_for(cores: int) -> int:
    """The documented gunicorn worker count (docs/deployment.md): 2 × cores + 1."""
    return 2 * cores + 1


class Command(BaseCommand):
    help = ("全国規模のデモデータ（47 センター）で本番と同じ構成のアプリを起動し、職員の操作を模した負荷をかけて"
            "画面ごとの応答時間（p50/p95/p99）・エラー・処理量を表示します。")

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="小さなデータ（3,000 人）で 5 分以内に終える")
        parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES",
                                                                 "postgres://postgres@127.0.0.1:5432/postgres"),
                            help="PostgreSQL サーバー（既定 postgres://postgres@127.0.0.1:5432/postgres）")
        parser.add_argument("--database", default="", help="ベンチマーク用データベース名（既定 yorisoi_bench）")
        parser.add_argument("--persons", type=int, default=0, help="対象者の数（既定 300,000、--quick で 3,000）")
        parser.add_argument("--centers", type=int, default=47, help="センターの数（既定 47）")
        parser.add_argument("--users", type=int, default=0, help="同時にログインしている職員の数（既定 300）")
        parser.add_argument("--think", type=float, default=0.0, help="操作の間隔（秒、既定 10）")
        parser.add_argument("--measure", type=int, default=0, help="全員のログイン後に測る秒数（既定 300）")
        parser.add_argument("--closed-users", type=int, default=0, help="飽和を測る同時実行数（既定 50）")
        parser.add_argument("--closed-measure", type=int, default=0, help="飽和の測定秒数（既定 120）")
        parser.add_argument("--workers", type=int, default=0, help="gunicorn のワーカー数（既定 2×コア数+1）")
        parser.add_argument("--reset", action="store_true", help="データベースを作り直す")
        parser.add_argument("--seed-only", action="store_true", help="データを用意するだけで負荷をかけない")

    def handle(self, *args, quick, postgres, database, persons, centers, users, think, measure, closed_users,
               closed_measure, workers, reset, seed_only, **options):
        plan = dict(QUICK if quick else FULL)
        for name, value in (("persons", persons), ("users", users), ("think", think), ("measure", measure),
                            ("closed_users", closed_users), ("closed_measure", closed_measure)):
            plan[name] = value or plan[name]
        database = database or ("yorisoi_bench_quick" if quick else "yorisoi_bench")
        self.bench_dir = Path(settings.BASE_DIR) / "var" / "bench"
        state = self.bench_dir / "state"
        state.mkdir(parents=True, exist_ok=True)
        self.server, self.url = postgres, _with_db(postgres, database)
        self.env = {**os.environ, "DATABASE_URL": self.url, "YORISOI_VAR_DIR": str(state),
                    "SECRET_KEY": _secret(state / "secret_key", "django"),
                    "YORISOI_FIELD_KEYS": _secret(state / "field_keys", "fernet"), "ALLOWED_HOSTS": "127.0.0.1",
                    "DJANGO_SETTINGS_MODULE": "config.settings.dev", "PYTHONUNBUFFERED": "1"}
        self.cores = os.cpu_count() or 1
        started = time.perf_counter()
        self._prepare(database, plan["persons"], centers, reset)
        self.stdout.write(f"data ready in {time.perf_counter() - started:.0f} s")
        self._capacity(plan["persons"])
        if seed_only:
            return
        accounts = self.bench_dir / "accounts.json"
        count = self._accounts(accounts)
        needed = plan["users"] + plan["closed_users"]
        if count < needed:
            raise CommandError(f"ログインできる職員が {count} 人しかいません（{needed} 人必要）。"
                               "--users を減らしてください。")
        workers = workers or workers_for(self.cores)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        port = _free_port()
        server = self._gunicorn(port, workers)
        try:
            open_rows = self._locust("open", port, accounts, users=plan["users"], think=plan["think"],
                                     measure=plan["measure"], offset=0)
            closed_rows = self._locust("closed", port, accounts, users=plan["closed_users"], think=0,
                                       measure=plan["closed_measure"], offset=plan["users"])
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        total = next((r for r in closed_rows if r["page"] == "Aggregated"), None)
        if total:
            self._line({"run": "closed", "page": "saturation", "workers": workers, "cores": self.cores,
                        "requests_per_s": total["requests_per_s"],
                        "requests_per_s_per_core": round(total["requests_per_s"] / self.cores, 2),
                        "load_average": _load()})
        self._chart(open_rows, closed_rows, stamp, plan, workers)
        self.stdout.write(f"bench-load finished in {time.perf_counter() - started:.0f} s")

    # --- the data set -------------------------------------------------------------------------
    def _sql(self, url: str, statement: str, params=()):
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(statement, params).fetchall() if statement.lstrip().upper().startswith(
                ("SELECT", "WITH")) else connection.execute(statement, params)

    def _prepare(self, database: str, persons: int, centers: int, reset: bool) -> None:
        exists = self._sql(self.server, "SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if exists and reset:
            self._sql(self.server, f'DROP DATABASE "{database}" WITH (FORCE)')
            exists = False
        if not exists:
            self._sql(self.server, f'CREATE DATABASE "{database}"')
        self._run(["migrate", "--noinput", "-v0"])
        have_persons = self._sql(self.url, "SELECT count(*) FROM people_person")[0][0]
        have_centers = self._sql(self.url, "SELECT count(DISTINCT center_id) FROM people_person")[0][0]
        if have_persons == persons and have_centers == centers:
            self.stdout.write(f"reusing {database}: {have_persons:,} persons in {have_centers} centers")
            return
        if have_persons:
            raise CommandError(f"{database} には別の大きさのデータ（{have_persons:,} 人、{have_centers} センター）が"
                               "あります。--reset で作り直してください。")
        self.stdout.write(f"seeding {database}: {persons:,} persons in {centers} centers "
                          f"(load average {_load()})")
        self._run(["seed_demo", "--persons", str(persons), "--centers", str(centers), "--seed", "1"])
        self._sql(self.url, "VACUUM ANALYZE")

    def _run(self, arguments: list[str]) -> None:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments]
        if subprocess.run(command, env=self.env, cwd=settings.BASE_DIR).returncode != 0:
            raise CommandError(f"{arguments[0]} failed")

    def _capacity(self, persons: int) -> None:
        size = self._sql(self.url, "SELECT pg_database_size(current_database())")[0][0]
        counts = self._sql(self.url, "SELECT (SELECT count(*) FROM people_person), (SELECT count(*) FROM cases_case),"
                                     " (SELECT count(*) FROM records_activity)")[0]
        self._line({"run": "data", "persons": counts[0], "cases": counts[1], "records": counts[2],
                    "database_mib": round(size / 2**20, 1),
                    "mib_per_1000_persons": round(size / 2**20 / max(counts[0], 1) * 1000, 1),
                    "kib_per_record": round(size / 1024 / max(counts[2], 1), 2)})

    def _accounts(self, path: Path) -> int:
        """Directors and workers, interleaved across centers (the first users spread over the country), with a
        sample of their center's persons and cases; the password and authenticator key are the public demo ones."""
        from yorisoi.accounts.demo import DEMO_PASSWORD, demo_totp_key

        rows = self._sql(self.url, "SELECT username, role, center_id FROM accounts_staff WHERE is_active AND role IN "
                                   "('director', 'worker') ORDER BY center_id, role, id")
        by_center: dict[int, list] = {}
        for username, role, center_id in rows:
            by_center.setdefault(center_id, []).append((username, role))
        samples = {}
        for center_id in by_center:
            persons = [r[0] for r in self._sql(self.url, "SELECT id FROM people_person WHERE center_id = %s AND "
                                                         "deleted_at IS NULL ORDER BY random() LIMIT %s",
                                               [center_id, SAMPLE])]
            cases = [r[0] for r in self._sql(self.url, "SELECT id FROM cases_case WHERE center_id = %s AND "
                                                       "deleted_at IS NULL AND phase <> 'closed' "
                                                       "ORDER BY random() LIMIT %s",
                                             [center_id, SAMPLE])]
            if persons and cases:
                samples[center_id] = (persons, cases)
        accounts, queues = [], [q for c, q in by_center.items() if c in samples]
        centers = [c for c in by_center if c in samples]
        while any(queues):
            for center_id, queue in zip(centers, queues, strict=True):
                if queue:
                    username, role = queue.pop(0)
                    accounts.append({"username": username, "role": role, "password": DEMO_PASSWORD,
                                     "otp_key": demo_totp_key(username), "persons": samples[center_id][0],
                                     "cases": samples[center_id][1]})
        path.write_text(json.dumps(accounts, ensure_ascii=False))
        return len(accounts)

    # --- the application and the load ---------------------------------------------------------------
    def _gunicorn(self, port: int, workers: int) -> subprocess.Popen:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
        log = open(self.bench_dir / "gunicorn.log", "w")
        server = subprocess.Popen([gunicorn, "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                   "--timeout", "60", "--access-logfile", "-"], env=env, cwd=settings.BASE_DIR,
                                  stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        self.stdout.write(f"gunicorn: {workers} workers on 127.0.0.1:{port} (pid {server.pid})")
                        return server
            except OSError:
                time.sleep(1)
            if server.poll() is not None:
                break
        server.terminate()
        raise CommandError(f"gunicorn が起動しませんでした（{self.bench_dir / 'gunicorn.log'}）。")

    def _locust(self, run: str, port: int, accounts: Path, *, users: int, think: float, measure: int,
                offset: int) -> list[dict]:
        # Logging in hashes a password (a large part of a second of CPU, far more on a busy machine): users start at
        # ~2 per second per core; the locust file resets the statistics when the last one has logged in and stops
        # BENCH_MEASURE seconds later (the figures are the steady state). --run-time only caps a stuck run.
        rate = max(1.0, 2.0 * self.cores)
        cap = int(users / rate) + measure + 900
        prefix = self.bench_dir / f"locust-{run}"
        env = {**self.env, "BENCH_ACCOUNTS": str(accounts), "BENCH_THINK": str(think),
               "BENCH_ACCOUNT_OFFSET": str(offset), "BENCH_USERS": str(users), "BENCH_MEASURE": str(measure)}
        self.stdout.write(f"{run} loop: {users} staff, think {think:g} s, {measure} s after the last log-in "
                          f"(load average {_load()})")
        self.stdout.flush()
        command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
                   "--users", str(users), "--spawn-rate", f"{rate:g}", "--run-time", f"{cap}s",
                   "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--stop-timeout", "10",
                   "--loglevel", "WARNING"]
        with open(self.bench_dir / f"locust-{run}.log", "w") as log:
            subprocess.run(command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
        rows = []
        with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                line = {"run": run, "page": row["Name"], "requests": int(row["Request Count"]),
                        "failures": int(row["Failure Count"]), "p50_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"]),
                        "p99_ms": _ms(row["99%"]), "requests_per_s": round(float(row["Requests/s"]), 2)}
                if line["page"] == "Aggregated":
                    line.update(users=users, think_s=think, measured_s=measure, load_average=_load())
                rows.append(line)
                self._line(line)
        return rows

    def _chart(self, open_rows: list[dict], closed_rows: list[dict], stamp: str, plan: dict, workers: int) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib_fontja  # noqa: F401  (Japanese page names)
        from matplotlib import pyplot

        figure, axes = pyplot.subplots(1, 2, figsize=(14, 6), sharey=True)
        for axis, rows, title in ((axes[0], open_rows, f"{plan['users']} staff, think {plan['think']:g} s"),
                                  (axes[1], closed_rows, f"closed loop, {plan['closed_users']} in flight")):
            rows = [r for r in rows if r["page"] != "Aggregated" and r["requests"] and r["p50_ms"] is not None]
            names = [r["page"] for r in rows]
            positions = range(len(rows))
            for shift, key in ((-0.27, "p50_ms"), (0, "p95_ms"), (0.27, "p99_ms")):
                axis.barh([p + shift for p in positions], [r[key] for r in rows], height=0.27, label=key[:3])
            axis.set_yticks(list(positions), names)
            axis.set_xscale("log")
            axis.set_xlabel("ms")
            axis.set_title(title)
            axis.axvline(150, color="grey", linestyle="--", linewidth=1)
        axes[0].legend()
        figure.suptitle(f"yorisoi bench-load {stamp}: {plan['persons']:,} persons, gunicorn {workers} workers, "
                        f"{self.cores} cores, load average {_load()}")
        figure.tight_layout()
        path = self.bench_dir / f"bench-load-{stamp}.png"
        figure.savefig(path, dpi=100)
        self.stdout.write(f"chart: {path}")

    def _line(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))
        self.stdout.flush()


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _ms(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def _secret(path: Path, kind: str) -> str:
    """A bench secret kept beside the scratch data (the seed and the server must share the field keys)."""
    if not path.exists():
        if kind == "fernet":
            from cryptography.fernet import Fernet

            value = "bench:" + Fernet.generate_key().decode()
        else:
            from django.core.management.utils import get_random_secret_key

            value = get_random_secret_key()
        path.write_text(value)
        path.chmod(0o600)
    return path.read_text().strip()
