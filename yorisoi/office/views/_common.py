"""Helpers shared by the センター運営 pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from ..rules import office_access


def context(request, **extra) -> dict:
    return {"nav": "office", "oa": office_access(request.user), **extra}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError beside the fields it names (the form keeps what was typed)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
