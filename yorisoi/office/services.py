"""Writes of センター運営. Every function checks the policy itself (the role rule of areas.office_access, the center
of every object it names, and the case or record of an accompaniment through `policy.require`), validates
(full_clean) and writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit, stale_edit
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from . import selectors
from .models import (
    AlcoholResult,
    CenterProfile,
    CheckKind,
    Device,
    FileCheckout,
    Incident,
    IncidentNotification,
    OfficeCheck,
    PaperFile,
    Qualification,
    StaffMember,
    Trip,
    Vehicle,
    VehicleCheck,
    VehicleEvent,
)
from .models.security import MALICIOUS_KINDS
from .rules import office_access

PROFILE_FIELDS = ["operating_body", "representative", "contract_title", "contract_with", "contract_from",
                  "contract_to", "postal_code", "address", "phone", "fax", "office_hours", "note"]
STAFF_FIELDS = ["account", "name", "name_kana", "job", "employment_type", "weekly_hours", "started_on", "ended_on",
                "note"]
VEHICLE_FIELDS = ["name", "registration_number", "model_name", "business_use", "inspection_due",
                  "periodic_check_due", "insurance_company", "insurance_policy_number", "insurance_until",
                  "retired_on", "note"]
DEVICE_FIELDS = ["kind", "label", "model_name", "holder", "screen_lock", "encrypted", "remote_wipe", "retired_on",
                 "note"]
SECTION = "office"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _check_fields(values: dict, allowed: list[str]) -> None:
    if set(values) - set(allowed):
        raise PermissionDenied


def _save_version(obj, actor: Staff, *, exclude: tuple[str, ...] = ()) -> None:
    """A record two people may edit: the next version, who saved it, and its history row (common.concurrency)."""
    obj.version += 1
    obj.updated_by = actor
    obj.full_clean(exclude=list(exclude))
    obj._history_user = actor
    obj.save()


def _log(request, actor, action, obj, *, section: str = SECTION, person_id: int | None = None,
         detail: str = "") -> None:
    log_access(request=request, actor=actor, action=action, obj=obj, section=section, person_id=person_id,
               detail=detail)


# --- the center profile and the staffing table ----------------------------------------------------------------


@transaction.atomic
def save_center_profile(*, actor: Staff, expected_version: int | None = None, request=None,
                        **values) -> CenterProfile:
    """Create the center's profile (`expected_version` None: the form saw none) or change it (refused as stale when
    someone saved since `expected_version`)."""
    _require(office_access(actor).can_edit_profile)
    _check_fields(values, PROFILE_FIELDS)
    profile = policy.of_center(CenterProfile, actor).first()
    created = profile is None
    if created:
        profile = CenterProfile(center=actor.center, version=0)
    elif expected_version is None:
        raise stale_edit(profile, 0)  # created by someone else after this form was opened
    else:
        profile = lock_for_edit(CenterProfile, pk=profile.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(profile, name, value)
    _save_version(profile, actor)
    _log(request, actor, AccessAction.CREATE if created else AccessAction.UPDATE, profile, section="office_staffing")
    return profile


def _check_account(actor: Staff, account) -> None:
    policy.require_same_center(actor, account)


@transaction.atomic
def add_staff_member(*, actor: Staff, request=None, **values) -> StaffMember:
    _require(office_access(actor).can_edit_staffing)
    _check_fields(values, STAFF_FIELDS)
    _check_account(actor, values.get("account"))
    member = StaffMember(center_id=actor.center_id, updated_by=actor, **values)
    member.full_clean()
    member._history_user = actor
    member.save()
    _log(request, actor, AccessAction.CREATE, member, section="office_staffing")
    return member


@transaction.atomic
def update_staff_member(*, actor: Staff, member: StaffMember, expected_version: int, request=None,
                        **values) -> StaffMember:
    _require(office_access(actor).can_edit_staffing)
    policy.require_same_center(actor, member)
    _check_fields(values, STAFF_FIELDS)
    _check_account(actor, values.get("account"))
    member = lock_for_edit(StaffMember, pk=member.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(member, name, value)
    _save_version(member, actor)
    _log(request, actor, AccessAction.UPDATE, member, section="office_staffing")
    return member


@transaction.atomic
def add_qualification(*, actor: Staff, member: StaffMember, kind: str, other_name: str = "",
                      registration_number: str = "", registered_on: dt.date | None = None,
                      request=None) -> Qualification:
    _require(office_access(actor).can_edit_staffing)
    policy.require_same_center(actor, member)
    qualification = Qualification(staff_member=member, kind=kind, other_name=other_name,
                                  registration_number=registration_number, registered_on=registered_on)
    qualification.full_clean()
    qualification.save()
    _log(request, actor, AccessAction.CREATE, qualification, section="office_staffing")
    return qualification


@transaction.atomic
def remove_qualification(*, actor: Staff, qualification: Qualification, request=None) -> None:
    _require(office_access(actor).can_edit_staffing)
    policy.require_same_center(actor, qualification.staff_member)
    _log(request, actor, AccessAction.DELETE, qualification, section="office_staffing")
    qualification.delete()


# --- vehicles --------------------------------------------------------------------------------------------------


@transaction.atomic
def register_vehicle(*, actor: Staff, request=None, **values) -> Vehicle:
    _require(office_access(actor).can_manage_equipment)
    _check_fields(values, VEHICLE_FIELDS)
    vehicle = Vehicle(center_id=actor.center_id, updated_by=actor, **values)
    vehicle.full_clean()
    vehicle._history_user = actor
    vehicle.save()
    _log(request, actor, AccessAction.CREATE, vehicle)
    return vehicle


@transaction.atomic
def update_vehicle(*, actor: Staff, vehicle: Vehicle, expected_version: int, request=None, **values) -> Vehicle:
    _require(office_access(actor).can_manage_equipment)
    policy.require_same_center(actor, vehicle)
    _check_fields(values, VEHICLE_FIELDS)
    vehicle = lock_for_edit(Vehicle, pk=vehicle.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(vehicle, name, value)
    _save_version(vehicle, actor)
    _log(request, actor, AccessAction.UPDATE, vehicle)
    return vehicle


@transaction.atomic
def record_vehicle_check(*, actor: Staff, vehicle: Vehicle, kind: str, done_on: dt.date,
                         next_due: dt.date | None = None, done_by: str = "", result: str = "",
                         request=None) -> VehicleCheck:
    """A 車検 or periodic check done; its next due date becomes the vehicle's (the reminder moves on)."""
    _require(office_access(actor).can_manage_equipment)
    policy.require_same_center(actor, vehicle)
    check = VehicleCheck(vehicle=vehicle, kind=kind, done_on=done_on, next_due=next_due, done_by=done_by,
                         result=result, recorded_by=actor)
    check.full_clean()
    if next_due is not None and next_due <= done_on:
        raise ValidationError({"next_due": "次回の期限は実施日より後の日付にしてください。"})
    check.save()
    if next_due is not None and kind in (CheckKind.INSPECTION, CheckKind.PERIODIC):
        vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        if kind == CheckKind.INSPECTION:
            vehicle.inspection_due = next_due
        else:
            vehicle.periodic_check_due = next_due
        _save_version(vehicle, actor)  # a vehicle form opened before must not put the old due date back
    _log(request, actor, AccessAction.CREATE, check)
    return check


# --- trips -----------------------------------------------------------------------------------------------------


def _check_alcohol(trip: Trip) -> None:
    errors = {}
    for side, label in (("pre", "運転前"), ("post", "運転後")):
        result, method, checker = (getattr(trip, f"{side}_check_result"), getattr(trip, f"{side}_check_method"),
                                   getattr(trip, f"{side}_checker"))
        if trip.vehicle.business_use:
            if not result:
                errors[f"{side}_check_result"] = f"業務用車両では{label}のアルコールチェックの結果が必要です。"
            if not method:
                errors[f"{side}_check_method"] = f"業務用車両では{label}の確認の方法が必要です。"
            if checker is None:
                errors[f"{side}_checker"] = f"業務用車両では{label}の確認者が必要です。"
    if trip.pre_check_result == AlcoholResult.DETECTED:
        errors["pre_check_result"] = "運転前に酒気帯びが確認された場合は運転できません。運行として記録できません。"
    if errors:
        raise ValidationError(errors)


def _check_odometer(trip: Trip) -> None:
    """Never backwards: the start is at least the end of the vehicle's previous trip, and the end at most the
    start of the next one (a trip recorded late, between two others)."""
    before = selectors.previous_trip(trip.vehicle, date=trip.date, odometer_start=trip.odometer_start,
                                     exclude=trip.pk)
    if before is not None and trip.odometer_start < before.odometer_end:
        raise ValidationError({"odometer_start": (
            f"出発時の距離計が、この車両の前回の運行（帰着時 {before.odometer_end:,} km）より小さくなっています。"
            "距離計は戻りません。値を確認してください。")})
    after = selectors.next_trip(trip.vehicle, date=trip.date, odometer_start=trip.odometer_start, exclude=trip.pk)
    if after is not None and trip.odometer_end > after.odometer_start:
        raise ValidationError({"odometer_end": (
            f"帰着時の距離計が、この車両の次の運行（出発時 {after.odometer_start:,} km）より大きくなっています。"
            "値を確認してください。")})


TRIP_FIELDS = ["vehicle", "driver", "date", "departed_at", "returned_at", "purpose", "destination", "odometer_start",
               "odometer_end", "pre_check_result", "pre_check_method", "pre_checker", "post_check_result",
               "post_check_method", "post_checker", "case", "activity", "note"]


def _check_trip_links(actor: Staff, *, vehicle: Vehicle, driver: Staff, date: dt.date, pre_checker, post_checker,
                      case, activity):
    """Workers record their own driving; everything named is of the actor's center; the accompaniment's case and
    support record are ones the actor may open (and the record belongs to the case). Returns the case."""
    access = office_access(actor)
    _require(access.can_record_trips)
    _require(driver.pk == actor.pk or access.can_record_any_driver)
    policy.require_same_center(actor, vehicle, driver, pre_checker, post_checker)
    if vehicle.retired_on is not None and vehicle.retired_on < date:
        raise ValidationError({"vehicle": "この車両は使用を終えています。"})
    if activity is not None:
        policy.require(actor, "view", activity)
        if case is None:
            case = activity.case
        elif activity.case_id != case.pk:
            raise ValidationError({"activity": "同行支援の記録は、選んだケースの記録を選んでください。"})
    if case is not None:
        policy.require(actor, "view", case)
    return case


def _lock_vehicles(*vehicle_ids) -> None:
    """Locks the vehicles' rows (in id order): two trips of one vehicle saved at once are checked one after the
    other against the odometer."""
    for pk in sorted({v for v in vehicle_ids if v is not None}):
        Vehicle.objects.select_for_update().filter(pk=pk).first()


@transaction.atomic
def record_trip(*, actor: Staff, vehicle: Vehicle, driver: Staff, date: dt.date, purpose: str, destination: str,
                odometer_start: int, odometer_end: int, departed_at: dt.time | None = None,
                returned_at: dt.time | None = None, pre_check_result: str = "", pre_check_method: str = "",
                pre_checker: Staff | None = None, post_check_result: str = "", post_check_method: str = "",
                post_checker: Staff | None = None, case=None, activity=None, note: str = "", request=None) -> Trip:
    """One trip of the 運行表. Workers record their own driving; the accompaniment's case and support record must
    be ones the actor may open (and the record must belong to the case)."""
    case = _check_trip_links(actor, vehicle=vehicle, driver=driver, date=date, pre_checker=pre_checker,
                             post_checker=post_checker, case=case, activity=activity)
    _lock_vehicles(vehicle.pk)
    trip = Trip(center_id=actor.center_id, vehicle=vehicle, driver=driver, date=date, departed_at=departed_at,
                returned_at=returned_at, purpose=purpose, destination=destination, odometer_start=odometer_start,
                odometer_end=odometer_end, pre_check_result=pre_check_result, pre_check_method=pre_check_method,
                pre_checker=pre_checker, post_check_result=post_check_result, post_check_method=post_check_method,
                post_checker=post_checker, case=case, activity=activity, note=note, recorded_by=actor,
                updated_by=actor)
    trip.full_clean()
    _check_alcohol(trip)
    _check_odometer(trip)
    trip._history_user = actor
    trip.save()
    _log(request, actor, AccessAction.CREATE, trip, person_id=case.person_id if case else None)
    return trip


@transaction.atomic
def update_trip(*, actor: Staff, trip: Trip, expected_version: int, request=None, **values) -> Trip:
    """Correct a line of the 運行表 (a typo in the odometer, a missing check) under the same rules as recording it:
    the odometer never goes backwards against the vehicle's trips before and after, the alcohol checks of a
    business vehicle stay complete. Workers correct their own trips; refused as stale when someone saved since
    `expected_version`. An accompaniment's case the actor may not open stays as it was."""
    _require(policy.areas.may_edit_trip(actor, trip))
    policy.require_same_center(actor, trip)
    _check_fields(values, TRIP_FIELDS)
    current = Trip.objects.select_related("case").get(pk=trip.pk)
    merged = {name: values.get(name, getattr(current, name)) for name in TRIP_FIELDS}
    if merged["case"] is None and current.case_id and not policy.may_reach(actor, current.case):
        merged["case"], merged["activity"] = current.case, current.activity
        hidden = True
    else:
        hidden = False
    if not hidden:
        merged["case"] = _check_trip_links(
            actor, vehicle=merged["vehicle"], driver=merged["driver"], date=merged["date"],
            pre_checker=merged["pre_checker"], post_checker=merged["post_checker"], case=merged["case"],
            activity=merged["activity"])
    else:
        _check_trip_links(actor, vehicle=merged["vehicle"], driver=merged["driver"], date=merged["date"],
                          pre_checker=merged["pre_checker"], post_checker=merged["post_checker"], case=None,
                          activity=None)
    _lock_vehicles(current.vehicle_id, merged["vehicle"].pk)
    locked = lock_for_edit(Trip, pk=trip.pk, expected_version=expected_version)
    for name, value in merged.items():
        setattr(locked, name, value)
    # who recorded the trip stays as it was (empty when that account is gone)
    locked.full_clean(exclude=["recorded_by"])
    _check_alcohol(locked)
    _check_odometer(locked)
    _save_version(locked, actor, exclude=("recorded_by",))
    case = locked.case
    _log(request, actor, AccessAction.UPDATE, locked, person_id=case.person_id if case else None)
    return locked


@transaction.atomic
def report_vehicle_event(*, actor: Staff, vehicle: Vehicle, kind: str, occurred_at: dt.datetime,
                         description: str, place: str = "", trip: Trip | None = None, request=None) -> VehicleEvent:
    _require(office_access(actor).can_record_trips)
    policy.require_same_center(actor, vehicle, trip)
    event = VehicleEvent(center_id=actor.center_id, vehicle=vehicle, kind=kind, occurred_at=occurred_at,
                         description=description, place=place, trip=trip, reported_by=actor)
    event.full_clean()
    event.save()
    _log(request, actor, AccessAction.CREATE, event)
    return event


@transaction.atomic
def record_event_follow_up(*, actor: Staff, event: VehicleEvent, follow_up: str,
                           follow_up_done_on: dt.date | None = None, request=None) -> VehicleEvent:
    _require(office_access(actor).can_manage_equipment)
    policy.require_same_center(actor, event)
    event = VehicleEvent.objects.select_for_update().get(pk=event.pk)
    event.follow_up = follow_up
    event.follow_up_done_on = follow_up_done_on
    event.full_clean()
    event.save()
    _log(request, actor, AccessAction.UPDATE, event)
    return event


# --- devices, paper files, lock checks ------------------------------------------------------------------------


@transaction.atomic
def register_device(*, actor: Staff, request=None, **values) -> Device:
    _require(office_access(actor).can_manage_equipment)
    _check_fields(values, DEVICE_FIELDS)
    policy.require_same_center(actor, values.get("holder"))
    device = Device(center_id=actor.center_id, updated_by=actor, **values)
    device.full_clean()
    device._history_user = actor
    device.save()
    _log(request, actor, AccessAction.CREATE, device)
    return device


@transaction.atomic
def update_device(*, actor: Staff, device: Device, expected_version: int, request=None, **values) -> Device:
    _require(office_access(actor).can_manage_equipment)
    policy.require_same_center(actor, device, values.get("holder"))
    _check_fields(values, DEVICE_FIELDS)
    device = lock_for_edit(Device, pk=device.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(device, name, value)
    _save_version(device, actor)
    _log(request, actor, AccessAction.UPDATE, device)
    return device


@transaction.atomic
def register_paper_file(*, actor: Staff, person, label: str, cabinet: str, request=None) -> PaperFile:
    _require(office_access(actor).can_manage_equipment)
    policy.require(actor, "edit", person)
    paper_file = PaperFile(center_id=actor.center_id, person=person, label=label, cabinet=cabinet)
    paper_file.full_clean()
    paper_file.save()
    _log(request, actor, AccessAction.CREATE, paper_file, person_id=person.pk)
    return paper_file


@transaction.atomic
def check_out_file(*, actor: Staff, paper_file: PaperFile, purpose: str = "", request=None) -> FileCheckout:
    _require(office_access(actor).can_use_files)
    policy.require(actor, "view", paper_file.person)
    PaperFile.objects.select_for_update().filter(pk=paper_file.pk).first()
    if FileCheckout.objects.filter(paper_file=paper_file, returned_at__isnull=True).exists():
        raise ValidationError("このファイルは持ち出し中です。返却を記録してから持ち出してください。")
    checkout = FileCheckout(paper_file=paper_file, taken_by=actor, taken_at=timezone.now(), purpose=purpose)
    checkout.full_clean()
    checkout.save()
    _log(request, actor, AccessAction.UPDATE, paper_file, person_id=paper_file.person_id, detail="checkout")
    return checkout


@transaction.atomic
def return_file(*, actor: Staff, paper_file: PaperFile, request=None) -> FileCheckout:
    _require(office_access(actor).can_use_files)
    policy.require(actor, "view", paper_file.person)
    checkout = (FileCheckout.objects.select_for_update().filter(paper_file=paper_file, returned_at__isnull=True)
                .first())
    if checkout is None:
        raise ValidationError("このファイルはキャビネットにあります（持ち出しの記録がありません）。")
    checkout.returned_at = timezone.now()
    checkout.returned_to = actor
    checkout.full_clean()
    checkout.save()
    _log(request, actor, AccessAction.UPDATE, paper_file, person_id=paper_file.person_id, detail="return")
    return checkout


@transaction.atomic
def record_office_check(*, actor: Staff, date: dt.date, office_locked: bool, cabinets_locked: bool,
                        pcs_stored: bool, no_media_left: bool, note: str = "", request=None) -> OfficeCheck:
    """The day's lock check; recording it again the same day replaces the earlier answers."""
    _require(office_access(actor).can_check_office)
    check = policy.of_center(OfficeCheck, actor).select_for_update().filter(date=date).first()
    check = check or OfficeCheck(center_id=actor.center_id, date=date, checked_by=actor)
    check.office_locked, check.cabinets_locked = office_locked, cabinets_locked
    check.pcs_stored, check.no_media_left, check.note, check.checked_by = pcs_stored, no_media_left, note, actor
    created = check.pk is None
    check.full_clean()
    check.save()
    _log(request, actor, AccessAction.CREATE if created else AccessAction.UPDATE, check)
    return check


# --- incidents -------------------------------------------------------------------------------------------------


@transaction.atomic
def report_incident(*, actor: Staff, kind: str, discovered_at: dt.datetime, description: str,
                    occurred_at: dt.datetime | None = None, device: Device | None = None, holder: Staff | None = None,
                    paper_file: PaperFile | None = None, person=None, sensitive_data: bool = True,
                    malicious: bool | None = None, request=None) -> Incident:
    """Record an incident and the persons it may touch, derived from yorisoi's data (selectors.
    derive_affected_persons): the device's holder (or the staff member named), the paper file, the person a
    document was about. A theft or unauthorised access is taken as possibly malicious unless told otherwise."""
    _require(office_access(actor).can_report_incidents)
    policy.require_same_center(actor, device, holder, paper_file, person)
    if holder is None and device is not None:
        holder = device.holder
    if malicious is None:
        malicious = kind in MALICIOUS_KINDS
    incident = Incident(center_id=actor.center_id, kind=kind, discovered_at=discovered_at, occurred_at=occurred_at,
                        description=description, device=device, holder=holder, paper_file=paper_file,
                        person=person, sensitive_data=sensitive_data, malicious=malicious, reported_by=actor)
    incident.full_clean()
    if occurred_at is not None and occurred_at > discovered_at:
        raise ValidationError({"occurred_at": "発生日時は発覚した日時より前にしてください。"})
    incident.save()
    affected = selectors.derive_affected_persons(center_id=actor.center_id, holder=holder, paper_file=paper_file,
                                                 person=person, known_at=discovered_at)
    incident.affected_persons.set(list(affected))
    _log(request, actor, AccessAction.CREATE, incident, section="office_incident", detail=f"affected={len(affected)}")
    return incident


def _lock_incident(actor: Staff, incident: Incident) -> Incident:
    _require(office_access(actor).can_handle_incidents)
    policy.require_same_center(actor, incident)
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def record_wipe(*, actor: Staff, incident: Incident, requested_at: dt.datetime, done_at: dt.datetime | None,
                confirmed: bool, wiped_by: Staff | None = None, request=None) -> Incident:
    """The remote wipe of a lost or stolen device: when it was asked for, when it finished, by whom, and whether
    its completion was confirmed (on the management console)."""
    incident = _lock_incident(actor, incident)
    if not incident.is_device_incident:
        raise ValidationError("遠隔消去は端末の紛失・盗難のときに記録します。")
    wiped_by = wiped_by or actor
    policy.require_same_center(actor, wiped_by)
    if done_at is not None and done_at < requested_at:
        raise ValidationError({"wipe_done_at": "完了日時は指示した日時より後にしてください。"})
    if confirmed and done_at is None:
        raise ValidationError({"wipe_confirmed": "完了を確認したときは、完了日時も入力してください。"})
    incident.wipe_requested_at, incident.wipe_done_at = requested_at, done_at
    incident.wipe_by, incident.wipe_confirmed = wiped_by, confirmed
    incident.full_clean()
    incident.save()
    _log(request, actor, AccessAction.UPDATE, incident, section="office_incident", detail="wipe")
    return incident


@transaction.atomic
def notify_person(*, actor: Staff, incident: Incident, person, notified_on: dt.date, method: str, note: str = "",
                  request=None) -> IncidentNotification:
    incident = _lock_incident(actor, incident)
    if not incident.affected_persons.filter(pk=person.pk).exists():
        raise PermissionDenied
    notification = IncidentNotification(incident=incident, person=person, notified_on=notified_on, method=method,
                                        note=note, recorded_by=actor)
    notification.full_clean()
    notification.save()
    _log(request, actor, AccessAction.CREATE, notification, section="office_incident", person_id=person.pk)
    return notification


@transaction.atomic
def record_authority_report(*, actor: Staff, incident: Incident, preliminary_reported_on: dt.date | None,
                            final_reported_on: dt.date | None, closed_on: dt.date | None = None,
                            request=None) -> Incident:
    incident = _lock_incident(actor, incident)
    known_on = timezone.localtime(incident.discovered_at).date()
    for name, value in (("preliminary_reported_on", preliminary_reported_on),
                        ("final_reported_on", final_reported_on), ("closed_on", closed_on)):
        if value is not None and value < known_on:
            raise ValidationError({name: "発覚した日より前の日付は入力できません。"})
    if final_reported_on is not None and preliminary_reported_on is None:
        raise ValidationError({"preliminary_reported_on": "確報の前に速報の提出日を入力してください。"})
    incident.preliminary_reported_on = preliminary_reported_on
    incident.final_reported_on = final_reported_on
    incident.closed_on = closed_on
    incident.full_clean()
    incident.save()
    _log(request, actor, AccessAction.UPDATE, incident, section="office_incident", detail="authority_report")
    return incident
