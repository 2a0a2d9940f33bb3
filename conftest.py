"""The cast of every test: two centers and one user of each kind, each with a client past two-factor.

center        the center under test (all staff see all cases)
other_center  another prefecture's center; its data must never be reachable from `center`
director      管理者 of center            worker     相談員 of center, assigned to the cases made here
colleague     相談員 of center, not assigned            clerk     事務 of center
auditor       閲覧 of center                            outsider  相談員 of other_center
"""

import os
import shutil

import pytest
from django.test import Client

from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import CenterFactory, StaffFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs in an event loop


def pytest_report_header(config):
    if not (os.environ.get("YORISOI_CHROMIUM") or shutil.which("chromium")):
        return ["e2e: Chromium が見つからないためブラウザテストは飛ばします / no Chromium: end-to-end tests "
                "will be SKIPPED (install it with: apt-get install -y chromium)"]
    return []


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Tests that migrate the database back and forward replay the whole migration history (about a minute each
    on this machine, mostly Django rendering model states). They run where the data they protect lives, on
    PostgreSQL (CI runs the suite on both databases); YORISOI_MIGRATION_TESTS=1 runs them on SQLite too.

    They run last, after pytest-django has put the transactional tests at the end: they take the schema back and
    forward, and a failure half-way must not leave other tests on an old schema."""
    from django.conf import settings

    items[:] = sorted(items, key=lambda item: item.get_closest_marker("migrations") is not None)

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if on_sqlite and not os.environ.get("YORISOI_MIGRATION_TESTS"):
        skip = pytest.mark.skip(reason="移行の往復テストは PostgreSQL で実行します / migration round trips run on "
                                       "PostgreSQL (YORISOI_MIGRATION_TESTS=1 runs them on SQLite)")
        for item in items:
            if item.get_closest_marker("migrations"):
                item.add_marker(skip)


def verified_client(user) -> Client:
    """A client logged in with password and past TOTP, as after a real log-in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def center(db):
    return CenterFactory(name="テスト県地域生活定着支援センター", prefecture="埼玉県")


@pytest.fixture
def other_center(db):
    return CenterFactory(name="他県地域生活定着支援センター", prefecture="東京都")


@pytest.fixture
def director(center):
    return StaffFactory(center=center, role=Role.DIRECTOR, username="director")


@pytest.fixture
def worker(center):
    return StaffFactory(center=center, role=Role.WORKER, username="worker")


@pytest.fixture
def colleague(center):
    return StaffFactory(center=center, role=Role.WORKER, username="colleague")


@pytest.fixture
def clerk(center):
    return StaffFactory(center=center, role=Role.CLERK, username="clerk")


@pytest.fixture
def auditor(center):
    return StaffFactory(center=center, role=Role.AUDITOR, username="auditor")


@pytest.fixture
def outsider(other_center):
    return StaffFactory(center=other_center, role=Role.WORKER, username="outsider")


@pytest.fixture
def director_client(director):
    return verified_client(director)


@pytest.fixture
def worker_client(worker):
    return verified_client(worker)


@pytest.fixture
def colleague_client(colleague):
    return verified_client(colleague)


@pytest.fixture
def clerk_client(clerk):
    return verified_client(clerk)


@pytest.fixture
def auditor_client(auditor):
    return verified_client(auditor)


@pytest.fixture
def outsider_client(outsider):
    return verified_client(outsider)
