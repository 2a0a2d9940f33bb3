"""Helpers shared by the meetings pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

# The pages import add_errors from here: the one rule of yorisoi.common.forms.
from yorisoi.common.forms import add_service_errors as add_errors  # noqa: F401
from yorisoi.common.forms import local_path

from ..rules import meeting_access


def context(request, **extra) -> dict:
    return {"nav": "meetings", "ma": meeting_access(request.user), **extra}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def next_url(request, default: str) -> str:
    """A local path to go back to (?next= or the form's next), never another site."""
    return local_path(request.POST.get("next") or request.GET.get("next")) or default
