import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.accounts.tests.factories import CenterFactory
from yorisoi.common.kana import to_katakana_reading
from yorisoi.people.models import (
    CertificateKind,
    DisabilityCertificate,
    ExternalContact,
    ExternalContactRole,
    FamilyContact,
    Person,
    Sex,
)
from yorisoi.people.services import derive_search_key, rewrite_search_keys


class PersonFactory(DjangoModelFactory):
    """A fictional person. Names come from Faker's ja_JP lists, never from real records."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    family_name = factory.Faker("last_name", locale="ja_JP")
    given_name = factory.Faker("first_name", locale="ja_JP")
    family_name_kana = factory.LazyFunction(lambda: to_katakana_reading("やまだ"))
    given_name_kana = factory.LazyFunction(lambda: to_katakana_reading("たろう"))
    sex = Sex.MALE
    birth_date = dt.date(1955, 4, 1)
    prefecture = "埼玉県"
    municipality = "さいたま市浦和区"
    justice_status = "suspended_prosecution"
    justice_details = "架空の事件概要（テスト用）"
    health_conditions = "架空の疾病（テスト用）"

    @factory.post_generation
    def _search_key(obj, create, extracted, **kwargs):
        obj.search_key = derive_search_key(obj)
        if create:
            obj.save()
            rewrite_search_keys([obj])


class FamilyContactFactory(DjangoModelFactory):
    class Meta:
        model = FamilyContact

    person = factory.SubFactory(PersonFactory)
    name = "架空 花子"
    relationship = "姉"
    phone = "090-0000-0001"
    is_emergency_contact = True


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = DisabilityCertificate

    person = factory.SubFactory(PersonFactory)
    kind = CertificateKind.INTELLECTUAL
    grade = "B"
    issuing_prefecture = "埼玉県"
    number = "T-000123"
    renewal_due = dt.date(2027, 3, 31)


class ExternalContactFactory(DjangoModelFactory):
    class Meta:
        model = ExternalContact

    person = factory.SubFactory(PersonFactory)
    role = ExternalContactRole.PROBATION_OFFICER
    name = "架空 観察官"
    agency = "さいたま保護観察所"
    agency_reference = "R7-0042"
