"""Who may do what in this app: the rules live in the policy (privacy/policy/areas.py); views and services
ask through these names, templates receive a `DisclosureAccess` and never decide."""

from yorisoi.privacy.policy.areas import DisclosureAccess, disclosure_access

__all__ = ["DisclosureAccess", "disclosure_access"]
