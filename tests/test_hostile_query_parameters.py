"""Every parameter of every page answers hostile values with the page (and a Japanese message), never a 500:
numbers of 2**63 and more, negative numbers, dates outside the date rule, impossible dates, NUL and control
characters, very long text, words where numbers are expected. Run on SQLite and PostgreSQL (a NUL in a query answers
500 there).

Nothing here lists the pages or their parameters: the walk takes every URL of the authorization matrix, opens it as
a role the matrix lets in, and watches which GET parameters the page reads (request.GET is replaced by a QueryDict
that notes every read). Each parameter it reads is then sent with every hostile value, and so is every parameter a
page reads only once another one is present (a search form bound when ?on= is there). A new page or filter is
covered as soon as it is in the matrix.

What the walk asserts, per page:
- no answer of 500 or more;
- parameters are read through a form (common.forms.QueryForm or a filter form), never by the view itself with
  request.GET.get("…"): a view that reads a value itself ignores a bad one silently or fails on it;
- when a form bound to the query refuses a parameter, the page (HTML or JSON) shows the form's message, in Japanese.
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import django.http
import django.utils
import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse

from conftest import verified_client
from tests.test_authorization_matrix import MATRIX, ROLES, ROUTES

pytestmark = pytest.mark.django_db

HOSTILE = {
    "2**63": str(2**63),
    "huge": "9" * 40,
    "minus": "-1",
    "early": "0001-01-01",
    "late": "9999-12-31",
    "no such month": "2026-13",
    "no such day": "2026-02-30",
    "nul": "\x00",
    "control": "a\x01\x1b[31mb",
    "word": "abc",
    "long": "長" * 3000,
}

# Parameters a view may read itself, and why.
READ_BY_THE_VIEW = {
    "next": "a redirect target after log-in or break-the-glass: common.forms.local_path takes a path of this site "
            "or nothing, and a bad one sends the user to the usual page",
}

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


# --- watching what a page reads ------------------------------------------------------------------------------


@dataclass
class Reads:
    by_view: set[str] = field(default_factory=set)  # values read outside a form
    by_form: set[str] = field(default_factory=set)
    present: set[str] = field(default_factory=set)  # "x" in request.GET (whether a form was sent)
    forms: list = field(default_factory=list)  # forms bound to the query, after validation

    @property
    def names(self) -> set[str]:
        return self.by_view | self.by_form | self.present


_reads = Reads()


def _in_a_form(frame) -> bool:
    """Whether the read comes from a form (a widget's value_from_datadict, a form's own method)."""
    for _ in range(8):
        if frame is None:
            return False
        owner = frame.f_locals.get("self")
        if isinstance(owner, forms.BaseForm | forms.Widget):
            return True
        frame = frame.f_back
    return False


_DJANGO_HTTP = tuple(str(Path(module.__file__).parent) for module in (django.http, django.utils))


class WatchedQueryDict(QueryDict):
    """request.GET that notes which parameter is read, and how."""

    def _note(self, key):
        caller = sys._getframe(2)
        if not isinstance(key, str) or caller.f_code.co_filename.startswith(_DJANGO_HTTP):
            return  # items(), urlencode(), copy()… go over every parameter: they read none of them on their own
        (_reads.by_form if _in_a_form(caller) else _reads.by_view).add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        if isinstance(key, str):
            _reads.present.add(key)
        return super().__contains__(key)


@pytest.fixture
def watched(monkeypatch):
    monkeypatch.setattr("django.core.handlers.wsgi.QueryDict", WatchedQueryDict)
    full_clean = forms.BaseForm.full_clean

    def noting_full_clean(form):
        full_clean(form)
        if isinstance(form.data, WatchedQueryDict):
            _reads.forms.append(form)

    monkeypatch.setattr(forms.BaseForm, "full_clean", noting_full_clean)


def _get(client, path: str, query: dict) -> tuple:
    global _reads
    _reads = Reads()
    response = client.get(path, query)
    return response, _reads


# --- the walk -----------------------------------------------------------------------------------------------


def _role(row) -> str | None:
    """The role that opens the page (director first), or the first role the matrix does not refuse."""
    for role in ROLES:
        if row.statuses[role] == 200:
            return role
    return None


def _base(name, world) -> tuple[str, dict]:
    from urllib.parse import parse_qsl

    row = MATRIX[name]
    path = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    return path, dict(parse_qsl(row.query(world))) if row.query else {}


def _refusals(reads: Reads, parameter: str) -> list[str]:
    """The messages of the forms bound to the query that refused `parameter`."""
    messages = []
    for form in reads.forms:
        for name in form.errors:
            if name != "__all__" and form.add_prefix(name) != parameter:
                continue
            messages += [str(m) for m in form.errors[name]]
    return messages


def _shown(response) -> str | None:
    """The text a person sees in the answer: a page or a JSON message (None for a file or a redirect)."""
    kind = response.get("Content-Type", "")
    if response.status_code != 200 or not kind.startswith(("text/html", "application/json")):
        return None
    if kind.startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return html.unescape(response.content.decode())


PAGES = sorted(name for name in MATRIX if name in {r.name for r in ROUTES} and _role(MATRIX[name]))


@pytest.mark.parametrize("name", PAGES)
def test_hostile_query_parameters_are_refused_in_japanese_never_with_a_500(name, world, watched, request):
    client = verified_client(request.getfixturevalue(_role(MATRIX[name])))
    client.raise_request_exception = False  # a failure is a 500 to count, not an exception that ends the test
    path, base = _base(name, world)
    response, reads = _get(client, path, base)
    assert response.status_code < 500, f"{name} fails without hostile parameters: {response.status_code}"
    failures, to_try, tried = [], set(reads.names), set()
    read_by_view = set(reads.by_view)
    while to_try:
        parameter = to_try.pop()
        tried.add(parameter)
        for label, value in HOSTILE.items():
            response, reads = _get(client, path, {**base, parameter: value})
            read_by_view |= reads.by_view
            to_try |= reads.names - tried
            if response.status_code >= 500:
                failures.append(f"?{parameter}={label} → {response.status_code}")
                continue
            refused, shown = _refusals(reads, parameter), _shown(response)
            if shown is None:
                continue
            for message in refused:
                if not JAPANESE.search(message):
                    failures.append(f"?{parameter}={label}: the message is not Japanese: {message!r}")
                elif message not in shown:
                    failures.append(f"?{parameter}={label} is refused without saying so on the page: {message!r}")
    for parameter in sorted(read_by_view - set(READ_BY_THE_VIEW)):
        failures.append(f"?{parameter}= is read by the view itself (request.GET.get): read it through a QueryForm")
    assert not failures, f"{name} ({path}):\n  " + "\n  ".join(sorted(set(failures)))


def test_the_walk_sees_the_parameters_of_pages_it_knows(world, watched, director):
    """The watch itself: a list page's filters, its page number, and a search form's fields behind its ?on=."""
    client = verified_client(director)
    _, reads = _get(client, reverse("procedures:due_list"), {})
    assert {"show", "type", "page"} <= reads.names
    _, reads = _get(client, reverse("placements:vacancy_search"), {"on": "2026-12-07"})
    assert {"sex", "age", "prefecture"} <= reads.by_form
