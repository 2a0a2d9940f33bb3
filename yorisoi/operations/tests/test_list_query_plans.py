"""EXPLAIN checks of the main list pages on PostgreSQL (issue 16): no sequential scan of the large tables.

The pages are requested as a member of staff would (person list, case list, やること, the access log); every SELECT
they send that reads one of the large tables (persons, cases, records, procedures, the access log) is explained
with the parameters it was sent with, and no plan node may be a Seq Scan of those tables.

Why `SET enable_seqscan = off`: the test database holds a few hundred rows, and at that size a sequential scan is
the planner's right choice (a few pages read in order beat any index). At 300,000 persons it is not. Switching
sequential scans off does not invent an index: when no index can serve a query's filter or order, PostgreSQL still
plans a Seq Scan (marked disabled), which is what this test catches. So the check is "an index path exists for
every query of the page", the precondition for the planner to use one at national size; the plans at 300,000
persons themselves are measured with `make bench-load` (docs/deployment.md).
"""

import datetime as dt
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yorisoi.operations.demo.directory import Directory
from yorisoi.operations.demo.generator import DemoGenerator
from yorisoi.partners.demo import seed_directory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN の形は PostgreSQL で確かめる"),
    pytest.mark.django_db,
]
LARGE_TABLES = {"people_person", "cases_case", "records_activity", "procedures_caseprocedure", "privacy_accesslog"}
PAGES = {  # the page, and who opens it
    "person list": ("/people/", "worker"),
    "person search": ("/people/?q=サトウ", "worker"),
    "case list": ("/cases/", "worker"),
    "やること": ("/inbox/", "worker"),
    "access log": ("/privacy/audit/", "director"),
}


@pytest.fixture
def seeded(center, worker, director, colleague):
    today = dt.date(2026, 12, 7)
    seed_directory(center, random.Random(1), today=today, prefecture="みどり県")
    DemoGenerator(center=center, staff=[worker, colleague], seed=1, today=today, parallel=False, detailed=4,
                  directory=Directory.load(center, "みどり県")).run(200)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in LARGE_TABLES:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += seq_scans(child)
    return found


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_reads_the_large_tables_through_indexes_only(page, seeded, worker_client, director_client):
    path, who = PAGES[page]
    client = {"worker": worker_client, "director": director_client}[who]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    selects = [q["sql"] for q in captured.captured_queries
               if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
               and any(f'"{table}"' in q["sql"] for table in LARGE_TABLES)]
    assert selects, "the page read none of the large tables: the test no longer checks it"
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql in selects:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                scanned = seq_scans(plan[0]["Plan"])
                if scanned:
                    problems.append(f"{', '.join(sorted(set(scanned)))}: {sql[:300]}")
        finally:
            cursor.execute("RESET enable_seqscan")
    assert not problems, "sequential scans:\n" + "\n".join(problems)
