"""Helpers shared by the センター運営 pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

# The pages import add_errors from here: the one rule of yorisoi.common.forms.
from yorisoi.common.forms import add_service_errors as add_errors  # noqa: F401

from ..rules import office_access


def context(request, **extra) -> dict:
    return {"nav": "office", "oa": office_access(request.user), **extra}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
