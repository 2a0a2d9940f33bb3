"""The header search: persons and the directory, ranked with reasons, only what the user may see, no query logged."""

import datetime as dt

import pytest

from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def saito(center):
    return PersonFactory(center=center, family_name="齋藤", given_name="一郎", family_name_kana="サイトウ",
                         given_name_kana="イチロウ", birth_date=dt.date(1947, 3, 5))


def test_every_page_has_the_search_box_posting_to_the_search(worker_client):
    page = text(worker_client.get("/"))
    assert 'id="header-q"' in page and 'hx-post="/search/"' in page and 'action="/search/"' in page


def test_a_variant_name_finds_the_person_with_the_reason(worker_client, saito):
    response = worker_client.post("/search/", {"q": "斎藤 S22.3.5"})
    page = text(response)
    assert f"/people/{saito.pk}/" in page
    assert "生年月日が一致" in page and "氏が一致" in page
    assert "<html" in page  # without JavaScript: the whole page


def test_htmx_gets_only_the_results_fragment(worker_client, saito):
    response = worker_client.post("/search/", {"q": "ｻｲﾄｳ"}, headers={"HX-Request": "true"})
    page = text(response)
    assert "<html" not in page and 'id="search-results"' in page and "齋藤 一郎" in page


def test_organizations_are_found_by_name_or_reading(center, worker_client):
    org = OrganizationFactory(center=center, name="さいたま髙橋病院", name_kana="サイタマタカハシビョウイン")
    page = text(worker_client.post("/search/", {"q": "高橋病院"}))
    assert f"/partners/{org.pk}/" in page and "関係機関" in page


def test_another_centers_persons_and_organizations_never_show(other_center, worker_client):
    PersonFactory(center=other_center, family_name="齋藤", given_name="他")
    OrganizationFactory(center=other_center, name="齋藤医院")
    page = text(worker_client.post("/search/", {"q": "斎藤"}))
    assert "齋藤 他" not in page and "齋藤医院" not in page


def test_the_search_is_logged_without_the_text_typed(worker_client, saito):
    worker_client.post("/search/", {"q": "さいとう"})
    rows = AccessLog.objects.filter(section="header_search")
    assert rows.filter(action="search").exists()
    assert not any("さいとう" in r.detail for r in rows)
    listed = rows.get(action="view")
    assert list(listed.listed.values_list("person_id_value", flat=True)) == [saito.pk]
