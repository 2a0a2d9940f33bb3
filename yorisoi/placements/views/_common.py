"""Small helpers shared by the placement views."""

from __future__ import annotations

from django.urls import reverse

from yorisoi.cases import selectors as case_selectors
from yorisoi.partners import selectors as partner_selectors

from ..forms import OrganizationQuery


def _case_context(case, access, **extra) -> dict:
    return {**case_selectors.header_context(case=case), "access": access, "nav": "cases", **extra}


def _section_url(case_id: int, anchor: str = "") -> str:
    return reverse("placements:case", args=[case_id]) + anchor


def _query(request) -> dict:
    """The page's query parameters, read once per request (a bad one is named on the page once)."""
    if not hasattr(request, "_placement_query"):
        request._placement_query = OrganizationQuery.read(request).values
    return request._placement_query


def _prefilled_organization(request):
    org_id = _query(request)["organization"]
    if org_id is None:
        return None
    return partner_selectors.organizations_for(request.user).select_related("kind").filter(pk=org_id).first()


def _kinds(request) -> dict:
    """The initial of a form's hidden `kinds`: 「all」 when the page was opened from 「ほかの種別の機関から選ぶ」."""
    return {"kinds": "all"} if _query(request)["kinds"] == "all" else {}
