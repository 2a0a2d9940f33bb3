"""The pages of センター運営: allowed role, refused role of the same center, another center (the authorization matrix
walks every URL for every role; these follow a few pages through a POST and what they show and log)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.office.models import Incident, StaffMember, Trip
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.models import AccessLog
from yorisoi.records.models import ActivityKind
from yorisoi.records.tests.factories import ActivityFactory

from .factories import DeviceFactory, IncidentFactory, QualificationFactory, StaffMemberFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def _trip_post(vehicle, driver, **extra):
    data = {"vehicle": vehicle.pk, "driver": driver.pk, "date": "令和8年11月12日", "purpose": "同行支援",
            "destination": "テスト市福祉事務所", "odometer_start": "1200", "odometer_end": "1234",
            "pre_check_result": "none", "pre_check_method": "detector_face", "pre_checker": driver.pk,
            "post_check_result": "none", "post_check_method": "detector_face", "post_checker": driver.pk}
    data.update(extra)
    return data


def test_a_worker_records_an_accompaniment_trip_and_sees_it_in_the_months_log(center, worker, worker_client):
    case = CaseFactory(person=PersonFactory(center=center, family_name="同行"), main_staff=worker)
    activity = ActivityFactory(case=case, author=worker, kind=ActivityKind.ACCOMPANY, occurred_at=timezone.now())
    vehicle = VehicleFactory(center=center)
    response = worker_client.post(reverse("office:trip_create"), _trip_post(vehicle, worker, activity=activity.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    trip = Trip.objects.get()
    assert (trip.case, trip.distance, trip.recorded_by) == (case, 34, worker)
    page = worker_client.get(reverse("office:trips") + "?year=2026&month=11")
    assert "同行" in page.content.decode() and "34 km" in page.content.decode()
    printed = worker_client.get(reverse("office:trip_print") + "?year=2026&month=11")
    assert printed.status_code == 200 and "安全運転管理者の確認" in printed.content.decode()
    assert AccessLog.objects.filter(section="office_trips", action="print").exists()


def test_a_refused_trip_keeps_what_was_typed_with_a_japanese_message(center, worker, worker_client):
    vehicle = VehicleFactory(center=center)
    response = worker_client.post(reverse("office:trip_create"), _trip_post(
        vehicle, worker, post_check_result="", destination="入力した行き先"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "運転後のアルコールチェックの結果が必要です" in body and "入力した行き先" in body
    assert not Trip.objects.exists()


def test_a_worker_cannot_record_a_colleagues_driving_through_the_form(center, worker, colleague, worker_client):
    vehicle = VehicleFactory(center=center)
    response = worker_client.post(reverse("office:trip_create"), _trip_post(vehicle, colleague))
    assert response.status_code == 200 and "運転者の選択肢から選んでください" in response.content.decode()


def test_another_centers_vehicle_and_incident_are_404(center, director, outsider_client):
    vehicle = VehicleFactory(center=center)
    incident = IncidentFactory(center=center, reported_by=director)
    assert outsider_client.get(reverse("office:vehicle_detail", args=[vehicle.pk])).status_code == 404
    assert outsider_client.get(reverse("office:incident_detail", args=[incident.pk])).status_code == 404


def test_the_incident_page_shows_and_logs_the_affected_persons_and_the_deadlines(center, director, worker,
                                                                                  director_client):
    CaseFactory(person=PersonFactory(center=center, family_name="影響", given_name="一郎"), main_staff=worker)
    phone = DeviceFactory(center=center, holder=worker)
    response = director_client.post(reverse("office:incident_create"), {
        "kind": "lost_device", "discovered_at": "令和8年11月20日 10:00", "description": "携帯電話の紛失（架空）",
        "device": phone.pk, "sensitive_data": "on"})
    incident = Incident.objects.get()
    assert response.status_code == 302
    page = director_client.get(reverse("office:incident_detail", args=[incident.pk])).content.decode()
    assert "影響 一郎" in page
    assert "令和8年11月25日" in page and "令和8年12月20日" in page  # 速報 (5 days), 確報 (30 days)
    row = AccessLog.objects.filter(section="office_incident", action="view").latest("id")
    assert row.listed.count() == 1


def test_the_wipe_form_keeps_its_input_on_error(center, director, worker, director_client):
    incident = IncidentFactory(center=center, reported_by=director, device=DeviceFactory(center=center))
    response = director_client.post(reverse("office:incident_wipe", args=[incident.pk]), {
        "wipe_requested_at": "令和8年11月20日 11:00", "wipe_done_at": "", "wipe_confirmed": "on"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "完了日時も入力してください" in body and "令和8年11月20日 11:00" in body


def test_a_worker_sees_only_the_incidents_they_reported(center, director, worker, worker_client):
    own = IncidentFactory(center=center, reported_by=worker)
    IncidentFactory(center=center, reported_by=director)
    page = worker_client.get(reverse("office:incidents")).content.decode()
    assert f"インシデント{own.pk}" in page and page.count("インシデント") >= 1
    assert worker_client.get(reverse("office:incident_detail", args=[own.pk])).status_code == 200


def test_the_staffing_table_prints_counts_and_qualifications(center, clerk, clerk_client, worker_client):
    member = StaffMemberFactory(center=center, name="相談 花子")
    QualificationFactory(staff_member=member, kind="psw", registration_number="98765")
    StaffMemberFactory(center=center, name="事務 太郎", job="clerk")
    StaffMemberFactory(center=center, name="非常勤 次郎", employment_type="part_time")
    page = clerk_client.get(reverse("office:staffing_print")).content.decode()
    assert "常勤 2名（うち事務職員 1名）、非常勤 1名" in page
    assert "精神保健福祉士（第98765号" in page
    assert worker_client.get(reverse("office:staffing")).status_code == 403


def test_a_clerk_adds_a_staff_member_and_a_typing_error_keeps_the_form(center, clerk, clerk_client):
    response = clerk_client.post(reverse("office:staff_create"), {
        "name": "新人 三郎", "job": "counselor", "employment_type": "full_time", "started_on": "令和8年13月1日"})
    assert response.status_code == 200 and "新人 三郎" in response.content.decode()
    assert not StaffMember.objects.exists()
    response = clerk_client.post(reverse("office:staff_create"), {
        "name": "新人 三郎", "job": "counselor", "employment_type": "full_time", "started_on": "令和8年4月1日"})
    assert response.status_code == 302
    assert StaffMember.objects.get().started_on == dt.date(2026, 4, 1)


def test_the_navigation_links_the_office_for_center_staff(worker_client):
    assert reverse("office:index") in worker_client.get(reverse("home")).content.decode()


def test_the_director_saves_the_center_profile_and_the_staffing_table_shows_it(center, director_client,
                                                                              clerk_client):
    data = {"operating_body": "社会福祉法人 架空会", "contract_title": "地域生活定着促進事業",
            "contract_from": "令和8年4月1日", "contract_to": "令和9年3月31日", "address": "架空市1-2-3"}
    assert clerk_client.post(reverse("office:profile_edit"), data).status_code == 403
    assert director_client.post(reverse("office:profile_edit"), data).status_code == 302
    assert director_client.post(reverse("office:profile_edit"),
                                {**data, "address": "架空市4-5-6", "version": 1}).status_code == 302
    page = clerk_client.get(reverse("office:staffing")).content.decode()
    assert "社会福祉法人 架空会" in page and "架空市4-5-6" in page and "令和9年3月31日" in page
