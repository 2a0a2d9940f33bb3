"""For tests that play an attacker with the table owner's rights: change the access log directly."""

import contextlib

from django.db import connection


@contextlib.contextmanager
def tampering():
    """Direct changes to the log, past PostgreSQL's append-only trigger (DDL is transactional: the test's
    transaction rolls it back)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # deferred foreign-key checks of the test's own rows must run before the table may be altered
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE privacy_accesslog DISABLE TRIGGER privacy_accesslog_append_only")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE privacy_accesslog ENABLE TRIGGER privacy_accesslog_append_only")
