import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.selectors import organization_named_in
from yorisoi.records.models import Activity, ActivityKind


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    case = factory.SubFactory(CaseFactory)
    center = factory.SelfAttribute("case.center")
    person = factory.SelfAttribute("case.person")
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC))
    kind = ActivityKind.PHONE
    counterpart = "保護観察所"
    narrative = "架空の記録（テスト用）"
    minutes = 15
    # What records.services does when it writes a record (factories bypass the service).
    organization_id = factory.LazyAttribute(
        lambda o: organization_named_in(center_id=o.center.pk, text=o.counterpart))
