"""Records of センター運営 that two people may edit refuse a stale save (common.concurrency), and a line of the
運行表 can be corrected under the same rules as recording it (the odometer never goes backwards)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.common.concurrency import StaleEditError
from yorisoi.office import services
from yorisoi.office.models import CenterProfile, Trip, Vehicle

from .factories import DeviceFactory, StaffMemberFactory, TripFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def _vehicle_data(vehicle, **changes):
    data = {"name": vehicle.name, "registration_number": vehicle.registration_number, "model_name": "",
            "business_use": "on", "note": "", "version": vehicle.version}
    data.update(changes)
    return data


def test_a_stale_vehicle_edit_is_refused_and_shows_what_the_other_changed(center, director, clerk, director_client):
    vehicle = VehicleFactory(center=center)
    read_version = vehicle.version
    services.update_vehicle(actor=clerk, vehicle=vehicle, expected_version=read_version, name="2号車（白）",
                            registration_number=vehicle.registration_number)
    response = director_client.post(reverse("office:vehicle_edit", args=[vehicle.pk]),
                                    _vehicle_data(vehicle, note="車庫で保管", version=read_version))
    body = response.content.decode()
    assert response.status_code == 409
    assert "保存できませんでした" in body and "2号車（白）" in body and "車庫で保管" in body
    assert Vehicle.objects.get(pk=vehicle.pk).name == "2号車（白）"  # never silently overwritten


def test_staff_device_and_profile_edits_carry_their_version(center, director, clerk):
    member = StaffMemberFactory(center=center)
    services.update_staff_member(actor=clerk, member=member, expected_version=1, name="職員 花子")
    with pytest.raises(StaleEditError):
        services.update_staff_member(actor=director, member=member, expected_version=1, name="職員 次郎")
    device = DeviceFactory(center=center)
    services.update_device(actor=director, device=device, expected_version=1, label="携帯9号")
    with pytest.raises(StaleEditError):
        services.update_device(actor=clerk, device=device, expected_version=1, label="携帯8号")
    services.save_center_profile(actor=director, operating_body="架空会")
    with pytest.raises(StaleEditError):
        services.save_center_profile(actor=director, operating_body="別の会")  # the form saw no profile
    profile = CenterProfile.objects.get(center=center)
    services.save_center_profile(actor=director, expected_version=profile.version, operating_body="新しい会")
    assert CenterProfile.objects.get(center=center).version == 2


def test_a_vehicle_check_moves_the_vehicle_on(center, director, clerk):
    vehicle = VehicleFactory(center=center)
    services.record_vehicle_check(actor=clerk, vehicle=vehicle, kind="inspection", done_on=dt.date(2026, 11, 1),
                                  next_due=dt.date(2028, 11, 1))
    with pytest.raises(StaleEditError):  # a form opened before the check would put the old due date back
        services.update_vehicle(actor=director, vehicle=vehicle, expected_version=1, inspection_due=None)


# --- correcting a trip -------------------------------------------------------------------------------------------


def _trip_data(trip, **changes):
    data = {"vehicle": trip.vehicle_id, "driver": trip.driver_id, "date": trip.date.isoformat(),
            "purpose": trip.purpose, "destination": trip.destination, "odometer_start": trip.odometer_start,
            "odometer_end": trip.odometer_end, "pre_check_result": "none", "pre_check_method": "detector_face",
            "pre_checker": trip.driver_id, "post_check_result": "none", "post_check_method": "detector_face",
            "post_checker": trip.driver_id, "version": trip.version}
    data.update(changes)
    return data


@pytest.fixture
def two_trips(center, worker):
    vehicle = VehicleFactory(center=center)
    first = TripFactory(vehicle=vehicle, driver=worker, date=dt.date(2026, 11, 10), odometer_start=1000,
                        odometer_end=1020)
    second = TripFactory(vehicle=vehicle, driver=worker, date=dt.date(2026, 11, 12), odometer_start=1020,
                         odometer_end=1050)
    return first, second


def test_the_driver_corrects_a_trip_and_the_distance_follows(two_trips, worker_client):
    _, second = two_trips
    url = reverse("office:trip_edit", args=[second.pk])
    page = worker_client.get(url)
    assert page.status_code == 200 and 'value="1050"' in page.content.decode()
    response = worker_client.post(url, _trip_data(second, odometer_end=1065))
    assert response.status_code == 302, response.context["form"].errors
    second.refresh_from_db()
    assert second.distance == 45 and second.version == 2


def test_a_correction_never_takes_the_odometer_backwards(two_trips, worker_client, worker):
    first, second = two_trips
    response = worker_client.post(reverse("office:trip_edit", args=[second.pk]),
                                  _trip_data(second, odometer_start=1010, destination="書き換えた行き先"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "距離計は戻りません" in body and "書き換えた行き先" in body  # what was typed stays
    # nor beyond the start of the trip after it
    with pytest.raises(ValidationError) as error:
        services.update_trip(actor=worker, trip=first, expected_version=1, odometer_end=1030)
    assert "odometer_end" in error.value.message_dict
    assert Trip.objects.get(pk=first.pk).odometer_end == 1020


def test_a_worker_corrects_only_their_own_trips_and_a_stale_correction_is_refused(two_trips, colleague_client,
                                                                                  clerk, worker_client):
    _, second = two_trips
    url = reverse("office:trip_edit", args=[second.pk])
    assert colleague_client.get(url).status_code == 403
    services.update_trip(actor=clerk, trip=second, expected_version=1, note="事務が追記")
    response = worker_client.post(url, _trip_data(second, note="相談員の追記", version=1))
    assert response.status_code == 409 and "保存できませんでした" in response.content.decode()


def test_the_trip_list_offers_the_correction_to_who_may_make_it(two_trips, worker_client, colleague_client):
    _, second = two_trips
    query = "?year=2026&month=11"
    edit_url = reverse("office:trip_edit", args=[second.pk])
    assert edit_url in worker_client.get(reverse("office:trips") + query).content.decode()
    assert edit_url not in colleague_client.get(reverse("office:trips") + query).content.decode()
