import datetime as dt

import pytest

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

# Client fixtures log in at the real time; these tests travel back to 2026-11-10 only (see procedures' conftest).
TODAY = dt.date(2026, 11, 10)
NOW = dt.datetime(2026, 11, 10, 0, 30, tzinfo=dt.UTC)  # 09:30 in Tokyo


@pytest.fixture
def case(center, worker):
    """A case of `center` in the worker's charge (main staff), in 一時受入."""
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="temporary")
