"""The person list (search without names in URLs, paging, constant queries) and the postal-code look-up."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog

from .helpers import body

pytestmark = pytest.mark.django_db


def test_list_shows_name_age_municipality_and_open_phase(center, worker_client):
    person = PersonFactory(center=center, family_name="架空", given_name="三郎", municipality="川越市")
    CaseFactory(person=person, phase=Phase.COORDINATING)
    page = body(worker_client.get("/people/"))
    assert "架空 三郎" in page and "ヤマダ タロウ" in page
    assert "昭和30年4月1日" in page and "歳" in page
    assert "埼玉県川越市" in page
    assert "調整中" in page


def test_closed_case_is_not_shown_as_open_phase(center, worker_client):
    CaseFactory(person=PersonFactory(center=center), phase=Phase.CLOSED, closure_outcome="stable")
    page = body(worker_client.get("/people/"))
    assert "支援中のケースなし" in page


def test_new_button_only_for_users_who_may_register(worker_client, auditor_client):
    assert "/people/new/" in body(worker_client.get("/people/"))
    assert "/people/new/" not in body(auditor_client.get("/people/"))


def test_search_keeps_names_out_of_urls_and_out_of_the_access_log(center, worker_client):
    PersonFactory(center=center, family_name="齋藤", given_name="一")
    PersonFactory(center=center, family_name="架空", given_name="四郎")

    response = worker_client.post("/people/", {"q": "さいとう"})
    assert response.status_code == 302
    assert response.url == "/people/"  # no name in the address
    row = AccessLog.objects.filter(action="search").get()
    assert "さいとう" not in row.detail  # that a search was made; the typed name is personal data

    # The factory's reading is ヤマダ for everyone; search by a variant kanji instead.
    worker_client.post("/people/", {"q": "斉藤"})
    page = body(worker_client.get("/people/"))
    assert "齋藤 一" in page
    assert "架空 四郎" not in page
    assert "「斉藤」の検索結果（一致度の高い順）：1人" in page

    worker_client.post("/people/", {"q": ""})
    page = body(worker_client.get("/people/"))
    assert "架空 四郎" in page


def test_list_pages_by_fifty(center, worker_client):
    PersonFactory.create_batch(51, center=center)
    first = body(worker_client.get("/people/"))
    assert "1／2ページ" in first and "?page=2" in first
    second = worker_client.get("/people/?page=2")
    assert len(second.context["page"].object_list) == 1


def test_list_query_count_does_not_grow_with_persons(center, worker, worker_client):
    person = PersonFactory(center=center)
    CaseFactory(person=person, main_staff=worker)
    worker_client.get("/people/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert worker_client.get("/people/").status_code == 200
    for _ in range(29):
        CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    with CaptureQueriesContext(connection) as thirty:
        response = worker_client.get("/people/")
    assert len(response.context["page"].object_list) == 30
    assert len(thirty) == len(one), [q["sql"] for q in thirty.captured_queries]


def test_list_of_assigned_only_center_shows_only_own_persons(center, worker, colleague_client):
    center.case_visibility = "assigned"
    center.save()
    CaseFactory(person=PersonFactory(center=center, family_name="担当外"), main_staff=worker)
    assert "担当外" not in body(colleague_client.get("/people/"))


# --- postal code -----------------------------------------------------------------------------------


def test_postal_lookup_returns_address(worker_client):
    data = worker_client.get("/people/postal/", {"code": "330-0063"}).json()
    assert data == {"prefecture": "埼玉県", "municipality": "さいたま市浦和区", "address_line": "高砂"}


def test_postal_lookup_accepts_full_width_digits(worker_client):
    assert worker_client.get("/people/postal/", {"code": "３３０００６３"}).json()["prefecture"] == "埼玉県"


def test_postal_lookup_explains_errors_in_japanese(worker_client):
    assert "7桁" in worker_client.get("/people/postal/", {"code": "12"}).json()["error"]
    assert "見つかりませんでした" in worker_client.get("/people/postal/", {"code": "0000000"}).json()["error"]


def test_postal_lookup_needs_log_in(outsider_client):
    assert Client().get("/people/postal/", {"code": "3300063"}).status_code == 302
    # Not person data: any logged-in staff member may use it.
    assert outsider_client.get("/people/postal/", {"code": "3300063"}).status_code == 200
