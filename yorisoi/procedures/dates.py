"""Date arithmetic of this app: months as the civil code counts them, and due dates from an offset."""

from __future__ import annotations

import calendar
import datetime as dt

from yorisoi.common.business_days import add_business_days
from yorisoi.common.dates import DateArithmeticError, add_days, ensure_in_range


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; when that month is shorter, its last day (民法143条2項: 8/31 + 6か月 = 2/28
    or 2/29). A period counted from a release during the day starts the next day (初日不算入), so it ends on this
    date: released 4/1 → 6 months end 10/1."""
    ensure_in_range(day)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise DateArithmeticError
    return ensure_in_range(dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])))


def offset_date(base: dt.date, offset_days: int, unit: str) -> dt.date:
    """`base` moved by `offset_days`, in calendar days or in business days (開庁日: national holidays and the
    year-end closure count as closed; see yorisoi.common.business_days)."""
    from .models import OffsetUnit

    if unit == OffsetUnit.BUSINESS:
        return add_business_days(base, offset_days)
    return add_days(base, offset_days)


def describe_offset(offset_days: int | None, unit: str, reference_label: str) -> str:
    """「釈放予定日の5開庁日前」「前の手続きの完了日から30日後」「相談受付日（依頼日）当日」."""
    from .models import OffsetUnit

    if offset_days is None:
        return ""
    word = "開庁日" if unit == OffsetUnit.BUSINESS else "日"
    if offset_days == 0:
        return f"{reference_label}当日" if unit != OffsetUnit.BUSINESS else f"{reference_label}（閉庁日なら次の開庁日）"
    if offset_days < 0:
        return f"{reference_label}の{-offset_days}{word}前"
    return f"{reference_label}から{offset_days}{word}後"
