import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.accounts.tests.factories import CenterFactory, StaffFactory
from yorisoi.disclosure.models import (
    AgreementStatus,
    Consent,
    ConsentForm,
    ConsentTemplate,
    DataSubjectRequest,
    ObtainedHow,
    Purpose,
    ReceiptRecord,
    RequestKind,
    SharingAgreement,
)
from yorisoi.partners.tests.factories import OrganizationFactory, kind


def municipality(center, **values):
    """A fictional municipal welfare section (a 地方公共団体: provisions to it need no statutory record)."""
    return OrganizationFactory(center=center, name=values.pop("name", "みどり市役所"), department="障害福祉課",
                               kind=kind("municipality"), **values)


def provider(center, **values):
    """A fictional consultation office (a private third party: provisions to it are 法29条 records)."""
    return OrganizationFactory(center=center, kind=kind("consultation_support"), **values)


class ConsentTemplateFactory(DjangoModelFactory):
    class Meta:
        model = ConsentTemplate

    center = factory.SubFactory(CenterFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "個人情報の取扱いと関係機関への情報提供についての同意書"
    body = "私は、支援に必要な範囲で、私の情報を関係機関に提供することに同意します。（テスト用の文面）"


class ConsentFactory(DjangoModelFactory):
    """A consent in force from 2026-10-01, for welfare coordination, with municipalities unless `kinds` given."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    person = None
    center = factory.SelfAttribute("person.center")
    template = factory.LazyAttribute(lambda o: ConsentTemplateFactory(center=o.center))
    purposes = factory.LazyFunction(lambda: [Purpose.WELFARE])
    consented_on = dt.date(2026, 10, 1)
    form = ConsentForm.WRITTEN
    taken_by = factory.LazyAttribute(lambda o: StaffFactory(center=o.center))

    @factory.post_generation
    def kinds(obj, create, extracted, **kwargs):
        if create:
            obj.agency_kinds.set(extracted if extracted is not None else [kind("municipality")])


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = SharingAgreement

    organization = None
    center = factory.SelfAttribute("organization.center")
    title = "個人情報の提供に関する協定書"
    valid_from = dt.date(2026, 4, 1)
    valid_to = dt.date(2027, 3, 31)
    status = AgreementStatus.ACTIVE


class ReceiptFactory(DjangoModelFactory):
    class Meta:
        model = ReceiptRecord

    person = None
    center = factory.SelfAttribute("person.center")
    provider = factory.LazyAttribute(lambda o: OrganizationFactory(center=o.center, name="さいたま地方検察庁"))
    provider_name = factory.LazyAttribute(lambda o: str(o.provider))
    received_on = dt.date(2026, 10, 20)
    item_groups = factory.LazyFunction(lambda: ["basic", "justice"])
    items_detail = "特別調整協力等依頼書"
    obtained_how = ObtainedHow.DUTIES
    confirmation_note = "依頼書の記載で確認"
    staff = factory.LazyAttribute(lambda o: StaffFactory(center=o.center))


class RequestFactory(DjangoModelFactory):
    class Meta:
        model = DataSubjectRequest

    person = None
    center = factory.SelfAttribute("person.center")
    kind = RequestKind.DISCLOSURE
    received_on = dt.date(2026, 11, 1)
    content = "私の記録をすべて見せてほしい"
