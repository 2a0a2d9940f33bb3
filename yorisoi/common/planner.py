"""Keep the database's query planner informed of the tables' sizes.

SQLite plans without statistics until ANALYZE runs: at 300,000 persons it then reads a person-search prefix through
the index on the center alone (every key of the center, 1.5 s) and a person's newest case through the index on
(center, phase) (4 s for ten persons), where with statistics it picks the (center, key) and person indexes (under
1 ms each). PostgreSQL's autovacuum analyzes in time, except right after a bulk load. So the bulk writers (the demo
seeding, a large import) and the nightly job call `refresh_statistics`.
"""

from __future__ import annotations

from django.db import connection

# Rows SQLite samples per index (PRAGMA analysis_limit): approximate statistics are enough for choosing indexes,
# and keep ANALYZE of a multi-gigabyte file to a second or two.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics() -> None:
    """ANALYZE the database (the statistics only; nothing else changes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
