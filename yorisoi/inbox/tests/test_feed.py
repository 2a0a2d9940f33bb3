"""The iCalendar feed and its settings: secret token, no names by default, valid RFC 5545, logged."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse

from yorisoi.inbox import ical
from yorisoi.inbox.models import CalendarFeedToken
from yorisoi.inbox.services import issue_feed_token, revoke_feed_token, set_calendar_names
from yorisoi.privacy.models import AccessAction, AccessLog

from .conftest import NOW, TODAY
from .factories import add_items

pytestmark = pytest.mark.django_db


def _events(body: bytes) -> list:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def _feed_url(token: CalendarFeedToken) -> str:
    return reverse("inbox:feed", args=[token.token])


# --- the settings page ---------------------------------------------------------------------------------------


def test_settings_page_creates_regenerates_and_revokes_the_url(worker, worker_client):
    page = worker_client.get(reverse("inbox:feed_settings")).content.decode()
    assert "配信用URLを発行する" in page
    assert worker_client.get(reverse("inbox:feed_token")).status_code == 302  # GET does nothing
    assert not CalendarFeedToken.objects.exists()

    response = worker_client.post(reverse("inbox:feed_token"))
    assert response.status_code == 302
    first = CalendarFeedToken.objects.get(user=worker, revoked_at__isnull=True)
    assert len(first.token) == 43
    page = worker_client.get(reverse("inbox:feed_settings")).content.decode()
    assert f"http://testserver{_feed_url(first)}" in page and "まだ読み込まれていません" in page

    worker_client.post(reverse("inbox:feed_token"))
    first.refresh_from_db()
    second = CalendarFeedToken.objects.get(user=worker, revoked_at__isnull=True)
    assert first.revoked_at is not None and second.token != first.token

    worker_client.post(reverse("inbox:feed_revoke"))
    assert not CalendarFeedToken.objects.filter(user=worker, revoked_at__isnull=True).exists()
    logged = list(AccessLog.objects.filter(staff=worker, section="calendar_feed_settings").order_by("id")
                  .values_list("action", "detail"))
    assert logged == [(AccessAction.CREATE, "created"), (AccessAction.CREATE, "regenerated"),
                      (AccessAction.UPDATE, "revoked")]


def test_the_name_choice_is_saved_through_the_service_and_logged(worker, worker_client):
    assert worker.calendar_shows_names is False
    response = worker_client.post(reverse("inbox:feed_settings"), {"shows_names": "on"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.calendar_shows_names is True
    worker_client.post(reverse("inbox:feed_settings"), {})
    worker.refresh_from_db()
    assert worker.calendar_shows_names is False
    assert list(AccessLog.objects.filter(staff=worker, section="calendar_feed_settings").order_by("id")
                .values_list("detail", flat=True)) == ["calendar_shows_names=1", "calendar_shows_names=0"]


def test_auditors_have_no_feed(auditor, auditor_client):
    page = auditor_client.get(reverse("inbox:feed_settings")).content.decode()
    assert "カレンダー配信は使えません" in page and "配信用URLを発行する" not in page
    for name in ("inbox:feed_token", "inbox:feed_revoke", "inbox:feed_settings"):
        assert auditor_client.post(reverse(name), {"shows_names": "on"}).status_code == 403
    assert not CalendarFeedToken.objects.exists()
    auditor.refresh_from_db()
    assert auditor.calendar_shows_names is False


def test_clerks_may_have_a_feed(clerk, clerk_client):
    assert clerk_client.post(reverse("inbox:feed_token")).status_code == 302
    assert CalendarFeedToken.objects.filter(user=clerk, revoked_at__isnull=True).exists()


def test_one_users_tokens_are_theirs_alone(worker, colleague, colleague_client):
    token = issue_feed_token(actor=worker)
    colleague_client.post(reverse("inbox:feed_revoke"))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert _feed_url(token) not in colleague_client.get(reverse("inbox:feed_settings")).content.decode()


# --- the feed --------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_feed_has_the_users_items_as_all_day_events_without_names(case, worker, client):
    add_items(case, TODAY + dt.timedelta(days=3))
    token = issue_feed_token(actor=worker)
    response = client.get(_feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    events = _events(response.content)
    assert len(events) == 9  # the seven of the case and the two of 医療連携 (medicine, health check)
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert f"手続き期限：ケース {case.number}" in summaries
    assert f"保護期間の終了：ケース {case.number}" in summaries
    assert f"通院・服薬の確認：ケース {case.number}" in summaries  # no drug name, no "常用薬"
    for event in events:
        assert event["DTSTART"].dt == dt.date(2026, 11, 13) and event["DTEND"].dt == dt.date(2026, 11, 14)
        assert str(event["UID"]).endswith("@yorisoi") and event["DTSTAMP"].dt.tzinfo is not None
        assert str(event["URL"]).startswith("http://testserver/")
    text = response.content.decode()
    for secret in (case.person.family_name, "生活保護", "療育", "更生緊急保護", "釈放", "架空の行動", "架空"):
        assert secret not in text, secret
    assert len({str(e["UID"]) for e in events}) == 9


@time_machine.travel(NOW, tick=False)
def test_feed_names_the_person_only_after_opting_in(case, worker, client):
    add_items(case, TODAY, kinds=("procedure",))
    token = issue_feed_token(actor=worker)
    set_calendar_names(actor=worker, shows_names=True)
    [event] = _events(client.get(_feed_url(token)).content)
    assert str(event["SUMMARY"]) == f"手続き期限：ケース {case.number}（{case.person.full_name}）"
    assert "生活保護" not in str(event["SUMMARY"])


@time_machine.travel(NOW, tick=False)
def test_overdue_items_are_marked_in_the_feed(case, worker, client):
    add_items(case, TODAY - dt.timedelta(days=4), kinds=("procedure",))
    [event] = _events(client.get(_feed_url(issue_feed_token(actor=worker))).content)
    assert str(event["SUMMARY"]).startswith("【期限超過】手続き期限")
    assert "4日過ぎています" in str(event["DESCRIPTION"])


@time_machine.travel(NOW, tick=False)
def test_each_fetch_is_logged_under_the_tokens_owner(case, worker, client):
    add_items(case, TODAY, kinds=("procedure", "follow_up"))
    token = issue_feed_token(actor=worker)
    client.get(_feed_url(token))
    client.get(_feed_url(token))
    rows = list(AccessLog.objects.filter(section="calendar_feed").order_by("id"))
    assert len(rows) == 2
    assert {(r.staff_id, r.action, r.object_id, r.detail) for r in rows} == {
        (worker.pk, AccessAction.VIEW, token.pk, "events=2 names=0")}
    # the events name the case (its number): the row lists its person (「一覧で表示」)
    assert {tuple(r.listed.values_list("person_id_value", flat=True)) for r in rows} == {(case.person_id,)}


def test_unknown_revoked_and_malformed_tokens_are_404_and_not_logged(worker, client):
    token = issue_feed_token(actor=worker)
    revoke_feed_token(actor=worker)
    assert client.get(_feed_url(token)).status_code == 404
    assert client.get(reverse("inbox:feed", args=["x" * 43])).status_code == 404
    assert client.get(reverse("inbox:feed", args=[token.token[:-1] + ("A" if token.token[-1] != "A" else "B")])
                      ).status_code == 404
    assert client.get(f"/inbox/feed/{token.token}").status_code == 404
    assert client.get("/inbox/feed/short.ics").status_code == 404
    assert not AccessLog.objects.filter(section="calendar_feed").exists()


def test_a_deactivated_user_or_an_auditor_gets_no_feed(worker, client):
    token = issue_feed_token(actor=worker)
    worker.is_active = False
    worker.save()
    assert client.get(_feed_url(token)).status_code == 404
    worker.is_active, worker.role = True, "auditor"
    worker.save()
    assert client.get(_feed_url(token)).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_feed_needs_no_log_in_and_does_not_set_cookies(case, worker, client):
    add_items(case, TODAY, kinds=("procedure",))
    response = client.get(_feed_url(issue_feed_token(actor=worker)))
    assert response.status_code == 200 and not response.cookies


@time_machine.travel(NOW, tick=False)
def test_outsiders_feed_never_carries_another_centers_items(case, outsider, client):
    add_items(case, TODAY)
    body = client.get(_feed_url(issue_feed_token(actor=outsider))).content
    assert _events(body) == [] and case.number.encode() not in body


def test_only_post_changes_the_token(worker, worker_client):
    assert worker_client.get(reverse("inbox:feed_revoke")).status_code == 302
    token = issue_feed_token(actor=worker)
    worker_client.get(reverse("inbox:feed_revoke"))
    token.refresh_from_db()
    assert token.revoked_at is None


# --- the writer ------------------------------------------------------------------------------------------------


def test_lines_end_in_crlf_and_are_folded_at_75_octets_without_splitting_characters():
    summary = "手続き期限：ケース 2026-0012（" + "齋藤" * 40 + "）, a;b\\c\n次の行"
    body = ical.calendar([ical.Event(uid="x@yorisoi", day=dt.date(2026, 5, 6), summary=summary)],
                         name="寄り添い やること", now=dt.datetime(2026, 5, 1, 3, 0, tzinfo=dt.UTC))
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # a folded line never ends inside a multibyte character
    folded = [line for line in lines if line.startswith(b" ")]
    assert folded
    [event] = _events(body)
    assert str(event["SUMMARY"]) == summary
    assert event["DTSTART"].dt == dt.date(2026, 5, 6)
    assert b"DTSTAMP:20260501T030000Z" in body
