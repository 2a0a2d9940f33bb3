"""For tests that play an attacker with the table owner's rights: change the access log directly."""

import contextlib

from django.db import connection

# The append-only tables of the log and their triggers (the second exists from privacy migration 0011 on).
_TRIGGERS = {"privacy_accesslog": "privacy_accesslog_append_only",
             "privacy_accesslogperson": "privacy_accesslogperson_append_only"}


def _set_triggers(cursor, state: str) -> None:
    existing = set(connection.introspection.table_names(cursor))
    for table, trigger in _TRIGGERS.items():
        if table in existing:
            cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")


@contextlib.contextmanager
def tampering():
    """Direct changes to the log, past PostgreSQL's append-only triggers (DDL is transactional: the test's
    transaction rolls it back)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # deferred foreign-key checks of the test's own rows must run before the table may be altered
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _set_triggers(cursor, "DISABLE")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _set_triggers(cursor, "ENABLE")
