"""The organization pickers offer the kinds that fit: places to stay for placements and inquiries, services for
つなぎ; justice agencies (police, prosecutors…) never, not even when every kind is asked for."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.models import Placement, PlacementInquiry, ServiceConnection
from yorisoi.placements.tests.factories import ConnectionFactory, PlacementFactory, residence

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture
def orgs(center):
    return {
        "home": residence(center=center, name="架空ホーム"),
        "hospital": OrganizationFactory(center=center, name="架空病院", kind=kind("hospital")),
        "provider": OrganizationFactory(center=center, name="架空グループホーム", kind=kind("welfare_provider")),
        "police": OrganizationFactory(center=center, name="架空警察署", kind=kind("police")),
        "prosecutors": OrganizationFactory(center=center, name="架空地方検察庁", kind=kind("prosecutors_office")),
        "hello_work": OrganizationFactory(center=center, name="架空ハローワーク", kind=kind("hello_work")),
        "consultation": OrganizationFactory(center=center, name="架空相談支援事業所",
                                            kind=kind("consultation_support")),
    }


def _offered(response) -> set[str]:
    field = response.context["form"].fields["organization"]
    return {org.name for org in field.queryset}


FACILITIES = {"架空ホーム", "架空病院", "架空グループホーム"}
SERVICES = {"架空病院", "架空グループホーム", "架空ハローワーク", "架空相談支援事業所"}


@pytest.mark.parametrize("url_name", ["placements:placement_create", "placements:inquiry_create"])
def test_placements_and_inquiries_offer_only_places_to_stay(worker_client, case, orgs, url_name):
    response = worker_client.get(reverse(url_name, args=[case.pk]))
    assert _offered(response) == FACILITIES
    body = response.content.decode()
    assert "架空警察署" not in body and "架空ハローワーク" not in body
    assert "一覧にない種別の機関から選ぶ" in body


def test_a_connection_offers_services_and_never_police_or_prosecutors(worker_client, case, orgs):
    response = worker_client.get(reverse("placements:connection_create", args=[case.pk]))
    assert _offered(response) == SERVICES
    assert "架空警察署" not in response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_a_police_station_posted_as_a_placement_is_refused_in_japanese(worker_client, case, orgs):
    response = worker_client.post(reverse("placements:placement_create", args=[case.pk]), {
        "organization": orgs["police"].pk, "kind": "other", "funding": "self_pay", "term": "temporary",
        "entered_on": "2026-11-20"})
    assert response.status_code == 200
    assert "の選択肢から選んでください。" in response.content.decode()
    assert not Placement.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_every_kind_but_justice_can_be_chosen_when_asked_for(worker_client, case, orgs):
    url = reverse("placements:inquiry_create", args=[case.pk])
    response = worker_client.get(url + "?kinds=all")
    assert _offered(response) == FACILITIES | SERVICES
    assert 'name="kinds" value="all"' in response.content.decode()
    posted = {"organization": orgs["hello_work"].pk, "inquired_at": "2026-11-20T11:00", "result": "considering",
              "staff": case.main_staff.pk}
    refused = worker_client.post(url, posted)
    assert refused.status_code == 200 and not PlacementInquiry.objects.exists()
    assert worker_client.post(url, {**posted, "kinds": "all"}).status_code == 302
    assert PlacementInquiry.objects.get().organization == orgs["hello_work"]
    police = worker_client.post(url, {**posted, "kinds": "all", "organization": orgs["police"].pk})
    assert police.status_code == 200 and PlacementInquiry.objects.count() == 1


def test_an_edited_record_keeps_its_organization_of_another_kind(worker_client, case, orgs):
    connection = ConnectionFactory(case=case, organization=orgs["home"])
    response = worker_client.get(reverse("placements:connection_edit", args=[connection.pk]))
    assert "架空ホーム" in _offered(response)
    assert ServiceConnection.objects.get().organization == orgs["home"]


def test_the_placement_picker_of_an_edit_keeps_its_place(worker_client, case, orgs):
    placement = PlacementFactory(case=case, organization=orgs["hello_work"])
    response = worker_client.get(reverse("placements:placement_edit", args=[placement.pk]))
    assert _offered(response) == FACILITIES | {"架空ハローワーク"}
