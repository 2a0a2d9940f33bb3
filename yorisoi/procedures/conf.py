"""The configurable periods of this app, read from settings with their defaults here.

A center changes them in its settings (or the environment through them) without a code change:

YORISOI_URGENT_PROTECTION_MONTHS             6   更生緊急保護: the period counted from release
YORISOI_URGENT_PROTECTION_EXTENSION_MONTHS   6   one extension (each needs a new written application)
YORISOI_URGENT_PROTECTION_MAX_GUIDANCE_YEARS 2   guidance and consultation limit since the 2023 reform
YORISOI_URGENT_PROTECTION_CUSTODY_SINCE      2023-12-01  first day an application from custody is allowed
YORISOI_PROTECTION_WARNING_DAYS              (30, 14, 7)  warnings before the end of protection
YORISOI_FOLLOW_UP_INTERVALS                  ("1w", "1m", "3m", "6m", "12m")  d=days w=weeks m=months y=years
YORISOI_PROCEDURE_DOCUMENT_MAX_MB            10  the largest attachment of a procedure
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FOLLOW_UP_INTERVALS = ("1w", "1m", "3m", "6m", "12m")
DEFAULT_WARNING_DAYS = (30, 14, 7)


def urgent_protection_months() -> int:
    return int(getattr(settings, "YORISOI_URGENT_PROTECTION_MONTHS", 6))


def urgent_protection_extension_months() -> int:
    return int(getattr(settings, "YORISOI_URGENT_PROTECTION_EXTENSION_MONTHS", 6))


def urgent_protection_max_guidance_years() -> int:
    return int(getattr(settings, "YORISOI_URGENT_PROTECTION_MAX_GUIDANCE_YEARS", 2))


def custody_application_since() -> dt.date:
    value = getattr(settings, "YORISOI_URGENT_PROTECTION_CUSTODY_SINCE", dt.date(2023, 12, 1))
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def protection_warning_days() -> tuple[int, ...]:
    """The warning thresholds, largest first (30, 14, 7)."""
    values = getattr(settings, "YORISOI_PROTECTION_WARNING_DAYS", DEFAULT_WARNING_DAYS)
    days = tuple(sorted({int(v) for v in values}, reverse=True))
    if not days or days[-1] < 0:
        raise ImproperlyConfigured("YORISOI_PROTECTION_WARNING_DAYS: give one or more days (0 or more).")
    return days


def document_max_bytes() -> int:
    return int(getattr(settings, "YORISOI_PROCEDURE_DOCUMENT_MAX_MB", 10)) * 1024 * 1024


# --- follow-up intervals ----------------------------------------------------------------------------

_UNITS = {"d": "日後", "w": "週間後", "m": "か月後", "y": "年後"}
_INTERVAL = re.compile(r"^(\d{1,3})([dwmy])$")


@dataclass(frozen=True)
class Interval:
    code: str  # "1w", "3m": the key that makes scheduling idempotent
    amount: int
    unit: str  # d, w, m, y

    @property
    def label(self) -> str:
        return f"{self.amount}{_UNITS[self.unit]}"

    def after(self, start: dt.date) -> dt.date:
        from yorisoi.common.dates import add_days

        from .dates import add_months

        if self.unit == "d":
            return add_days(start, self.amount)
        if self.unit == "w":
            return add_days(start, 7 * self.amount)
        if self.unit == "m":
            return add_months(start, self.amount)
        return add_months(start, 12 * self.amount)


def parse_interval(code: str) -> Interval:
    match = _INTERVAL.match(str(code).strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ImproperlyConfigured(f"YORISOI_FOLLOW_UP_INTERVALS: {code!r} is not like 1w, 10d, 3m or 1y.")
    return Interval(code=f"{int(match.group(1))}{match.group(2)}", amount=int(match.group(1)), unit=match.group(2))


def follow_up_intervals() -> list[Interval]:
    codes = getattr(settings, "YORISOI_FOLLOW_UP_INTERVALS", DEFAULT_FOLLOW_UP_INTERVALS)
    return [parse_interval(code) for code in codes]
