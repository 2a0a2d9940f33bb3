"""The requester kind of a consultation, where the agency was chosen from the directory and its kind says it."""

from django.db import migrations

BY_ORGANIZATION_KIND = {
    "prosecutors_office": "prosecutor", "probation_office": "probation", "police": "police", "lawyer": "lawyer",
    "correctional_facility": "correctional", "municipality": "municipality", "hospital": "hospital",
    "other_center": "other_center",
}


def derive(apps, schema_editor):
    Consultation = apps.get_model("intake", "Consultation")
    for code, kind in BY_ORGANIZATION_KIND.items():
        Consultation.objects.filter(requester_kind="", organization__kind__code=code).update(requester_kind=kind)


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_consultation_requester_kind"), ("partners", "0002_seed_organization_kinds")]
    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
