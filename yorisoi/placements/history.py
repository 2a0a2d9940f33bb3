"""Placements, inquiries, service connections and vacancy calls in an organization's relationship history.

Registered into partners' extension lists (`CONTACT_DATE_SOURCES`, `HISTORY_SOURCES`, see
yorisoi/partners/selectors.py) by `PlacementsConfig.ready()`; partners itself is not changed.

Dates of last contact are counted center-wide (a date names no person). History entries name a case by
its number only, and only for cases the user may open; the link goes to the case's placements page,
which checks access and logs it.
"""

from __future__ import annotations

from django.db.models import DateField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.urls import reverse
from django.utils import timezone

from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.selectors import RelationshipEvent
from yorisoi.privacy import policy

from .models import InquiryResult, Placement, PlacementInquiry, RefusalReason, ServiceConnection, VacancyReport

EVENTS_PER_SOURCE = 50


def _center(user) -> int | None:
    return user.center_id if user.is_authenticated else None


def _latest(qs, expression) -> Subquery:
    return Subquery(qs.filter(organization=OuterRef("pk")).order_by().values("organization")
                    .annotate(latest=Max(expression)).values("latest")[:1], output_field=DateField())


# --- last contact ---------------------------------------------------------------------------------------------


def last_placement_date(user) -> Subquery:
    """The latest entry or exit at the organization, not later than today."""
    today = timezone.localdate()
    entries = _latest(Placement.objects.filter(center_id=_center(user), entered_on__lte=today), "entered_on")
    exits = _latest(Placement.objects.filter(center_id=_center(user), exited_on__lte=today), "exited_on")
    return Greatest(Coalesce(entries, exits), Coalesce(exits, entries), output_field=DateField())


def last_inquiry_date(user) -> Subquery:
    return _latest(PlacementInquiry.objects.filter(center_id=_center(user)),
                   TruncDate("inquired_at", output_field=DateField()))


def last_connection_date(user) -> Subquery:
    qs = ServiceConnection.objects.filter(center_id=_center(user), requested_on__lte=timezone.localdate())
    return _latest(qs, Greatest("requested_on", Coalesce("started_on", "requested_on"),
                                Coalesce("failed_on", "requested_on"), output_field=DateField()))


def last_vacancy_call_date(user) -> Subquery:
    return _latest(VacancyReport.objects.filter(center_id=_center(user)),
                   TruncDate("reported_at", output_field=DateField()))


# --- history entries ------------------------------------------------------------------------------------------


def _case_url(case_id: int, anchor: str) -> str:
    return reverse("placements:case", args=[case_id]) + anchor


def placement_events(user, organization) -> list[RelationshipEvent]:
    events = []
    rows = (Placement.objects.filter(case__in=policy.cases_for(user), organization=organization)
            .select_related("case").order_by("-entered_on", "-id")[:EVENTS_PER_SOURCE])
    for p in rows:
        what = f"ケース {p.case.number}（{p.get_kind_display()}・{p.get_funding_display()}）"
        url = _case_url(p.case_id, f"#placement-{p.pk}")
        person_id = p.case.person_id
        events.append(RelationshipEvent(on=p.entered_on, kind="入所", summary=what, url=url, person_id=person_id))
        if p.exited_on:
            events.append(RelationshipEvent(on=p.exited_on, kind="退所",
                                            summary=f"ケース {p.case.number}（{p.get_exit_reason_display()}）",
                                            url=url, person_id=person_id))
    return events


def inquiry_events(user, organization) -> list[RelationshipEvent]:
    can_see_justice = policy.access_for(user).can_see_justice
    events = []
    rows = (PlacementInquiry.objects.filter(case__in=policy.cases_for(user), organization=organization)
            .select_related("case").order_by("-inquired_at", "-id")[:EVENTS_PER_SOURCE])
    for i in rows:
        result = i.get_result_display()
        if i.result == InquiryResult.REFUSED and i.refusal_reason:
            reason = i.get_refusal_reason_display()
            if i.refusal_reason == RefusalReason.OFFENCE and not can_see_justice:
                reason = RefusalReason.OTHER.label
            result += f"：{reason}"
        events.append(RelationshipEvent(on=timezone.localtime(i.inquired_at).date(), kind="受入照会",
                                        summary=f"ケース {i.case.number}（{result}）",
                                        url=_case_url(i.case_id, f"#inquiry-{i.pk}"), person_id=i.case.person_id))
    return events


def connection_events(user, organization) -> list[RelationshipEvent]:
    rows = (ServiceConnection.objects.filter(case__in=policy.cases_for(user), organization=organization)
            .select_related("case").order_by("-requested_on", "-id")[:EVENTS_PER_SOURCE])
    return [RelationshipEvent(on=c.requested_on, kind="つなぎ",
                              summary=f"ケース {c.case.number}（{c.get_service_kind_display()}・"
                                      f"{c.get_status_display()}）",
                              url=_case_url(c.case_id, f"#connection-{c.pk}"), person_id=c.case.person_id)
            for c in rows]


def vacancy_call_events(user, organization) -> list[RelationshipEvent]:
    rows = (VacancyReport.objects.filter(center_id=_center(user), organization=organization)
            .select_related("staff").order_by("-reported_at", "-id")[:EVENTS_PER_SOURCE])
    url = reverse("placements:organization", args=[organization.pk])
    return [RelationshipEvent(on=timezone.localtime(r.reported_at).date(), kind="空き確認",
                              summary=f"空き {r.vacancies}名" + (f"（{r.staff}）" if r.staff else ""), url=url)
            for r in rows]


CONTACT_DATE_SOURCES = [last_placement_date, last_inquiry_date, last_connection_date, last_vacancy_call_date]
HISTORY_SOURCES = [placement_events, inquiry_events, connection_events, vacancy_call_events]


def register(contact_date_sources=CONTACT_DATE_SOURCES, history_sources=HISTORY_SOURCES) -> None:
    """Add sources to partners' lists once (ready() may run more than once in tests). Placements adds its own;
    the network app adds those of the other apps (network/relations.py)."""
    for source in contact_date_sources:
        if source not in partner_selectors.CONTACT_DATE_SOURCES:
            partner_selectors.CONTACT_DATE_SOURCES.append(source)
    for source in history_sources:
        if source not in partner_selectors.HISTORY_SOURCES:
            partner_selectors.HISTORY_SOURCES.append(source)
