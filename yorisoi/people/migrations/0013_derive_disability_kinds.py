"""The structured disability kinds that the certificates prove: 身体障害者手帳 → 身体, 療育手帳 → 知的,
精神障害者保健福祉手帳 → 精神. The others (発達, 認知症の疑い, 高次脳…) cannot be derived; staff add them."""

from django.db import migrations

BY_CERTIFICATE = {"physical": "disability_physical", "intellectual": "disability_intellectual",
                  "mental": "disability_mental"}


def derive(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Certificate = apps.get_model("people", "DisabilityCertificate")
    for kind, field in BY_CERTIFICATE.items():
        Person.objects.filter(pk__in=Certificate.objects.filter(kind=kind).values("person_id")).update(**{field: True})


class Migration(migrations.Migration):
    dependencies = [("people", "0012_disability_kinds_reoffences")]
    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
