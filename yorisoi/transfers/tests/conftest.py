import datetime as dt

import pytest
import time_machine

from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

from .factories import center_entry, consent_and_agreement

TODAY = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Provision documents go to a temporary MEDIA_ROOT, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def case(center, worker):
    """A case of `center` (the sending center) in the worker's charge."""
    person = PersonFactory(center=center, family_name="架空", given_name="一郎", family_name_kana="カクウ",
                           given_name_kana="イチロウ", birth_date=dt.date(1958, 6, 3), phone="048-000-1234",
                           medication="架空錠（テスト用）朝夕", wishes="姉の近くで暮らしたい")
    return CaseFactory(person=person, main_staff=worker)


@pytest.fixture
def person(case):
    return case.person


@pytest.fixture
def entry(center, other_center):
    """The sending center's directory entry for `other_center`, linked to it (both use yorisoi)."""
    return center_entry(center, target_center=other_center)


@pytest.fixture
def consented(person, entry):
    return consent_and_agreement(person, entry)


@pytest.fixture
def receiver(other_center, outsider):
    """A worker of the receiving center (the cast's outsider: a worker of other_center)."""
    return outsider


@pytest.fixture
def receiving_director(other_center):
    return StaffFactory(center=other_center, role=Role.DIRECTOR, username="receiving-director")
