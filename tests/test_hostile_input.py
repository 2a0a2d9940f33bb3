"""Hostile and careless input posted to every form of the authorization matrix.

For every page of the matrix that a director opens with a form (objects of the center filled in by the matrix's
World), the form is read from the page as a browser would and sent back with each value of a corpus of bad input
in every text box: NUL and control characters, dates out of any sane range, numbers past 2^63, a formula, very
long text, characters outside the basic plane. The answer must never be a 500, and a refused form (the page shown
again, or a 4xx) must leave every table as it was: nothing half-saved. Runs on SQLite and on PostgreSQL in CI.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.test_authorization_matrix import MATRIX, ROUTES

pytestmark = pytest.mark.django_db

CORPUS = {
    "nul": "架空\x00太郎",
    "control": "架空\x07\x1b[31m\x7f",
    "ancient": "0001-01-01",
    "far_future": "9999-12-31",
    "huge_number": "9" * 30,
    "negative": "-1",
    "formula": "=cmd|' /C calc'!A0",
    "long": "長" * 20_000,
    "astral": "𠮷野\U000E0100\u202e",
    "markup": "<script>alert(1)</script>",
}
# Rows written whatever the form's answer: the access log and its heads, history, log-in bookkeeping, tasks.
IGNORED_TABLES = ("privacy_accesslog", "privacy_accessloghead", "axes_", "django_session", "django_tasks",
                  "historical", "otp_")
SKIP_FIELDS = {"csrfmiddlewaretoken"}


class _FormReader(HTMLParser):
    """The fields of the page's POST forms: name → default value, and which of them take free input."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self.forms.append({"action": attrs.get("action") or "", "fields": {}, "free": set()})
            return
        if not self.forms:
            return
        fields, free = self.forms[-1]["fields"], self.forms[-1]["free"]
        name = attrs.get("name")
        if tag == "input" and name and name not in SKIP_FIELDS:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs or name not in fields:
                    fields[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.setdefault(name, attrs.get("value", ""))
                if kind not in ("hidden",):
                    free.add(name)
        elif tag == "textarea" and name:
            fields.setdefault(name, "")
            free.add(name)
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in attrs or not fields.get(self._select):
                fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _counts() -> dict[str, int]:
    """The number of rows of every watched table, in one query (a count per table would cost ~200 round trips
    before and after every post)."""
    tables = sorted({model._meta.db_table for model in apps.get_models()
                     if model._meta.managed and not model._meta.db_table.startswith(IGNORED_TABLES)
                     and "historical" not in model._meta.db_table})
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


FORM_PAGES = sorted(name for name, row in MATRIX.items()
                    if row.statuses["director"] == 200 and name in {r.name for r in ROUTES}
                    and not name.startswith(("accounts:", "healthz")))


# Forms of the page frame (log-out) and of the log-in steps are left to their own tests: posting them here would
# end the session (the password form counts wrong current passwords toward the lock-out).
FRAME_ACTIONS = ("/accounts/logout/", "/accounts/password/")


def _forms(client, url) -> list[dict] | None:
    """The page's POST forms with free input; None once the page is gone (a delete or an exit was saved)."""
    page = client.get(url)
    assert page.status_code < 500, f"{url} answers {page.status_code} after bad input was posted"
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html") or page.streaming:
        return None
    reader = _FormReader()
    reader.feed(page.content.decode())
    return [f for f in reader.forms if f["free"] and not (f["action"] or "").startswith(FRAME_ACTIONS)]


@pytest.mark.parametrize("name", FORM_PAGES)
def test_bad_input_never_answers_500_and_saves_nothing_half_done(name, world, director_client):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    if row.query:
        url += "?" + row.query(world)
    if not _forms(director_client, url):
        pytest.skip("no page with a form of free input here (a download, or a page without a form)")
    failures = []
    for label, value in CORPUS.items():
        # read the page again before each post: a saved value moves the version a form carries
        forms = _forms(director_client, url)
        if forms is None:
            break  # an earlier value was saved and the object is gone or closed: nothing more to post here
        for form in forms:
            action = form["action"] or url
            if not action.startswith("/"):
                continue
            data = dict(form["fields"])
            data.update({field: value for field in form["free"]})
            before = _counts()
            response = director_client.post(action, data)
            if response.status_code >= 500:
                failures.append(f"{action} with {label}: {response.status_code}")
                continue
            saved = response.status_code in (201, 301, 302, 303)  # 201: created, shown once (an API token)
            if not saved and _counts() != before:
                changed = {t for t, n in _counts().items() if before.get(t) != n}
                failures.append(f"{action} with {label}: refused ({response.status_code}) but changed {changed}")
    assert not failures, "\n".join(failures)
