from django.core.management.base import BaseCommand, CommandError

from yorisoi.privacy.audit import reanchor, verify_chain


class Command(BaseCommand):
    help = ("アクセスログのハッシュチェーンと末尾の記録（行数・最後の行）を検証し、改ざん・削除があれば最初の行を示して"
            "異常終了します。")

    def add_arguments(self, parser):
        parser.add_argument("--reanchor", metavar="理由",
                            help="確認したうえで、現在のログを正しいものとして末尾の記録を作り直します（アクセスログに残ります）")

    def handle(self, *args, **options):
        note = options.get("reanchor")
        if note is not None:
            if not note.strip():
                raise CommandError("--reanchor には理由を書いてください。")
            head = reanchor(note=note.strip())
            self.stdout.write(f"末尾の記録を作り直しました（{head.row_count} 行）。")
        checked, broken, why = verify_chain()
        if why:
            where = f"ID {broken.id}" if broken is not None else "先頭"
            raise CommandError(f"アクセスログの改ざんを検出しました: {where}（{why}）。{checked} 行は正常でした。")
        self.stdout.write(self.style.SUCCESS(f"アクセスログ {checked} 行を検証しました。改ざんはありません。"))
