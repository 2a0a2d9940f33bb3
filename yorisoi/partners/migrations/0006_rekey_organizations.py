"""Rewrite the organizations' search keys with the strict name fold (yorisoi.common.names): 斎 and 斉 are no longer
folded into one character, and more separators are dropped."""

from django.db import migrations


def rekey(apps, schema_editor):
    from yorisoi.partners.normalize import organization_search_key

    Organization = apps.get_model("partners", "Organization")
    rows = list(Organization.objects.only("pk", "name", "name_kana", "department"))
    for org in rows:
        org.search_key = organization_search_key(name=org.name, name_kana=org.name_kana, department=org.department)
    Organization.objects.bulk_update(rows, ["search_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_date_rule")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
