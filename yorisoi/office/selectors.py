"""Reads of センター運営. Every query starts from the policy (`of_center`, `persons_for`, `cases_for`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.models import Case
from yorisoi.people.models import Person
from yorisoi.privacy import policy
from yorisoi.privacy.models import AccessAction, AccessLog

from . import conf
from .deadlines import Deadlines, deadlines
from .models import (
    CenterProfile,
    Device,
    EmploymentType,
    FileCheckout,
    Incident,
    Job,
    OfficeCheck,
    PaperFile,
    Qualification,
    StaffMember,
    Trip,
    Vehicle,
    VehicleEvent,
)
from .rules import office_access, sees_incident_deadlines, sees_office_reminders


def get_or_404(model, user, pk: int):
    """An object of the user's center, or 404 (another center's object looks missing)."""
    obj = policy.of_center(model, user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- staffing -----------------------------------------------------------------------------------------------


def profile_for(user) -> CenterProfile | None:
    return policy.of_center(CenterProfile, user).first()


def staff_table(user, *, include_former: bool = False) -> QuerySet:
    rows = policy.of_center(StaffMember, user).select_related("account").prefetch_related(
        Prefetch("qualifications", queryset=Qualification.objects.order_by("kind", "id")))
    if not include_former:
        rows = rows.filter(ended_on__isnull=True)
    return rows


@dataclass(frozen=True)
class StaffCounts:
    full_time: int
    part_time: int
    full_time_clerks: int


def staff_counts(rows) -> StaffCounts:
    current = [r for r in rows if r.is_current and r.job != Job.BOARD]
    full = [r for r in current if r.employment_type == EmploymentType.FULL_TIME]
    return StaffCounts(full_time=len(full), part_time=len(current) - len(full),
                       full_time_clerks=sum(1 for r in full if r.job == Job.CLERK))


# --- vehicles and trips ---------------------------------------------------------------------------------------


def vehicles(user, *, include_retired: bool = False) -> QuerySet:
    rows = policy.of_center(Vehicle, user)
    return rows if include_retired else rows.filter(retired_on__isnull=True)


def trips(user) -> QuerySet:
    return policy.of_center(Trip, user).select_related("vehicle", "driver", "pre_checker", "post_checker",
                                                        "case", "case__person")


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def month_trips(user, *, month: dt.date, vehicle: Vehicle | None = None) -> list[Trip]:
    first, last = month_bounds(month)
    rows = trips(user).filter(date__gte=first, date__lte=last)
    if vehicle is not None:
        rows = rows.filter(vehicle=vehicle)
    return list(rows.order_by("vehicle__name", "vehicle_id", "date", "odometer_start", "id"))


def shown_case(user, trip: Trip) -> Case | None:
    """The accompaniment's case as this user may see it: None when the user may not open it (ASSIGNED mode)."""
    if trip.case_id is None:
        return None
    return trip.case if policy.may_reach(user, trip.case) else None


def previous_trip(vehicle: Vehicle, *, date: dt.date, odometer_start: int, exclude: int | None = None) -> Trip | None:
    """The vehicle's last trip before one on `date` starting at `odometer_start`."""
    rows = Trip.objects.filter(vehicle=vehicle).filter(
        Q(date__lt=date) | Q(date=date, odometer_start__lte=odometer_start))
    if exclude:
        rows = rows.exclude(pk=exclude)
    return rows.order_by("-date", "-odometer_start", "-id").first()


def next_trip(vehicle: Vehicle, *, date: dt.date, odometer_start: int, exclude: int | None = None) -> Trip | None:
    rows = Trip.objects.filter(vehicle=vehicle).filter(
        Q(date__gt=date) | Q(date=date, odometer_start__gt=odometer_start))
    if exclude:
        rows = rows.exclude(pk=exclude)
    return rows.order_by("date", "odometer_start", "id").first()


def last_odometer(vehicle: Vehicle) -> int | None:
    last = Trip.objects.filter(vehicle=vehicle).order_by("-date", "-odometer_start", "-id").first()
    return last.odometer_end if last else None


def vehicle_events(user) -> QuerySet:
    return policy.of_center(VehicleEvent, user).select_related("vehicle", "reported_by")


# --- devices, paper files, lock checks ------------------------------------------------------------------------


def devices(user, *, include_retired: bool = False) -> QuerySet:
    rows = policy.of_center(Device, user).select_related("holder")
    return rows if include_retired else rows.filter(retired_on__isnull=True)


def paper_files(user) -> QuerySet:
    """Files of the persons the user may open (in ASSIGNED mode a worker sees only their persons' files)."""
    open_checkouts = FileCheckout.objects.filter(returned_at__isnull=True).select_related("taken_by")
    return (policy.of_center(PaperFile, user).filter(person__in=policy.persons_for(user).values("pk"),
                                                      disposed_on__isnull=True)
            .select_related("person").prefetch_related(Prefetch("checkouts", queryset=open_checkouts,
                                                                to_attr="open_checkouts")))


def get_paper_file_or_404(user, pk: int) -> PaperFile:
    paper_file = paper_files(user).filter(pk=pk).first()
    if paper_file is None:
        raise Http404
    return paper_file


def office_checks(user) -> QuerySet:
    return policy.of_center(OfficeCheck, user).select_related("checked_by")


# --- incidents ------------------------------------------------------------------------------------------------


def incidents(user) -> QuerySet:
    rows = policy.of_center(Incident, user).select_related("device", "holder", "reported_by", "wipe_by")
    if not office_access(user).can_read_all_incidents:
        rows = rows.filter(reported_by=user)
    return rows


def get_incident_or_404(user, pk: int) -> Incident:
    incident = incidents(user).filter(pk=pk).first()
    if incident is None:
        raise Http404
    return incident


@dataclass(frozen=True)
class AffectedPerson:
    person: Person
    reasons: tuple[str, ...]


def derive_affected_persons(*, center_id: int, holder=None, paper_file: PaperFile | None = None,
                            person: Person | None = None, known_at: dt.datetime | None = None
                            ) -> dict[int, list[str]]:
    """The persons an incident may touch, from yorisoi's own data, with why each is listed:
    - the holder's cases (main or sub staff, any phase: a phone keeps the contacts of past cases too);
    - the persons whose records the holder opened, printed or downloaded in the days before (access log);
    - the person of a lost paper file, and the person a misdirected document was about.
    Reads the whole center (not one user's view): the list must be complete whoever reports the incident."""
    reasons: dict[int, list[str]] = {}

    def add(pk, why):
        reasons.setdefault(pk, [])
        if why not in reasons[pk]:
            reasons[pk].append(why)

    if holder is not None:
        for pk in (Case.objects.filter(center_id=center_id, deleted_at__isnull=True)
                   .filter(Q(main_staff=holder) | Q(sub_staff=holder)).values_list("person_id", flat=True)):
            add(pk, "担当ケースの対象者")
        known_at = known_at or timezone.now()
        since = known_at - dt.timedelta(days=conf.access_lookback_days())
        for pk in (AccessLog.objects.filter(staff=holder, center_id_value=center_id, at__gte=since, at__lte=known_at,
                                            person_id_value__isnull=False,
                                            action__in=[AccessAction.VIEW, AccessAction.PRINT,
                                                        AccessAction.DOWNLOAD, AccessAction.EXPORT])
                   .values_list("person_id_value", flat=True).distinct()):
            add(pk, f"直近{conf.access_lookback_days()}日に記録を開いた対象者")
    if paper_file is not None:
        add(paper_file.person_id, "紙のケースファイルの対象者")
    if person is not None:
        add(person.pk, "書類の対象者")
    # only persons of the center that still exist
    existing = set(Person.objects.filter(center_id=center_id, pk__in=list(reasons), deleted_at__isnull=True)
                   .values_list("pk", flat=True))
    return {pk: why for pk, why in reasons.items() if pk in existing}


def affected_persons(incident: Incident) -> list[AffectedPerson]:
    """The stored list with the reasons derived again (the reasons are not stored: the list is)."""
    reasons = derive_affected_persons(center_id=incident.center_id, holder=incident.holder,
                                      paper_file=incident.paper_file, person=incident.person,
                                      known_at=incident.discovered_at)
    persons = incident.affected_persons.order_by("family_name_kana", "given_name_kana", "id")
    return [AffectedPerson(p, tuple(reasons.get(p.pk, ["報告時に挙げた対象者"]))) for p in persons]


def incident_deadlines(incident: Incident, *, affected: int | None = None) -> Deadlines:
    if affected is None:
        affected = incident.affected_persons.count()
    return deadlines(known_on=timezone.localtime(incident.discovered_at).date(), affected=affected,
                     sensitive=incident.sensitive_data, malicious=incident.malicious)


# --- reminders for やること (the inbox reads these) ------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    date: dt.date
    kind: str  # "vehicle" or "incident"
    title: str
    url: str
    key: str


def office_reminders(user, *, today: dt.date, until: dt.date,
                     kinds: tuple[str, ...] = ("vehicle", "incident")) -> list[Reminder]:
    """Vehicle inspections, periodic checks and insurance ending (for those who keep the vehicles: from
    YORISOI_OFFICE_REMINDER_DAYS before, or up to `until` when that is later), and every report deadline of the
    open incidents still unreported (for those who handle them: a deadline of the authority is shown from the
    day the incident is recorded). `kinds`: only these of the two. Three queries at most."""
    reminders: list[Reminder] = []
    if "vehicle" in kinds and sees_office_reminders(user):
        horizon = max(until, today + dt.timedelta(days=conf.reminder_days()))
        fields = (("inspection_due", "車検の満了日"), ("periodic_check_due", "定期点検の期限"),
                  ("insurance_until", "任意保険の満了日"))
        wanted = Q()
        for name, _ in fields:
            wanted |= Q(**{f"{name}__lte": horizon})
        for vehicle in vehicles(user).filter(wanted):
            for name, label in fields:
                due = getattr(vehicle, name)
                if due is not None and due <= horizon:
                    title = f"{label}：{vehicle.name}（{vehicle.registration_number}）"
                    reminders.append(Reminder(due, "vehicle", title,
                                              reverse("office:vehicle_detail", args=[vehicle.pk]),
                                              f"vehicle-{name}-{vehicle.pk}"))
    if "incident" in kinds and sees_incident_deadlines(user):
        open_incidents = (policy.of_center(Incident, user).filter(closed_on__isnull=True)
                          .filter(Q(preliminary_reported_on__isnull=True) | Q(final_reported_on__isnull=True)))
        for incident in open_incidents.prefetch_related("affected_persons"):
            due = incident_deadlines(incident, affected=len(incident.affected_persons.all()))
            if not due.needed:
                continue
            url = reverse("office:incident_detail", args=[incident.pk])
            if incident.preliminary_reported_on is None:
                reminders.append(Reminder(due.preliminary_due, "incident",
                                          f"インシデント{incident.pk}：個人情報保護委員会への速報（3〜5日以内）", url,
                                          f"incident-preliminary-{incident.pk}"))
            if incident.final_reported_on is None:
                reminders.append(Reminder(due.final_due, "incident",
                                          f"インシデント{incident.pk}：個人情報保護委員会への確報（{due.final_days}日以内）",
                                          url, f"incident-final-{incident.pk}"))
    return reminders
