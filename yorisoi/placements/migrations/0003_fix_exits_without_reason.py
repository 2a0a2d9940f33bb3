"""Before 0004 makes the database refuse an exit date without an exit reason, give such placements a reason.

The exit pages have always asked for the reason, so only placements written around them (the admin, a
script, an import) can have none. They get 「その他」, the reason the exit form offers when none of the others
fits; the exit date and the notes are left as they are. Each gets a history row with the reason below, so
the placement's history shows the reason was set by this migration, not chosen by a person, and the version
goes up so that a form opened before cannot save over it unnoticed. A database without such rows (the usual
case) is left untouched. Backwards, nothing is restored.
"""

from django.db import migrations
from django.utils import timezone

REASON = "データベースの制約の導入に伴う修正：退所の理由が未入力だったため「その他」にしました"


def _history_row(historical, row, now, reason):
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return historical(**values, history_date=now, history_type="~", history_change_reason=reason)


def give_exits_a_reason(apps, schema_editor):
    placement = apps.get_model("placements", "Placement")
    historical = apps.get_model("placements", "HistoricalPlacement")
    now = timezone.now()
    rows = list(placement.objects.filter(exited_on__isnull=False, exit_reason=""))
    for row in rows:
        row.exit_reason = "other"
        row.version += 1
        row.updated_at = now
        row.save(update_fields=["exit_reason", "version", "updated_at"])
    historical.objects.bulk_create([_history_row(historical, row, now, REASON) for row in rows])


class Migration(migrations.Migration):

    dependencies = [
        ("placements", "0002_history_change_reason_text"),
    ]

    operations = [migrations.RunPython(give_exits_a_reason, migrations.RunPython.noop)]
