"""Who may do what in センター運営: the rules live in the policy (privacy/policy/areas.py)."""

from yorisoi.privacy.policy.areas import (
    OfficeAccess,
    may_edit_trip,
    office_access,
    sees_incident_deadlines,
    sees_office_reminders,
)

__all__ = ["OfficeAccess", "may_edit_trip", "office_access", "sees_incident_deadlines", "sees_office_reminders"]
