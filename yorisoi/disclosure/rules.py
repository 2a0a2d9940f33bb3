"""Who may do what in this app (inside the user's own center). The views and services ask here; templates
receive a `DisclosureAccess` and never decide.

- directors: everything (consent wording, agreements, the person's requests and the subject-access report);
- workers: read, record consents and receipts, provide information;
- clerks: nothing here: a provision carries health and justice data, which clerks never see;
- auditors: read the ledger, receipts, agreements, consents and requests, export the ledger; never write.
"""

from __future__ import annotations

from dataclasses import dataclass

from yorisoi.accounts.models import Role


@dataclass(frozen=True)
class DisclosureAccess:
    can_read: bool = False
    can_provide: bool = False
    can_record: bool = False
    can_manage: bool = False
    can_export: bool = False
    can_read_requests: bool = False
    can_handle_requests: bool = False


def disclosure_access(user) -> DisclosureAccess:
    if not user.is_authenticated or user.center_id is None:
        return DisclosureAccess()
    if user.role == Role.DIRECTOR:
        return DisclosureAccess(True, True, True, True, True, True, True)
    if user.role == Role.WORKER:
        return DisclosureAccess(can_read=True, can_provide=True, can_record=True)
    if user.role == Role.AUDITOR:
        return DisclosureAccess(can_read=True, can_export=True, can_read_requests=True)
    return DisclosureAccess()
