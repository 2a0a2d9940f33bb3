"""One access-log chain per center: the head table gets a `chain` key (and an ordinary id), and the single chain
written so far becomes the frozen `legacy` segment.

Why the existing rows are not re-chained per center: re-chaining means rewriting every row's prev_hash and
row_hash with the audit key. That would destroy the evidence the rows carry (a row changed before the migration
would come out with a fresh, valid hash: the migration would launder a tampered log), it needs UPDATE on a table
that is append-only in the database, and it takes hours on millions of rows. So the rows keep their hashes and
the old head keeps its seal: `audit_verify` walks rows up to the legacy head's last row as the old single chain
and compares them with that head exactly as before; every row written after this migration belongs to the chain
of its center. This migration computes no hash of a row and cannot make a broken log valid.

If the old head was missing (someone removed it), the legacy head is rebuilt here marked `reanchored`, as
privacy.audit does for any missing head: verification fails until someone who checked runs
`audit_verify --reanchor`, which is logged."""

import hashlib
import hmac

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models
from django.utils import timezone

LEGACY = "legacy"


def _legacy_mac(*, row_count: int, last_id: int | None, last_hash: str, reanchored: bool) -> str:
    """The seal of privacy.audit.head_mac for the legacy chain (kept here as it was when this was written)."""
    key = (getattr(settings, "YORISOI_AUDIT_KEY", "") or settings.SECRET_KEY).encode()
    text = f"head|{row_count}|{last_id or ''}|{last_hash}|{int(reanchored)}"
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def convert_to_chains(apps, schema_editor):
    """The old head (if any) is already the legacy head (the new column's default); rebuild a missing one."""
    AccessLog = apps.get_model("privacy", "AccessLog")
    AccessLogHead = apps.get_model("privacy", "AccessLogHead")
    # The new identity column starts at 1, where the old head already is (PostgreSQL; SQLite continues by itself).
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [AccessLogHead]):
            cursor.execute(sql)
    if AccessLogHead.objects.filter(chain=LEGACY).exists() or not AccessLog.objects.exists():
        return
    last = AccessLog.objects.order_by("-id").first()
    rows = AccessLog.objects.count()
    AccessLogHead.objects.create(
        chain=LEGACY, row_count=rows, last_id=last.id, last_hash=last.row_hash, reanchored=True,
        mac=_legacy_mac(row_count=rows, last_id=last.id, last_hash=last.row_hash, reanchored=True),
        updated_at=timezone.now())


def refuse_to_merge(apps, schema_editor):
    """Going back to one chain would leave the per-center chains unverifiable: only an empty split is undone."""
    AccessLogHead = apps.get_model("privacy", "AccessLogHead")
    if AccessLogHead.objects.exclude(chain=LEGACY).exists():
        raise RuntimeError("センターごとのアクセスログのチェーンがあるため、この移行は元に戻せません。")


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0006_anchor_and_append_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accessloghead",
            name="id",
            field=models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
        ),
        migrations.AddField(
            model_name="accessloghead",
            name="chain",
            field=models.CharField(default=LEGACY, max_length=30, unique=True, verbose_name="チェーン"),
            preserve_default=False,
        ),
        migrations.RunPython(convert_to_chains, refuse_to_merge),
    ]
