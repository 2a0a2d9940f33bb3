"""Seal the end of the existing access log in its head row, and on PostgreSQL make the log append-only in the
database itself: a trigger refuses every UPDATE and DELETE of privacy_accesslog, whoever sends it (the
application never changes or removes a row; retention and anonymisation leave the log alone)."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION privacy_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_accesslog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS privacy_accesslog_append_only ON privacy_accesslog;
CREATE TRIGGER privacy_accesslog_append_only BEFORE UPDATE OR DELETE ON privacy_accesslog
    FOR EACH ROW EXECUTE FUNCTION privacy_accesslog_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS privacy_accesslog_append_only ON privacy_accesslog;
DROP FUNCTION IF EXISTS privacy_accesslog_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)  # no placeholders: RAISE uses a literal %


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


def anchor(apps, schema_editor):
    """The same seal as privacy.audit.head_mac (kept here as it was when this migration was written)."""
    AccessLog = apps.get_model("privacy", "AccessLog")
    AccessLogHead = apps.get_model("privacy", "AccessLogHead")
    rows = AccessLog.objects.count()
    if not rows or AccessLogHead.objects.exists():
        return
    last = AccessLog.objects.order_by("-id").first()
    key = (getattr(settings, "YORISOI_AUDIT_KEY", "") or settings.SECRET_KEY).encode()
    mac = hmac.new(key, f"head|{rows}|{last.id}|{last.row_hash}|0".encode(), hashlib.sha256).hexdigest()
    AccessLogHead.objects.create(pk=1, row_count=rows, last_id=last.id, last_hash=last.row_hash, reanchored=False,
                                 mac=mac, updated_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0005_access_log_head_export_targets"),
    ]

    operations = [
        migrations.RunPython(anchor, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
