"""Helpers that give a case one item of every kind the inbox gathers, each due on a given day. Data is fictional."""

import datetime as dt

from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.medical.tests.factories import HealthCheckFactory, MedicationFactory
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory
from yorisoi.planning.models import ApprovalStatus
from yorisoi.planning.tests.factories import ClosureRequestFactory, PlanActionFactory, SupportPlanFactory
from yorisoi.procedures.tests.factories import CaseProcedureFactory, FollowUpFactory, UrgentProtectionFactory

KINDS = ("procedure", "follow_up", "protection", "release", "certificate", "plan_action", "plan_review", "medication",
         "health_check")


def add_items(case, day: dt.date, *, owner=None, kinds=KINDS) -> dict:
    """One item of each kind on `case`, due on `day`. Returns the objects by kind."""
    made = {}
    if "procedure" in kinds:
        made["procedure"] = CaseProcedureFactory(case=case, due_date=day, title="生活保護申請（架空）")
    if "follow_up" in kinds:
        made["follow_up"] = FollowUpFactory(case=case, due_date=day, interval_label="1か月後")
    if "protection" in kinds:
        made["protection"] = UrgentProtectionFactory(case=case, end_date=day)
    if "release" in kinds:
        case.expected_release_date = day
        case.save(update_fields=["expected_release_date"])
        made["release"] = case
    if "certificate" in kinds:
        made["certificate"] = CertificateFactory(person=case.person, renewal_due=day)
    if "medication" in kinds:
        made["medication"] = MedicationFactory(person=case.person, supply_until=day)
    if "health_check" in kinds:
        made["health_check"] = HealthCheckFactory(person=case.person, due_on=day)
    if "plan_action" in kinds or "plan_review" in kinds:
        plan = SupportPlanFactory(case=case, status=ApprovalStatus.APPROVED,
                                  review_date=day if "plan_review" in kinds else None)
        made["plan_review"] = plan
        if "plan_action" in kinds:
            made["plan_action"] = PlanActionFactory(plan=plan, due_date=day, owner_staff=owner or case.main_staff,
                                                    description="架空の行動：家賃の支払い方法を決める")
    return made


def case_with_items(center, worker, day: dt.date, **kwargs):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="temporary")
    add_items(case, day, **kwargs)
    return case


def pending_plan(case, *, submitted_by, revision=1):
    return SupportPlanFactory(case=case, revision=revision, status=ApprovalStatus.PENDING, submitted_by=submitted_by,
                              submitted_at=timezone.now() - dt.timedelta(days=2))


def returned_closure(case, *, submitted_by, decided_by):
    return ClosureRequestFactory(case=case, status=ApprovalStatus.RETURNED, submitted_by=submitted_by,
                                 decided_by=decided_by, decided_at=timezone.now() - dt.timedelta(days=1),
                                 submitted_at=timezone.now() - dt.timedelta(days=3))
