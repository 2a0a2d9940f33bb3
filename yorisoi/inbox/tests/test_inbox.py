"""The inbox: every kind on the right day, overdue / today / coming, whose items, and which roles see what."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yorisoi.accounts.models import Center
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.inbox import selectors
from yorisoi.inbox.rules import CENTER, MINE
from yorisoi.partners.tests.factories import OrganizationFactory
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory
from yorisoi.planning import services as planning_services
from yorisoi.planning.models import ActionStatus, ApprovalStatus
from yorisoi.planning.tests.factories import PlanActionFactory, SupportPlanFactory
from yorisoi.procedures.models import ProcedureStatus
from yorisoi.procedures.tests.factories import CaseProcedureFactory, UrgentProtectionFactory

from .conftest import NOW, TODAY
from .factories import KINDS, add_items, case_with_items, pending_plan, returned_closure

pytestmark = pytest.mark.django_db


def _kinds(items) -> list[str]:
    return sorted(i.kind for i in items)


def _rows(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- every kind, on its day ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_appears_on_its_day_and_moves_from_coming_to_today_to_overdue(case, worker, kind):
    due = dt.date(2026, 11, 13)
    if kind == "release":  # a passed release date stays in the inbox while the case waits for the person
        case.phase = Phase.COORDINATING
        case.save(update_fields=["phase"])
    add_items(case, due, kinds=(kind,))
    for today, bucket, days_left in ((dt.date(2026, 11, 10), "coming", 3), (due, "due_today", 0),
                                     (dt.date(2026, 11, 16), "overdue", -3)):
        box = selectors.inbox(worker, today=today, days=14)
        found = [i for i in getattr(box, bucket) if i.kind == kind]
        assert len(found) == 1, (kind, today)
        assert (found[0].date, found[0].days_left, found[0].case_number) == (due, days_left, case.number)
        assert found[0].person_name == case.person.full_name
        others = [b for b in ("overdue", "due_today", "coming") if b != bucket]
        assert not [i for b in others for i in getattr(box, b) if i.kind == kind]


@time_machine.travel(NOW, tick=False)
def test_inbox_page_shows_every_kind_with_era_date_weekday_case_link_and_place_to_do_it(case, worker_client):
    made = add_items(case, TODAY)
    html = _rows(worker_client.get(reverse("inbox:index")))
    assert "令和8年11月10日（火）" in html
    for label in ("手続き", "フォローアップ", "更生緊急保護", "釈放予定", "手帳の更新", "計画の行動", "計画の見直し",
                  "常用薬", "健診"):
        assert f">{label}</span>" in html
    assert case.person.full_name in html and case.number in html
    assert reverse("procedures:case", args=[case.pk]) + f"#procedure-{made['procedure'].pk}" in html
    assert reverse("procedures:follow_ups", args=[case.pk]) + f"#follow-up-{made['follow_up'].pk}" in html
    assert reverse("procedures:protection", args=[case.pk]) in html
    assert reverse("people:detail", args=[case.person_id]) + "#certificates" in html
    assert reverse("medical:person", args=[case.person_id]) + "#medical-medications" in html
    assert reverse("medical:person", args=[case.person_id]) + "#medical-checks" in html
    plan = made["plan_review"]
    assert reverse("planning:plan_version", args=[case.pk, plan.pk]) + f"#action-{made['plan_action'].pk}" in html
    assert reverse("planning:plan", args=[case.pk]) in html


@time_machine.travel(NOW, tick=False)
def test_overdue_rows_stand_out_and_today_rows_are_marked(case, worker_client):
    CaseProcedureFactory(case=case, due_date=dt.date(2026, 11, 5), title="遅れている手続き")
    CaseProcedureFactory(case=case, due_date=TODAY, title="今日の手続き")
    CaseProcedureFactory(case=case, due_date=dt.date(2026, 11, 20), title="先の手続き")
    html = _rows(worker_client.get(reverse("inbox:index")))
    overdue = html[html.index('id="overdue"'):html.index('id="today"')]
    today = html[html.index('id="today"'):html.index('id="coming"')]
    coming = html[html.index('id="coming"'):]
    assert "遅れている手続き" in overdue and 'class="inbox-row is-overdue"' in overdue and "5日超過" in overdue
    assert "今日の手続き" in today and 'class="inbox-row is-today"' in today
    assert "先の手続き" in coming and "あと10日" in coming


@time_machine.travel(NOW, tick=False)
def test_days_parameter_widens_the_window_and_bad_values_fall_back(case, worker_client):
    CaseProcedureFactory(case=case, due_date=dt.date(2026, 12, 10), title="30日後の手続き")
    assert "30日後の手続き" not in _rows(worker_client.get(reverse("inbox:index")))
    assert "30日後の手続き" in _rows(worker_client.get(reverse("inbox:index") + "?days=30"))
    for bad in ("abc", "-5", "100000", ""):
        assert worker_client.get(reverse("inbox:index") + f"?days={bad}").status_code == 200


def test_done_items_closed_cases_and_old_plan_versions_are_left_out(case, worker):
    CaseProcedureFactory(case=case, due_date=TODAY, status=ProcedureStatus.DONE, completed_on=TODAY)
    closed = CaseFactory(person=PersonFactory(center=case.center), main_staff=worker, phase=Phase.CLOSED,
                         closure_outcome="stable")
    add_items(closed, TODAY)
    old = SupportPlanFactory(case=case, revision=1, status=ApprovalStatus.APPROVED, review_date=TODAY)
    PlanActionFactory(plan=old, due_date=TODAY, owner_staff=worker, description="古い版の行動")
    new = SupportPlanFactory(case=case, revision=2, status=ApprovalStatus.DRAFT, review_date=dt.date(2026, 12, 1))
    PlanActionFactory(plan=new, due_date=TODAY, owner_staff=worker, description="新しい版の行動")
    PlanActionFactory(plan=new, due_date=TODAY, owner_staff=worker, description="済んだ行動", status=ActionStatus.DONE)
    items = selectors.items_for(worker, today=TODAY, until=TODAY + dt.timedelta(days=30), scope=MINE)
    assert {i.case_id for i in items} == {case.pk}
    assert [i.title for i in items if i.kind == "plan_action"] == ["新しい版の行動"]
    assert [i.date for i in items if i.kind == "plan_review"] == [dt.date(2026, 12, 1)]
    assert not [i for i in items if i.kind == "procedure"]


def test_protection_shows_from_the_first_warning_with_its_level(case, worker):
    UrgentProtectionFactory(case=case, end_date=TODAY + dt.timedelta(days=20))
    box = selectors.inbox(worker, today=TODAY, days=14)
    [row] = [i for i in box.coming if i.kind == "protection"]
    assert (row.days_left, row.level) == (20, 30)
    assert [i.level for i in selectors.inbox(worker, today=TODAY + dt.timedelta(days=8)).coming
            if i.kind == "protection"] == [14]
    assert [i.level for i in selectors.inbox(worker, today=TODAY + dt.timedelta(days=15)).coming
            if i.kind == "protection"] == [7]
    assert not [i for i in selectors.inbox(worker, today=TODAY - dt.timedelta(days=11)).coming
                if i.kind == "protection"]


def test_a_passed_release_stays_only_while_the_case_has_not_moved_on(center, worker):
    waiting = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.COORDINATING,
                          expected_release_date=TODAY - dt.timedelta(days=2))
    CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.TEMPORARY_PLACEMENT,
                expected_release_date=TODAY - dt.timedelta(days=2))
    box = selectors.inbox(worker, today=TODAY)
    [row] = [i for i in box.overdue if i.kind == "release"]
    assert row.case_id == waiting.pk and "調整中" in row.title


def test_certificate_renewals_only_for_persons_with_an_open_case(center, worker):
    open_case = case_with_items(center, worker, TODAY, kinds=("certificate",))
    past = PersonFactory(center=center)
    CaseFactory(person=past, main_staff=worker, phase=Phase.CLOSED, closure_outcome="stable")
    CertificateFactory(person=past, renewal_due=TODAY)
    CertificateFactory(person=PersonFactory(center=center), renewal_due=TODAY)  # no case at all
    items = selectors.items_for(worker, today=TODAY, until=TODAY, scope=MINE)
    assert [(i.kind, i.person_id, i.case_number) for i in items] == [
        ("certificate", open_case.person_id, open_case.number)]


# --- whose items ---------------------------------------------------------------------------------------------


def test_mine_is_the_cases_where_the_user_is_main_or_sub_staff_and_actions_they_own(center, worker, colleague):
    as_main = case_with_items(center, worker, TODAY, kinds=("procedure",))
    as_sub = CaseFactory(person=PersonFactory(center=center), main_staff=colleague, sub_staff=worker)
    CaseProcedureFactory(case=as_sub, due_date=TODAY)
    not_mine = case_with_items(center, colleague, TODAY, kinds=("procedure",))
    plan = SupportPlanFactory(case=not_mine, status=ApprovalStatus.APPROVED)
    PlanActionFactory(plan=plan, due_date=TODAY, owner_staff=worker, description="同僚のケースで自分が担当する行動")
    mine = selectors.items_for(worker, today=TODAY, until=TODAY, scope=MINE)
    assert sorted((i.kind, i.case_id) for i in mine) == sorted(
        [("procedure", as_main.pk), ("procedure", as_sub.pk), ("plan_action", not_mine.pk)])
    center_wide = selectors.items_for(worker, today=TODAY, until=TODAY, scope=CENTER)
    assert ("procedure", not_mine.pk) in {(i.kind, i.case_id) for i in center_wide}


@time_machine.travel(NOW, tick=False)
def test_director_switches_to_the_whole_center(center, director, director_client, worker):
    case_with_items(center, director, TODAY, kinds=("procedure",))
    theirs = case_with_items(center, worker, TODAY, kinds=("procedure",))
    mine = _rows(director_client.get(reverse("inbox:index")))
    assert theirs.number not in mine and "センター全体" in mine
    everything = _rows(director_client.get(reverse("inbox:index") + "?scope=center"))
    assert theirs.number in everything


@time_machine.travel(NOW, tick=False)
def test_a_worker_asking_for_the_center_silently_gets_their_own(center, worker_client, colleague):
    theirs = case_with_items(center, colleague, TODAY, kinds=("procedure",))
    html = _rows(worker_client.get(reverse("inbox:index") + "?scope=center"))
    assert theirs.number not in html
    assert 'aria-label="表示する範囲"' not in html  # no toggle offered


def test_assigned_mode_keeps_directors_center_view_and_workers_own(center, director, worker, colleague):
    center.case_visibility = Center.CaseVisibility.ASSIGNED
    center.save()
    case_with_items(center, colleague, TODAY, kinds=("procedure", "certificate"))
    worker.refresh_from_db()
    assert selectors.items_for(worker, today=TODAY, until=TODAY, scope=CENTER) == []
    assert _kinds(selectors.items_for(director, today=TODAY, until=TODAY, scope=CENTER)) == [
        "certificate", "procedure"]


# --- roles ---------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_clerks_see_procedures_and_certificate_renewals_of_the_whole_center_only(center, worker, clerk, clerk_client):
    case = case_with_items(center, worker, TODAY)
    assert _kinds(selectors.items_for(clerk, today=TODAY, until=TODAY, scope=CENTER)) == ["certificate", "procedure"]
    html = _rows(clerk_client.get(reverse("inbox:index")))
    assert case.number in html and "生活保護申請（架空）" in html
    for hidden in ("更生緊急保護", "釈放予定", "架空の行動", "計画の見直し", "フォローアップ："):
        assert hidden not in html


@time_machine.travel(NOW, tick=False)
def test_auditors_see_the_whole_center_read_only_without_approvals(center, worker, director, auditor, auditor_client):
    case = case_with_items(center, worker, TODAY)
    pending_plan(CaseFactory(person=PersonFactory(center=center), main_staff=worker), submitted_by=worker, revision=1)
    html = _rows(auditor_client.get(reverse("inbox:index")))
    assert case.number in html and "閲覧の役割" in html
    assert 'id="approvals"' not in html
    assert len(selectors.items_for(auditor, today=TODAY, until=TODAY, scope=selectors.scope_for(auditor))) == len(KINDS)


@time_machine.travel(NOW, tick=False)
def test_outsider_never_sees_another_centers_items(center, worker, outsider, outsider_client):
    case = case_with_items(center, worker, TODAY)
    html = _rows(outsider_client.get(reverse("inbox:index")))
    assert case.number not in html and case.person.full_name not in html
    assert selectors.items_for(outsider, today=TODAY, until=TODAY + dt.timedelta(days=90), scope=CENTER) == []


def test_anonymous_users_are_sent_to_log_in(client):
    for name in ("inbox:index", "inbox:calendar", "inbox:feed_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- 決裁 -------------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_approvers_see_pending_plans_and_submitters_see_returned_ones(center, director, worker, director_client,
                                                                       worker_client):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    plan = SupportPlanFactory(case=case, status=ApprovalStatus.DRAFT)
    planning_services.submit(actor=worker, subject=plan)
    html = _rows(director_client.get(reverse("inbox:index")))
    assert 'id="approvals"' in html and "支援計画 第1版の決裁" in html
    assert reverse("planning:plan_version", args=[case.pk, plan.pk]) in html
    assert "支援計画 第1版" not in _rows(worker_client.get(reverse("inbox:index")))  # not an approver
    plan.refresh_from_db()
    planning_services.return_for_revision(actor=director, subject=plan, comment="目標を本人の言葉で（架空）")
    assert "支援計画 第1版が差し戻されました" in _rows(worker_client.get(reverse("inbox:index")))
    assert "支援計画 第1版" not in _rows(director_client.get(reverse("inbox:index")))


def test_the_submitter_reads_the_approvers_comment_on_a_return_and_on_an_approval(center, director, worker,
                                                                                    worker_client, settings):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    plan = SupportPlanFactory(case=case, status=ApprovalStatus.DRAFT)
    with time_machine.travel(NOW, tick=False):
        planning_services.submit(actor=worker, subject=plan)
        planning_services.return_for_revision(actor=director, subject=plan, comment="目標を本人の言葉で（架空）")
        html = _rows(worker_client.get(reverse("inbox:index")))
        assert "支援計画 第1版が差し戻されました" in html and "目標を本人の言葉で（架空）" in html
        planning_services.submit(actor=worker, subject=plan)
        planning_services.approve(actor=director, subject=plan, comment="見直しの時に就労も確認（架空）")
        html = _rows(worker_client.get(reverse("inbox:index")))
        assert "差し戻されました" not in html
        assert "支援計画 第1版が承認されました" in html and "見直しの時に就労も確認（架空）" in html
        assert "承認済み" in html
        [notice] = selectors.approval_items(worker, today=TODAY)
        assert notice.notice and selectors.inbox(worker, today=TODAY).approvals_open == 0
        page = worker_client.get(reverse("inbox:index")).content.decode()
        assert "結果のお知らせ 1件" in page and "対応待ち" not in page  # the heading does not read as work to do
        assert selectors.summary(worker, today=TODAY).approvals == 0  # nothing to do: not counted on home
    settings.YORISOI_INBOX_APPROVED_DAYS = 3
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        assert len(selectors.approval_items(worker, today=TODAY + dt.timedelta(days=2))) == 1
    with time_machine.travel(NOW + dt.timedelta(days=4), tick=False):
        assert selectors.approval_items(worker, today=TODAY + dt.timedelta(days=4)) == []


def test_an_approver_does_not_see_their_own_submission_and_closures_count_too(center, director, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    pending_plan(case, submitted_by=director)
    returned_closure(CaseFactory(person=PersonFactory(center=center), main_staff=worker), submitted_by=worker,
                     decided_by=director)
    assert selectors.approval_items(director, today=TODAY) == []
    [row] = selectors.approval_items(worker, today=TODAY)
    assert row.title == "支援の終結が差し戻されました"


# --- agreements (disclosure) -----------------------------------------------------------------------------------


def test_directors_see_sharing_agreements_ending_soon(center, director, worker):
    from yorisoi.disclosure.models import AgreementStatus, SharingAgreement

    organization = OrganizationFactory(center=center)
    SharingAgreement.objects.create(center=center, organization=organization, title="情報共有の協定（架空）",
                                    valid_from=dt.date(2025, 4, 1), valid_to=TODAY + dt.timedelta(days=5),
                                    status=AgreementStatus.ACTIVE)
    [row] = selectors.inbox(director, today=TODAY).coming
    assert (row.kind, row.days_left, row.note) == ("agreement", 5, str(organization))
    assert [i for i in selectors.inbox(worker, today=TODAY).coming if i.kind == "agreement"] == []


def test_a_colleague_in_another_role_cannot_widen_their_scope():
    """scope_for is the rule; a worker never gets the center, a clerk or auditor never only 'mine'."""
    worker = StaffFactory.build(role="worker")
    assert selectors.scope_for(worker, CENTER) == MINE
    assert selectors.scope_for(StaffFactory.build(role="clerk"), MINE) == CENTER
    assert selectors.scope_for(StaffFactory.build(role="auditor"), MINE) == CENTER
    assert selectors.scope_for(StaffFactory.build(role="director"), CENTER) == CENTER
    assert selectors.scope_for(StaffFactory.build(role="director"), "anything") == MINE
