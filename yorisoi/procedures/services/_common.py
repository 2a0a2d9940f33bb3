"""What every write of this app checks first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from yorisoi.accounts.models import Staff
from yorisoi.privacy import policy


def require_case_right(actor: Staff, case, action: str = "edit") -> None:
    """The actor may do `action` (a policy action: "edit", "add_record"…) to the case (policy.require)."""
    policy.require(actor, action, case)


may_manage_catalogue = policy.areas.may_manage_catalogue  # directors of the center


def require_catalogue_manager(actor: Staff) -> None:
    if not may_manage_catalogue(actor):
        raise PermissionDenied


def check_fields(values: dict, allowed) -> None:
    if set(values) - set(allowed):
        raise PermissionDenied
