"""Re-encrypt every encrypted value under the primary field key, while the site keeps running.

Every model's EncryptedTextFields are found by walking the app registry (historical tables included).
Rows are read in primary-key order, `--batch-size` at a time, as stored ciphertext (ciphertext_passthrough:
nothing is decrypted by the ORM), re-encrypted in Python, and written with a compare-and-set `.update()`:
the row changes only if the column still holds the value that was read, so a save made by the site in the
meantime (already under the primary key) is never overwritten, and `updated_at`, `version` and the history
tables are not touched. Values already under the primary key are skipped, so the command can be stopped
and run again at any time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Left

from yorisoi.common.crypto import (
    DecryptionError,
    EncryptedTextField,
    ciphertext_passthrough,
    decrypt,
    encrypt,
    encrypted_fields,
    key_id_of,
    keyring,
)

UNKNOWN = "?"  # a value under a key id that is not configured, or not in "<id>$<token>" form


@dataclass
class Failure:
    label: str
    pk_name: str
    pk: object
    field: str
    reason: str


@dataclass
class RotationResult:
    reencrypted: Counter = field(default_factory=Counter)  # (model label, field name) -> values
    changed_meanwhile: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


def _present(qs, attname: str):
    return qs.exclude(**{f"{attname}__isnull": True}).exclude(**{attname: ""})


def count_by_key(model: type[models.Model], fld: EncryptedTextField, key_ids: list[str]) -> Counter:
    """How many stored values of one column are under each key id (UNKNOWN for the rest); SQL only.

    The prefix is compared with `=` on LEFT(column, n) rather than LIKE, which SQLite treats
    case-insensitively."""
    attname = fld.attname
    annotations = {
        f"_prefix{i}": Left(F(attname), len(key_id) + 1, output_field=models.TextField())
        for i, key_id in enumerate(key_ids)
    }
    aggregates = {"total": Count("pk")}
    for i, key_id in enumerate(key_ids):
        aggregates[f"key{i}"] = Count("pk", filter=Q(**{f"_prefix{i}": f"{key_id}$"}))
    with ciphertext_passthrough():
        result = _present(model._base_manager.all(), attname).annotate(**annotations).aggregate(**aggregates)
    counts = Counter({key_id: result[f"key{i}"] for i, key_id in enumerate(key_ids) if result[f"key{i}"]})
    unknown = result["total"] - sum(counts.values())
    if unknown:
        counts[UNKNOWN] = unknown
    return counts


def _stale_rows(model, fields, primary: str):
    """Rows where at least one encrypted column holds a value not under the primary key, in pk order."""
    prefix = f"{primary}$"
    annotations, stale = {}, Q()
    for i, fld in enumerate(fields):
        annotations[f"_prefix{i}"] = Left(F(fld.attname), len(prefix), output_field=models.TextField())
        stale |= (
            Q(**{f"{fld.attname}__isnull": False}) & ~Q(**{fld.attname: ""}) & ~Q(**{f"_prefix{i}": prefix})
        )
    return model._base_manager.annotate(**annotations).filter(stale).order_by("pk")


def compare_and_set(model, pk, attname: str, old: str, new: str) -> bool:
    """Write `new` only if the column still holds `old`; False when the site saved the row meanwhile."""
    with ciphertext_passthrough():
        return bool(model._base_manager.filter(pk=pk, **{attname: old}).update(**{attname: new}))


def rotate_model(model, fields, *, batch_size: int, result: RotationResult, progress=None) -> None:
    primary, keys = keyring()
    prefix = f"{primary}$"
    label = model._meta.label
    pk_name = model._meta.pk.name
    attnames = [fld.attname for fld in fields]
    with ciphertext_passthrough():
        stale = _stale_rows(model, fields, primary)
        total = stale.count()
        if not total:
            return
        done, last_pk = 0, None
        while True:
            page = stale if last_pk is None else stale.filter(pk__gt=last_pk)
            rows = list(page.values_list("pk", *attnames)[:batch_size])
            if not rows:
                break
            # Decrypt and re-encrypt outside the transaction so the write lock is held only for the updates.
            changes = []
            for pk, *values in rows:
                for fld, old in zip(fields, values, strict=True):
                    if not old or old.startswith(prefix):
                        continue
                    try:
                        new = encrypt(decrypt(old))
                    except DecryptionError:
                        key_id = key_id_of(old)
                        reason = "鍵が合わないか値が壊れています" if key_id in keys else "登録されていない鍵IDです"
                        if key_id and key_id not in keys:
                            reason += f"（鍵ID {key_id}）"
                        result.failures.append(Failure(label, pk_name, pk, fld.name, reason))
                        continue
                    changes.append((pk, fld, old, new))
            with transaction.atomic():
                for pk, fld, old, new in changes:
                    updated = compare_and_set(model, pk, fld.attname, old, new)
                    counter = result.reencrypted if updated else result.changed_meanwhile
                    counter[(label, fld.name)] += 1
            done += len(rows)
            last_pk = rows[-1][0]
            if progress:
                progress(f"  {label}: {min(done, total):,} / {total:,} 行")


class Command(BaseCommand):
    help = (
        "暗号化項目を YORISOI_FIELD_KEYS の先頭の鍵（主鍵）で暗号化し直します。運用中に実行でき、"
        "中断しても再実行すれば続きから進みます。--check で鍵ID別の件数を表示します。"
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="書き換えず、再暗号化が必要な件数だけを表示します。")
        mode.add_argument(
            "--check", action="store_true",
            help="鍵ID別の件数を表示します（古い鍵を外してよいかの確認用）。未登録の鍵IDがあれば異常終了します。",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="1トランザクションで処理する行数（既定 500）")

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size は 1 以上を指定してください。")
        primary, keys = keyring()
        if options["check"]:
            return self.check_keys(primary, list(keys))
        if options["dry_run"]:
            return self.dry_run(primary, list(keys))
        return self.rotate(primary, options["batch_size"])

    # --- modes ---------------------------------------------------------------------------------------------

    def check_keys(self, primary: str, key_ids: list[str]) -> None:
        totals = self._print_counts(primary, key_ids, only_stale=False)
        self.stdout.write("")
        for key_id in key_ids:
            if key_id == primary:
                self.stdout.write(f"鍵 {key_id}（主鍵）: {totals[key_id]:,} 件")
            elif totals[key_id]:
                self.stdout.write(self.style.WARNING(
                    f"鍵 {key_id}: {totals[key_id]:,} 件が残っています。rotate_keys を実行してください。"
                ))
            else:
                self.stdout.write(self.style.SUCCESS(
                    f"鍵 {key_id}: 0 件。YORISOI_FIELD_KEYS から外せます"
                    "（この鍵で作ったバックアップを復元する可能性がある間は、鍵そのものは保管してください）。"
                ))
        if totals[UNKNOWN]:
            raise CommandError(
                f"登録されていない鍵ID（または形式の正しくない値）が {totals[UNKNOWN]:,} 件あります。"
                "rotate_keys を実行すると該当する行のIDを表示します。"
            )

    def dry_run(self, primary: str, key_ids: list[str]) -> None:
        totals = self._print_counts(primary, key_ids, only_stale=True)
        stale = sum(n for key_id, n in totals.items() if key_id != primary)
        self.stdout.write(f"\n主鍵 {primary} 以外の値: {stale:,} 件（--dry-run のため書き換えていません）")

    def rotate(self, primary: str, batch_size: int) -> None:
        progress = self.stdout.write if self.verbosity >= 1 else None
        self.stdout.write(f"主鍵 {primary} で暗号化し直します（{batch_size} 行ずつ）。")
        result = RotationResult()
        for model, fields in encrypted_fields():
            rotate_model(model, fields, batch_size=batch_size, result=result, progress=progress)

        self.stdout.write("\n再暗号化した件数:")
        if not result.reencrypted:
            self.stdout.write("  なし（すべて主鍵で暗号化済みです）")
        for (label, name), n in sorted(result.reencrypted.items()):
            self.stdout.write(f"  {label}.{name}: {n:,}")
        if result.changed_meanwhile:
            changed = sum(result.changed_meanwhile.values())
            self.stdout.write(
                f"処理中に画面から更新されたため書き換えなかった値: {changed:,} 件（再実行で確認できます）"
            )
        for failure in result.failures:
            self.stderr.write(
                f"復号できません: {failure.label} {failure.pk_name}={failure.pk} "
                f"項目 {failure.field}（{failure.reason}）"
            )
        if result.failures:
            raise CommandError(
                f"復号できない値が {len(result.failures):,} 件ありました（上に表示した行）。"
                "その値を暗号化した鍵を YORISOI_FIELD_KEYS に戻してから再実行してください。"
            )
        self.stdout.write(self.style.SUCCESS(
            f"完了しました: {sum(result.reencrypted.values()):,} 件を主鍵 {primary} で暗号化し直しました。"
        ))

    # --- helpers -------------------------------------------------------------------------------------------

    def _print_counts(self, primary: str, key_ids: list[str], *, only_stale: bool) -> Counter:
        totals: Counter = Counter()
        self.stdout.write(f"鍵ID別の件数（主鍵: {primary}、? は未登録の鍵IDまたは不正な形式）:")
        for model, fields in encrypted_fields():
            for fld in fields:
                counts = count_by_key(model, fld, key_ids)
                totals.update(counts)
                shown = {k: n for k, n in counts.items() if not (only_stale and k == primary)}
                if shown:
                    cells = " ".join(f"{k}={n:,}" for k, n in sorted(shown.items()))
                    self.stdout.write(f"  {model._meta.label}.{fld.name}: {cells}")
        return totals
