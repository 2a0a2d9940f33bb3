"""What every write of this app checks first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from yorisoi.accounts.models import Role, Staff
from yorisoi.privacy import policy


def require_case_right(actor: Staff, case, right: str = "can_edit") -> None:
    """The actor's role gives `right` (an Access attribute) and the case is of the actor's center."""
    if case.center_id != actor.center_id or not getattr(policy.access_for(actor), right):
        raise PermissionDenied


def may_manage_catalogue(actor: Staff) -> bool:
    """The catalogue of procedure types and the templates: directors of the center."""
    return actor.is_authenticated and actor.center_id is not None and actor.role == Role.DIRECTOR


def require_catalogue_manager(actor: Staff) -> None:
    if not may_manage_catalogue(actor):
        raise PermissionDenied


def check_fields(values: dict, allowed) -> None:
    if set(values) - set(allowed):
        raise PermissionDenied
