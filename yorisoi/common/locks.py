"""Locks that make a check and the write it allows one step, per center (a same-name check and the insert).

PostgreSQL: a transaction-level advisory lock keyed by (purpose, center), held to the end of the outer
transaction. SQLite: every write transaction is BEGIN IMMEDIATE (config/settings: transaction_mode), so the
database's single write lock, taken when the outer transaction starts, already orders the writers; the check
only has to run inside that transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.db import connection

# First key of the PostgreSQL advisory locks, one per purpose (privacy.audit uses 7_301_124 for its chains).
PURPOSES = {"person_registration": 7_301_200}


def lock_center(center_id: int, *, purpose: str) -> None:
    """Wait for, then hold until the end of the outer transaction, the `purpose` lock of one center.
    Call inside transaction.atomic(), before the check whose answer the write relies on."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_center needs a transaction")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                       [PURPOSES[purpose], center_id % 2**31])


# --- what a confirmation was shown -----------------------------------------------------------------------------

_SEEN_SALT = "yorisoi.common.locks.seen"


def seen_token(ids: Iterable[int]) -> str:
    """A signed token naming the rows a confirmation showed (ids only), for the form to send back."""
    return signing.dumps(sorted({int(i) for i in ids}), salt=_SEEN_SALT, compress=True)


def seen_ids(token: str | None) -> frozenset[int]:
    """The ids a token names; nothing for a missing, altered or foreign token."""
    if not token:
        return frozenset()
    try:
        ids = signing.loads(token, salt=_SEEN_SALT)
    except signing.BadSignature:
        return frozenset()
    return frozenset(i for i in ids if isinstance(i, int)) if isinstance(ids, list) else frozenset()
