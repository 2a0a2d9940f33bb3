"""Reads for cases and the home screen. Every query starts from the policy's scoped querysets.

Each function costs a fixed number of queries whatever the number of rows (the list, case and home
pages have query-count guards in their tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from yorisoi.privacy import policy

from .models import ACTIVE_PHASES, OPEN_PHASES, Case, CaseFlag, Phase, PhaseTransition

# A pseudo phase for the list filter: every phase but 終結 and 休止.
OPEN_FILTER = "open"


def case_list(*, user, phase: str = "", mine: bool = False) -> QuerySet:
    qs = (policy.cases_for(user).select_related("person", "main_staff", "sub_staff")
          .annotate(has_flags=Exists(CaseFlag.objects.filter(case=OuterRef("pk"), active=True)))
          .order_by("-referral_date", "-id"))
    if phase == OPEN_FILTER:
        qs = qs.filter(phase__in=ACTIVE_PHASES)  # 休止 is counted apart
    elif phase:
        qs = qs.filter(phase=phase)
    if mine:
        qs = qs.filter(Q(main_staff=user) | Q(sub_staff=user))
    return qs


def paused_count(*, user, mine: bool = False) -> int:
    """Cases in 休止 (kept open while the person cannot be reached or declines for now), counted apart."""
    qs = policy.cases_for(user).filter(phase=Phase.PAUSED)
    if mine:
        qs = qs.filter(Q(main_staff=user) | Q(sub_staff=user))
    return qs.count()


def active_flags(*, case: Case) -> list[CaseFlag]:
    """The 注意事項 shown in the header of every page of the case."""
    return list(case.flags.filter(active=True).order_by("id"))


def header_context(*, case: Case, today: dt.date | None = None) -> dict:
    """Context of cases/_case_header.html, shown on every page of the case (the records pages too)."""
    return {"case": case, "header_flags": active_flags(case=case), "today": today or timezone.localdate()}


def all_flags(*, case: Case) -> list[CaseFlag]:
    return list(case.flags.select_related("created_by").order_by("-active", "id"))


@dataclass
class LinkedCase:
    number: str
    pk: int | None  # None when the user may not open it (ASSIGNED mode): the number is shown without a link
    phase_label: str = ""


def reopening_links(*, user, case: Case) -> dict:
    """The case this one reopened (previous) and the cases that reopened it (following); two queries."""
    visible = set(policy.cases_for(user).filter(Q(pk=case.previous_case_id) | Q(previous_case=case))
                  .values_list("pk", flat=True))
    rows = (Case.objects.filter(Q(pk=case.previous_case_id) | Q(previous_case=case), deleted_at__isnull=True)
            .order_by("id").values_list("pk", "number", "phase", "previous_case_id"))
    previous, following = None, []
    for pk, number, phase, previous_id in rows:
        link = LinkedCase(number, pk if pk in visible else None, Phase(phase).label)
        if pk == case.previous_case_id:
            previous = link
        elif previous_id == case.pk:
            following.append(link)
    return {"previous_case_link": previous, "next_case_links": following}


def transitions(*, case: Case) -> list[PhaseTransition]:
    return list(case.transitions.select_related("changed_by").order_by("changed_at", "id"))


@dataclass
class PhaseGroup:
    phase: str
    label: str
    cases: list = field(default_factory=list)


def my_open_cases_by_phase(*, user) -> list[PhaseGroup]:
    """The user's open cases (main or sub), grouped by phase in the order of the work."""
    cases = (policy.cases_for(user).filter(phase__in=OPEN_PHASES)
             .filter(Q(main_staff=user) | Q(sub_staff=user))
             .select_related("person").order_by("expected_release_date", "id"))
    groups = {p: PhaseGroup(p, Phase(p).label) for p in OPEN_PHASES}
    for case in cases:
        groups[case.phase].cases.append(case)
    return list(groups.values())


def upcoming_releases(*, user, today: dt.date | None = None, mine_only: bool = True) -> QuerySet:
    """Open cases whose expected release is today or within the window (7 days by default)."""
    today = today or timezone.localdate()
    window = today + dt.timedelta(days=settings.YORISOI_RELEASE_WINDOW_DAYS)
    qs = (policy.cases_for(user).filter(phase__in=OPEN_PHASES, expected_release_date__gte=today,
                                        expected_release_date__lte=window)
          .select_related("person", "main_staff", "sub_staff").order_by("expected_release_date", "id"))
    if mine_only:
        qs = qs.filter(Q(main_staff=user) | Q(sub_staff=user))
    return qs


def center_phase_counts(*, user) -> list[tuple[str, str, int]]:
    counts = dict(policy.cases_for(user).order_by().values_list("phase").annotate(n=Count("id"))
                  .values_list("phase", "n"))
    return [(p, Phase(p).label, counts.get(p, 0)) for p in Phase.values]


def staff_workload(*, user) -> QuerySet:
    """Directors and workers of the center with their open cases as main and as sub staff (one query)."""
    open_cases = policy.cases_for(user).filter(phase__in=OPEN_PHASES).order_by()

    def count_where(column: str) -> Coalesce:
        sub = (open_cases.filter(**{column: OuterRef("pk")}).values(column).annotate(n=Count("id"))
               .values("n"))
        return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))

    return (policy.areas.case_staff_for(user)
            .annotate(open_main=count_where("main_staff"), open_sub=count_where("sub_staff"))
            .order_by("-open_main", "role", "id"))
