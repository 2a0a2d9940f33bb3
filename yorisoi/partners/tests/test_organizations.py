"""Registering and editing organizations: Japanese errors, no lost update, a list with constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yorisoi.partners import services
from yorisoi.partners.models import Organization
from yorisoi.partners.tests.factories import OrganizationFactory, OutreachFactory, kind
from yorisoi.partners.tests.helpers import body, form_data
from yorisoi.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


def test_worker_registers_an_organization_and_the_write_is_logged(center, worker_client):
    response = worker_client.post("/partners/new/", {
        "name": "あおぞら自立準備ホーム", "name_kana": "あおぞらじりつじゅんびほーむ",
        "kind": kind("self_reliance_home").pk, "phone": "０４８－０１２－３４５６", "postal_code": "3300063",
        "prefecture": "埼玉県", "municipality": "みどり市", "capacity": "4", "accepts_sex": "male",
        "smoking_allowed": "false", "active": "on",
    })
    assert response.status_code == 302
    org = Organization.objects.get(name="あおぞら自立準備ホーム")
    assert org.center_id == center.pk
    assert org.name_kana == "アオゾラジリツジュンビホーム"
    assert org.phone == "048-012-3456"
    assert org.postal_code == "330-0063"
    assert org.capacity == 4
    assert org.smoking_allowed is False
    assert org.accepts_mental_disability is None
    assert AccessLog.objects.filter(action=AccessAction.CREATE, object_id=org.pk, section="partners").exists()
    page = body(worker_client.get(f"/partners/{org.pk}/"))
    assert "あおぞら自立準備ホーム" in page
    assert "定員" in page


def test_a_postal_code_alone_fills_prefecture_municipality_and_town(center, worker_client, worker):
    response = worker_client.post("/partners/new/", {
        "name": "架空の警察署", "kind": kind("police").pk, "postal_code": "330-0063", "active": "on"})
    assert response.status_code == 302
    org = Organization.objects.get(name="架空の警察署")
    assert (org.prefecture, org.municipality, org.address_line) == ("埼玉県", "さいたま市浦和区", "高砂")
    # what was typed is never overwritten; an unknown code leaves the address blank
    typed = services.create_organization(actor=worker, name="手入力", kind=kind("police"), postal_code="330-0063",
                                         municipality="さいたま市")
    assert (typed.prefecture, typed.municipality) == ("", "さいたま市")
    unknown = services.create_organization(actor=worker, name="不明", kind=kind("police"), postal_code="000-0000")
    assert (unknown.prefecture, unknown.municipality) == ("", "")


def test_the_postal_look_up_button_answers_from_the_bundled_data(worker_client):
    assert worker_client.get("/people/postal/?code=330-0063").json() == {
        "prefecture": "埼玉県", "municipality": "さいたま市浦和区", "address_line": "高砂"}


def test_invalid_organization_keeps_input_and_speaks_japanese(worker_client):
    response = worker_client.post("/partners/new/", {"name": "", "phone": "12-34", "email": "mail@",
                                                     "municipality": "みどり市"})
    assert response.status_code == 200
    page = body(response)
    assert "機関名を入力してください。" in page
    assert "種別を選んでください。" in page
    assert "電話番号の形式が正しくありません" in page
    assert 'value="みどり市"' in page
    assert not Organization.objects.exists()


def test_stale_edit_is_refused_with_409_and_keeps_what_was_typed(center, worker_client, colleague_client):
    org = OrganizationFactory(center=center, name="みどり市生活福祉課", phone="048-011-1111")
    mine = form_data(worker_client.get(f"/partners/{org.pk}/edit/"))
    theirs = form_data(colleague_client.get(f"/partners/{org.pk}/edit/"))
    theirs["phone"] = "048-022-2222"
    assert colleague_client.post(f"/partners/{org.pk}/edit/", theirs).status_code == 302
    mine["opening_hours"] = "平日 8:30〜17:15"
    response = worker_client.post(f"/partners/{org.pk}/edit/", mine)
    assert response.status_code == 409
    page = body(response)
    assert 'id="stale-edit"' in page
    assert "048-022-2222" in page  # what the colleague changed is shown
    assert "平日 8:30〜17:15" in page  # what I typed is kept
    org.refresh_from_db()
    assert org.phone == "048-022-2222"
    assert org.opening_hours == ""
    # After reading the notice, saving again is accepted (the form now carries the current version).
    again = form_data(response)
    again["phone"] = "048-022-2222"
    assert worker_client.post(f"/partners/{org.pk}/edit/", again).status_code == 302
    org.refresh_from_db()
    assert org.opening_hours == "平日 8:30〜17:15"
    assert org.version == 3


def test_list_filters_by_kind_municipality_and_folded_name(center, worker_client):
    OrganizationFactory(center=center, name="さくら相談支援事業所", name_kana="サクラソウダンシエンジギョウショ",
                        municipality="みどり市")
    OrganizationFactory(center=center, name="ひかり病院", name_kana="ヒカリビョウイン", kind=kind("hospital"),
                        municipality="あおば市")
    by_kana = body(worker_client.get("/partners/", {"q": "さくら"}))
    assert "さくら相談支援事業所" in by_kana and "ひかり病院" not in by_kana
    by_width = body(worker_client.get("/partners/", {"q": "ｻｸﾗ"}))
    assert "さくら相談支援事業所" in by_width
    by_kind = body(worker_client.get("/partners/", {"kind": kind("hospital").pk}))
    assert "ひかり病院" in by_kind and "さくら相談支援事業所" not in by_kind
    by_place = body(worker_client.get("/partners/", {"municipality": "あおば市"}))
    assert "ひかり病院" in by_place and "さくら相談支援事業所" not in by_place


def test_list_htmx_request_returns_only_the_results(center, worker_client):
    OrganizationFactory(center=center, name="さくら相談支援事業所")
    response = worker_client.get("/partners/", {"q": "さくら"}, headers={"HX-Request": "true"})
    page = body(response)
    assert 'id="organization-results"' in page
    assert "<html" not in page


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/partners/").status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_the_number_of_organizations(center, worker_client):
    first = OrganizationFactory(center=center)
    OutreachFactory(center=center, organizations=[first])
    one = _list_queries(worker_client)
    for n in range(29):
        org = OrganizationFactory(center=center, kind=kind("hospital" if n % 2 else "police"))
        OutreachFactory(center=center, organizations=[org])
    assert _list_queries(worker_client) == one


def test_inactive_organizations_are_hidden_unless_asked(center, worker_client):
    OrganizationFactory(center=center, name="閉鎖した事業所", active=False)
    assert "閉鎖した事業所" not in body(worker_client.get("/partners/"))
    assert "閉鎖した事業所" in body(worker_client.get("/partners/", {"inactive": "1"}))


def test_edit_form_shows_the_known_conditions_as_they_are(center, worker_client):
    org = OrganizationFactory(center=center, kind=kind("self_reliance_home"), smoking_allowed=False,
                              accepts_mental_disability=True)
    page = body(worker_client.get(f"/partners/{org.pk}/edit/"))
    assert '<option value="false" selected>禁煙</option>' in page
    assert '<option value="true" selected>可</option>' in page
    assert page.count("selected>未確認</option>") == 3  # physical, intellectual, pets: not asked yet
