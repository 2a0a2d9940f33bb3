"""The selectors the home screen and the inbox call: plain rows, scoped by the policy, a constant query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.accounts.models import Center
from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures.models import FollowUpStatus, ProcedureStatus
from yorisoi.procedures.selectors import DueRow, follow_ups_due, procedures_due, protection_warnings
from yorisoi.procedures.tests.factories import CaseProcedureFactory, FollowUpFactory, UrgentProtectionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 10)


def test_procedures_due_returns_plain_rows(case, worker):
    late = CaseProcedureFactory(case=case, title="生活保護申請", due_date=dt.date(2026, 11, 8))
    CaseProcedureFactory(case=case, title="住民票の回復", due_date=dt.date(2026, 11, 24))
    CaseProcedureFactory(case=case, title="遠い手続き", due_date=dt.date(2026, 12, 24))
    CaseProcedureFactory(case=case, title="済み", due_date=dt.date(2026, 11, 9), status=ProcedureStatus.DONE,
                         completed_on=dt.date(2026, 11, 9))
    CaseProcedureFactory(case=case, title="待ち", due_date=None)
    rows = procedures_due(worker, TODAY, 14)
    assert [r.title for r in rows] == ["生活保護申請", "住民票の回復"]
    assert rows[0] == DueRow(date=dt.date(2026, 11, 8), kind="procedure", kind_label="手続き", case_id=case.pk,
                             case_number=case.number, person_id=case.person_id, person_name=case.person.full_name,
                             title="生活保護申請", days_left=-2,
                             url=reverse("procedures:case", args=[case.pk]) + f"#procedure-{late.pk}")
    assert rows[0].overdue and not rows[1].overdue
    assert [r.title for r in procedures_due(worker, TODAY, 0)] == ["生活保護申請"]


def test_rows_come_only_from_open_cases_of_the_users_center(case, worker, outsider, other_center):
    closed = CaseFactory(person=case.person, phase=Phase.CLOSED, closure_outcome="stable", main_staff=worker)
    foreign = CaseFactory(person=PersonFactory(center=other_center))
    for c in (case, closed, foreign):
        CaseProcedureFactory(case=c, due_date=TODAY)
        FollowUpFactory(case=c, due_date=TODAY)
        UrgentProtectionFactory(case=c, end_date=TODAY)
    for selector in (procedures_due, follow_ups_due, protection_warnings):
        assert [r.case_id for r in selector(worker, TODAY)] == [case.pk]
        assert [r.case_id for r in selector(outsider, TODAY)] == [foreign.pk]


def test_assigned_mode_and_mine_only_limit_to_the_users_cases(case, center, worker, colleague, director):
    other = CaseFactory(person=PersonFactory(center=center), main_staff=colleague)
    CaseProcedureFactory(case=case, due_date=TODAY)
    CaseProcedureFactory(case=other, due_date=TODAY)
    assert len(procedures_due(worker, TODAY)) == 2
    assert [r.case_id for r in procedures_due(worker, TODAY, mine_only=True)] == [case.pk]
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    worker.refresh_from_db()
    assert [r.case_id for r in procedures_due(worker, TODAY)] == [case.pk]
    assert len(procedures_due(director, TODAY)) == 2


def test_follow_ups_due_leaves_out_done_and_cancelled(case, worker):
    FollowUpFactory(case=case, due_date=TODAY, status=FollowUpStatus.CANCELLED)
    FollowUpFactory(case=case, due_date=TODAY, status=FollowUpStatus.DONE, done_on=TODAY)
    FollowUpFactory(case=case, due_date=TODAY, interval_label="1か月後")
    [row] = follow_ups_due(worker, TODAY)
    assert (row.kind, row.kind_label, row.title, row.days_left) == ("follow_up", "フォローアップ",
                                                                    "フォローアップ：本人・1か月後", 0)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_each_selector_costs_one_query_whatever_the_rows(center, worker):
    def make(n):
        for _ in range(n):
            c = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
            CaseProcedureFactory(case=c, due_date=TODAY)
            FollowUpFactory(case=c, due_date=TODAY)
            UrgentProtectionFactory(case=c, end_date=TODAY + dt.timedelta(days=5))

    make(1)
    counts = [_count(lambda s=s: s(worker, TODAY)) for s in (procedures_due, follow_ups_due, protection_warnings)]
    make(30)
    assert [_count(lambda s=s: s(worker, TODAY)) for s in (procedures_due, follow_ups_due, protection_warnings)] \
        == counts == [1, 1, 1]
    assert len(procedures_due(worker, TODAY)) == 31
