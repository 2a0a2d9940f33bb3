"""Reads of placements, inquiries and service connections. Queries start from the policy's scoped querysets
(cases the user may open) or from the center; each function costs a fixed number of queries.

For other apps:
- `current_placement(user=, person=)`: where the person lives now (or None);
- `case_placements(user=, case=)`: the case section's rows (used by the case section page);
- `refusal_summary(user=, organization=None)`: refusal reasons per facility (no personal data).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.models import Organization
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .models import (
    InquiryResult,
    Placement,
    PlacementInquiry,
    RefusalReason,
    ServiceConnection,
    VacancyReport,
)

# --- scoped querysets -------------------------------------------------------------------------------------


def placements_for(user) -> QuerySet:
    """Placements of the cases the user may open."""
    return Placement.objects.filter(case__in=policy.cases_for(user))


def inquiries_for(user) -> QuerySet:
    return PlacementInquiry.objects.filter(case__in=policy.cases_for(user))


def connections_for(user) -> QuerySet:
    return ServiceConnection.objects.filter(case__in=policy.cases_for(user))


def center_inquiries(user) -> QuerySet:
    """Every inquiry of the user's center, for counts that name no person (refusal summary)."""
    if not user.is_authenticated or user.center_id is None:
        return PlacementInquiry.objects.none()
    return policy.of_center(PlacementInquiry, user).filter(case__deleted_at__isnull=True)


# --- a case ---------------------------------------------------------------------------------------------


def current_placement(*, user, person) -> Placement | None:
    """Where the person lives now, if recorded in a case the user may open."""
    return (placements_for(user).filter(person=person, exited_on__isnull=True)
            .select_related("organization", "organization__kind", "case").first())


@dataclass
class CaseSection:
    current: Placement | None
    placements: list[Placement]
    inquiries: list[PlacementInquiry]
    connections: list[ServiceConnection]
    inquiry_counts: dict = field(default_factory=dict)


def case_placements(*, user, case) -> CaseSection:
    """The person's placements (over every case the user may open), this case's inquiries and connections."""
    placements = list(placements_for(user).filter(person_id=case.person_id)
                      .select_related("organization", "organization__kind", "case", "created_by")
                      .order_by("-entered_on", "-id"))
    current = next((p for p in placements if p.exited_on is None), None)
    inquiries = list(PlacementInquiry.objects.filter(case=case)
                     .select_related("organization", "answered_by_contact", "staff")
                     .order_by("-inquired_at", "-id"))
    connections = list(ServiceConnection.objects.filter(case=case).select_related("organization", "staff")
                       .order_by("-requested_on", "-id"))
    counts = Counter(i.result for i in inquiries)
    return CaseSection(current, placements, inquiries, connections,
                       {label: counts.get(code, 0) for code, label in InquiryResult.choices})


def get_placement_or_404(request, pk, action: str = "view"):
    """(placement, case, access): the case's policy check (404 for another center, break-the-glass…)."""
    return _get_case_child_or_404(request, Placement, pk, action, "placement")


def get_inquiry_or_404(request, pk, action: str = "view"):
    return _get_case_child_or_404(request, PlacementInquiry, pk, action, "placement_inquiry")


def get_connection_or_404(request, pk, action: str = "view"):
    return _get_case_child_or_404(request, ServiceConnection, pk, action, "service_connection")


def _get_case_child_or_404(request, model, pk, action, section):
    """The row's case goes through `policy.get_case_or_404` (which logs the access, or refuses)."""
    user = request.user
    found = model.objects.filter(pk=pk).values("case_id", "center_id").first()
    if found is None or found["center_id"] != user.center_id:
        if found is not None:
            log_access(request=request, action=AccessAction.DENIED, section="other_center",
                       detail=f"{model._meta.label_lower}={int(pk)}")
        raise Http404("記録が見つかりません。")
    case_id = found["case_id"]
    case, access = policy.get_case_or_404(request, case_id, action, section=section)
    obj = model.objects.select_related("organization").get(pk=pk)
    obj.case = case
    return obj, case, access


# --- an organization ------------------------------------------------------------------------------------


@dataclass
class Residents:
    current: list[Placement]  # visible to the user
    booked: list[Placement]  # entry date still ahead
    hidden: int  # current residents in cases the user may not open (ASSIGNED mode)
    recent_exits: list[Placement]


def residents(*, user, organization: Organization, today: dt.date | None = None, exits: int = 10) -> Residents:
    """Who lives at the organization now (no exit date), by entry date; the last few who left."""
    today = today or timezone.localdate()
    visible = policy.cases_for(user).filter(pk=OuterRef("case_id"))
    rows = list(policy.of_center(Placement, user).filter(organization=organization, exited_on__isnull=True,
                                                         case__deleted_at__isnull=True)
                .annotate(visible=Exists(visible)).select_related("person", "case")
                .order_by("entered_on", "id"))
    shown = [p for p in rows if p.visible]
    recent = list(placements_for(user).filter(organization=organization, exited_on__isnull=False)
                  .select_related("person", "case").order_by("-exited_on", "-id")[:exits])
    return Residents(current=[p for p in shown if p.entered_on <= today],
                     booked=[p for p in shown if p.entered_on > today],
                     hidden=len(rows) - len(shown), recent_exits=recent)


def vacancy_reports(*, user, organization: Organization, limit: int = 10) -> list[VacancyReport]:
    return list(policy.of_center(VacancyReport, user).filter(organization=organization)
                .select_related("staff").order_by("-reported_at", "-id")[:limit])


def organization_inquiries(*, user, organization: Organization, limit: int = 20) -> list[PlacementInquiry]:
    return list(inquiries_for(user).filter(organization=organization).select_related("case", "staff")
                .order_by("-inquired_at", "-id")[:limit])


# --- refusal reasons per facility ---------------------------------------------------------------------------


@dataclass
class RefusalRow:
    organization: Organization | None
    name: str
    total: int = 0
    accepted: int = 0
    refused: int = 0
    pending: int = 0
    reasons: dict = field(default_factory=dict)  # RefusalReason label → count
    last_inquired: dt.datetime | None = None

    @property
    def top_reasons(self) -> list[tuple[str, int]]:
        return sorted(((label, n) for label, n in self.reasons.items() if n), key=lambda x: -x[1])


def refusal_summary(*, user, organization: Organization | None = None, since: dt.date | None = None,
                    kind_id: int | None = None) -> list[RefusalRow]:
    """Per facility: inquiries, accepted, refused and why, pending. Counts only (no person): center-wide.

    Facilities asked by free-text name (not in the directory) are grouped by that name.
    """
    qs = center_inquiries(user)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if since is not None:
        qs = qs.filter(inquired_at__date__gte=since)
    if kind_id:
        qs = qs.filter(organization__kind_id=kind_id)
    grouped = (qs.order_by().values("organization_id", "facility_name", "result", "refusal_reason")
               .annotate(n=Count("id"), last=Max("inquired_at")))
    rows: dict[tuple, RefusalRow] = {}
    for g in grouped:
        key = (g["organization_id"], "" if g["organization_id"] else g["facility_name"])
        row = rows.setdefault(key, RefusalRow(None, g["facility_name"],
                                              reasons={label: 0 for _code, label in RefusalReason.choices}))
        row.total += g["n"]
        if g["result"] == InquiryResult.ACCEPTED:
            row.accepted += g["n"]
        elif g["result"] == InquiryResult.REFUSED:
            row.refused += g["n"]
            if g["refusal_reason"]:
                label = RefusalReason(g["refusal_reason"]).label
                row.reasons[label] += g["n"]
        else:
            row.pending += g["n"]
        if row.last_inquired is None or g["last"] > row.last_inquired:
            row.last_inquired = g["last"]
    org_ids = [k[0] for k in rows if k[0]]
    orgs = {o.pk: o for o in partner_selectors.organizations_for(user).filter(pk__in=org_ids).select_related("kind")}
    for (org_id, _name), row in rows.items():
        if org_id:
            row.organization = orgs.get(org_id)
            row.name = str(row.organization) if row.organization else ""
    return sorted(rows.values(), key=lambda r: (-r.refused, -r.total, r.name))



def label_reasons(inquiries, *, can_see_justice: bool):
    """Set `reason_label` on each inquiry: 「罪名による」 reads 「その他」 for staff who may not see justice data."""
    for inquiry in inquiries:
        reason = inquiry.refusal_reason
        if not reason:
            inquiry.reason_label = ""
        elif reason == RefusalReason.OFFENCE and not can_see_justice:
            inquiry.reason_label = RefusalReason.OTHER.label
        else:
            inquiry.reason_label = inquiry.get_refusal_reason_display()
    return inquiries
