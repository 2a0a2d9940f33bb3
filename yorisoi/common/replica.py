"""Reads that tolerate a little lag go to a PostgreSQL streaming replica (issue 16, the scaling path).

With DATABASE_REPLICA_URL set, settings add the database alias "replica" and this router. A view (or any code)
that may read slightly old data — reports, searches, the access-log screens — runs inside `replica_reads()` (or
carries the `@replica_reads()` decorator); its reads then go to the replica. Everything else reads the primary.

Safe by construction:
- writes always go to the primary ("default");
- a read inside a transaction on the primary (a service, log_access's chain lock, select_for_update) stays on the
  primary, so a page never reads around its own writes or locks;
- without the "replica" alias (the default, SQLite, tests) the router answers None: Django's usual behaviour.
"""

from __future__ import annotations

import contextvars
from contextlib import ContextDecorator

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
_tolerates_lag: contextvars.ContextVar[bool] = contextvars.ContextVar("yorisoi_replica_reads", default=False)


class replica_reads(ContextDecorator):
    """Within this block (or decorated view) reads may go to the replica."""

    def __enter__(self):
        self._token = _tolerates_lag.set(True)
        return self

    def __exit__(self, *exc):
        _tolerates_lag.reset(self._token)
        return False


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not (_tolerates_lag.get() and replica_configured()):
            return None
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may point to one read here.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
