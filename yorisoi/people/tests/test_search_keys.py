"""The stored search keys follow every save of the face sheet, and the migration filled them for old rows."""

import importlib

import pytest
from django.apps import apps as django_apps

from yorisoi.people import services
from yorisoi.people.models import Person, PersonSearchKey
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def keys_of(person) -> set[tuple[str, str]]:
    return set(PersonSearchKey.objects.filter(person=person).values_list("kind", "key"))


def test_registering_a_person_stores_the_normalized_keys(worker):
    person = services.register_person(actor=worker, same_name_seen=None, family_name="齋藤", given_name="𠮷男",
                                      family_name_kana="さいとう", given_name_kana="ヨシオ", aliases="ｻｲﾄｰ\n高田",
                                      phone="090-1234-5678")
    keys = keys_of(person)
    assert {("name", "斎藤吉男"), ("family", "斎藤"), ("given", "吉男"), ("reading", "サイトオヨシオ"),
            ("family_reading", "サイトオ"), ("given_reading", "ヨシオ"), ("alias", "サイトー"), ("alias", "サイトオ"),
            ("alias", "高田"), ("phone", "09012345678")} <= keys
    assert all(row.center_id == worker.center_id for row in PersonSearchKey.objects.filter(person=person))


def test_editing_the_names_replaces_the_keys(worker):
    person = services.register_person(actor=worker, same_name_seen=None, family_name="渡邊", given_name="一",
                                      family_name_kana="ワタナベ", given_name_kana="ハジメ")
    assert ("family", "渡辺") in keys_of(person)
    services.update_person(actor=worker, person=person, expected_version=person.version, family_name="髙橋",
                           family_name_kana="タカハシ")
    keys = keys_of(person)
    assert ("family", "高橋") in keys and ("family", "渡辺") not in keys


def test_the_migration_fills_keys_for_existing_persons(center):
    person = PersonFactory(center=center, family_name="山﨑", given_name="花子")
    PersonSearchKey.objects.all().delete()
    migration = importlib.import_module("yorisoi.people.migrations.0010_fill_search_keys")
    migration.fill(django_apps, None)
    assert ("family", "山崎") in keys_of(person)
    assert Person.objects.get(pk=person.pk).search_key.startswith("山崎")
