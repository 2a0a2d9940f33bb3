"""Who may do what with assessments, plans and 決裁, on top of privacy.policy.

The policy answers for the case (`get_case_or_404`); this module adds the planning-specific part:
writing needs both edit rights and sight of narratives (directors and workers; clerks and auditors
never write here); approving needs the director role or a 決裁代行 delegation of the same center.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from yorisoi.accounts.models import Role
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import Access, access_for

from .models import ApproverDelegation, AssessmentDomain, Sensitivity


@dataclass(frozen=True)
class PlanningAccess:
    can_read_content: bool = False  # findings, goals, wishes, comments (clerks: no)
    can_write: bool = False
    can_approve: bool = False
    can_see_health: bool = False
    can_see_justice: bool = False

    def sees_domain(self, domain: AssessmentDomain) -> bool:
        if not self.can_read_content:
            return False
        if domain.sensitivity == Sensitivity.HEALTH:
            return self.can_see_health
        if domain.sensitivity == Sensitivity.JUSTICE:
            return self.can_see_justice
        return True


def may_approve(user) -> bool:
    """The director, or a staff member the director named 決裁代行 (same center, director or worker)."""
    if not user.is_authenticated or user.center_id is None:
        return False
    if user.role == Role.DIRECTOR:
        return True
    if user.role != Role.WORKER:
        return False
    return ApproverDelegation.objects.filter(staff_id=user.pk, center_id=user.center_id).exists()


def may_write(user) -> bool:
    access = access_for(user)
    return access.can_edit and access.can_see_narrative


def planning_access(user, access: Access | None = None) -> PlanningAccess:
    access = access or access_for(user)
    return PlanningAccess(
        can_read_content=access.can_see_narrative,
        can_write=access.can_edit and access.can_see_narrative,
        can_approve=may_approve(user),
        can_see_health=access.can_see_health and access.can_see_narrative,
        can_see_justice=access.can_see_justice and access.can_see_narrative,
    )


def require(request, allowed: bool, *, obj, person_id: int | None, section: str, detail: str) -> None:
    """Refuse with 403, writing a DENIED row first (failures are logged like the policy's own)."""
    if not allowed:
        log_access(request=request, action=AccessAction.DENIED, obj=obj, person_id=person_id, section=section,
                   detail=detail)
        raise PermissionDenied
