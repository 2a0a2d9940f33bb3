import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.accounts.tests.factories import CenterFactory
from yorisoi.cases.models import ReferralSource
from yorisoi.intake.models import Consultation, ConsultationTopic, PreConsultation, PreConsultationStatus


class PreConsultationFactory(DjangoModelFactory):
    """A fictional pre-consultation naming a person who is not registered."""

    class Meta:
        model = PreConsultation

    center = factory.SubFactory(CenterFactory)
    consulted_on = dt.date(2026, 10, 5)
    source_kind = ReferralSource.PROBATION
    agency_name = "架空保護観察所"
    officer = "架空 保護観察官"
    family_name = factory.Sequence(lambda n: f"事前{n}")
    given_name = "花子"
    family_name_kana = "ジゼン"
    given_name_kana = "ハナコ"
    summary = "架空の相談内容（テスト用）：満期釈放後の帰住先がない。"
    expected_timing = "令和9年3月頃"
    status = PreConsultationStatus.CONSIDERING


class ConsultationFactory(DjangoModelFactory):
    class Meta:
        model = Consultation

    center = factory.SubFactory(CenterFactory)
    consulted_on = dt.date(2026, 6, 1)
    agency_name = "架空市 障害福祉課"
    topic = ConsultationTopic.WELFARE_SERVICES
    summary = "架空の助言内容（テスト用）"
    minutes = 20
