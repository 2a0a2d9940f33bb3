"""Remove provision and receipt records older than the retention period (YORISOI_DISCLOSURE_RETENTION_YEARS,
3 by default), and nothing younger. Without --yes it only counts. The removal is logged in the access log."""

from django.core.management.base import BaseCommand

from yorisoi.disclosure import conf, services


class Command(BaseCommand):
    help = "保存期間を過ぎた第三者提供記録・受領記録を削除します（--yes なしでは件数を表示するだけ）。"

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="実際に削除する")

    def handle(self, *args, yes=False, **options):
        cutoff, (records, receipts) = services.expired_querysets()
        self.stdout.write(f"保存期間 {conf.retention_years()}年：{cutoff:%Y-%m-%d} より前の記録が対象です。")
        if not yes:
            self.stdout.write(f"削除の対象：提供記録 {records.count()}件・受領記録 {receipts.count()}件"
                              "（削除するには --yes を付けて実行してください）")
            return
        result = services.purge_expired_records()
        self.stdout.write(self.style.SUCCESS(
            f"削除しました：提供記録 {sum(result.records.values())}件・受領記録 {sum(result.receipts.values())}件"))
