"""Who may do what with meetings: the rules live in the policy (privacy/policy/areas.py); views and services ask
through these names, templates receive a `MeetingAccess` and never decide."""

from yorisoi.privacy.policy.areas import MeetingAccess, case_staff_for, meeting_access

__all__ = ["MeetingAccess", "case_staff_for", "meeting_access"]
