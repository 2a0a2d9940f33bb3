"""Business days (開庁日) for due dates: weekends, Japanese national holidays (incl. substitute holidays)
and the year-end closure of public offices (12/29-1/3 by default, settings.YORISOI_YEAR_END_CLOSURE)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

from .dates import EARLIEST, LATEST, DateArithmeticError, add_days, ensure_in_range

DEFAULT_YEAR_END_CLOSURE = ((12, 29), (1, 3))


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.Japan(years=year, language="ja"))


def holiday_name(day: dt.date) -> str | None:
    return _national_holidays(day.year).get(day)


def in_year_end_closure(day: dt.date) -> bool:
    (start_m, start_d), (end_m, end_d) = getattr(settings, "YORISOI_YEAR_END_CLOSURE", DEFAULT_YEAR_END_CLOSURE)
    md = (day.month, day.day)
    if (start_m, start_d) <= (end_m, end_d):
        return (start_m, start_d) <= md <= (end_m, end_d)
    return md >= (start_m, start_d) or md <= (end_m, end_d)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None and not in_year_end_closure(day)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The date `days` business days after (or, negative, before) `start`. Zero: `start` itself if it is a
    business day, else the next business day."""
    step = 1 if days >= 0 else -1
    day = ensure_in_range(start)
    if days == 0:
        while not is_business_day(day):
            day = add_days(day, 1)
        return day
    # every business-day count fits in the range (about 245 a year); a larger one cannot end inside it
    if abs(days) > (LATEST - EARLIEST).days:
        raise DateArithmeticError
    remaining = abs(days)
    while remaining:
        day = add_days(day, step)  # refuses, rather than overflows, past the ends of the range
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after `start` up to and including `end` (negative when end < start)."""
    ensure_in_range(start)
    ensure_in_range(end)
    if end < start:
        return -business_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_business_day(start + dt.timedelta(days=n)))
