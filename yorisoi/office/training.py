"""Staff development (人材育成): reads and writes of the training plan and the trainings (kept apart from services.py
and selectors.py, which hold the rest of センター運営)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch

from yorisoi.accounts.models import Staff
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import PartnerParticipation, StaffMember, Training, TrainingKind, TrainingPlanItem
from .rules import office_access

SECTION = "office_training"


def fiscal_year_of(day: dt.date) -> int:
    """年度: April to March."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


# --- reads ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    item: TrainingPlanItem
    done: list[Training]


@dataclass(frozen=True)
class TrainingYear:
    year: int
    plan: list[PlanRow]
    unplanned: list[Training]  # attended or held, not in the plan
    for_partners: list[Training]
    hours: Decimal

    @property
    def plan_done(self) -> int:
        return sum(1 for row in self.plan if row.done)


def training_year(user, *, year: int) -> TrainingYear:
    first, last = fiscal_bounds(year)
    trainings = list(policy.of_center(Training, user).filter(start_on__gte=first, start_on__lte=last)
                     .prefetch_related("attendees", Prefetch("participations", queryset=PartnerParticipation.objects
                                                             .select_related("organization")))
                     .order_by("start_on", "id"))
    items = list(policy.of_center(TrainingPlanItem, user).filter(fiscal_year=year))
    by_item: dict[int, list[Training]] = {}
    for training in trainings:
        if training.plan_item_id:
            by_item.setdefault(training.plan_item_id, []).append(training)
    return TrainingYear(
        year=year, plan=[PlanRow(item, by_item.get(item.pk, [])) for item in items],
        unplanned=[t for t in trainings if not t.plan_item_id and t.kind != TrainingKind.FOR_PARTNERS],
        for_partners=[t for t in trainings if t.kind == TrainingKind.FOR_PARTNERS],
        hours=sum((t.hours or Decimal(0)) * max(len(t.attendees.all()), 1) for t in trainings
                  if t.kind != TrainingKind.FOR_PARTNERS))


# --- writes ---------------------------------------------------------------------------------------------------


@transaction.atomic
def add_plan_item(*, actor: Staff, fiscal_year: int, kind: str, title: str, planned_month: int | None = None,
                  target: str = "", request=None) -> TrainingPlanItem:
    if not office_access(actor).can_plan_training:
        raise PermissionDenied
    item = TrainingPlanItem(center_id=actor.center_id, fiscal_year=fiscal_year, kind=kind, title=title,
                            planned_month=planned_month, target=target)
    item.full_clean()
    item.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=item, section=SECTION)
    return item


@transaction.atomic
def record_training(*, actor: Staff, kind: str, title: str, start_on: dt.date, host: str = "",
                    end_on: dt.date | None = None, hours=None, attendees=(), learned: str = "", changes: str = "",
                    plan_item: TrainingPlanItem | None = None, outreach=None, participations=(),
                    request=None) -> Training:
    """A training attended by staff members, or (FOR_PARTNERS) one the center ran, with the agencies that came
    (`participations`: (organization, number of participants) pairs) and its entry in the outreach log."""
    if not office_access(actor).can_record_training:
        raise PermissionDenied
    attendees = list(attendees)
    policy.require_same_center(actor, plan_item, outreach, *attendees, *(org for org, _ in participations))
    if end_on is not None and end_on < start_on:
        raise ValidationError({"end_on": "終了日は開始日以降の日付にしてください。"})
    training = Training(center_id=actor.center_id, kind=kind, title=title, host=host, start_on=start_on,
                        end_on=end_on, hours=hours, learned=learned, changes=changes, plan_item=plan_item,
                        outreach=outreach, recorded_by=actor)
    training.full_clean()
    training.save()
    training.attendees.set([a for a in attendees if isinstance(a, StaffMember)])
    for organization, count in participations:
        participation = PartnerParticipation(training=training, organization=organization, participants=count)
        participation.full_clean()
        participation.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=training, section=SECTION)
    return training
