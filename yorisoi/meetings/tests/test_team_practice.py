"""Concerns (悩み・課題), the weekly review board and its walk-through, and the morning board."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.meetings import services
from yorisoi.meetings.models import Concern, ConcernStatus, MeetingKind, ReviewOutcome
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures.tests.factories import CaseProcedureFactory

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_worker_raises_a_concern_a_colleague_adds_an_idea_and_it_is_resolved_as_the_organisations_decision(
        worker_client, colleague_client, director_client, case):
    url = reverse("meetings:case_concerns", args=[case.pk])
    worker_client.post(url, {"text": "本人が約束の日に来ない。関わり方に迷っている。"})
    concern = Concern.objects.get()
    colleague_client.post(reverse("meetings:concern_idea", args=[concern.pk]),
                          {f"idea-{concern.pk}-text": "訪問の時間を午後に変えてみては"})
    response = director_client.post(reverse("meetings:concern_resolve", args=[concern.pk]), {
        f"resolve-{concern.pk}-resolution": "当面は週1回の訪問に切り替える", f"resolve-{concern.pk}-version": 1})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RESOLVED and concern.resolution == "当面は週1回の訪問に切り替える"
    page = worker_client.get(url).content.decode()
    assert "訪問の時間を午後に変えてみては" in page and "組織としての決定" in page


def test_an_auditor_reads_concerns_but_cannot_raise_one(auditor_client, case):
    url = reverse("meetings:case_concerns", args=[case.pk])
    assert "共有する" not in auditor_client.get(url).content.decode()
    assert auditor_client.post(url, {"text": "書けないはず"}).status_code == 403
    assert not Concern.objects.exists()


def test_the_review_board_puts_cases_not_discussed_for_weeks_first(worker_client, worker, center, case, settings):
    settings.YORISOI_REVIEW_STALE_WEEKS = 4
    today = timezone.localdate()
    recent = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="temporary")
    MeetingFactory(center=center, kind=MeetingKind.WEEKLY_REVIEW, date=today - dt.timedelta(days=7), cases=[recent])
    MeetingFactory(center=center, kind=MeetingKind.WEEKLY_REVIEW, date=today - dt.timedelta(days=70), cases=[case])
    MeetingFactory(center=center, kind=MeetingKind.WEEKLY_REVIEW, date=today)  # this week's review
    page = worker_client.get(reverse("meetings:review_board")).content.decode()
    assert page.index(case.number) < page.index(recent.number)
    assert "10週前" in page and "1週前" in page


def test_the_review_board_costs_the_same_queries_for_one_or_twenty_cases(worker_client, worker, center, case):
    MeetingFactory(center=center, kind=MeetingKind.WEEKLY_REVIEW, staff=[worker])
    url = reverse("meetings:review_board")
    one = _count(worker_client, url)
    for _ in range(19):
        extra = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="temporary")
        services.raise_concern(actor=worker, case=extra, text="迷い")
        CaseProcedureFactory(case=extra, due_date=timezone.localdate() - dt.timedelta(days=1))
    assert _count(worker_client, url) == one


def test_the_walk_through_records_an_outcome_and_goes_to_the_next_case(worker_client, worker, center, case):
    other = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="temporary")
    meeting = MeetingFactory(center=center, kind=MeetingKind.WEEKLY_REVIEW, staff=[worker])
    board = worker_client.get(reverse("meetings:review_board") + f"?meeting={meeting.pk}").content.decode()
    first_pk = case.pk if board.index(case.number) < board.index(other.number) else other.pk
    second_pk = other.pk if first_pk == case.pk else case.pk
    response = worker_client.post(reverse("meetings:review_case", args=[meeting.pk, first_pk]),
                                  {"outcome": "来週までに福祉事務所と連絡をとる"})
    assert response["Location"] == reverse("meetings:review_case", args=[meeting.pk, second_pk])
    page = worker_client.get(response["Location"]).content.decode()
    assert 'rel="prev"' in page and "2／2件目" in page
    assert ReviewOutcome.objects.get().case_id == first_pk
    assert meeting.cases.filter(pk=first_pk).exists()  # the case counts as discussed at that meeting


def test_the_morning_board_lists_each_staff_members_day_and_who_is_out(worker_client, worker, colleague, center,
                                                                      case):
    today = timezone.localdate()
    MeetingFactory(center=center, kind=MeetingKind.MORNING, title="朝礼", date=today, staff=[worker, colleague])
    case.expected_release_date = today + dt.timedelta(days=1)
    case.save()
    services.add_absence(actor=worker, staff=colleague, date=today, kind="leave", note="午前のみ")
    page = worker_client.get(reverse("meetings:morning")).content.decode()
    assert "朝礼" in page and "釈放予定" in page and "午前のみ" in page and "data-print" in page


def test_a_clerk_sees_the_morning_board_without_releases_or_meeting_titles(clerk_client, worker, center, case):
    today = timezone.localdate()
    MeetingFactory(center=center, title="山田さんのケース会議", date=today, staff=[worker])
    case.expected_release_date = today
    case.save()
    page = clerk_client.get(reverse("meetings:morning")).content.decode()
    assert "個別ケース会議" in page
    assert "山田さんのケース会議" not in page and "釈放予定" not in page


def test_the_morning_board_costs_the_same_queries_for_one_or_twenty_cases(worker_client, worker, center):
    today = timezone.localdate()
    url = reverse("meetings:morning")

    def busy_case():
        extra = CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="temporary",
                            expected_release_date=today)
        CaseProcedureFactory(case=extra, due_date=today)
        MeetingFactory(center=center, date=today, staff=[worker], cases=[extra])

    busy_case()
    one = _count(worker_client, url)
    for _ in range(19):
        busy_case()
    assert _count(worker_client, url) == one
