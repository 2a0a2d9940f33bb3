"""The inbox, the calendar, the feed and the home summary cost the same number of queries for 1 or 50 items of
every kind."""

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.inbox import selectors
from yorisoi.inbox.rules import CENTER
from yorisoi.inbox.services import issue_feed_token
from yorisoi.people.tests.factories import PersonFactory

from .conftest import NOW, TODAY
from .factories import case_with_items, pending_plan

pytestmark = pytest.mark.django_db


def _world(center, worker, n: int):
    """n cases of the worker, each with one item of every kind due today, and n plans waiting for 決裁."""
    for _ in range(n):
        case_with_items(center, worker, TODAY)
        pending_plan(CaseFactory(person=PersonFactory(center=center), main_staff=worker), submitted_by=worker)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _page(client, url):
    def get():
        response = client.get(url)
        assert response.status_code == 200

    return get


@pytest.mark.parametrize(("client_name", "query"), [
    ("worker_client", ""), ("director_client", "?scope=center"), ("clerk_client", ""), ("auditor_client", ""),
])
@time_machine.travel(NOW, tick=False)
def test_inbox_query_count_is_constant(request, center, worker, client_name, query):
    client = request.getfixturevalue(client_name)
    request.getfixturevalue("director")
    _world(center, worker, 1)
    one = _count(_page(client, reverse("inbox:index") + query))
    _world(center, worker, 49)
    assert _count(_page(client, reverse("inbox:index") + query)) == one


@pytest.mark.parametrize("view", ["month", "week"])
@time_machine.travel(NOW, tick=False)
def test_calendar_query_count_is_constant(center, worker, worker_client, view):
    _world(center, worker, 1)
    url = reverse("inbox:calendar") + f"?view={view}"
    one = _count(_page(worker_client, url))
    _world(center, worker, 49)
    assert _count(_page(worker_client, url)) == one


@time_machine.travel(NOW, tick=False)
def test_feed_query_count_is_constant(center, worker, client):
    token = issue_feed_token(actor=worker)
    url = reverse("inbox:feed", args=[token.token])
    _world(center, worker, 1)
    one = _count(_page(client, url))
    _world(center, worker, 49)
    assert _count(_page(client, url)) == one


@time_machine.travel(NOW, tick=False)
def test_home_summary_tag_query_count_is_constant(center, worker, director):
    template = Template("{% load inbox_tags %}{% inbox_summary %}")
    request = RequestFactory().get("/")
    request.user = director

    def render():
        return template.render(Context({"request": request}))

    _world(center, director, 1)
    one = _count(render)
    _world(center, director, 49)
    assert _count(render) == one


def test_each_selector_costs_one_query(center, worker, director):
    """One query per kind, two for 決裁 (plans, closures; a worker adds the 決裁代行 check): nothing per row."""
    _world(center, director, 3)
    counts = {}
    for kind, reader in selectors._READERS.items():
        counts[kind] = _count(lambda reader=reader: reader(director, TODAY, TODAY, False))
    assert counts == dict.fromkeys(selectors._READERS, 1)
    assert _count(lambda: selectors.approval_items(director, today=TODAY)) == 2
    assert _count(lambda: selectors.approval_items(worker, today=TODAY)) == 3
    assert _count(lambda: selectors.items_for(director, today=TODAY, until=TODAY, scope=CENTER)) == len(
        selectors.kinds_for(director))
