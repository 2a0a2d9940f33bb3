"""search_persons: variant spellings, readings, dates, phone and case numbers, ranking, visibility, the list page."""

import datetime as dt

import pytest

from yorisoi.accounts.models import CaseVisibility
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.selectors import search_persons
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog

from .helpers import body

pytestmark = pytest.mark.django_db


def person(center, family, given, family_kana, given_kana, birth=dt.date(1947, 3, 5), **extra):
    return PersonFactory(center=center, family_name=family, given_name=given, family_name_kana=family_kana,
                         given_name_kana=given_kana, birth_date=birth, **extra)


def names_found(user, query, n=10):
    return [h.person.full_name for h in search_persons(user=user, query=query)[:n]]


@pytest.fixture
def saito(center):
    return person(center, "齋藤", "一郎", "サイトウ", "イチロウ")


@pytest.mark.parametrize("query", ["齋藤 一郎", "斎藤一郎", "斎藤　一郎", "さいとう いちろう", "ｻｲﾄｳ ｲﾁﾛｳ", "サイトー",
                                   "齋藤", "斎藤", "さいとう", "一郎"])
def test_a_person_is_found_by_any_spelling_of_name_or_reading(worker, saito, query):
    assert names_found(worker, query)[:1] == ["齋藤 一郎"]


@pytest.mark.parametrize("variant, stored", [("髙橋", "高橋"), ("山﨑", "山崎"), ("渡邊", "渡辺"), ("渡邉", "渡邊"),
                                             ("𠮷田", "吉田"), ("吉田", "𠮷田"), ("澤田", "沢田")])
def test_variant_kanji_find_the_standard_form_and_back(center, worker, variant, stored):
    person(center, stored, "花子", "テスト", "ハナコ")
    assert names_found(worker, variant) == [f"{stored} 花子"]


def test_the_spelling_typed_ranks_above_a_variant_and_a_look_alike_comes_last(center, worker):
    person(center, "斉藤", "一", "サイトウ", "ハジメ")
    person(center, "齋藤", "一", "サイトウ", "ハジメ")
    person(center, "斎藤", "一", "サイトウ", "ハジメ")
    hits = search_persons(user=worker, query="斉藤")
    assert hits[0].person.family_name == "斉藤"
    assert hits[0].level == "完全一致"
    assert {h.person.family_name for h in hits if "似た表記" in h.reason} == {"齋藤", "斎藤"}
    hits = search_persons(user=worker, query="斎藤")
    assert [h.person.family_name for h in hits][:2] == ["斎藤", "齋藤"]
    assert hits[1].level == "一致" and hits[2].level == "あいまい"


def test_a_one_character_name_is_found_exactly_before_longer_ones(center, worker):
    for n in range(5):
        person(center, "林田", f"次郎{n}", "ハヤシダ", "ジロウ")
    person(center, "林", "一", "ハヤシ", "ハジメ")
    hits = search_persons(user=worker, query="林")
    assert hits[0].person.full_name == "林 一"
    assert len(hits) == 6 and "氏の表記が一致" in hits[0].reason


@pytest.mark.parametrize("query", ["S22.3.5", "昭和22年3月5日", "1947-03-05", "1947/3/5", "昭和22年3月", "1947-3",
                                   "さいとう S22.3.5", "斉藤 昭和22年3月5日"])
def test_birth_dates_in_era_or_gregorian_form_whole_or_partial_find_the_person(center, worker, saito, query):
    person(center, "架空", "次郎", "カクウ", "ジロウ", birth=dt.date(1960, 1, 1))
    assert names_found(worker, query)[:1] == ["齋藤 一郎"]
    assert "生年月日が一致" in search_persons(user=worker, query=query)[0].reason


def test_r1_dates_read_as_reiwa(center, worker):
    person(center, "架空", "令子", "カクウ", "レイコ", birth=dt.date(2019, 5, 1))
    assert names_found(worker, "R1/5/1") == ["架空 令子"]


def test_a_name_one_character_off_is_found_when_the_birth_date_agrees(center, worker):
    person(center, "架空", "一朗", "カクウ", "イチロウ")
    assert names_found(worker, "架空一郎 S22.3.5") == ["架空 一朗"]
    assert names_found(worker, "架空一郎 S30.3.5") == []


def test_phone_and_case_number_find_the_person(center, worker, saito):
    saito.phone = "090-1234-5678"
    saito.save()
    from yorisoi.people.services import rewrite_search_keys

    rewrite_search_keys([saito])
    CaseFactory(person=saito, number="2026-0042")
    assert names_found(worker, "09012345678") == ["齋藤 一郎"]
    assert names_found(worker, "090-1234-5678") == ["齋藤 一郎"]
    assert names_found(worker, "2026-0042") == ["齋藤 一郎"]
    assert search_persons(user=worker, query="2026-0042")[0].reason == "ケース番号が一致"


def test_a_search_never_returns_another_centers_person(other_center, outsider, worker, saito):
    person(other_center, "齋藤", "一郎", "サイトウ", "イチロウ")
    found = search_persons(user=worker, query="さいとう")
    assert [h.person.pk for h in found] == [saito.pk]
    assert all(h.person.center_id == other_center.pk for h in search_persons(user=outsider, query="さいとう"))


def test_a_worker_limited_to_assigned_cases_finds_only_their_persons(center, worker, saito):
    center.case_visibility = CaseVisibility.ASSIGNED
    center.save()
    worker.refresh_from_db()
    assert search_persons(user=worker, query="さいとう") == []
    CaseFactory(person=saito, main_staff=worker)
    assert names_found(worker, "さいとう") == ["齋藤 一郎"]


def test_the_list_page_shows_hits_best_first_with_the_reason_and_logs_no_query(center, worker_client, saito):
    person(center, "斎藤", "次郎", "サイトウ", "ジロウ", birth=dt.date(1950, 1, 1))
    response = worker_client.post("/people/", {"q": "齋藤 S22.3.5"})
    assert response.url == "/people/"
    page = body(worker_client.get("/people/"))
    assert page.index("齋藤 一郎") < page.index("斎藤 次郎")
    assert "生年月日が一致" in page and "氏の表記が一致" in page
    rows = AccessLog.objects.filter(section="person_list")
    assert not any("齋藤" in r.detail or "S22" in r.detail for r in rows)
    listed = rows.filter(action="view").latest("id")
    assert saito.pk in set(listed.listed.values_list("person_id_value", flat=True))


def test_the_searched_list_costs_the_same_queries_for_many_hits(center, worker_client, django_assert_max_num_queries):
    for n in range(3):
        person(center, "斎藤", f"太郎{n}", "サイトウ", "タロウ")
    worker_client.post("/people/", {"q": "さいとう S22"})
    with django_assert_max_num_queries(25) as few:
        worker_client.get("/people/")
    for n in range(30):
        person(center, "斎藤", f"次郎{n}", "サイトウ", "ジロウ")
    with django_assert_max_num_queries(len(few.captured_queries)):
        worker_client.get("/people/")
