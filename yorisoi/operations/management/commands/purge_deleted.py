from django.core.management.base import BaseCommand, CommandError

from yorisoi.privacy import services


class Command(BaseCommand):
    help = (
        "削除済み（論理削除）から指定日数を過ぎた記録を、変更履歴とともに完全に削除します。"
        "元に戻せないため --yes が必要です。実行内容はアクセスログに記録されます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True,
                            help="削除されてからこの日数を過ぎた記録を完全に削除します（0以上）")
        parser.add_argument("--yes", action="store_true", help="確認のうえ実行します（付けないと件数の表示のみ）")

    def handle(self, *args, older_than_days, yes, **options):
        if older_than_days < 0:
            raise CommandError("--older-than-days は0以上の日数で指定してください。")
        if not yes:
            import datetime as dt

            from django.utils import timezone

            cutoff = timezone.now() - dt.timedelta(days=older_than_days)
            for model, qs in services.purge_candidates(cutoff).items():
                self.stdout.write(f"  {model._meta.verbose_name}（{model._meta.label_lower}）: {qs.count()}件")
            raise CommandError(
                "完全削除は元に戻せません。上の件数を確認し、実行する場合は --yes を付けてください。"
            )
        result = services.purge_deleted(older_than_days=older_than_days)
        for label, n in sorted(result.deleted.items()):
            self.stdout.write(f"  {label}: {n}件を完全に削除しました")
        for label, n in sorted(result.kept_protected.items()):
            self.stdout.write(self.style.WARNING(f"  {label}: {n}件は他の記録から参照されているため残しました"))
        self.stdout.write(self.style.SUCCESS(
            f"完全削除が終わりました（{sum(result.deleted.values())}件）。アクセスログに記録しました。"
        ))
