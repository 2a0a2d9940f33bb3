import functools

from django import template

from yorisoi.common.dates import CHECK_DATE_TEXT, in_range
from yorisoi.common.eras import format_both, format_era, format_era_datetime, format_gregorian, format_log_time

register = template.Library()

# The date styles are described in common/eras.py; these filters are the only way templates show a date.


def _checked(filter_function):
    """A date outside the date rule of common/dates.py (stored before the rule, or by a slip) is shown as
    「日付を確認してください」 rather than answering 500 for everyone who opens the page; the record stays
    correctable through its edit page and is listed on the director's 日付の確認 page."""

    @functools.wraps(filter_function)
    def wrapper(value, *args):
        if value is None or value == "":
            return ""
        try:
            if hasattr(value, "year") and not in_range(value):
                return CHECK_DATE_TEXT
            return filter_function(value, *args)
        except (ValueError, OverflowError):
            return CHECK_DATE_TEXT

    return wrapper


def _local_date(value):
    if hasattr(value, "date") and callable(value.date):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
@_checked
def era(value, style: str = "long") -> str:
    """{{ person.birth_date|era }} → 昭和40年1月2日; |era:"weekday" → 令和8年12月7日（月）; |era:"short" → S40.1.2
    (dense tables only)"""
    if value is None or value == "":
        return ""
    return format_era(_local_date(value), style=style)


@register.filter
@_checked
def era_datetime(value, style: str = "long") -> str:
    """{{ activity.occurred_at|era_datetime }} → 令和8年12月7日 13:05; |era_datetime:"short" → R8.12.7 13:05"""
    if value is None or value == "":
        return ""
    return format_era_datetime(value, style=style)


@register.filter
@_checked
def log_time(value) -> str:
    """{{ row.at|log_time }} → 2026-12-07 13:05:07: technical logs (the access log) only."""
    return format_log_time(value) if value else ""


@register.filter
@_checked
def gregorian(value) -> str:
    """2026-12-07: only beside an era date where another agency reads Gregorian (a face sheet's birth date)."""
    return format_gregorian(_local_date(value)) if value else ""


@register.filter
@_checked
def era_both(value) -> str:
    """令和8年12月7日（2026-12-07）: face sheets and letters to other agencies."""
    return format_both(_local_date(value)) if value else ""


@register.filter
def days_until(value, today=None) -> int | None:
    import datetime as dt

    from django.utils import timezone

    if value is None:
        return None
    today = today or timezone.localdate()
    if not in_range(value):
        return None  # shown by |era as 「日付を確認してください」; no count of days for it
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return (value - today).days
