"""Who may do what with assessments, plans and 決裁, on top of privacy.policy.

The policy answers for the case (`get_case_or_404`); this module adds the planning-specific part:
writing needs both edit rights and sight of narratives (directors and workers; clerks and auditors
never write here); approving needs the director role or a 決裁代行 delegation of the same center.
"""

from __future__ import annotations

from dataclasses import dataclass

from yorisoi.privacy import policy
from yorisoi.privacy.policy import Access, access_for, areas

from .models import AssessmentDomain, Sensitivity


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


may_approve = areas.may_approve  # the director or a 決裁代行 (privacy/policy/areas.py)
may_write = areas.may_write_plans


def planning_access(user, access: Access | None = None) -> PlanningAccess:
    access = access or access_for(user)
    return PlanningAccess(
        can_read_content=access.can_see_narrative,
        can_write=access.can_edit and access.can_see_narrative,
        can_approve=may_approve(user),
        can_see_health=access.can_see_health and access.can_see_narrative,
        can_see_justice=access.can_see_justice and access.can_see_narrative,
    )


require = policy.deny_unless  # a page's refusal, logged (planning views call it as rules.require)
