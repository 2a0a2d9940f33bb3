"""Services of センター運営: the odometer rule, the alcohol checks, the accompaniment reached through the policy, the
inspection reminders (and their place in やること), the affected persons of an incident and the report deadlines."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yorisoi.accounts.models import Center
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.inbox import selectors as inbox_selectors
from yorisoi.office import deadlines, selectors, services
from yorisoi.office.models import IncidentKind, Trip
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.records.models import ActivityKind
from yorisoi.records.tests.factories import ActivityFactory

from .factories import DeviceFactory, PaperFileFactory, TripFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def _trip(actor, vehicle, **values):
    base = dict(driver=actor, date=dt.date(2026, 11, 12), purpose="同行支援", destination="福祉事務所",
                odometer_start=1020, odometer_end=1050, pre_check_result="none", pre_check_method="detector_face",
                pre_checker=actor, post_check_result="none", post_check_method="detector_face", post_checker=actor)
    base.update(values)
    return services.record_trip(actor=actor, vehicle=vehicle, **base)


# --- the odometer ---------------------------------------------------------------------------------------------


def test_a_trip_starting_below_the_previous_trips_end_is_refused_in_japanese(center, worker):
    vehicle = VehicleFactory(center=center)
    TripFactory(vehicle=vehicle, driver=worker, date=dt.date(2026, 11, 10), odometer_start=1000, odometer_end=1020)
    with pytest.raises(ValidationError) as error:
        _trip(worker, vehicle, odometer_start=1019, odometer_end=1040)
    assert "距離計は戻りません" in error.value.message_dict["odometer_start"][0]
    trip = _trip(worker, vehicle, odometer_start=1020, odometer_end=1045)
    assert trip.distance == 25


def test_a_trip_recorded_late_must_fit_between_the_trips_around_it(center, worker):
    vehicle = VehicleFactory(center=center)
    TripFactory(vehicle=vehicle, driver=worker, date=dt.date(2026, 11, 10), odometer_start=1000, odometer_end=1020)
    TripFactory(vehicle=vehicle, driver=worker, date=dt.date(2026, 11, 14), odometer_start=1100, odometer_end=1130)
    with pytest.raises(ValidationError) as error:
        _trip(worker, vehicle, date=dt.date(2026, 11, 12), odometer_start=1030, odometer_end=1110)
    assert "odometer_end" in error.value.message_dict
    assert _trip(worker, vehicle, date=dt.date(2026, 11, 12), odometer_start=1030, odometer_end=1100).distance == 70


def test_the_odometer_of_another_vehicle_does_not_count(center, worker):
    TripFactory(vehicle=VehicleFactory(center=center), driver=worker, odometer_start=5000, odometer_end=5100)
    assert _trip(worker, VehicleFactory(center=center), odometer_start=10, odometer_end=30).distance == 20


def test_an_end_below_the_start_is_refused(center, worker):
    with pytest.raises(ValidationError):
        _trip(worker, VehicleFactory(center=center), odometer_start=100, odometer_end=90)


# --- alcohol checks and who drives ----------------------------------------------------------------------------


def test_a_business_vehicle_needs_both_alcohol_checks(center, worker):
    vehicle = VehicleFactory(center=center, business_use=True)
    with pytest.raises(ValidationError) as error:
        _trip(worker, vehicle, post_check_result="", post_check_method="", post_checker=None)
    assert set(error.value.message_dict) >= {"post_check_result", "post_check_method", "post_checker"}
    assert not Trip.objects.exists()


def test_a_private_use_vehicle_may_be_recorded_without_checks(center, worker):
    vehicle = VehicleFactory(center=center, business_use=False)
    trip = _trip(worker, vehicle, pre_check_result="", pre_check_method="", pre_checker=None, post_check_result="",
                 post_check_method="", post_checker=None)
    assert not trip.checks_complete


def test_alcohol_detected_before_driving_is_no_trip(center, worker):
    with pytest.raises(ValidationError) as error:
        _trip(worker, VehicleFactory(center=center), pre_check_result="detected")
    assert "運転できません" in error.value.message_dict["pre_check_result"][0]


def test_a_worker_records_only_their_own_driving_a_clerk_any(center, worker, colleague, clerk):
    vehicle = VehicleFactory(center=center)
    with pytest.raises(PermissionDenied):
        _trip(worker, vehicle, driver=colleague)
    assert services.record_trip(
        actor=clerk, vehicle=vehicle, driver=colleague, date=dt.date(2026, 11, 12), purpose="送迎",
        destination="駅", odometer_start=0, odometer_end=5, pre_check_result="none",
        pre_check_method="detector_face", pre_checker=clerk, post_check_result="none",
        post_check_method="detector_face", post_checker=clerk).driver == colleague


def test_an_auditor_records_no_trip_and_another_centers_vehicle_is_refused(center, worker, auditor, outsider):
    vehicle = VehicleFactory(center=center)
    with pytest.raises(PermissionDenied):
        _trip(auditor, vehicle)
    with pytest.raises(PermissionDenied):
        _trip(outsider, vehicle)


def test_the_accompaniment_record_must_be_reachable_and_of_the_chosen_case(center, worker, colleague):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    activity = ActivityFactory(case=case, author=worker, kind=ActivityKind.ACCOMPANY)
    other = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    vehicle = VehicleFactory(center=center)
    with pytest.raises(ValidationError):
        _trip(worker, vehicle, case=other, activity=activity)
    trip = _trip(worker, vehicle, activity=activity)
    assert trip.case == case  # taken from the record
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    colleague.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _trip(colleague, vehicle, odometer_start=1050, odometer_end=1060, pre_checker=colleague,
              post_checker=colleague, driver=colleague, case=case)


# --- inspection reminders -----------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_inspections_remind_the_vehicle_keepers_from_sixty_days_before(center, director, worker, clerk, auditor):
    VehicleFactory(center=center, name="1号車", inspection_due=dt.date(2027, 1, 20),
                   periodic_check_due=dt.date(2027, 3, 1), insurance_until=dt.date(2026, 11, 30))
    today = dt.date(2026, 12, 1)
    reminders = selectors.office_reminders(clerk, today=today, until=today + dt.timedelta(days=14))
    assert sorted((r.date, r.key.split("-")[1]) for r in reminders) == [
        (dt.date(2026, 11, 30), "insurance_until"), (dt.date(2027, 1, 20), "inspection_due")]
    assert selectors.office_reminders(worker, today=today, until=today) == []
    assert selectors.office_reminders(auditor, today=today, until=today) == []
    box = inbox_selectors.inbox(clerk, today=today, days=14, scope="center")
    assert [i.kind for i in box.overdue] == ["vehicle"]
    assert any(i.kind == "vehicle" and "車検" in i.title for i in box.coming)
    assert "vehicle" in inbox_selectors.kinds_for(director)
    assert "vehicle" not in inbox_selectors.kinds_for(worker)


def test_a_recorded_inspection_moves_the_due_date_on(center, clerk):
    vehicle = VehicleFactory(center=center, inspection_due=dt.date(2026, 12, 20))
    services.record_vehicle_check(actor=clerk, vehicle=vehicle, kind="inspection", done_on=dt.date(2026, 12, 10),
                                  next_due=dt.date(2028, 12, 20), done_by="テスト整備工場")
    vehicle.refresh_from_db()
    assert vehicle.inspection_due == dt.date(2028, 12, 20)
    with pytest.raises(ValidationError):
        services.record_vehicle_check(actor=clerk, vehicle=vehicle, kind="periodic", done_on=dt.date(2026, 12, 10),
                                      next_due=dt.date(2026, 12, 1))


# --- affected persons ---------------------------------------------------------------------------------------------


def test_a_lost_phone_lists_the_holders_cases_and_recently_opened_records(center, director, worker, colleague):
    main = CaseFactory(person=PersonFactory(center=center, family_name="担当"), main_staff=worker)
    sub = CaseFactory(person=PersonFactory(center=center, family_name="副担当"), main_staff=colleague,
                      sub_staff=worker)
    opened = PersonFactory(center=center, family_name="閲覧")
    PersonFactory(center=center, family_name="無関係")
    CaseFactory(person=PersonFactory(center=center, family_name="他人"), main_staff=colleague)
    log_access(actor=worker, action=AccessAction.VIEW, obj=opened, person_id=opened.pk, section="face_sheet")
    phone = DeviceFactory(center=center, holder=worker)
    incident = services.report_incident(actor=director, kind=IncidentKind.LOST_DEVICE, discovered_at=timezone.now(),
                                        description="携帯の紛失（架空）", device=phone)
    assert incident.holder == worker
    listed = {a.person.family_name: a.reasons for a in selectors.affected_persons(incident)}
    assert set(listed) == {"担当", "副担当", "閲覧"}
    assert listed["担当"] == ("担当ケースの対象者",)
    assert main.person_id in set(incident.affected_persons.values_list("pk", flat=True))
    assert sub.person_id in set(incident.affected_persons.values_list("pk", flat=True))


def test_a_lost_paper_file_lists_its_person_and_nobody_of_another_center(center, other_center, clerk):
    paper_file = PaperFileFactory(person=PersonFactory(center=center, family_name="紙"))
    incident = services.report_incident(actor=clerk, kind=IncidentKind.LOST_FILE, discovered_at=timezone.now(),
                                        description="ファイルの紛失（架空）", paper_file=paper_file)
    assert [a.person.family_name for a in selectors.affected_persons(incident)] == ["紙"]
    with pytest.raises(PermissionDenied):
        services.report_incident(actor=clerk, kind=IncidentKind.MISDIRECTED_FAX, discovered_at=timezone.now(),
                                 description="誤送信（架空）", person=PersonFactory(center=other_center))


# --- deadlines --------------------------------------------------------------------------------------------------------


def test_deadlines_count_from_the_day_after_the_center_knew():
    due = deadlines.deadlines(known_on=dt.date(2026, 4, 1), affected=1, sensitive=True, malicious=False)
    assert due.needed
    assert (due.preliminary_from, due.preliminary_due) == (dt.date(2026, 4, 4), dt.date(2026, 4, 6))
    assert due.final_due == dt.date(2026, 5, 1)
    malicious = deadlines.deadlines(known_on=dt.date(2026, 4, 1), affected=0, sensitive=False, malicious=True)
    assert malicious.needed and malicious.final_due == dt.date(2026, 5, 31) and malicious.final_days == 60


def test_no_report_without_sensitive_data_malice_or_many_persons():
    assert not deadlines.deadlines(known_on=dt.date(2026, 4, 1), affected=5, sensitive=False,
                                   malicious=False).needed
    assert not deadlines.deadlines(known_on=dt.date(2026, 4, 1), affected=0, sensitive=True, malicious=False).needed
    assert deadlines.deadlines(known_on=dt.date(2026, 4, 1), affected=1001, sensitive=False, malicious=False).needed


def test_a_theft_is_taken_as_malicious_and_its_deadlines_reach_the_directors_inbox(center, director, clerk, worker):
    CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    known = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)  # 10:00 in Japan
    incident = services.report_incident(actor=clerk, kind=IncidentKind.STOLEN_DEVICE, discovered_at=known,
                                        description="盗難（架空）", device=DeviceFactory(center=center, holder=worker))
    assert incident.malicious
    due = selectors.incident_deadlines(incident)
    assert (due.preliminary_due, due.final_due) == (dt.date(2026, 11, 25), dt.date(2027, 1, 19))
    items = inbox_selectors.items_for(director, today=dt.date(2026, 11, 21), until=dt.date(2026, 12, 5),
                                      scope="center")
    assert [(i.kind, i.date) for i in items if i.kind == "incident"] == [
        ("incident", dt.date(2026, 11, 25)), ("incident", dt.date(2027, 1, 19))]
    assert not any(i.kind == "incident" for i in inbox_selectors.items_for(
        clerk, today=dt.date(2026, 11, 21), until=dt.date(2026, 12, 5), scope="center"))
    services.record_authority_report(actor=director, incident=incident, preliminary_reported_on=dt.date(2026, 11, 24),
                                     final_reported_on=None)
    items = inbox_selectors.items_for(director, today=dt.date(2026, 11, 21), until=dt.date(2026, 12, 5),
                                      scope="center")
    assert [i.date for i in items if i.kind == "incident"] == [dt.date(2027, 1, 19)]


def test_the_wipe_step_is_recorded_by_a_director_only(center, director, worker):
    incident = services.report_incident(actor=worker, kind=IncidentKind.LOST_DEVICE, discovered_at=timezone.now(),
                                        description="紛失（架空）", device=DeviceFactory(center=center, holder=worker))
    with pytest.raises(PermissionDenied):
        services.record_wipe(actor=worker, incident=incident, requested_at=timezone.now(), done_at=None,
                             confirmed=False)
    with pytest.raises(ValidationError):
        services.record_wipe(actor=director, incident=incident, requested_at=timezone.now(), done_at=None,
                             confirmed=True)
    now = timezone.now()
    done = services.record_wipe(actor=director, incident=incident, requested_at=now, done_at=now, confirmed=True)
    assert done.wipe_confirmed and done.wipe_by == director


def test_a_paper_file_is_checked_out_once_and_returned(center, worker):
    paper_file = PaperFileFactory(person=CaseFactory(person=PersonFactory(center=center), main_staff=worker).person)
    services.check_out_file(actor=worker, paper_file=paper_file, purpose="訪問")
    with pytest.raises(ValidationError):
        services.check_out_file(actor=worker, paper_file=paper_file)
    assert services.return_file(actor=worker, paper_file=paper_file).returned_to == worker
