import pytest

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Attachments and provision documents go to a temporary MEDIA_ROOT, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def case(center, worker):
    """A case of `center` in the worker's charge; its person has a phone, medication and justice details."""
    person = PersonFactory(center=center, family_name="架空", given_name="一郎", phone="048-000-1234",
                           medication="架空錠（テスト用）朝夕", wishes="地元のみどり市で暮らしたい")
    return CaseFactory(person=person, main_staff=worker)


@pytest.fixture
def person(case):
    return case.person
