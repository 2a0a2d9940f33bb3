"""The week and month grids of the calendar page: weeks start on Sunday (日曜始まり, as on Japanese wall
calendars), national holidays and the year-end closure of public offices are marked, items sit on their dates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from yorisoi.common.business_days import holiday_name, in_year_end_closure
from yorisoi.common.dates import format_checked

WEEKDAYS = "日月火水木金土"  # Sunday first
MONTH = "month"
WEEK = "week"


def weekday_label(day: dt.date) -> str:
    """月 for a Monday: Python counts Monday as 0."""
    return "月火水木金土日"[day.weekday()]


@dataclass
class Day:
    date: dt.date
    in_range: bool
    is_today: bool
    holiday: str | None
    closed: bool  # 年末年始の閉庁日
    items: list = field(default_factory=list)

    @property
    def weekday(self) -> str:
        return weekday_label(self.date)

    @property
    def css(self) -> str:
        classes = ["cal-day"]
        if not self.in_range:
            classes.append("is-outside")
        if self.is_today:
            classes.append("is-today")
        if self.holiday or self.date.weekday() == 6:
            classes.append("is-holiday")
        elif self.date.weekday() == 5:
            classes.append("is-saturday")
        if self.closed:
            classes.append("is-closed")
        if any(i.overdue for i in self.items):
            classes.append("has-overdue")
        return " ".join(classes)


@dataclass
class Grid:
    view: str
    anchor: dt.date
    start: dt.date      # first cell (a Sunday)
    end: dt.date        # last cell (a Saturday)
    title: str
    weeks: list[list[Day]]
    previous: dt.date
    next: dt.date

    @property
    def weekdays(self) -> list[tuple[str, str]]:
        css = {0: "is-holiday", 6: "is-saturday"}
        return [(label, css.get(n, "")) for n, label in enumerate(WEEKDAYS)]

    @property
    def item_count(self) -> int:
        return sum(len(d.items) for w in self.weeks for d in w)


def _sunday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def parse_anchor(value: str | None, today: dt.date) -> dt.date:
    """?date=YYYY-MM-DD; anything else (missing, malformed, out of range) means today, never an error page."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return today
    return day if dt.date(1900, 1, 1) <= day <= dt.date(2200, 12, 31) else today


def grid(view: str, anchor: dt.date, today: dt.date) -> Grid:
    """The empty grid: a month (the weeks that touch it, 4-6 rows) or the week of `anchor`."""
    if view == WEEK:
        start = _sunday_on_or_before(anchor)
        end = start + dt.timedelta(days=6)
        first, last = start, end
        title = f"{format_checked(start)}〜{_short(end, start)}"
        previous, following = anchor - dt.timedelta(days=7), anchor + dt.timedelta(days=7)
    else:
        first = anchor.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        start = _sunday_on_or_before(first)
        end = _sunday_on_or_before(last) + dt.timedelta(days=6)
        title = f"{format_checked(first, style='year')}（{first.year}年）{first.month}月"
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = last + dt.timedelta(days=1)
    weeks, day = [], start
    while day <= end:
        week = []
        for _ in range(7):
            week.append(Day(date=day, in_range=first <= day <= last, is_today=day == today,
                            holiday=holiday_name(day), closed=in_year_end_closure(day)))
            day += dt.timedelta(days=1)
        weeks.append(week)
    return Grid(view=view, anchor=anchor, start=start, end=end, title=title, weeks=weeks, previous=previous,
                next=following)


def _short(day: dt.date, since: dt.date) -> str:
    """The end of a week's title: 28日 in the same month, 12月5日 across months, the full date across years."""
    if day.year != since.year:
        return format_checked(day)
    if day.month != since.month:
        return f"{day.month}月{day.day}日"
    return f"{day.day}日"


def place(calendar: Grid, items) -> Grid:
    """Put each item on its date (items outside the grid are left out)."""
    by_day = defaultdict(list)
    for item in items:
        by_day[item.date].append(item)
    for week in calendar.weeks:
        for day in week:
            day.items = by_day.get(day.date, [])
    return calendar
