import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.operations.backup import BackupError, backup_secret, create_backup
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


class Command(BaseCommand):
    help = (
        "データベースの全テーブルとアップロードファイルを、環境変数 YORISOI_BACKUP_KEY の鍵で暗号化した"
        "バックアップファイルに書き出します。暗号化項目は暗号文のまま入り、項目の鍵（YORISOI_FIELD_KEYS）は入りません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="書き出すファイル（既存のファイルは上書きしません）")

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        progress = self.stdout.write if self.verbosity >= 1 else None
        try:
            secret = backup_secret()
            if progress:
                progress("バックアップを作成しています…")
            summary = create_backup(Path(options["output"]), secret=secret, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        log_access(
            actor=None, action=AccessAction.EXPORT,
            detail=(f"backup file={summary.path.name} rows={summary.total_rows} files={summary.files} "
                    f"sha256={summary.sha256} os_user={os_user()}"),
        )
        keys = "、".join(f"{k}（{n:,} 件）" for k, n in sorted(summary.key_ids.items())) or "なし"
        self.stdout.write(self.style.SUCCESS(
            f"バックアップを書き出しました: {summary.path}\n"
            f"  {summary.total_rows:,} 行、アップロードファイル {summary.files:,} 件\n"
            f"  SHA-256: {summary.sha256}\n"
            f"  暗号化項目の鍵ID: {keys}\n"
            "  復元には YORISOI_BACKUP_KEY と、上の鍵IDの項目鍵（YORISOI_FIELD_KEYS）が必要です。"
        ))
