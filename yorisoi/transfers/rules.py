"""Who may do what with transfers (広域調整), inside the user's own center. Views and services ask here;
templates receive a `TransferAccess` and never decide.

- directors: everything, and link directory entries to the centers of this deployment (TransferTarget);
- workers: send a case's transfer, answer (accept / decline) the transfers that arrive at their center;
- auditors: read both lists and the packages; never write;
- clerks: nothing: a package carries health, justice and narratives, which clerks never see.
"""

from __future__ import annotations

from dataclasses import dataclass

from yorisoi.accounts.models import Role


@dataclass(frozen=True)
class TransferAccess:
    can_read: bool = False
    can_send: bool = False
    can_receive: bool = False
    can_manage_targets: bool = False


def transfer_access(user) -> TransferAccess:
    if not user.is_authenticated or user.center_id is None:
        return TransferAccess()
    if user.role == Role.DIRECTOR:
        return TransferAccess(True, True, True, True)
    if user.role == Role.WORKER:
        return TransferAccess(can_read=True, can_send=True, can_receive=True)
    if user.role == Role.AUDITOR:
        return TransferAccess(can_read=True)
    return TransferAccess()
