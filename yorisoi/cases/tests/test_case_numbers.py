"""Case numbers: one sequence per center and year, never the same number twice, also under concurrency."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections

from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases import services
from yorisoi.cases.models import Case
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

NOON = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
VALUES = {"kind": "entrance", "referral_source": "prosecutor", "referral_date": dt.date(2026, 11, 20)}


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_numbers_run_per_center_and_year(center, other_center, worker, outsider):
    numbers = [services.open_case(actor=worker, person=PersonFactory(center=center), **VALUES).number
               for _ in range(3)]
    assert numbers == ["2026-0001", "2026-0002", "2026-0003"]
    assert services.open_case(actor=outsider, person=PersonFactory(center=other_center), **VALUES).number == \
        "2026-0001"


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_numbers_continue_after_cases_that_came_without_the_counter(center, worker):
    CaseFactory(person=PersonFactory(center=center), number="2026-0041")  # e.g. demo data or an import
    assert services.open_case(actor=worker, person=PersonFactory(center=center), **VALUES).number == "2026-0042"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite runs writers one at a time (IMMEDIATE transactions): no race to provoke")
def test_two_cases_opened_at_the_same_moment_get_different_numbers(center, monkeypatch):
    """Two threads, two connections, one barrier: both ask for a number before either commits.

    The barrier only holds each thread at the start of next_case_number (the real function then runs), so
    that the two transactions overlap as they would under load."""
    workers = [StaffFactory(center=center, username=f"race{i}") for i in range(2)]
    persons = [PersonFactory(center=center) for _ in range(2)]
    # The center's first case also makes its own-duty programme; a second insert of it waits on the first
    # transaction's unique row and would never reach the barrier. Here the race is on the number alone.
    services.own_duty_programme(center.pk)
    barrier = threading.Barrier(2)
    results, errors = [], []
    original = services.next_case_number

    def slow_next_number(center_id, year):
        barrier.wait(timeout=10)  # both transactions are open here, before the counter is read
        return original(center_id, year)

    def open_one(i):
        try:
            results.append(services.open_case(actor=workers[i], person=persons[i], **VALUES).number)
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    monkeypatch.setattr(services, "next_case_number", slow_next_number)
    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(results) == sorted(set(results)) and len(results) == 2
    assert Case.objects.filter(center=center).count() == 2
