import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.placements.models import (
    ConnectionStatus,
    Funding,
    InquiryResult,
    Placement,
    PlacementInquiry,
    PlacementKind,
    ServiceConnection,
    ServiceKind,
    VacancyReport,
)


def residence(**kwargs):
    """A fictional 自立準備ホーム with a capacity, taking men and women of any age."""
    defaults = {"name": "テスト自立準備ホームみどり", "kind": kind("self_reliance_home"), "capacity": 4,
                "municipality": "さいたま市浦和区", "prefecture": "埼玉県"}
    return OrganizationFactory(**{**defaults, **kwargs})


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    person = factory.SelfAttribute("case.person")
    organization = factory.SubFactory(OrganizationFactory, center=factory.SelfAttribute("..center"),
                                      kind=factory.LazyFunction(lambda: kind("self_reliance_home")), capacity=4)
    kind = PlacementKind.SELF_RELIANCE_HOME
    funding = Funding.URGENT_PROTECTION
    entered_on = dt.date(2026, 11, 1)
    occupancy_changed_at = factory.LazyFunction(timezone.now)


class InquiryFactory(DjangoModelFactory):
    class Meta:
        model = PlacementInquiry

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    organization = factory.SubFactory(OrganizationFactory, center=factory.SelfAttribute("..center"),
                                      kind=factory.LazyFunction(lambda: kind("self_reliance_home")))
    inquired_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    result = InquiryResult.REFUSED
    refusal_reason = "full"


class ConnectionFactory(DjangoModelFactory):
    class Meta:
        model = ServiceConnection

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    organization = factory.SubFactory(OrganizationFactory, center=factory.SelfAttribute("..center"))
    service_kind = ServiceKind.SERVICE_PLAN
    requested_on = dt.date(2026, 11, 5)
    status = ConnectionStatus.REQUESTED


class VacancyReportFactory(DjangoModelFactory):
    class Meta:
        model = VacancyReport

    organization = factory.SubFactory(OrganizationFactory)
    center = factory.SelfAttribute("organization.center")
    vacancies = 1
    reported_at = factory.LazyFunction(timezone.now)
