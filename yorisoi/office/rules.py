"""Who may do what in センター運営: the rules live in the policy (privacy/policy/areas.py)."""

from yorisoi.privacy.policy.areas import OfficeAccess, office_access, sees_incident_deadlines, sees_office_reminders

__all__ = ["OfficeAccess", "office_access", "sees_incident_deadlines", "sees_office_reminders"]
