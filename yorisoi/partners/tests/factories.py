import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.accounts.tests.factories import CenterFactory
from yorisoi.partners.models import Organization, OrganizationContact, OrganizationKind, Outreach
from yorisoi.partners.normalize import organization_search_key


def kind(code: str) -> OrganizationKind:
    """One of the kinds every center shares (seeded by the partners data migration)."""
    return OrganizationKind.objects.get(center=None, code=code)


class OrganizationFactory(DjangoModelFactory):
    """A fictional organization; phone numbers use a local exchange starting with 0 (never assigned)."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"テスト相談支援事業所{n}")
    name_kana = factory.Sequence(lambda n: "テストソウダンシエンジギョウショ" + "アイウエオカキクケコ"[n % 10])
    kind = factory.LazyFunction(lambda: kind("consultation_support"))
    prefecture = "埼玉県"
    municipality = "みどり市"
    phone = factory.Sequence(lambda n: f"048-0{n % 100:02d}-{n % 10000:04d}")

    @factory.post_generation
    def _search_key(obj, create, extracted, **kwargs):
        obj.search_key = organization_search_key(name=obj.name, name_kana=obj.name_kana, department=obj.department)
        if create:
            obj.save()


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = OrganizationContact

    organization = factory.SubFactory(OrganizationFactory)
    center = factory.LazyAttribute(lambda o: o.organization.center)
    name = factory.Sequence(lambda n: f"担当{n}")
    title = "相談支援専門員"
    started_on = dt.date(2023, 4, 1)


class OutreachFactory(DjangoModelFactory):
    class Meta:
        model = Outreach
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    held_on = dt.date(2025, 6, 1)
    title = "センターの事業説明"

    @factory.post_generation
    def organizations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organizations.set(extracted)
