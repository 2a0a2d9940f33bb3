import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.procedures.models import (
    CaseProcedure,
    FollowUp,
    FollowUpTarget,
    ProcedureType,
    ProtectionStatus,
    UrgentProtection,
)


def procedure_type(code: str = "public_assistance") -> ProcedureType:
    """A shared (seeded) procedure type."""
    return ProcedureType.objects.get(center=None, code=code)


class CaseProcedureFactory(DjangoModelFactory):
    class Meta:
        model = CaseProcedure

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    procedure_type = factory.LazyFunction(procedure_type)
    title = factory.LazyAttribute(lambda o: o.procedure_type.name)
    follows_reference = False
    due_date = dt.date(2026, 11, 30)


class UrgentProtectionFactory(DjangoModelFactory):
    class Meta:
        model = UrgentProtection

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    written_request = True
    application_date = dt.date(2026, 6, 1)
    approval_date = dt.date(2026, 6, 1)
    start_date = dt.date(2026, 6, 1)
    end_date = dt.date(2026, 12, 1)
    guidance_limit_date = dt.date(2028, 6, 1)
    status = ProtectionStatus.ACTIVE


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    target = FollowUpTarget.PERSON
    due_date = dt.date(2026, 11, 30)
