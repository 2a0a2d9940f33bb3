import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from yorisoi.accounts.models import Center
from yorisoi.operations.retention import anonymise
from yorisoi.operations.retention.kinds import KINDS, KINDS_BY_CODE
from yorisoi.operations.retention.rules import rules_for


class Command(BaseCommand):
    help = (
        "保存期間（センターごと・記録の種類ごと、最後のケースの終結から数えます）を過ぎた記録を匿名化します。"
        "氏名・連絡先・記述は消え、統計に使う項目（生年・性別・市区町村・区分・日付）は残ります。"
        "元に戻せないため --yes が必要です。--dry-run は内容の表示だけです。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="何も変更せず、匿名化される件数を表示します")
        parser.add_argument("--yes", action="store_true", help="確認のうえ実行します（付けないと表示のみ）")
        parser.add_argument("--today", help="基準日（YYYY-MM-DD、既定は今日）")
        parser.add_argument("--center", type=int, action="append", help="センターID（複数指定可、既定はすべて）")

    def handle(self, *args, dry_run, yes, today, center, verbosity, **options):
        if today:
            try:
                today = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today は YYYY-MM-DD の形で指定してください。") from None
        current = anonymise.plan(today=today, center_ids=center)
        self._describe(current, verbosity=verbosity)
        if dry_run:
            self.stdout.write("（--dry-run のため何も変更していません）")
            return
        if not yes:
            raise CommandError("匿名化は元に戻せません。上の内容を確認し、実行する場合は --yes を付けてください。")
        todo = sum(1 for item in current.people if item.kinds)

        def progress(done: int, total: int) -> None:
            if done == total or done % 200 == 0:
                self.stdout.write(f"  {done}/{total}人 ({done * 100 // total}%)")

        result = anonymise.run(today=current.today, center_ids=center, progress=progress if todo else None)
        self.stdout.write(self.style.SUCCESS(
            f"匿名化が終わりました（対象者 {result.done}人、うち全体 {result.whole}人）。アクセスログに記録しました。"
        ))

    def _describe(self, current: anonymise.Plan, *, verbosity: int) -> None:
        self.stdout.write(f"基準日 {current.today:%Y-%m-%d}")
        grouped = current.by_center()
        names = dict(Center.objects.filter(pk__in=grouped).values_list("pk", "name"))
        if not grouped:
            self.stdout.write("  匿名化の対象はありません。")
        for center_id, items in sorted(grouped.items()):
            years = rules_for(center_id)
            whole = sum(1 for item in items if item.whole)
            held = sum(1 for item in items if item.held)
            self.stdout.write(f"センター {center_id} {names.get(center_id, '')}: 対象者 {len(items)}人"
                              f"（全体の匿名化 {whole}人、提供記録の保存期間中のため氏名を保留 {held}人）")
            for kind in KINDS:
                n = sum(1 for item in items if kind.code in item.kinds)
                if n:
                    self.stdout.write(f"  {kind.label}（終結後{years[kind.code]}年）: {n}人分")
            if verbosity >= 2:
                for item in items:
                    labels = "、".join(KINDS_BY_CODE[c].label for c in item.kinds) or "（保留のみ）"
                    self.stdout.write(f"    対象者ID {item.person_id} 基準日 {item.reference_date}: {labels}")
