"""`manage.py run_scheduler [--once] [--interval SECONDS]`: enqueue the nightly jobs (operations/nightly.py).

Runs beside the task worker (`manage.py db_worker`), which does the work: `make run` starts both; in production
each is a service. Every minute it enqueues, from YORISOI_NIGHTLY_AT on, the day's run of each job that is not
enqueued yet (once per job and night, however many schedulers run). `--once` checks one time and exits (for cron).
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from yorisoi.operations import nightly


class Command(BaseCommand):
    help = "夜間の定期処理（アクセスログの検証・匿名化・完全削除など）を、決まった時刻にタスクとして登録します。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="1回だけ確認して終了します（cron から使うとき）")
        parser.add_argument("--interval", type=float, default=60, help="確認の間隔（秒、既定 60）")

    def handle(self, *args, once, interval, **options):
        try:
            at = nightly.nightly_time()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if interval <= 0:
            raise CommandError("--interval は正の秒数で指定してください。")
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        if not once:
            self.stdout.write(f"定期処理のスケジューラーを開始しました（毎日 {at:%H:%M} 以降に登録）。")
        while self.running:
            close_old_connections()
            for run in nightly.enqueue_due():
                self.stdout.write(f"登録しました: {run.job}（{run.night:%Y-%m-%d}）")
            close_old_connections()
            if once:
                return
            deadline = time.monotonic() + interval
            while self.running and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))

    def _stop(self, signum, frame):
        self.running = False
