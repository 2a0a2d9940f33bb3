"""The week and month calendar: the grid, holidays, items on their dates, navigation."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from yorisoi.inbox import calendar
from yorisoi.procedures.tests.factories import CaseProcedureFactory

from .conftest import NOW, TODAY
from .factories import add_items

pytestmark = pytest.mark.django_db


def _cell(html: str, day: str) -> str:
    """The <td> of one date in the rendered grid."""
    match = re.search(r'<td class="[^"]*"[^>]*>\s*<div class="cal-date">\s*<time datetime="' + day + r'">.*?</td>',
                      html, re.S)
    assert match, day
    return match.group(0)


def test_month_grid_starts_on_sunday_and_covers_whole_weeks():
    grid = calendar.grid(calendar.MONTH, dt.date(2026, 5, 20), today=dt.date(2026, 5, 20))
    assert grid.start == dt.date(2026, 4, 26) and grid.start.weekday() == 6
    assert grid.end == dt.date(2026, 6, 6) and grid.end.weekday() == 5
    assert all(len(week) == 7 for week in grid.weeks) and len(grid.weeks) == 6
    assert [label for label, _css in grid.weekdays] == list("日月火水木金土")
    assert grid.title == "令和8年（2026年）5月"
    assert (grid.previous, grid.next) == (dt.date(2026, 4, 1), dt.date(2026, 6, 1))


def test_golden_week_holidays_and_the_substitute_holiday_are_marked():
    grid = calendar.grid(calendar.MONTH, dt.date(2026, 5, 1), today=dt.date(2026, 4, 1))
    days = {d.date: d for week in grid.weeks for d in week}
    assert days[dt.date(2026, 5, 3)].holiday == "憲法記念日"
    assert days[dt.date(2026, 5, 6)].holiday == "振替休日"
    assert "is-holiday" in days[dt.date(2026, 5, 6)].css
    assert days[dt.date(2026, 5, 7)].holiday is None and "is-holiday" not in days[dt.date(2026, 5, 7)].css
    assert "is-saturday" in days[dt.date(2026, 5, 9)].css
    assert not days[dt.date(2026, 4, 30)].in_range


def test_year_end_closure_is_marked():
    grid = calendar.grid(calendar.WEEK, dt.date(2026, 12, 30), today=dt.date(2026, 12, 1))
    days = {d.date: d for d in grid.weeks[0]}
    assert grid.start == dt.date(2026, 12, 27)
    assert days[dt.date(2026, 12, 29)].closed and not days[dt.date(2026, 12, 28)].closed
    assert days[dt.date(2027, 1, 1)].holiday == "元日"
    assert grid.title == "令和8年12月27日〜令和9年1月2日"


def test_bad_dates_mean_today():
    today = dt.date(2026, 11, 10)
    for value in (None, "", "2026-13-01", "yesterday", "0001-01-01", "2026-02-30"):
        assert calendar.parse_anchor(value, today) == today
    assert calendar.parse_anchor("2026-05-06", today) == dt.date(2026, 5, 6)


@time_machine.travel(NOW, tick=False)
def test_month_page_places_items_on_their_dates_and_marks_today_and_holidays(case, worker_client):
    add_items(case, dt.date(2026, 11, 23), kinds=("procedure",))
    CaseProcedureFactory(case=case, due_date=dt.date(2026, 11, 5), title="遅れた手続き")
    html = worker_client.get(reverse("inbox:calendar") + "?view=month&date=2026-11-01").content.decode()
    assert "令和8年（2026年）11月" in html
    holiday = _cell(html, "2026-11-23")
    assert "勤労感謝の日" in holiday and "is-holiday" in holiday and case.number in holiday
    assert "手続き" in holiday
    today = _cell(html, "2026-11-10")
    assert 'aria-current="date"' in today and "今日" in today and case.number not in today
    late = _cell(html, "2026-11-05")
    assert "has-overdue" in late and "超過・手続き" in late
    assert "?view=month&amp;date=2026-10-01" in html and "?view=month&amp;date=2026-12-01" in html


@time_machine.travel(NOW, tick=False)
def test_calendar_shows_the_substitute_holiday_of_may_2026(worker_client):
    html = worker_client.get(reverse("inbox:calendar") + "?date=2026-05-06").content.decode()
    cell = _cell(html, "2026-05-06")
    assert "振替休日" in cell and "is-holiday" in cell


@time_machine.travel(NOW, tick=False)
def test_week_page_shows_titles_and_navigates_by_seven_days(case, worker_client):
    add_items(case, dt.date(2026, 11, 12), kinds=("procedure", "follow_up"))
    html = worker_client.get(reverse("inbox:calendar") + "?view=week&date=2026-11-10").content.decode()
    assert "令和8年11月8日〜14日" in html
    cell = _cell(html, "2026-11-12")
    assert "生活保護申請（架空）" in cell and "フォローアップ：本人・1か月後" in cell
    assert "?view=week&amp;date=2026-11-03" in html and "?view=week&amp;date=2026-11-17" in html
    assert html.count('<td class="cal-day') == 7


@time_machine.travel(NOW, tick=False)
def test_this_weeks_page_counts_what_is_overdue_from_before_the_week(case, worker_client):
    CaseProcedureFactory(case=case, due_date=dt.date(2026, 11, 2), title="先週に遅れた手続き")
    CaseProcedureFactory(case=case, due_date=dt.date(2026, 10, 20), title="先月に遅れた手続き")
    CaseProcedureFactory(case=case, due_date=dt.date(2026, 11, 9), title="今週に遅れた手続き")
    html = worker_client.get(reverse("inbox:calendar") + "?view=week").content.decode()
    assert "この週より前の日付で、期限を過ぎたままのものが<strong>2件</strong>" in html
    assert reverse("inbox:index") + "#overdue" in html
    assert "今週に遅れた手続き" in _cell(html, "2026-11-09") and "先週に遅れた手続き" not in html
    month = worker_client.get(reverse("inbox:calendar") + "?view=month").content.decode()
    assert "この月より前の日付で、期限を過ぎたままのものが<strong>1件</strong>" in month
    next_week = worker_client.get(reverse("inbox:calendar") + "?view=week&date=2026-11-17").content.decode()
    assert "期限を過ぎたままのもの" not in next_week


@time_machine.travel(NOW, tick=False)
def test_calendar_reaches_protection_ends_beyond_the_warning_window(case, worker_client):
    add_items(case, dt.date(2027, 1, 20), kinds=("protection",))
    html = worker_client.get(reverse("inbox:calendar") + "?date=2027-01-01").content.decode()
    assert case.number in _cell(html, "2027-01-20") and "更生緊急保護" in _cell(html, "2027-01-20")


@time_machine.travel(NOW, tick=False)
def test_outsider_calendar_is_empty_of_other_centers_items(case, outsider_client):
    add_items(case, TODAY)
    html = outsider_client.get(reverse("inbox:calendar")).content.decode()
    assert case.number not in html and case.person.full_name not in html


@time_machine.travel(NOW, tick=False)
def test_clerk_calendar_shows_procedures_but_no_release_or_protection(case, clerk_client):
    add_items(case, TODAY)
    cell = _cell(clerk_client.get(reverse("inbox:calendar")).content.decode(), "2026-11-10")
    assert "手続き" in cell and "手帳の更新" in cell
    assert "釈放予定" not in cell and "更生緊急保護" not in cell and "架空の行動" not in cell


@time_machine.travel(NOW, tick=False)
def test_calendar_tolerates_bad_parameters(worker_client):
    for query in ("?view=year", "?date=garbage", "?view=week&date=9999-99-99", "?scope=center"):
        assert worker_client.get(reverse("inbox:calendar") + query).status_code == 200
