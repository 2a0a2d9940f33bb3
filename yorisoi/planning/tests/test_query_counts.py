"""Planning pages keep a constant number of queries: 1 row or 50 rows cost the same."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.planning import services
from yorisoi.planning.models import AssessmentKind
from yorisoi.planning.services.plans import ActionInput

from .factories import make_assessment, make_plan

pytestmark = pytest.mark.django_db

TEXTS = {"health": ("架空の所見", "架空の必要", "high"), "justice": ("架空", "", "medium"), "housing": ("架空", "", "")}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker)


@pytest.mark.parametrize("client_name", ["worker_client", "clerk_client"])
def test_assessment_list_query_count_is_constant(request, case, worker, client_name):
    client = request.getfixturevalue(client_name)
    make_assessment(actor=worker, case=case, texts=TEXTS)
    one = _queries(client, reverse("planning:assessment_list", args=[case.pk]))
    for i in range(49):
        make_assessment(actor=worker, case=case, kind=AssessmentKind.FULL,
                        assessed_on=dt.date(2026, 11, 3) + dt.timedelta(days=i), texts=TEXTS)
    assert _queries(client, reverse("planning:assessment_list", args=[case.pk])) == one


def test_assessment_compare_query_count_does_not_grow_with_history(case, worker, worker_client):
    first = make_assessment(actor=worker, case=case, texts=TEXTS)
    second = make_assessment(actor=worker, case=case, kind=AssessmentKind.FULL, texts=TEXTS,
                             assessed_on=dt.date(2026, 11, 9))
    url = reverse("planning:assessment_compare", args=[case.pk]) + f"?a={first.pk}&b={second.pk}"
    one = _queries(worker_client, url)
    for i in range(48):
        make_assessment(actor=worker, case=case, kind=AssessmentKind.FULL, texts=TEXTS,
                        assessed_on=dt.date(2026, 11, 10) + dt.timedelta(days=i))
    assert _queries(worker_client, url) == one


def test_plan_page_query_count_is_constant(case, center, worker, director, colleague, worker_client):
    org = OrganizationFactory(center=center)
    plan = make_plan(actor=worker, case=case, actions=1)
    one = _queries(worker_client, reverse("planning:plan", args=[case.pk]))
    actions = [ActionInput(description=f"架空の行動{i}", owner_staff=[worker, colleague][i % 2] if i % 3 else None,
                           owner_organization=org if i % 3 == 0 else None, due_date=dt.date(2026, 12, 1))
               for i in range(49)]
    plan = services.update_plan(actor=worker, plan=plan, expected_version=plan.version, actions=actions)
    for _ in range(14):  # versions and approval events grow too
        services.submit(actor=worker, subject=plan)
        services.approve(actor=director, subject=plan)
        plan = services.revise_plan(actor=worker, plan=plan)
    assert plan.actions.count() == 50
    assert _queries(worker_client, reverse("planning:plan", args=[case.pk])) == one


def _submitted(center, worker, *, closure: bool):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    if closure:
        return services.request_closure(actor=worker, case=case, outcome="stable", residence="home",
                                        services=["public_assistance"], summary="架空のまとめ")
    plan = make_plan(actor=worker, case=case)
    services.submit(actor=worker, subject=plan)
    return plan


def _approval_world(center, worker, director, n: int):
    """n plans and n closure requests waiting; n of each decided (approved and returned by turns)."""
    for i in range(n):
        for closure in (False, True):
            _submitted(center, worker, closure=closure)
            decided = _submitted(center, worker, closure=closure)
            if i % 2:
                services.return_for_revision(actor=director, subject=decided, comment="架空の差戻し理由")
            elif not closure:
                services.approve(actor=director, subject=decided, comment="架空")
            else:
                services.return_for_revision(actor=director, subject=decided, comment="架空")


@pytest.mark.parametrize("client_name", ["director_client", "worker_client"])
def test_approval_list_query_count_is_constant(request, center, worker, director, client_name):
    """The director's lists (to decide, decided lately) and the submitter's (returned, waiting): 1 or 50 rows."""
    client = request.getfixturevalue(client_name)
    _approval_world(center, worker, director, 1)
    one = _queries(client, reverse("planning:approvals"))
    _approval_world(center, worker, director, 24)
    assert _queries(client, reverse("planning:approvals")) == one


def test_case_overview_query_count_is_constant(case, worker, director, worker_client):
    plan = make_plan(actor=worker, case=case)
    make_assessment(actor=worker, case=case, texts=TEXTS)
    one = _queries(worker_client, reverse("planning:case", args=[case.pk]))
    for _ in range(10):
        services.submit(actor=worker, subject=plan)
        services.approve(actor=director, subject=plan)
        plan = services.revise_plan(actor=worker, plan=plan)
        make_assessment(actor=worker, case=case, texts=TEXTS)
    assert _queries(worker_client, reverse("planning:case", args=[case.pk])) == one
