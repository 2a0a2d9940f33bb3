"""Small helpers shared by the placement views."""

from __future__ import annotations

from django.urls import reverse

from yorisoi.cases import selectors as case_selectors
from yorisoi.partners import selectors as partner_selectors


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _case_context(case, access, **extra) -> dict:
    return {**case_selectors.header_context(case=case), "access": access, "nav": "cases", **extra}


def _section_url(case_id: int, anchor: str = "") -> str:
    return reverse("placements:case", args=[case_id]) + anchor


def _with_version(form, version: int):
    """What the user typed, carrying the current version so that a second, informed save goes through."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    return data


def _prefilled_organization(request):
    org_id = _int_or_none(request.GET.get("organization"))
    if org_id is None:
        return None
    return partner_selectors.organizations_for(request.user).select_related("kind").filter(pk=org_id).first()
