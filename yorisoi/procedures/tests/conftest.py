import pytest

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory


@pytest.fixture
def case(center, worker):
    """A case of `center` in the worker's charge."""
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded documents go to a temporary MEDIA_ROOT, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


# Client fixtures log in at the real time; a test that travels *forward* past the session's idle timeout would
# be logged out. These tests travel to dates before the suite was written (2026-11) only.
