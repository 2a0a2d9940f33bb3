"""Reads of the planning app. Each function costs a fixed number of queries whatever the number of rows;
what a role may not see is left out here, never only hidden by a template."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from yorisoi.cases.models import Case
from yorisoi.privacy import policy

from .models import (
    ApprovalEvent,
    ApprovalStatus,
    Assessment,
    AssessmentDomain,
    AssessmentDomainEntry,
    ClosureRequest,
    NeedLevel,
    PlanAction,
    Sensitivity,
    SupportPlan,
)
from .rules import PlanningAccess

# --- assessments ----------------------------------------------------------------------------------------


def hidden_sensitivities(pa: PlanningAccess) -> list[str]:
    hidden = []
    if not pa.can_see_health:
        hidden.append(Sensitivity.HEALTH)
    if not pa.can_see_justice:
        hidden.append(Sensitivity.JUSTICE)
    return hidden


def assessments_of(*, case: Case, pa: PlanningAccess) -> list[Assessment]:
    """The case's assessments, newest first, with how many visible domains are filled and rated 高."""
    visible = Q(entries__isnull=False) & ~Q(entries__domain__sensitivity__in=hidden_sensitivities(pa))
    filled = visible & (~Q(entries__findings="") | ~Q(entries__needs="") | ~Q(entries__level=""))
    return list(Assessment.objects.filter(case_id=case.pk).select_related("assessor")
                .annotate(filled_count=Count("entries", filter=filled, distinct=True),
                          high_count=Count("entries", filter=visible & Q(entries__level=NeedLevel.HIGH),
                                           distinct=True))
                .order_by("-assessed_on", "-id"))


def get_assessment_or_404(*, case: Case, pk) -> Assessment:
    found = Assessment.objects.select_related("assessor", "updated_by").filter(case_id=case.pk, pk=pk).first()
    if found is None:
        raise Http404("アセスメントが見つかりません。")
    return found


def visible_domains(pa: PlanningAccess, *, used_ids: set[int] = frozenset()) -> list[AssessmentDomain]:
    """Active domains and retired ones still used by the assessments at hand, that this user may read."""
    domains = AssessmentDomain.objects.filter(Q(active=True) | Q(pk__in=used_ids)).order_by("sort_order", "id")
    return [d for d in domains if pa.sees_domain(d)]


@dataclass
class DomainRow:
    domain: AssessmentDomain
    entries: list  # one AssessmentDomainEntry (or None) per assessment shown
    changed: bool = False


def domain_rows(*, assessments: list[Assessment], pa: PlanningAccess) -> list[DomainRow]:
    """The visible domains with each assessment's entry: one row per domain (detail: one assessment,
    comparison: two). `changed` is set when the entries differ."""
    if not pa.can_read_content:
        return []
    entries = list(AssessmentDomainEntry.objects.filter(assessment__in=[a.pk for a in assessments]))
    by_key = {(e.assessment_id, e.domain_id): e for e in entries}
    rows = []
    for domain in visible_domains(pa, used_ids={e.domain_id for e in entries}):
        cells = [by_key.get((a.pk, domain.pk)) for a in assessments]
        values = {(c.findings, c.needs, c.level) if c else ("", "", "") for c in cells}
        rows.append(DomainRow(domain, cells, changed=len(values) > 1))
    return rows


# --- support plans ---------------------------------------------------------------------------------------


def plans_of(*, case: Case) -> list[SupportPlan]:
    return list(SupportPlan.objects.filter(case_id=case.pk)
                .select_related("created_by", "submitted_by", "decided_by").order_by("-revision"))


def current_approved(plans: list[SupportPlan]) -> SupportPlan | None:
    return next((p for p in plans if p.status == ApprovalStatus.APPROVED), None)


def get_plan_or_404(*, case: Case, pk) -> SupportPlan:
    found = (SupportPlan.objects.select_related("created_by", "submitted_by", "decided_by", "updated_by")
             .filter(case_id=case.pk, pk=pk).first())
    if found is None:
        raise Http404("支援計画が見つかりません。")
    return found


def actions_of(*, plan: SupportPlan) -> list[PlanAction]:
    return list(plan.actions.select_related("owner_staff", "owner_organization").order_by("position", "id"))


def get_action_or_404(*, case: Case, pk) -> PlanAction:
    found = PlanAction.objects.select_related("plan").filter(plan__case_id=case.pk, pk=pk).first()
    if found is None:
        raise Http404("行動が見つかりません。")
    return found


# --- closure ----------------------------------------------------------------------------------------------


def closures_of(*, case: Case) -> list[ClosureRequest]:
    return list(ClosureRequest.objects.filter(case_id=case.pk)
                .select_related("submitted_by", "decided_by").prefetch_related("services").order_by("-id"))


def get_closure_or_404(*, case: Case, pk) -> ClosureRequest:
    found = (ClosureRequest.objects.select_related("submitted_by", "decided_by").prefetch_related("services")
             .filter(case_id=case.pk, pk=pk).first())
    if found is None:
        raise Http404("終結の申請が見つかりません。")
    return found


# --- 決裁 ----------------------------------------------------------------------------------------------------


def events_of(*, case: Case) -> list[ApprovalEvent]:
    """The case's 決裁の記録, oldest first (for the case page section)."""
    return list(ApprovalEvent.objects.filter(case_id=case.pk).select_related("actor", "plan", "closure")
                .order_by("at", "id"))


@dataclass
class ApprovalItem:
    subject: SupportPlan | ClosureRequest
    case: Case
    title: str
    url: str
    own: bool = False


@dataclass
class ApprovalLists:
    to_decide: list[ApprovalItem] = field(default_factory=list)   # pending, for approvers
    returned: list[ApprovalItem] = field(default_factory=list)    # the user's own, returned
    waiting: list[ApprovalItem] = field(default_factory=list)     # the user's own, pending
    recent: list[ApprovalItem] = field(default_factory=list)      # decided lately (approvers: by them)


def _items(qs: QuerySet, user) -> list[ApprovalItem]:
    items = []
    for subject in qs:
        if isinstance(subject, SupportPlan):
            title = f"支援計画 第{subject.revision}版"
            url = reverse("planning:plan_version", args=[subject.case_id, subject.pk])
        else:
            title = "支援の終結"
            url = reverse("planning:closure_detail", args=[subject.case_id, subject.pk])
        items.append(ApprovalItem(subject, subject.case, title, url, own=subject.submitted_by_id == user.pk))
    return items


def _both(user, *, latest: int | None = None, **filters) -> list[ApprovalItem]:
    """Plan versions and closure requests of the user's cases matching `filters`, oldest submission first;
    with `latest`, only the `latest` most recently decided, newest first."""
    cases = policy.cases_for(user)
    related = ("case__person", "submitted_by", "decided_by")
    plans = SupportPlan.objects.filter(case__in=cases, **filters).select_related(*related)
    closures = ClosureRequest.objects.filter(case__in=cases, **filters).select_related(*related)
    if latest is not None:
        plans = plans.order_by("-decided_at", "-pk")[:latest]
        closures = closures.order_by("-decided_at", "-pk")[:latest]
        items = _items(plans, user) + _items(closures, user)
        return sorted(items, key=lambda i: i.subject.decided_at, reverse=True)[:latest]
    items = _items(plans, user) + _items(closures, user)
    return sorted(items, key=lambda i: (i.subject.submitted_at, i.subject.pk))


def approval_lists(*, user, may_approve: bool, recent_limit: int = 20) -> ApprovalLists:
    lists = ApprovalLists()
    if may_approve:
        lists.to_decide = _both(user, status=ApprovalStatus.PENDING)
        lists.recent = _both(user, latest=recent_limit, decided_by=user,
                             status__in=[ApprovalStatus.APPROVED, ApprovalStatus.RETURNED])
    lists.returned = _both(user, submitted_by=user, status=ApprovalStatus.RETURNED)
    lists.waiting = _both(user, submitted_by=user, status=ApprovalStatus.PENDING)
    return lists


def pending_count(*, user) -> int:
    """For a badge in the navigation: items waiting for this approver (not their own)."""
    cases = policy.cases_for(user)
    return (SupportPlan.objects.filter(case__in=cases, status=ApprovalStatus.PENDING)
            .exclude(submitted_by=user).count()
            + ClosureRequest.objects.filter(case__in=cases, status=ApprovalStatus.PENDING)
            .exclude(submitted_by=user).count())


def _children_at(history, *, parent_filter: dict, version_field: str, version: int) -> dict:
    """A parent's child rows as they were at the parent's `version`, by id (their history rows): each child
    row records the parent version at which it was last written, also on its removal."""
    rows = history.filter(**parent_filter, **{f"{version_field}__lte": version}).order_by("id", "-history_id")
    latest: dict = {}
    for row in rows:
        latest.setdefault(row.id, row)
    return {pk: row for pk, row in latest.items() if row.history_type != "-"}


def entries_at(*, assessment_id: int, version: int) -> list:
    """An assessment's domain rows as they were at its `version` (to merge a form after a refused save)."""
    return list(_children_at(AssessmentDomainEntry.history, parent_filter={"assessment_id": assessment_id},
                             version_field="written_at_version", version=version).values())


def actions_at(*, plan_id: int, version: int) -> dict:
    """A plan's actions as they were at its `version`, by id (to merge a form after a refused save)."""
    return _children_at(PlanAction.history, parent_filter={"plan_id": plan_id},
                        version_field="written_at_plan_version", version=version)
