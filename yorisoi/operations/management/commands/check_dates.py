"""manage.py check_dates: report stored dates outside the date rule (common/dates.py), by model, field and id.

No value of a record is printed (the ids are enough to open the record); the exit status is 1 when something was
found, so a cron job or CI can notice. Correct each record through its page (the director's 定期処理 page lists
the records of the center with links)."""

from django.core.management.base import BaseCommand

from yorisoi.operations.date_check import out_of_range


class Command(BaseCommand):
    help = "範囲外の日付（1868年1月1日〜2100年12月31日、生年月日は今日まで など）が保存されている記録を報告します。"

    def add_arguments(self, parser):
        parser.add_argument("--center", type=int, help="このセンター（ID）の記録だけを調べる")

    def handle(self, *args, center=None, **options):
        findings = out_of_range(center_id=center)
        if not findings:
            self.stdout.write("範囲外の日付は見つかりませんでした。")
            return
        for finding in findings:
            more = f" ほか{finding.count - len(finding.pks)}件" if finding.count > len(finding.pks) else ""
            ids = ", ".join(str(pk) for pk in finding.pks)
            self.stdout.write(f"{finding.code}（{finding.label}）: {finding.count}件 id={ids}{more}")
        self.stdout.write(self.style.WARNING("上の記録の日付を、それぞれの画面で正しい日付に直してください。"))
        raise SystemExit(1)
