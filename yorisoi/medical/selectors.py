"""Reads of 医療連携. Every read starts from the policy: a person's rows through the person the page read with
get_person_or_404, the center's list through persons_for (the user's center, and in ASSIGNED mode the worker's own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from yorisoi.people.models import Person
from yorisoi.privacy import policy

from .models import Appointment, AppointmentStatus, HealthCheck, Medication, UrgentRoute

KIND_MODELS = {"medication": Medication, "appointment": Appointment, "check": HealthCheck, "route": UrgentRoute}


def item_of(model, *, person: Person, pk) -> object | None:
    """One row of `model` on this person (the person was read through the policy); None for anything else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return model.objects.select_related("organization", "person").filter(person=person, pk=pk).first()


@dataclass
class PersonMedical:
    medications: list = field(default_factory=list)
    appointments: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    routes: list = field(default_factory=list)
    next_appointment: Appointment | None = None


def person_medical(*, person: Person, today: dt.date, include_past: bool = False) -> PersonMedical:
    """What the person page shows: current medicines, planned visits from today, checks not yet done, the urgent
    routes; with `include_past`, also ended medicines, past visits and done checks. Four queries."""
    medications = Medication.objects.filter(person=person).select_related("organization")
    appointments = Appointment.objects.filter(person=person).select_related("organization")
    checks = HealthCheck.objects.filter(person=person).select_related("organization")
    if not include_past:
        medications = medications.filter(ended_on__isnull=True)
        appointments = appointments.filter(status=AppointmentStatus.PLANNED, on__gte=today)
        checks = checks.filter(done_on__isnull=True)
    else:
        appointments = appointments.order_by("-on", "-at", "-id")
    appointments = list(appointments)
    upcoming = [a for a in appointments if a.status == AppointmentStatus.PLANNED and a.on >= today]
    return PersonMedical(
        medications=list(medications), appointments=appointments, checks=list(checks),
        routes=list(UrgentRoute.objects.filter(person=person).select_related("organization")),
        next_appointment=min(upcoming, key=lambda a: (a.on, a.at or dt.time.min), default=None),
    )


# --- the center's list: continuity not secured ------------------------------------------------------------------


def _planned_from(today: dt.date) -> QuerySet:
    return Appointment.objects.filter(person_id=OuterRef("person_id"), status=AppointmentStatus.PLANNED,
                                      on__gte=today)


@dataclass
class ContinuityList:
    supply: list  # current medicines whose supply ends within the days, has ended, or is not known
    unbooked: list  # persons with a current medicine and no planned visit from today
    checks: list  # health checks not done, due within the check days or overdue
    days: int
    check_days: int
    today: dt.date

    @property
    def persons(self) -> list:
        """Everything the page names, for its access-log row."""
        return [*self.supply, *self.unbooked, *self.checks]


def continuity_list(*, user, today: dt.date, days: int, check_days: int) -> ContinuityList:
    """The persons whose medication supply or next visit is not secured, and the health checks due. Scoped to the
    persons the user may open (policy.persons_for). Three queries, whatever the number of persons."""
    persons = policy.persons_for(user)
    limit = today + dt.timedelta(days=days)
    supply = list(
        policy.of_center(Medication, user).filter(person__in=persons, ended_on__isnull=True)
        .filter(Q(supply_until__isnull=True) | Q(supply_until__lte=limit))
        .select_related("person", "organization")
        .annotate(next_visit=Subquery(_planned_from(today).order_by("on").values("on")[:1]))
        .order_by(F("supply_until").asc(nulls_first=True), "person_id", "id")
    )
    for medication in supply:
        end = medication.supply_until
        medication.state = ("unknown" if end is None else "out" if end < today
                            else "gap" if medication.next_visit is None or medication.next_visit > end else "soon")
    current = Medication.objects.filter(person_id=OuterRef("pk"), ended_on__isnull=True)
    unbooked = list(
        persons.filter(Exists(current)).exclude(Exists(Appointment.objects.filter(
            person_id=OuterRef("pk"), status=AppointmentStatus.PLANNED, on__gte=today)))
        .annotate(supply_ends=Min("medications__supply_until", filter=Q(medications__ended_on__isnull=True)))
        .order_by("family_name_kana", "given_name_kana", "id")
    )
    checks = list(
        policy.of_center(HealthCheck, user).filter(person__in=persons, done_on__isnull=True,
                                                   due_on__lte=today + dt.timedelta(days=check_days))
        .select_related("person", "organization").order_by("due_on", "person_id", "id")
    )
    return ContinuityList(supply=supply, unbooked=unbooked, checks=checks, days=days, check_days=check_days,
                          today=today)
