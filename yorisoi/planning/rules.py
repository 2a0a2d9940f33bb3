"""Who may do what with assessments, plans and 決裁: the rules live in the policy (privacy/policy/areas.py).

The policy answers for the case (`get_case_or_404`); the planning-specific part is there too: writing needs
both edit rights and sight of narratives (directors and workers; clerks and auditors never write here);
approving needs the director role or a 決裁代行 delegation of the same center.
"""

from yorisoi.privacy import policy
from yorisoi.privacy.policy.areas import PlanningAccess, may_approve, planning_access
from yorisoi.privacy.policy.areas import may_write_plans as may_write

require = policy.deny_unless  # a page's refusal, logged (planning views call it as rules.require)

__all__ = ["PlanningAccess", "may_approve", "may_write", "planning_access", "require"]
