from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from yorisoi.common.crypto import encrypt, encrypted_fields, key_id_of
from yorisoi.operations.management.commands.rotate_keys import compare_and_set
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory

K0, K1, K2 = (Fernet.generate_key().decode() for _ in range(3))
OLD = f"k1:{K1}"
NEW = f"k2:{K2},k1:{K1}"


def raw_values(model, field) -> list[tuple[int, str]]:
    """(pk, stored value) straight from the table, bypassing the field."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    column = connection.ops.quote_name(field.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} ORDER BY {pk}")
        return list(cursor.fetchall())


def stored_key_ids() -> dict[str, set]:
    ids: dict[str, set] = {}
    for model, fields in encrypted_fields():
        for field in fields:
            for _, value in raw_values(model, field):
                if value:
                    ids.setdefault(f"{model._meta.label}.{field.name}", set()).add(key_id_of(value))
    return ids


def readable_state():
    """Everything a user would read: current rows and every history row, decrypted, with version stamps."""
    persons = {
        p.pk: (p.health_conditions, p.medication, p.hospitals, p.justice_details, p.justice_agencies,
               p.version, p.updated_at)
        for p in Person.objects.all()
    }
    person_history = sorted(
        (h.history_id, h.health_conditions, h.medication, h.justice_details, h.justice_agencies)
        for h in Person.history.all()
    )
    activities = {a.pk: (a.narrative, a.version, a.updated_at) for a in Activity.objects.all()}
    activity_history = sorted((h.history_id, h.narrative) for h in Activity.history.all())
    return persons, person_history, activities, activity_history


@pytest.fixture
def data_under_k1(db, settings):
    settings.YORISOI_FIELD_KEYS = OLD
    people = [
        PersonFactory(health_conditions=f"架空の疾病{i}", medication="架空の薬" if i % 2 else "",
                      hospitals=f"架空病院{i}", justice_agencies="架空の地方検察庁")
        for i in range(3)
    ]
    edited = people[0]
    edited.justice_details = "訂正後の架空の概要"
    edited.save()  # a second history row with its own ciphertext
    for i in range(5):
        ActivityFactory(case__person=people[i % 3], narrative=f"架空の支援記録 {i}")
    return people


def run(*args, **kwargs) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rotate_keys", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_rotate_keys_puts_every_value_under_the_new_key_and_everything_reads_back_the_same(data_under_k1, settings):
    assert set().union(*stored_key_ids().values()) == {"k1"}
    settings.YORISOI_FIELD_KEYS = NEW
    before = readable_state()
    history_rows = (Person.history.count(), Activity.history.count())

    out, _ = run("--batch-size", "2")

    ids = stored_key_ids()
    assert {"people.Person.health_conditions", "people.HistoricalPerson.justice_details",
            "records.Activity.narrative", "records.HistoricalActivity.narrative"} <= set(ids)
    assert all(found == {"k2"} for found in ids.values()), ids
    for model, fields in encrypted_fields():
        for field in fields:
            assert all(value == "" or value.startswith("k2$") for _, value in raw_values(model, field))
    # same plaintext, same version and updated_at, no new history rows
    assert readable_state() == before
    assert (Person.history.count(), Activity.history.count()) == history_rows
    assert "records.Activity.narrative: 5" in out and "records.HistoricalActivity.narrative: 5" in out
    assert "完了しました" in out


def test_a_second_run_has_nothing_left_to_do(data_under_k1, settings):
    settings.YORISOI_FIELD_KEYS = NEW
    run()
    out, _ = run()
    assert "なし（すべて主鍵で暗号化済みです）" in out


def test_dry_run_counts_per_model_and_key_and_changes_nothing(data_under_k1, settings):
    settings.YORISOI_FIELD_KEYS = NEW
    before = stored_key_ids()
    out, _ = run("--dry-run")
    assert "people.Person.health_conditions: k1=3" in out
    assert "records.Activity.narrative: k1=5" in out
    assert "書き換えていません" in out
    assert stored_key_ids() == before


def test_check_tells_when_the_old_key_can_be_removed(data_under_k1, settings):
    settings.YORISOI_FIELD_KEYS = NEW
    out, _ = run("--check")
    assert "鍵 k1: " in out and "残っています" in out
    run()
    out, _ = run("--check")
    assert "people.Person.medication: k2=1" in out
    assert "鍵 k1: 0 件。YORISOI_FIELD_KEYS から外せます" in out


def test_a_value_under_an_unknown_key_fails_the_command_naming_the_row_not_the_value(data_under_k1, settings):
    settings.YORISOI_FIELD_KEYS = f"k0:{K0}"
    lost = PersonFactory(health_conditions="鍵を失った架空の疾病")
    settings.YORISOI_FIELD_KEYS = NEW
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command("rotate_keys", stdout=out, stderr=err)
    message, errors = str(info.value), err.getvalue()
    assert f"people.Person id={lost.pk} 項目 health_conditions" in errors
    assert "people.HistoricalPerson history_id=" in errors
    assert "鍵ID k0" in errors
    assert "鍵を失った" not in errors + message + out.getvalue()
    assert "復号できない値" in message
    # everything else was still rotated
    ids = stored_key_ids()
    assert ids["records.Activity.narrative"] == {"k2"}
    assert ids["people.Person.health_conditions"] == {"k2", "k0"}
    with pytest.raises(CommandError, match="登録されていない鍵ID"):
        run("--check")


def test_compare_and_set_leaves_a_value_saved_meanwhile_alone(data_under_k1, settings):
    person = data_under_k1[1]
    field = Person._meta.get_field("hospitals")
    [(_, old)] = [row for row in raw_values(Person, field) if row[0] == person.pk]
    settings.YORISOI_FIELD_KEYS = NEW
    person.refresh_from_db()
    person.hospitals = "画面から直した架空病院"  # the site saves while rotate_keys holds the old ciphertext
    person.save()
    assert compare_and_set(Person, person.pk, "hospitals", old, encrypt("架空病院1")) is False
    assert Person.objects.get(pk=person.pk).hospitals == "画面から直した架空病院"
    [(_, current)] = [row for row in raw_values(Person, field) if row[0] == person.pk]
    assert compare_and_set(Person, person.pk, "hospitals", current, encrypt("同じ値")) is True


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError):
        run("--batch-size", "0")
