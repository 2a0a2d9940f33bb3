"""Before 0006 makes the database refuse them, fix the rows that break its two rules.

- A case whose sub staff (副担当) is its main staff (主担当): the sub staff is cleared, since the same person
  twice means in fact no sub staff, and the version goes up so that a form opened earlier cannot save over it.
- A label active more than once on one case (注意事項): the oldest stays active, the later copies are ended
  (active = False). Nothing is deleted; ended flags stay on the case page and can be reactivated.

The forms and services have always refused both, so only rows written around them (the admin, a script,
an import) are touched. Each change gets a history row with the reason below, so whoever reads the case's
history sees what the migration did. A database without such rows is left untouched. Backwards, nothing
is restored.
"""

from django.db import migrations
from django.db.models import Count, F, Min
from django.utils import timezone

REASON_STAFF = "データベースの制約の導入に伴う修正：主担当と同じ職員が副担当になっていたため、副担当を外しました"
REASON_FLAG = "データベースの制約の導入に伴う修正：同じ注意事項が重複して有効だったため、後から登録された方を解除しました"


def _history_row(historical, row, now, reason):
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return historical(**values, history_date=now, history_type="~", history_change_reason=reason)


def clear_sub_staff_equal_to_main(apps, schema_editor):
    case = apps.get_model("cases", "Case")
    historical = apps.get_model("cases", "HistoricalCase")
    now = timezone.now()
    rows = list(case.objects.filter(main_staff__isnull=False, sub_staff=F("main_staff")))
    for row in rows:
        row.sub_staff = None
        row.version += 1
        row.updated_at = now
        row.save(update_fields=["sub_staff", "version", "updated_at"])
    historical.objects.bulk_create([_history_row(historical, row, now, REASON_STAFF) for row in rows])


def end_later_copies_of_active_flags(apps, schema_editor):
    flag = apps.get_model("cases", "CaseFlag")
    historical = apps.get_model("cases", "HistoricalCaseFlag")
    now = timezone.now()
    doubled = (flag.objects.filter(active=True).values("case_id", "label").annotate(copies=Count("id"), first=Min("id"))
               .filter(copies__gt=1))
    later = []
    for group in doubled:
        later += flag.objects.filter(active=True, case_id=group["case_id"], label=group["label"],
                                     id__gt=group["first"])
    for row in later:
        row.active = False
        row.updated_at = now
        row.save(update_fields=["active", "updated_at"])
    historical.objects.bulk_create([_history_row(historical, row, now, REASON_FLAG) for row in later])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_history_change_reason_text"),
    ]

    operations = [
        migrations.RunPython(clear_sub_staff_equal_to_main, migrations.RunPython.noop),
        migrations.RunPython(end_later_copies_of_active_flags, migrations.RunPython.noop),
    ]
