"""手続きの一覧: the procedures not done of the open cases the user may see, by due date, with filters; a fixed
number of queries for 1 or 50 rows."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.accounts.models import Center
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures.models import ProcedureStatus, ReferenceKind
from yorisoi.procedures.tests.factories import CaseProcedureFactory, procedure_type

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC)  # 2026-11-10 in Tokyo
URL = reverse("procedures:due_list")


def _body(client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_open_procedures_of_open_cases_by_due_date_with_overdue_marked(case, center, worker, worker_client):
    late = CaseProcedureFactory(case=case, title="遅れている手続き", due_date=dt.date(2026, 11, 3))
    CaseProcedureFactory(case=case, title="あとの手続き", due_date=dt.date(2026, 12, 20))
    CaseProcedureFactory(case=case, title="今日の手続き", due_date=dt.date(2026, 11, 10),
                         status=ProcedureStatus.IN_PROGRESS, started_on=dt.date(2026, 11, 9))
    CaseProcedureFactory(case=case, title="期限の決まらない手続き", due_date=None, follows_reference=True,
                         reference=ReferenceKind.PLACEMENT, offset_days=7)
    CaseProcedureFactory(case=case, title="済んだ手続き", due_date=dt.date(2026, 11, 1),
                         status=ProcedureStatus.DONE, completed_on=dt.date(2026, 11, 2))
    CaseProcedureFactory(case=case, title="中止した手続き", status=ProcedureStatus.CANCELLED)
    closed = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="closed",
                         closure_outcome="stable", end_date=dt.date(2026, 11, 5))
    CaseProcedureFactory(case=closed, title="終結したケースの手続き")
    body = _body(worker_client)
    order = [body.index(t) for t in ("遅れている手続き", "今日の手続き", "あとの手続き", "期限の決まらない手続き")]
    assert order == sorted(order)
    assert "済んだ手続き" not in body and "中止した手続き" not in body and "終結したケースの手続き" not in body
    assert f'id="procedure-{late.pk}" class="is-overdue"' in body
    assert "期限切れ・7日超過" in body and "期限切れ 1件" in body
    assert "一時受入の開始日が未定" in body
    assert case.person.full_name in body and case.number in body
    assert reverse("procedures:case", args=[case.pk]) + f"#procedure-{late.pk}" in body


@time_machine.travel(NOW, tick=False)
def test_filters_overdue_week_undated_and_type(case, worker_client):
    CaseProcedureFactory(case=case, title="遅れている手続き", due_date=dt.date(2026, 11, 3))
    CaseProcedureFactory(case=case, title="来週の手続き", due_date=dt.date(2026, 11, 16),
                         procedure_type=procedure_type("pension"))
    CaseProcedureFactory(case=case, title="来月の手続き", due_date=dt.date(2026, 12, 20))
    CaseProcedureFactory(case=case, title="期限なしの手続き", due_date=None)
    titles = ("遅れている手続き", "来週の手続き", "来月の手続き", "期限なしの手続き")

    def shown(query):
        body = _body(worker_client, query)
        return {t for t in titles if t in body}

    assert shown("?show=overdue") == {"遅れている手続き"}
    assert shown("?show=week") == {"遅れている手続き", "来週の手続き"}
    assert shown("?show=undated") == {"期限なしの手続き"}
    assert shown(f"?type={procedure_type('pension').pk}") == {"来週の手続き"}
    assert shown("?show=nonsense&type=abc&page=x&mine=maybe") == set(titles)


@time_machine.travel(NOW, tick=False)
def test_workers_start_from_their_own_cases_and_may_ask_for_the_whole_center(case, center, colleague,
                                                                            worker_client, clerk_client):
    CaseProcedureFactory(case=case, title="自分のケースの手続き")
    other = CaseFactory(person=PersonFactory(center=center), main_staff=colleague)
    CaseProcedureFactory(case=other, title="同僚のケースの手続き")
    mine = _body(worker_client)
    assert "自分のケースの手続き" in mine and "同僚のケースの手続き" not in mine
    center_wide = _body(worker_client, "?mine=0")
    assert "自分のケースの手続き" in center_wide and "同僚のケースの手続き" in center_wide
    clerk = _body(clerk_client)  # clerks run the procedures of the whole center
    assert "自分のケースの手続き" in clerk and "同僚のケースの手続き" in clerk
    assert 'name="mine"' not in clerk


@time_machine.travel(NOW, tick=False)
def test_another_centers_procedures_never_show(case, outsider_client):
    CaseProcedureFactory(case=case, title="よそのセンターの手続き")
    assert "よそのセンターの手続き" not in _body(outsider_client, "?mine=0")


@time_machine.travel(NOW, tick=False)
def test_assigned_mode_keeps_a_worker_to_their_cases(case, center, colleague, colleague_client):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    CaseProcedureFactory(case=case, title="担当外のケースの手続き")
    assert "担当外のケースの手続き" not in _body(colleague_client, "?mine=0")


def _procedures(center, worker, n: int, start: int = 0):
    for i in range(start, start + n):
        case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
        previous = CaseProcedureFactory(case=case, due_date=dt.date(2026, 11, 1) + dt.timedelta(days=i),
                                        organization=OrganizationFactory(center=center))
        CaseProcedureFactory(case=case, due_date=None, follows_reference=True, reference=ReferenceKind.PREVIOUS,
                             depends_on=previous, offset_days=14)


@pytest.mark.parametrize("query", ["", "?mine=0&show=open"])
@time_machine.travel(NOW, tick=False)
def test_query_count_is_constant(center, worker, worker_client, query):
    _procedures(center, worker, 1)
    with CaptureQueriesContext(connection) as one:
        _body(worker_client, query)
    _procedures(center, worker, 24, start=1)
    with CaptureQueriesContext(connection) as fifty:
        body = _body(worker_client, query)
    assert body.count('id="procedure-') == 50
    assert len(fifty) == len(one)
