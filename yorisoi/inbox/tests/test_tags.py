"""The pieces other pages embed: the home screen's summary and the navigation link."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures.tests.factories import CaseProcedureFactory

from .conftest import NOW, TODAY
from .factories import pending_plan

pytestmark = pytest.mark.django_db


def _render(source: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load inbox_tags %}" + source).render(Context({"request": request, **context}))


@time_machine.travel(NOW, tick=False)
def test_home_summary_counts_overdue_today_and_this_week(case, worker, director):
    CaseProcedureFactory(case=case, due_date=TODAY - dt.timedelta(days=1))
    CaseProcedureFactory(case=case, due_date=TODAY - dt.timedelta(days=30))
    CaseProcedureFactory(case=case, due_date=TODAY)
    CaseProcedureFactory(case=case, due_date=TODAY + dt.timedelta(days=7))
    CaseProcedureFactory(case=case, due_date=TODAY + dt.timedelta(days=8))  # beyond the week
    html = _render("{% inbox_summary %}", worker)
    assert 'href="/inbox/"' in html
    stats = [part.split("</span>")[0] for part in html.split('<span class="stat">')[1:]]
    assert stats == ["2", "1", "1"]
    assert "7日以内" in html and "決裁" not in html


@time_machine.travel(NOW, tick=False)
def test_home_summary_shows_approvals_waiting_for_the_director(center, worker, director):
    pending_plan(CaseFactory(person=PersonFactory(center=center), main_staff=worker), submitted_by=worker)
    html = _render("{% inbox_summary %}", director)
    assert "決裁" in html and 'href="/inbox/#approvals"' in html


def test_summary_and_nav_link_render_nothing_for_anonymous_users():
    assert _render("{% inbox_summary %}", AnonymousUser()).strip() == ""
    assert _render("{% inbox_nav_link %}", AnonymousUser()).strip() == ""


def test_nav_link_marks_the_current_page(worker):
    assert 'aria-current="page"' in _render("{% inbox_nav_link %}", worker, nav="inbox")
    assert 'aria-current' not in _render("{% inbox_nav_link %}", worker, nav="home")
    assert ">やること<" in _render("{% inbox_nav_link %}", worker)
