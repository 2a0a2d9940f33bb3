"""Browser tests: Playwright's sync API driving headless Chromium against pytest-django's live server.

Every test in this folder is marked `e2e`. Without Chromium the tests are SKIPPED with a line saying how to
install it, unless YORISOI_REQUIRE_E2E=1 (set by .ci/run): then a missing browser is a failure.
The live server shares the test database (transactional; in-memory SQLite or PostgreSQL alike), so objects
made here with factories are seen by the browser, and what the browser saves can be read back here.
Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls from a thread with
a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set: it is set below (and in the root conftest, as the
variable is process-wide and read at each ORM call).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from e2e.helpers import log_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
INSTALL_HINT = "apt-get install -y chromium"
# Generous: a shared CI machine under load answers slowly at times; a passing test never waits for it.
TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "30000"))


def chromium_path() -> str | None:
    explicit = os.environ.get("YORISOI_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def e2e_required() -> bool:
    return os.environ.get("YORISOI_REQUIRE_E2E", "").strip() in {"1", "true", "yes"}


def missing_reason() -> str:
    return (f"Chromium が見つからないためブラウザテストを飛ばしました（インストール: {INSTALL_HINT}）/ "
            f"no Chromium found, end-to-end test skipped (install it with: {INSTALL_HINT}, "
            "or set YORISOI_CHROMIUM=/path/to/chromium)")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    no_browser = chromium_path() is None and not e2e_required()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if no_browser:
                item.add_marker(pytest.mark.skip(reason=missing_reason()))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "Chromium" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("=", "ブラウザテスト（e2e）", yellow=True)
        terminalreporter.write_line(f"{len(skipped)} 件のブラウザテストを飛ばしました: Chromium がありません。"
                                    f"インストールするには: {INSTALL_HINT}", yellow=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} end-to-end tests were SKIPPED: Chromium is missing. "
                                    f"Install it with: {INSTALL_HINT}", yellow=True, bold=True)


# --- browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail(f"YORISOI_REQUIRE_E2E=1 but no Chromium was found. Install it with: {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _migrated_rows(django_db_setup, django_db_blocker):
    """The rows the migrations seeded, serialized once when the test database was made."""
    from django.db import connections

    return getattr(connections["default"], "_test_serialized_contents", None)


@pytest.fixture
def _serialized_rows_on_connection(_migrated_rows):
    """Django restores the migrations' rows from an attribute of the connection object. Once Playwright's event
    loop has run in this thread, Django hands the thread a new connection object (its connections are
    context-local), which lacks the attribute: put it back, or the next test starts with no seeded rows."""
    from django.db import connections

    if _migrated_rows is not None:
        connections["default"]._test_serialized_contents = _migrated_rows


@pytest.fixture(autouse=True)
def _e2e_database(_serialized_rows_on_connection, django_db_serialized_rollback, transactional_db, _migrated_rows):
    """Browser tests commit for real (the server runs in another thread); the rows that migrations seed
    (organization kinds, …) are restored before each test so every test starts from the same database.

    The first browser test of a process can find them gone: an earlier transactional test (without this restore)
    emptied the tables and its flush made new content types, and Django's restore did not run. Then the tables are
    emptied again without making content types, and the rows are restored here."""
    from django.core.management import call_command
    from django.db import connections

    from yorisoi.partners.models import OrganizationKind

    if _migrated_rows and not OrganizationKind.objects.exists():
        # Sequences keep counting (as Django's own flush between tests does): the restored rows keep their ids.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
        connections["default"].creation.deserialize_db_from_string(_migrated_rows)


@pytest.fixture
def new_context(browser, live_server):
    """Make a fresh browser context (own cookies: another staff member at another desk)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.console_problems = []  # CSP violations, script errors, failed sub-resources; tests that care check it
        page.on("console", lambda message: _console_problem(page, message))
        page.on("pageerror", lambda error: page.console_problems.append(str(error)))
        page.on("response", lambda response: _response_problem(page, response))
        return page

    yield make
    for context in contexts:
        context.close()


def _console_problem(page, message) -> None:
    # A failed load is reported with its address by _response_problem; the console line has none.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_problems.append(message.text)


def _response_problem(page, response) -> None:
    if response.status >= 400 and response.request.resource_type != "document" and \
            not response.url.endswith("/favicon.ico"):
        page.console_problems.append(f"{response.status} {response.request.resource_type} {response.url}")


@pytest.fixture
def page(new_context):
    return new_context()


@pytest.fixture
def logged_in(new_context):
    """`logged_in(user)` → a page of a new browser context, logged in as `user` past two-factor."""

    def login(user, **kwargs):
        return log_in(new_context(), user, **kwargs)

    return login
