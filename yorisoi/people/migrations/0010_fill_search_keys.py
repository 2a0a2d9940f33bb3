"""Fill the new search keys of every existing person, and rewrite the old substring key with the strict fold
(斎 and 斉 no longer fold into one character). Batched so that a large center does not hold everything in memory."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    from yorisoi.people.keys import person_keys
    from yorisoi.people.services import derive_search_key

    Person = apps.get_model("people", "Person")
    PersonSearchKey = apps.get_model("people", "PersonSearchKey")
    PersonSearchKey.objects.all().delete()
    last = 0
    while True:
        rows = list(Person.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            break
        keys = []
        for person in rows:
            person.search_key = derive_search_key(person)
            keys += [PersonSearchKey(center_id=person.center_id, person_id=person.pk, kind=kind, key=key)
                     for kind, key in person_keys(person)]
        Person.objects.bulk_update(rows, ["search_key"])
        PersonSearchKey.objects.bulk_create(keys)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("people", "0009_search_keys")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
