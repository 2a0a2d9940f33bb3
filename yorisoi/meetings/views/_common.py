"""Helpers shared by the meetings pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.common.forms import local_path

from ..rules import meeting_access


def context(request, **extra) -> dict:
    return {"nav": "meetings", "ma": meeting_access(request.user), **extra}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def next_url(request, default: str) -> str:
    """A local path to go back to (?next= or the form's next), never another site."""
    return local_path(request.POST.get("next") or request.GET.get("next")) or default
