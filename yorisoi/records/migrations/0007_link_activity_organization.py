"""Backfill Activity.organization from the 相手方 text, set-based: per center, one UPDATE per organization, longest
names first, each touching only rows not linked yet (so a record naming 「○○市役所 福祉課」 goes to that
organization, not to 「○○市役所」). The same rule as partners.selectors.organization_named_in."""

from django.db import migrations
from django.db.models.functions import Length

MIN_NAME_LENGTH = 3  # partners.selectors.MIN_NAME_LENGTH at the time of writing


def link(apps, schema_editor):
    Organization = apps.get_model("partners", "Organization")
    Activity = apps.get_model("records", "Activity")
    organizations = (Organization.objects.annotate(_name_length=Length("name"))
                     .filter(_name_length__gte=MIN_NAME_LENGTH)
                     .order_by("center_id", "-_name_length", "id").values_list("pk", "center_id", "name"))
    for pk, center_id, name in organizations.iterator():
        (Activity.objects.filter(center_id=center_id, organization__isnull=True, counterpart__contains=name)
         .update(organization_id=pk))


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0006_activity_organization"),
    ]

    operations = [
        migrations.RunPython(link, migrations.RunPython.noop, elidable=True),
    ]
