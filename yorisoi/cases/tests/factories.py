import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.cases.models import Case, CaseFlag, CaseKind, Phase, ReferralSource
from yorisoi.people.tests.factories import PersonFactory


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    center = factory.SelfAttribute("person.center")
    number = factory.Sequence(lambda n: f"2026-{n + 1:04d}")
    kind = CaseKind.ENTRANCE
    referral_source = ReferralSource.PROSECUTOR
    referral_agency = "さいたま地方検察庁 再犯防止対策室"
    referral_date = dt.date(2026, 11, 1)
    phase = Phase.INTAKE
    main_staff = None
    # Cases opened through open_case always name who opened them; full_clean() insists on it.
    created_by = factory.LazyAttribute(lambda o: o.main_staff or StaffFactory(center=o.center))


class CaseFlagFactory(DjangoModelFactory):
    class Meta:
        model = CaseFlag

    case = factory.SubFactory(CaseFactory)
    label = "接近禁止の相手あり"
    instruction = "元交際相手（架空）には居所を伝えないこと。"
