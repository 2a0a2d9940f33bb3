"""Meetings: scheduling with internal and external participants and cases, weekly series, minutes with decisions
and action items (versioned), the action items in the owner's やること and calendar, the case page, print and PDF."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError
from yorisoi.inbox import feed
from yorisoi.inbox import selectors as inbox_selectors
from yorisoi.meetings import services
from yorisoi.meetings.models import ActionStatus, Meeting, MeetingAction, MeetingKind, Recurrence
from yorisoi.privacy.models import AccessLog

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {"kind": MeetingKind.CASE_CONFERENCE, "title": "個別ケース会議", "date": "2026-12-20",
            "start_time": "14:00", "end_time": "15:30", "place": "市役所会議室", "recurrence": Recurrence.NONE,
            "agenda": "居所の確認と生活保護の申請"}
    data.update(extra)
    return data


def test_a_worker_schedules_a_case_conference_with_two_external_contacts_shown_with_their_agency(
        worker_client, worker, case, contacts):
    response = worker_client.post(reverse("meetings:create"), _form(
        staff=[worker.pk], contacts=[c.pk for c in contacts], cases=[case.pk]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert set(meeting.contacts.all()) == set(contacts) and list(meeting.cases.all()) == [case]
    page = worker_client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "観察 一郎" in page and "テスト保護観察所" in page and "テスト市福祉事務所" in page
    assert case.number in page
    assert AccessLog.objects.filter(section="meeting", object_id=meeting.pk, action="create").exists()


def test_a_meeting_ending_before_it_starts_is_refused_in_japanese(worker_client):
    response = worker_client.post(reverse("meetings:create"), _form(end_time="13:00"))
    assert response.status_code == 200
    assert "終了時刻は開始時刻より後にしてください。" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_weekly_review_schedules_its_next_occurrences_on_the_same_weekday(worker, settings):
    settings.YORISOI_MEETING_SERIES_WEEKS = 3
    root = services.schedule_meeting(actor=worker, kind=MeetingKind.WEEKLY_REVIEW, title="ケース検討",
                                     date=dt.date(2026, 12, 16), start_time=dt.time(16, 0),
                                     recurrence=Recurrence.WEEKLY, staff=[worker])
    dates = list(root.occurrences.order_by("date").values_list("date", flat=True))
    assert dates == [dt.date(2026, 12, 23), dt.date(2026, 12, 30), dt.date(2027, 1, 6)]
    assert all(list(m.staff.all()) == [worker] for m in root.occurrences.all())


def test_a_worker_of_another_center_cannot_put_a_colleague_of_theirs_into_the_meeting(worker, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.schedule_meeting(actor=worker, kind=MeetingKind.MORNING, title="朝礼", date=dt.date(2026, 12, 20),
                                  start_time=dt.time(9, 0), staff=[outsider])


def test_minutes_corrections_keep_the_earlier_text_and_a_stale_save_is_refused(worker, colleague, case):
    meeting = MeetingFactory(center=case.center, cases=[case])
    first = services.record_minutes(actor=worker, meeting=meeting, expected_version=meeting.version,
                                    discussion="本人は市内での単身生活を希望。")
    corrected = services.record_minutes(actor=colleague, meeting=first, expected_version=first.version,
                                        discussion="本人は市内での単身生活を希望（グループホームも可）。",
                                        change_reason="発言を補った")
    texts = list(corrected.history.order_by("history_id").values_list("discussion", flat=True))
    assert "本人は市内での単身生活を希望。" in texts and corrected.discussion.endswith("（グループホームも可）。")
    with pytest.raises(StaleEditError):
        services.record_minutes(actor=worker, meeting=corrected, expected_version=first.version, discussion="古い版")


def test_the_minutes_history_page_shows_each_version_with_its_reason(worker_client, worker, case):
    meeting = MeetingFactory(center=case.center, cases=[case])
    meeting = services.record_minutes(actor=worker, meeting=meeting, expected_version=1, discussion="最初の記録")
    services.record_minutes(actor=worker, meeting=meeting, expected_version=meeting.version, discussion="訂正後",
                            change_reason="日付の誤り")
    page = worker_client.get(reverse("meetings:minutes_history", args=[meeting.pk])).content.decode()
    assert "最初の記録" in page and "訂正後" in page and "日付の誤り" in page


def test_two_action_items_appear_in_their_owners_inbox_and_one_closes_from_there(
        worker_client, worker, colleague, case):
    meeting = MeetingFactory(center=case.center, cases=[case], staff=[worker, colleague])
    due = timezone.localdate() + dt.timedelta(days=2)
    for owner, text in ((worker, "福祉事務所に申請日を確認する"), (colleague, "受入先に様子を聞く")):
        response = worker_client.post(reverse("meetings:action_add", args=[meeting.pk]), {
            "description": text, "owner": owner.pk, "due_date": due.isoformat(), "case": case.pk})
        assert response.status_code == 302
    inbox = worker_client.get(reverse("inbox:index")).content.decode()
    assert "福祉事務所に申請日を確認する" in inbox and "受入先に様子を聞く" not in inbox
    mine = MeetingAction.objects.get(owner=worker)
    response = worker_client.post(reverse("meetings:action_status", args=[mine.pk]),
                                  {"done": "1", "next": reverse("inbox:index")})
    assert response.status_code == 302 and response["Location"] == reverse("inbox:index")
    mine.refresh_from_db()
    assert mine.status == ActionStatus.DONE and mine.closed_by == worker
    assert "福祉事務所に申請日を確認する" not in worker_client.get(reverse("inbox:index")).content.decode()


def test_the_close_button_does_not_send_the_browser_to_another_site(worker_client, worker, case):
    meeting = MeetingFactory(center=case.center, cases=[case])
    action = services.add_action(actor=worker, meeting=meeting, description="確認", owner=worker,
                                 due_date=timezone.localdate())
    response = worker_client.post(reverse("meetings:action_status", args=[action.pk]),
                                  {"done": "1", "next": "https://example.com/"})
    assert response["Location"].startswith(reverse("meetings:detail", args=[meeting.pk]))


def test_meetings_and_actions_are_in_the_calendar_and_the_feed_says_only_the_kind_and_time(worker, case):
    today = timezone.localdate()
    meeting = MeetingFactory(center=case.center, cases=[case], staff=[worker], title="山田さんの会議", date=today)
    services.add_action(actor=worker, meeting=meeting, description="山田さんの通帳を確認", owner=worker,
                        due_date=today + dt.timedelta(days=1), case=case)
    items = inbox_selectors.items_for(worker, today=today, until=today + dt.timedelta(days=7), scope="mine")
    kinds = {i.kind for i in items}
    assert {"meeting", "meeting_action"} <= kinds
    meeting_item = next(i for i in items if i.kind == "meeting")
    assert not meeting_item.overdue
    summaries = [feed.summary_text(i, names=False) for i in items]
    assert "会議：14:00 個別ケース会議" in summaries
    assert not any("山田" in s for s in summaries)


def test_a_past_meeting_is_shown_on_the_calendar_but_never_as_overdue(worker_client, worker, case):
    today = timezone.localdate()
    MeetingFactory(center=case.center, staff=[worker], title="先週の朝礼", kind=MeetingKind.MORNING,
                   date=today - dt.timedelta(days=2))
    page = worker_client.get(reverse("inbox:calendar") + "?view=week&date="
                             + (today - dt.timedelta(days=2)).isoformat()).content.decode()
    assert "先週の朝礼" in page
    assert "先週の朝礼" not in worker_client.get(reverse("inbox:index")).content.decode()


def test_the_case_page_shows_the_decisions_of_meetings_that_discussed_it_but_not_to_a_clerk(
        worker_client, clerk_client, worker, case):
    meeting = MeetingFactory(center=case.center, cases=[case], date=timezone.localdate())
    services.add_decision(actor=worker, meeting=meeting, text="グループホームの見学を進める", case=case)
    page = worker_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "グループホームの見学を進める" in page and "チームとしての決定" in page
    clerk_page = clerk_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "グループホームの見学を進める" not in clerk_page


def test_the_minutes_print_as_a_pdf_and_the_print_is_logged(worker_client, worker, case):
    meeting = MeetingFactory(center=case.center, cases=[case])
    response = worker_client.get(reverse("meetings:pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(action="print", object_id=meeting.pk, section="meeting_minutes").exists()


def test_an_auditor_reads_a_meeting_but_gets_no_forms(auditor_client, case):
    meeting = MeetingFactory(center=case.center, cases=[case])
    page = auditor_client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "決定事項を追加" not in page and "対応を追加" not in page


def test_a_clerk_is_refused_the_meetings(clerk_client, case):
    meeting = MeetingFactory(center=case.center, cases=[case])
    assert clerk_client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 403


def test_the_meeting_list_costs_the_same_queries_for_one_or_thirty_meetings(
        worker_client, worker, case, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MeetingFactory(center=case.center, cases=[case], staff=[worker])
    with CaptureQueriesContext(connection) as one:
        worker_client.get(reverse("meetings:list"))
    for _ in range(29):
        MeetingFactory(center=case.center, cases=[case], staff=[worker])
    with django_assert_max_num_queries(len(one)):
        worker_client.get(reverse("meetings:list"))


def test_an_opinion_exchange_lists_the_pre_consultations_and_the_cases_closed_since_the_last_one(
        worker_client, worker, center, case):
    from yorisoi.intake.tests.factories import PreConsultationFactory

    today = timezone.localdate()
    MeetingFactory(center=center, kind=MeetingKind.EXCHANGE, date=today - dt.timedelta(days=90))
    exchange = MeetingFactory(center=center, kind=MeetingKind.EXCHANGE, date=today, title="検察庁との意見交換会")
    case.phase, case.end_date, case.closure_outcome = "closed", today - dt.timedelta(days=10), "stable"
    case.save()
    PreConsultationFactory(center=center, for_liaison_meeting=True, status="considering",
                           expected_timing="来年春頃の見込み")
    page = worker_client.get(reverse("meetings:detail", args=[exchange.pk])).content.decode()
    assert "意見交換会の議題" in page and "来年春頃の見込み" in page and case.number in page
