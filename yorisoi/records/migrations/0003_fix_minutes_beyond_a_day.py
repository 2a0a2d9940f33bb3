"""Before 0004 makes the database refuse a support record of more than 1,440 minutes, fix the rows that have one.

The form has always refused such values, so these rows can only come from around it (the admin, a script,
an import). Their minutes are cleared (所要時間は不明) rather than guessed. Nothing is lost: a new history
row of each record gives the reason and the value that was stored (minutes are no personal data). The version goes up so that a form opened before the migration cannot save over the fix unnoticed.
A database without such rows (the usual case) is left untouched. Backwards, nothing is restored.
"""

from django.db import migrations
from django.utils import timezone

from yorisoi.common.crypto import ciphertext_passthrough

REASON = "データベースの制約の導入に伴う修正：所要時間 {minutes}分 は1440分を超えるため未入力にしました"


def _history_row(historical, row, now, reason):
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return historical(**values, history_date=now, history_type="~", history_change_reason=reason)


def clear_minutes_beyond_a_day(apps, schema_editor):
    activity = apps.get_model("records", "Activity")
    historical = apps.get_model("records", "HistoricalActivity")
    now = timezone.now()
    # The narrative is copied into the history row as stored: the migration never decrypts it.
    with ciphertext_passthrough():
        rows = list(activity.objects.filter(minutes__gt=1440))
        history = []
        for row in rows:
            reason = REASON.format(minutes=row.minutes)
            row.minutes = None
            row.version += 1
            row.updated_at = now
            row.save(update_fields=["minutes", "version", "updated_at"])
            history.append(_history_row(historical, row, now, reason))
        historical.objects.bulk_create(history)


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0002_history_change_reason_text"),
    ]

    operations = [migrations.RunPython(clear_minutes_beyond_a_day, migrations.RunPython.noop)]
