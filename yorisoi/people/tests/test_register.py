"""Registering a person: era dates, kana readings, the same-name check, who may register."""

import datetime as dt

import pytest
import time_machine

from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog

from .helpers import BASE_POST, body

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC))
def test_worker_registers_person_with_era_birth_date(center, worker, worker_client):
    response = worker_client.post("/people/new/", BASE_POST)

    assert response.status_code == 302
    person = Person.objects.get(family_name="架空")
    assert person.birth_date == dt.date(1965, 1, 2)
    assert person.center == center
    assert person.created_by == worker
    assert AccessLog.objects.filter(action="create", person_id_value=person.pk).count() == 1
    page = body(worker_client.get(response.url))
    assert "昭和40年1月2日" in page
    assert "1965-01-02" in page
    assert "61歳" in page


def test_register_page_has_all_sections_for_worker(worker_client):
    page = body(worker_client.get("/people/new/"))
    for legend in ("基本情報", "連絡先・住所", "福祉", "健康（要配慮）", "司法（要配慮）", "本人の意向"):
        assert f"<legend>{legend}</legend>" in page
    assert 'data-postal-lookup="postal_code"' in page
    assert 'data-url="/people/postal/"' in page
    assert "data-postal-status" in page


def test_bad_birth_date_keeps_input_and_shows_japanese_error(worker_client):
    data = {**BASE_POST, "birth_date": "平成31年5月1日", "wishes": "アパートで一人で暮らしたい"}
    response = worker_client.post("/people/new/", data)

    assert response.status_code == 200
    page = body(response)
    assert "平成31年5月1日は存在しません（令和元年5月1日のことではありませんか）。" in page
    assert 'value="平成31年5月1日"' in page
    assert "アパートで一人で暮らしたい" in page
    assert 'value="架空"' in page
    assert not Person.objects.exists()


def test_missing_family_name_is_reported_in_japanese(worker_client):
    response = worker_client.post("/people/new/", {**BASE_POST, "family_name": ""})
    assert response.status_code == 200
    assert "氏を入力してください。" in body(response)


def test_kana_reading_is_stored_as_full_width_katakana(worker_client):
    worker_client.post("/people/new/", {**BASE_POST, "family_name_kana": "かくう", "given_name_kana": "ｲﾁﾛｳ"})
    person = Person.objects.get()
    assert person.family_name_kana == "カクウ"
    assert person.given_name_kana == "イチロウ"


def test_kana_reading_in_latin_letters_is_refused(worker_client):
    response = worker_client.post("/people/new/", {**BASE_POST, "family_name_kana": "kakuu"})
    assert response.status_code == 200
    assert "フリガナはカタカナ（またはひらがな）で入力してください。" in body(response)
    assert not Person.objects.exists()


def test_same_name_needs_explicit_confirmation(center, worker_client):
    existing = PersonFactory(center=center, family_name="架空", given_name="一郎")
    data = {**BASE_POST, "phone": "090-1111-2222"}

    first = worker_client.post("/people/new/", data)
    assert first.status_code == 200
    page = body(first)
    assert "同じ人かもしれない対象者が既に登録されています" in page
    assert f"/people/{existing.pk}/" in page
    assert "上の人とは別人として登録する" in page
    assert 'value="090-1111-2222"' in page  # what was typed is kept
    assert Person.objects.count() == 1

    # The confirmation names the candidates the page showed (a signed token in the form).
    shown = first.context["form"]["same_name_seen"].value()
    second = worker_client.post("/people/new/", {**data, "confirm_same_name": "on", "same_name_seen": shown})
    assert second.status_code == 302
    assert Person.objects.count() == 2


def test_a_confirmation_that_did_not_show_every_same_name_person_asks_again(center, worker_client):
    PersonFactory(center=center, family_name="架空", given_name="一郎")
    data = {**BASE_POST, "phone": "090-1111-2222"}
    shown = worker_client.post("/people/new/", data).context["form"]["same_name_seen"].value()
    newcomer = PersonFactory(center=center, family_name="架空", given_name="一郎")  # registered meanwhile

    again = worker_client.post("/people/new/", {**data, "confirm_same_name": "on", "same_name_seen": shown})
    assert again.status_code == 200
    page = body(again)
    assert "確認の後に、同じ名前の人がもう一人登録されました。" in page
    assert f"/people/{newcomer.pk}/" in page
    assert Person.objects.count() == 2
    forged = worker_client.post("/people/new/", {**data, "confirm_same_name": "on", "same_name_seen": "[1, 2]"})
    assert forged.status_code == 200 and Person.objects.count() == 2  # a token not signed by us names nobody

    shown = again.context["form"]["same_name_seen"].value()
    assert not again.context["form"]["confirm_same_name"].value()  # ticked again by the user, knowingly
    third = worker_client.post("/people/new/", {**data, "confirm_same_name": "on", "same_name_seen": shown})
    assert third.status_code == 302
    assert Person.objects.count() == 3


def test_same_name_check_folds_variant_kanji_and_kana(center, worker_client):
    PersonFactory(center=center, family_name="齋藤", given_name="一郎")
    response = worker_client.post("/people/new/", {**BASE_POST, "family_name": "斎藤"})
    assert "同じ人かもしれない対象者が既に登録されています" in body(response)


def test_same_name_check_ignores_other_centers(other_center, worker_client):
    PersonFactory(center=other_center, family_name="架空", given_name="一郎")
    assert worker_client.post("/people/new/", BASE_POST).status_code == 302


def test_clerk_register_form_has_no_health_or_justice(clerk_client):
    page = body(clerk_client.get("/people/new/"))
    assert "健康（要配慮）" not in page
    assert "司法（要配慮）" not in page
    assert 'name="justice_details"' not in page


def test_clerk_cannot_register_health_or_justice_by_post(clerk_client):
    response = clerk_client.post("/people/new/", {**BASE_POST, "justice_details": "偽の事件概要",
                                                  "justice_status": "parole", "health_conditions": "偽の疾病"})
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.justice_details == ""
    assert person.justice_status == ""
    assert person.health_conditions == ""


def test_auditor_cannot_register(auditor_client):
    assert auditor_client.get("/people/new/").status_code == 403
    assert auditor_client.post("/people/new/", BASE_POST).status_code == 403
    assert not Person.objects.exists()
