import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.operations.backup import BackupError, backup_secret, restore_backup
from yorisoi.operations.management.commands.backup import os_user
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction


class Command(BaseCommand):
    help = (
        "backup で作ったファイルから、空のデータベースとアップロードファイルを復元します。"
        "サイトを止めてから実行してください。データが入っている場合は --force のときだけ、すべて消して置き換えます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="バックアップファイル")
        parser.add_argument(
            "--force", action="store_true",
            help="復元先のデータベースとアップロードファイルにデータがあっても、すべて消してから復元します。",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        progress = self.stdout.write if self.verbosity >= 1 else None
        path = Path(options["file"])
        try:
            secret = backup_secret()
            if progress:
                progress("バックアップを復元しています…")
            summary = restore_backup(path, secret=secret, force=options["force"], progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except tarfile.TarError:
            raise CommandError("バックアップファイルの形式が正しくありません。") from None
        # After the restore: the access log was just replaced, so this row extends the restored chain.
        log_access(
            actor=None, action=AccessAction.EXPORT,
            detail=(f"restore file={path.name} created_at={summary.created_at} rows={summary.total_rows} "
                    f"files={summary.files} force={options['force']} os_user={os_user()}"),
        )
        self.stdout.write(self.style.SUCCESS(
            f"復元しました（{summary.created_at} 作成のバックアップ）: "
            f"{summary.total_rows:,} 行、アップロードファイル {summary.files:,} 件。"
        ))
        if summary.missing_key_ids:
            self.stderr.write(self.style.WARNING(
                "注意: 暗号化項目を読むための鍵ID " + "、".join(summary.missing_key_ids)
                + " が YORISOI_FIELD_KEYS にありません。鍵を設定してからサイトを起動してください。"
            ))
