import base64
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.views.debug import ExceptionReporter

from yorisoi.common.crypto import (
    DecryptionError,
    ciphertext_passthrough,
    decrypt,
    encrypt,
    encrypted_fields,
    key_id_of,
    keyring,
)
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory

# Fixed test-only keys: parametrize ids must be the same in every xdist worker.
K1 = base64.urlsafe_b64encode(bytes(range(32))).decode()
K2 = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
SECRET_TEXT = "架空の持病メモ（テスト用・固有文字列 7QX）"


def raw_column(model, pk, attname):
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(attname).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_encrypt_then_decrypt_gives_the_text_back(settings):
    settings.YORISOI_FIELD_KEYS = f"k1:{K1}"
    stored = encrypt(SECRET_TEXT)
    assert stored.startswith("k1$gAAAAA")
    assert SECRET_TEXT not in stored
    assert decrypt(stored) == SECRET_TEXT
    assert key_id_of(stored) == "k1"


def test_the_same_text_encrypts_differently_each_time(settings):
    settings.YORISOI_FIELD_KEYS = f"k1:{K1}"
    assert encrypt(SECRET_TEXT) != encrypt(SECRET_TEXT)


def test_a_value_under_the_old_key_stays_readable_after_a_new_key_is_put_first(settings):
    settings.YORISOI_FIELD_KEYS = f"k1:{K1}"
    stored = encrypt(SECRET_TEXT)
    settings.YORISOI_FIELD_KEYS = f"k2:{K2},k1:{K1}"
    assert decrypt(stored) == SECRET_TEXT
    assert keyring()[0] == "k2"
    assert key_id_of(encrypt(SECRET_TEXT)) == "k2"


def test_a_value_under_an_unknown_key_raises_decryption_error_without_data(settings):
    settings.YORISOI_FIELD_KEYS = f"k1:{K1}"
    stored = encrypt(SECRET_TEXT)
    settings.YORISOI_FIELD_KEYS = f"k2:{K2}"
    with pytest.raises(DecryptionError) as info:
        decrypt(stored)
    assert SECRET_TEXT not in str(info.value) and stored not in str(info.value)


def test_a_value_under_a_known_id_but_another_key_raises_decryption_error(settings):
    settings.YORISOI_FIELD_KEYS = f"k1:{K1}"
    stored = encrypt(SECRET_TEXT)
    settings.YORISOI_FIELD_KEYS = f"k1:{K2}"
    with pytest.raises(DecryptionError):
        decrypt(stored)


def test_plain_text_in_the_column_raises_decryption_error(settings):
    settings.YORISOI_FIELD_KEYS = f"k1:{K1}"
    with pytest.raises(DecryptionError):
        decrypt(SECRET_TEXT)
    assert key_id_of(SECRET_TEXT) is None
    assert key_id_of("本名$かな") is None
    assert key_id_of("") is None and key_id_of(None) is None


@pytest.mark.parametrize("spec", ["", " , ", "k1", f"k$1:{K1}", f"{'x' * 33}:{K1}", f"k1:{K1},k1:{K2}"])
def test_a_malformed_key_setting_is_refused(settings, spec):
    settings.YORISOI_FIELD_KEYS = spec
    with pytest.raises(ImproperlyConfigured) as info:
        keyring()
    assert K1 not in str(info.value) and K2 not in str(info.value)


def test_a_bad_key_is_refused_without_showing_it(settings):
    bad = "not-a-fernet-key-but-a-secret-nonetheless"
    settings.YORISOI_FIELD_KEYS = f"k1:{K1},old:{bad}"
    with pytest.raises(ImproperlyConfigured) as info:
        keyring()
    assert "old" in str(info.value)
    assert bad not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_error_reports_hide_the_key_material(settings, rf):
    bad = "secret-material-that-is-not-a-valid-key"
    settings.YORISOI_FIELD_KEYS = f"k1:{K1},k0:{bad}"
    try:
        keyring()
    except ImproperlyConfigured:
        frames = ExceptionReporter(rf.get("/"), *sys.exc_info()).get_traceback_frames()
    shown = [repr(value) for frame in frames if frame["function"] == "_keyring" for _, value in frame["vars"]]
    assert shown, "the _keyring frame should be in the report"
    assert not any(K1 in text or bad in text for text in shown)


def test_the_field_stores_ciphertext_and_reads_plain_text(db, settings):
    person = PersonFactory(health_conditions=SECRET_TEXT, medication="")
    stored = raw_column(Person, person.pk, "health_conditions")
    assert stored.startswith("t1$") and SECRET_TEXT not in stored
    assert raw_column(Person, person.pk, "medication") == ""
    assert Person.objects.get(pk=person.pk).health_conditions == SECRET_TEXT
    assert {h.health_conditions for h in person.history.all()} == {SECRET_TEXT}


def test_a_row_written_under_k1_is_readable_after_the_keys_become_k2_then_k1(db, settings):
    settings.YORISOI_FIELD_KEYS = f"k1:{K1}"
    person = PersonFactory(health_conditions=SECRET_TEXT)
    settings.YORISOI_FIELD_KEYS = f"k2:{K2},k1:{K1}"
    assert Person.objects.get(pk=person.pk).health_conditions == SECRET_TEXT
    person.medication = "架空の薬"
    person.save()
    assert raw_column(Person, person.pk, "medication").startswith("k2$")


def test_passthrough_reads_ciphertext_and_refuses_to_write_plain_text(db):
    person = PersonFactory(health_conditions=SECRET_TEXT)
    with ciphertext_passthrough():
        stored = Person.objects.values_list("health_conditions", flat=True).get(pk=person.pk)
        assert stored == raw_column(Person, person.pk, "health_conditions")
        Person.objects.filter(pk=person.pk).update(medication=stored)  # ciphertext goes in unchanged
        with pytest.raises(ValueError), transaction.atomic():
            Person.objects.filter(pk=person.pk).update(medication=SECRET_TEXT)
    assert raw_column(Person, person.pk, "medication") == stored
    assert Person.objects.get(pk=person.pk).health_conditions == SECRET_TEXT


def test_encrypted_fields_are_found_on_models_and_their_history_tables():
    found = {model._meta.label: {f.name for f in fields} for model, fields in encrypted_fields()}
    assert found["people.Person"] >= {"health_conditions", "medication", "hospitals", "justice_details",
                                      "justice_agencies"}
    assert found["people.HistoricalPerson"] == found["people.Person"]
    assert found["records.Activity"] >= {"narrative"}
    assert found["records.HistoricalActivity"] >= {"narrative"}
