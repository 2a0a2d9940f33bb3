"""Who may do what with transfers (広域調整): the rules live in the policy (privacy/policy/areas.py); views and
services ask through these names, templates receive a `TransferAccess` and never decide."""

from yorisoi.privacy.policy.areas import TransferAccess, transfer_access

__all__ = ["TransferAccess", "transfer_access"]
