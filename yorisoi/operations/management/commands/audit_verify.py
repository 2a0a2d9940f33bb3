from django.core.management.base import BaseCommand, CommandError

from yorisoi.accounts.models import Center
from yorisoi.privacy.audit import LEGACY, NO_CENTER, chain_center, chain_key, reanchor, verify_chains


def _chain_name(chain: str, names: dict[int, str]) -> str:
    if chain == LEGACY:
        return "移行前の共通チェーン（全センター）"
    if chain == NO_CENTER:
        return "センターなし（不明なユーザーのログイン失敗など）"
    center_id = chain_center(chain)
    if center_id not in names:
        return f"センター ID {center_id}（削除済み）"
    return f"センター「{names[center_id]}」（ID {center_id}）"


class Command(BaseCommand):
    help = ("アクセスログのハッシュチェーン（センターごと）と各チェーンの末尾の記録（行数・最後の行）を検証し、"
            "改ざん・削除があればセンターごとに異常な行を示して異常終了します。")

    def add_arguments(self, parser):
        parser.add_argument("--reanchor", metavar="理由",
                            help="確認したうえで、現在のログを正しいものとして末尾の記録を作り直します（アクセスログに残ります）。"
                                 "--center がなければ、末尾の記録が一致しないチェーンすべてが対象です")
        parser.add_argument("--center", metavar="ID",
                            help="--reanchor の対象をひとつのチェーンに限ります: センターID、none（センターなし）、"
                                 "legacy（移行前の共通チェーン）")

    def handle(self, *args, **options):
        names = dict(Center.objects.values_list("pk", "name"))
        note = options.get("reanchor")
        if note is not None:
            if not note.strip():
                raise CommandError("--reanchor には理由を書いてください。")
            for head in reanchor(note=note.strip(), chain=self._chain_option(options.get("center"))):
                name = _chain_name(head.chain, names)
                self.stdout.write(f"{name}: 末尾の記録を作り直しました（{head.row_count} 行）。")
        reports = verify_chains()
        broken = 0
        for report in reports:
            name = _chain_name(report.chain, names)
            if report.ok:
                self.stdout.write(f"{name}: {report.rows} 行、正常です。")
                continue
            broken += 1
            self.stdout.write(f"{name}: {report.rows} 行、改ざんを検出しました。")
            for row, why in report.problems:
                self.stdout.write(f"  - {'ID ' + str(row.id) if row is not None else '先頭'}（{why}）")
            if report.more_problems:
                self.stdout.write(f"  - ほかに {report.more_problems} 件")
        chained = {report.center_id for report in reports}
        for center_id in sorted(names.keys() - chained):
            self.stdout.write(f"{_chain_name(chain_key(center_id), names)}: 記録なし。")
        total = sum(report.rows for report in reports)
        if broken:
            raise CommandError(f"アクセスログの改ざんを検出しました: {len(reports)} チェーンのうち {broken} チェーン"
                               f"（全 {total} 行）。")
        self.stdout.write(self.style.SUCCESS(
            f"アクセスログ {total} 行を検証しました（{len(reports)} チェーン）。改ざんはありません。"))

    @staticmethod
    def _chain_option(value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if value in (LEGACY, NO_CENTER):
            return value
        if not value.isdigit():
            raise CommandError("--center にはセンターID、none または legacy を指定してください。")
        return chain_key(int(value))
