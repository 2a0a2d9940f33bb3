import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.accounts.tests.factories import CenterFactory
from yorisoi.meetings.models import Concern, Decision, Meeting, MeetingAction, MeetingKind


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    kind = MeetingKind.CASE_CONFERENCE
    title = "個別ケース会議（テスト）"
    date = factory.LazyFunction(lambda: dt.date.today())
    start_time = dt.time(14, 0)
    end_time = dt.time(15, 0)
    place = "センター会議室"

    @factory.post_generation
    def cases(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.cases.set(extracted)

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.staff.set(extracted)

    @factory.post_generation
    def contacts(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.contacts.set(extracted)


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = "生活保護の申請に同行する（テスト）"


class MeetingActionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(MeetingFactory)
    description = "福祉事務所に申請日を確認する（テスト）"
    due_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=3))


class ConcernFactory(DjangoModelFactory):
    class Meta:
        model = Concern

    case = None
    center = factory.LazyAttribute(lambda o: o.case.center)
    text = "本人と連絡がとりにくく、どう関わればよいか迷っている（テスト）"
