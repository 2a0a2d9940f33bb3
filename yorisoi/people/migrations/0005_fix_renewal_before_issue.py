"""Before 0006 makes the database refuse a certificate renewed before it was issued, fix such certificates.

The face sheet has always refused them, so only certificates written around it (the admin, a script, an
import) can be affected. Which of the two dates is wrong cannot be known; the renewal date is kept, because
it drives the renewal reminders (やること, the inbox) and losing it could let a certificate lapse unnoticed,
and the issue date is cleared (交付日は不明). Each such certificate gets two history rows: one with the dates
as they were, then one after the fix with the reason below, so the cleared date stays readable in the
history. A database without such rows (the usual case) is left untouched. Backwards, nothing is restored.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

BEFORE = "データベースの制約の導入に伴う修正の前の状態"
REASON = "データベースの制約の導入に伴う修正：次回更新・再判定の日が交付日より前だったため、交付日を未入力にしました"


def _history_row(historical, row, when, reason):
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return historical(**values, history_date=when, history_type="~", history_change_reason=reason)


def clear_issue_dates_after_renewal(apps, schema_editor):
    certificate = apps.get_model("people", "DisabilityCertificate")
    historical = apps.get_model("people", "HistoricalDisabilityCertificate")
    now = timezone.now()
    history = []
    for row in certificate.objects.filter(issued_on__isnull=False, renewal_due__lt=F("issued_on")):
        history.append(_history_row(historical, row, now, BEFORE))
        row.issued_on = None
        row.updated_at = now
        row.save(update_fields=["issued_on", "updated_at"])
        history.append(_history_row(historical, row, now, REASON))
    historical.objects.bulk_create(history)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_history_change_reason_text"),
    ]

    operations = [migrations.RunPython(clear_issue_dates_after_renewal, migrations.RunPython.noop)]
