"""A tour of the coordination pages (intake, planning, procedures, inbox) with one case that has a bit of
everything, as a director and a worker: every page opens without a script or CSP error and is saved as
var/screenshots/issue4_*.png for a human to look at."""

import datetime as dt

import pytest
from django.utils import timezone

from e2e.helpers import shot
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.models import CaseKind, Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.intake.tests.factories import ConsultationFactory, PreConsultationFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory
from yorisoi.planning import services as planning
from yorisoi.planning.models import AssessmentKind
from yorisoi.planning.services.plans import ActionInput
from yorisoi.planning.tests.factories import make_assessment
from yorisoi.procedures import services as procedures

pytestmark = pytest.mark.e2e

TEXTS_1 = {
    "health": ("高血圧の薬が切れている（架空）", "受診先の確保", "high"),
    "housing": ("帰住先なし（架空）", "一時受入先の確保", "high"),
    "income_debt": ("所持金わずか（架空）", "生活保護の申請", "medium"),
    "wishes": ("静かな所で暮らしたい（架空）", "", ""),
}
TEXTS_2 = {
    "health": ("内科に通院中、服薬は安定（架空）", "通院の継続", "low"),
    "housing": ("自立準備ホームに入居（架空）", "アパートへの転居の準備", "medium"),
    "income_debt": ("生活保護を受給中（架空）", "", "low"),
    "work": ("就労継続支援B型の見学を希望（架空）", "事業所の見学", "medium"),
    "wishes": ("静かな所で暮らしたい。働きたい（架空）", "", ""),
}


def _world(center, director, worker):
    today = timezone.localdate()
    home = OrganizationFactory(center=center, name="架空の自立準備ホーム", kind=kind("self_reliance_home"))
    office = OrganizationFactory(center=center, name="みどり市福祉事務所", kind=kind("municipality"))
    OrganizationFactory(center=center, name="みどり保護観察所", kind=kind("probation_office"))
    person = PersonFactory(center=center, family_name="山田", given_name="太郎", family_name_kana="ヤマダ",
                           given_name_kana="タロウ")
    CertificateFactory(person=person, renewal_due=today + dt.timedelta(days=20))
    case = CaseFactory(person=person, main_staff=worker, kind=CaseKind.EXIT, phase=Phase.TEMPORARY_PLACEMENT,
                       expected_release_date=today - dt.timedelta(days=160),
                       referral_date=today - dt.timedelta(days=180))
    procedures.apply_case_template(case=case, actor=worker)
    procedures.on_reference_date_changed(case=case, actor=worker, placement_date=today - dt.timedelta(days=159))
    procedures.register_protection(actor=worker, case=case, written_request=True,
                                   application_date=today - dt.timedelta(days=165), applied_in_custody=True,
                                   approval_date=today - dt.timedelta(days=163),
                                   start_date=today - dt.timedelta(days=160), status="active")
    procedures.schedule_follow_ups(case=case, actor=worker, start=today - dt.timedelta(days=35), facility=home)
    first = make_assessment(actor=worker, case=case, texts=TEXTS_1, assessed_on=today - dt.timedelta(days=50))
    second = make_assessment(actor=worker, case=case, kind=AssessmentKind.FULL, texts=TEXTS_2,
                             assessed_on=today - dt.timedelta(days=5))
    actions = [
        ActionInput(description="生活保護の申請に同行する（架空）", owner_staff=worker, owner_organization=None,
                    due_date=today - dt.timedelta(days=2)),
        ActionInput(description="アパートの候補を探す（架空）", owner_staff=None, owner_organization=office,
                    due_date=today + dt.timedelta(days=10)),
        ActionInput(description="就労継続支援B型の見学（架空）", owner_staff=worker, owner_organization=None,
                    due_date=today + dt.timedelta(days=25)),
    ]
    plan = planning.create_plan(actor=worker, case=case, actions=actions, plan_date=today - dt.timedelta(days=30),
                                review_date=today + dt.timedelta(days=60),
                                person_goals="アパートで一人で暮らしたい。働きたい（架空）",
                                staff_goals="生活保護の受給と住まいの確保を支え、日中活動につなぐ（架空）",
                                person_wishes="静かな所に住みたい（架空）",
                                agreement_date=today - dt.timedelta(days=29), agreement_method="signature")
    planning.submit(actor=worker, subject=plan)
    planning.approve(actor=director, subject=plan, comment="見直し時に就労の状況も確認してください（架空）")
    revision = planning.revise_plan(actor=worker, plan=plan)
    planning.update_plan(actor=worker, plan=revision, expected_version=revision.version, actions=[],
                         plan_date=today, review_date=today + dt.timedelta(days=90),
                         person_goals="アパートで一人で暮らしたい。働きたい（架空）",
                         staff_goals="アパートへの転居と就労継続支援B型の利用開始を支える（架空）",
                         person_wishes="静かな所に住みたい（架空）",
                         revision_reason="自立準備ホームに入居したため（架空）",
                         agreement_date=None, agreement_method="", agreement_note="")
    planning.submit(actor=worker, subject=revision)
    for n in range(3):
        PreConsultationFactory(center=center, staff=worker, for_liaison_meeting=bool(n % 2),
                               family_name=["佐藤", "鈴木", "高橋"][n], given_name="架空",
                               family_name_kana=["サトウ", "スズキ", "タカハシ"][n], given_name_kana="カクウ")
        ConsultationFactory(center=center, staff=worker, consulted_on=today - dt.timedelta(days=n * 9))
    closing = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase=Phase.FOLLOW_UP)
    closure = planning.request_closure(actor=worker, case=closing, outcome="stable", residence="home",
                             services=["public_assistance", "disability_welfare"],
                             summary="アパートでの生活が1年安定した（架空）")
    return case, first, second, plan, revision, closure


def _visit(page, path: str, name: str):
    response = page.goto(path)
    assert response.status < 400, (path, response.status)
    shot(page, f"issue4_{name}")


def test_tour_of_the_coordination_pages(logged_in, center, director, worker):
    case, first, second, plan, revision, closure = _world(center, director, worker)
    procedure = case.procedures.order_by("due_date", "id").first()
    follow_up = case.follow_ups.order_by("due_date", "id").first()
    template = procedure.template_item.template
    StaffFactory(center=center)

    page = logged_in(worker)
    pages = [
        ("/intake/", "intake_referral"),
        ("/intake/pre/", "intake_preconsultations"),
        ("/intake/pre/meeting/", "intake_meeting"),
        ("/intake/consultations/", "intake_consultations"),
        ("/intake/consultations/summary/", "intake_consultation_summary"),
        (f"/planning/case/{case.pk}/", "planning_overview"),
        (f"/planning/case/{case.pk}/assessments/", "planning_assessments"),
        (f"/planning/case/{case.pk}/assessments/{second.pk}/", "planning_assessment"),
        (f"/planning/case/{case.pk}/assessments/compare/?a={first.pk}&b={second.pk}", "planning_compare"),
        (f"/planning/case/{case.pk}/assessments/new/", "planning_assessment_form"),
        (f"/planning/case/{case.pk}/plan/{plan.pk}/", "planning_plan_approved"),
        (f"/planning/case/{case.pk}/plan/{revision.pk}/", "planning_plan_pending"),
        (f"/planning/case/{case.pk}/plan/{plan.pk}/print/", "planning_plan_print"),
        (f"/planning/case/{case.pk}/closure/", "planning_closure_form"),
        ("/planning/approvals/", "planning_approvals_worker"),
        (f"/procedures/case/{case.pk}/", "procedures_case"),
        (f"/procedures/case/{case.pk}/{procedure.pk}/edit/", "procedures_edit"),
        (f"/procedures/case/{case.pk}/protection/", "procedures_protection"),
        (f"/procedures/case/{case.pk}/follow-ups/", "procedures_follow_ups"),
        (f"/procedures/case/{case.pk}/follow-ups/{follow_up.pk}/record/", "procedures_follow_up_record"),
        ("/procedures/", "procedures_due_list"),
        ("/procedures/types/", "procedures_types"),
        ("/procedures/templates/", "procedures_templates"),
        (f"/procedures/templates/{template.pk}/", "procedures_template"),
        ("/inbox/", "inbox"),
        ("/inbox/?days=60", "inbox_60_days"),
        ("/inbox/calendar/?view=week", "inbox_week"),
        ("/inbox/calendar/", "inbox_month"),
        ("/inbox/feed/", "inbox_feed"),
    ]
    for path, name in pages:
        _visit(page, path, name)
    assert page.console_problems == []

    boss = logged_in(director)
    for path, name in [
        ("/planning/approvals/", "planning_approvals_director"),
        (f"/planning/case/{case.pk}/plan/{revision.pk}/", "planning_plan_decide"),
        ("/planning/approvers/", "planning_approvers"),
        (f"/planning/case/{closure.case_id}/closure/{closure.pk}/", "planning_closure_decide"),
        ("/procedures/?mine=0&show=overdue", "procedures_due_list_overdue"),
        ("/procedures/types/", "procedures_types_director"),
        ("/inbox/?scope=center", "inbox_director_center"),
    ]:
        _visit(boss, path, name)
    assert boss.console_problems == []
