"""Factories of the planning app. Data is fictional. Rows with domain rows or actions are made through the
services (like the pages do) by the helpers below; the factories make the bare rows."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.planning import services
from yorisoi.planning.models import (
    ApprovalStatus,
    Assessment,
    AssessmentDomain,
    AssessmentKind,
    ClosureRequest,
    PlanAction,
    SupportPlan,
)
from yorisoi.planning.services.assessments import DomainInput
from yorisoi.planning.services.plans import ActionInput


def domain(code: str) -> AssessmentDomain:
    """One of the seeded domains (data migration 0002)."""
    return AssessmentDomain.objects.get(code=code)


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    kind = AssessmentKind.MINIMAL
    assessed_on = dt.date(2026, 11, 2)
    created_by = factory.SelfAttribute("case.created_by")


class SupportPlanFactory(DjangoModelFactory):
    class Meta:
        model = SupportPlan

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    revision = 1
    plan_date = dt.date(2026, 11, 10)
    person_goals = "アパートで一人で暮らしたい（架空）"
    staff_goals = "生活保護の申請と住まいの確保を支える（架空）"
    status = ApprovalStatus.DRAFT
    created_by = factory.SelfAttribute("case.created_by")


class PlanActionFactory(DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(SupportPlanFactory)
    description = factory.Sequence(lambda n: f"架空の行動{n}")
    due_date = dt.date(2026, 12, 1)


class ClosureRequestFactory(DjangoModelFactory):
    class Meta:
        model = ClosureRequest

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    outcome = "stable"
    residence = "home"
    summary = "アパートでの生活が安定した（架空）"
    status = ApprovalStatus.PENDING
    created_by = factory.SelfAttribute("case.created_by")
    submitted_by = factory.SelfAttribute("case.created_by")


def make_assessment(*, actor, case, kind=AssessmentKind.MINIMAL, assessed_on=dt.date(2026, 11, 2),
                    texts: dict[str, tuple[str, str, str]] | None = None) -> Assessment:
    """An assessment through the service; texts: {domain code: (findings, needs, level)}."""
    entries = {domain(code).pk: DomainInput(*values) for code, values in (texts or {}).items()}
    return services.create_assessment(actor=actor, case=case, kind=kind, assessed_on=assessed_on, assessor=actor,
                                      summary="", entries=entries)


def make_plan(*, actor, case, actions: int = 2, owner_organization=None, **values) -> SupportPlan:
    defaults = {"plan_date": dt.date(2026, 11, 10), "person_goals": "アパートで一人で暮らしたい（架空）",
                "staff_goals": "生活保護の申請を支える（架空）", "person_wishes": "静かな所に住みたい（架空）"}
    inputs = [ActionInput(description=f"架空の行動{i + 1}", owner_staff=None if owner_organization else actor,
                          owner_organization=owner_organization, due_date=dt.date(2026, 12, 1 + i))
              for i in range(actions)]
    return services.create_plan(actor=actor, case=case, actions=inputs, **{**defaults, **values})
