"""The follow-up's 受入先 defaults to where the person lives now and offers only places to stay."""

import pytest
from django.urls import reverse

from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.placements.tests.factories import PlacementFactory, residence

pytestmark = pytest.mark.django_db


def test_the_facility_defaults_to_the_current_placement(case, center, worker_client):
    home = residence(center=center, name="架空の現在のホーム")
    earlier = residence(center=center, name="架空の前のホーム")
    PlacementFactory(case=case, organization=earlier, exited_on="2026-11-05", exit_reason="moved_on")
    PlacementFactory(case=case, organization=home, entered_on="2026-11-05")
    response = worker_client.get(reverse("procedures:follow_ups", args=[case.pk]))
    assert response.context["schedule_form"]["facility"].value() == home.pk
    assert response.context["add_form"]["organization"].value() == home.pk
    assert f'<option value="{home.pk}" selected>' in response.content.decode()


def test_without_a_current_placement_the_facility_is_left_open(case, center, worker_client):
    PlacementFactory(case=case, organization=residence(center=center), exited_on="2026-11-05",
                     exit_reason="moved_on")
    response = worker_client.get(reverse("procedures:follow_ups", args=[case.pk]))
    assert response.context["schedule_form"]["facility"].value() is None


def test_the_facility_picker_offers_places_to_stay_not_police_or_prosecutors(case, center, worker_client):
    residence(center=center, name="架空ホーム")
    OrganizationFactory(center=center, name="架空警察署", kind=kind("police"))
    OrganizationFactory(center=center, name="架空地方検察庁", kind=kind("prosecutors_office"))
    response = worker_client.get(reverse("procedures:follow_ups", args=[case.pk]))
    offered = {o.name for o in response.context["add_form"].fields["organization"].queryset}
    assert offered == {"架空ホーム"}
    assert {o.name for o in response.context["schedule_form"].fields["facility"].queryset} == {"架空ホーム"}
