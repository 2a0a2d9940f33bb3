"""Duplicate candidates at registration (名寄せ): variant names, readings, near birth dates, given name only."""

import datetime as dt

import pytest

from yorisoi.people import services
from yorisoi.people.duplicates import duplicate_candidates, near_dates
from yorisoi.people.models import DistinctPersonStatement, Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog

from .helpers import BASE_POST, body

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1947, 3, 5)


@pytest.fixture
def ichiro(center):
    return PersonFactory(center=center, family_name="齋藤", given_name="一郎", family_name_kana="サイトウ",
                         given_name_kana="イチロウ", birth_date=BIRTH)


def found(worker, **values):
    return {c.person.pk: c for c in duplicate_candidates(actor=worker, **values)}


def test_near_dates_cover_one_day_swapped_day_month_and_one_digit_slips():
    dates = near_dates(dt.date(1947, 3, 5))
    assert {dt.date(1947, 3, 4), dt.date(1947, 3, 6), dt.date(1947, 5, 3), dt.date(1948, 3, 5),
            dt.date(1947, 3, 15), dt.date(1947, 8, 5)} <= dates
    assert dt.date(1947, 3, 5) not in dates


@pytest.mark.parametrize("values, agreeing", [
    (dict(family_name="斎藤", given_name="一郎", birth_date=BIRTH), {"氏名", "生年月日"}),
    (dict(family_name="斉藤", given_name="一郎", birth_date=BIRTH), {"氏名（似た漢字）", "生年月日"}),
    (dict(family_name="斎藤", given_name="一朗", family_name_kana="さいとう", given_name_kana="いちろう",
          birth_date=BIRTH), {"フリガナ", "生年月日"}),
    (dict(family_name="斎藤", given_name="一郎", birth_date=dt.date(1947, 5, 3)),
     {"氏名", "生年月日（1日違い・月日の入れ違い・1桁違い）"}),
    (dict(family_name="山田", given_name="一郎", birth_date=BIRTH), {"名", "生年月日"}),  # the family name changed
    (dict(family_name="ｻｲﾄｳ", given_name="", family_name_kana="ザイトー", given_name_kana="イチロー",
          birth_date=BIRTH), {"フリガナ（濁点・小さい字など）", "生年月日"}),
])
def test_likely_duplicates_are_proposed_with_the_fields_that_agree(worker, ichiro, values, agreeing):
    candidate = found(worker, **values)[ichiro.pk]
    assert set(candidate.agreeing) == agreeing
    assert 50 <= candidate.score <= 100


def test_a_birth_date_or_a_reading_alone_is_no_candidate(worker, ichiro):
    assert found(worker, family_name="架空", given_name="花子", birth_date=BIRTH) == {}
    assert found(worker, family_name="佐井藤", given_name="次郎", family_name_kana="サイトウ",
                 given_name_kana="ジロウ", birth_date=dt.date(1960, 1, 1)) == {}


def test_another_centers_person_is_never_a_candidate(other_center, worker):
    PersonFactory(center=other_center, family_name="齋藤", given_name="一郎", birth_date=BIRTH)
    assert found(worker, family_name="斎藤", given_name="一郎", birth_date=BIRTH) == {}


def test_the_register_page_warns_of_a_variant_name_and_keeps_the_statement(worker, worker_client, ichiro):
    data = {**BASE_POST, "family_name": "斎藤", "given_name": "一郎", "family_name_kana": "サイトウ",
            "given_name_kana": "イチロウ", "birth_date": "S22.3.5"}
    page = body(worker_client.post("/people/new/", data))
    assert "同じ人かもしれない対象者" in page and f"/people/{ichiro.pk}/" in page
    assert "一致度" in page and "生年月日" in page
    assert Person.objects.count() == 1
    token = page.split('name="same_name_seen" value="')[1].split('"')[0]
    response = worker_client.post("/people/new/", {**data, "same_name_seen": token, "confirm_same_name": "on"})
    assert response.status_code == 302
    new = Person.objects.exclude(pk=ichiro.pk).get()
    statement = DistinctPersonStatement.objects.get(person=new)
    assert statement.other == ichiro and statement.stated_by == worker and "生年月日" in statement.agreeing
    assert AccessLog.objects.filter(section="distinct_person", person_id_value=new.pk).exists()


def test_a_service_caller_gets_the_same_check(worker, ichiro):
    with pytest.raises(services.SameNameError) as error:
        services.register_person(actor=worker, family_name="斉藤", given_name="一郎", family_name_kana="サイトウ",
                                 given_name_kana="イチロウ", birth_date=BIRTH)
    assert error.value.candidates == [ichiro]
