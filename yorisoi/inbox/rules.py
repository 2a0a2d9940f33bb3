"""Who may do what in the inbox and the calendar: the rules live in the policy (privacy/policy/areas.py);
what each role sees is decided by `selectors.kinds_for`, through the same rules."""

from yorisoi.privacy.policy.areas import CENTER, MINE, may_choose_scope, may_use_feed, scope_for

__all__ = ["CENTER", "MINE", "may_choose_scope", "may_use_feed", "scope_for"]
