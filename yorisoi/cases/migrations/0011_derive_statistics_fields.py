"""Derive what today's records tell about the new statistics fields of a case.

- funding programme: every center gets its own-duty row; every case is put under it.
- coordination type: 出口支援（特別調整）→ 特別調整, 入口支援 → 被疑者等支援, the other kinds → その他
  (一般調整 cannot be told from the old kinds: staff correct it on the edit page).
- actual release date: only where the evidence is strong, i.e. a placement began on the expected release date.
- justice snapshot: from the person's face-sheet justice status, only for persons with a single case (with
  several cases the one current value cannot be assigned to any of them).
"""

from django.db import migrations
from django.db.models import Count, F

OWN_DUTY_NAME = "地域生活定着促進事業（本来業務）"

STAGE = {"suspect": "suspect", "defendant": "defendant", "in_custody": "inmate", "parole": "parolee",
         "sentence_completed": "released"}
DISPOSITION = {"suspended_prosecution": "suspended_prosecution", "not_prosecuted": "not_prosecuted",
               "suspended_sentence": "judgment", "suspended_sentence_probation": "judgment", "fine": "summary",
               "sentence_completed": "release_expiry", "parole": "parole"}
SENTENCE = {"suspended_prosecution": "suspended_prosecution", "not_prosecuted": "not_prosecuted",
            "suspended_sentence": "suspended", "suspended_sentence_probation": "suspended_probation",
            "fine": "fine", "sentence_completed": "imprisonment", "parole": "imprisonment",
            "in_custody": "imprisonment"}


def derive(apps, schema_editor):
    Center = apps.get_model("accounts", "Center")
    Case = apps.get_model("cases", "Case")
    Programme = apps.get_model("cases", "FundingProgramme")
    Placement = apps.get_model("placements", "Placement")
    Person = apps.get_model("people", "Person")
    for center in Center.objects.all():
        own, _ = Programme.objects.get_or_create(center=center, is_own_duty=True, defaults={"name": OWN_DUTY_NAME})
        Case.objects.filter(center=center, funding_programme__isnull=True).update(funding_programme=own)
    Case.objects.filter(kind="exit").update(coordination_type="special")
    Case.objects.filter(kind="entrance").update(coordination_type="suspect")
    same_day = Placement.objects.filter(entered_on=F("case__expected_release_date")).values("case_id")
    Case.objects.filter(pk__in=same_day, actual_release_date__isnull=True).update(
        actual_release_date=F("expected_release_date"))
    single = (Person.objects.exclude(justice_status="").annotate(n=Count("cases")).filter(n=1)
              .values_list("pk", "justice_status"))
    for person_id, status in single.iterator():
        Case.objects.filter(person_id=person_id, justice_stage="", disposition="", sentence_type="").update(
            justice_stage=STAGE.get(status, ""), disposition=DISPOSITION.get(status, ""),
            sentence_type=SENTENCE.get(status, ""))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_statistics_fields"),
        ("placements", "0008_sharing"),
        ("people", "0012_disability_kinds_reoffences"),
    ]
    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
