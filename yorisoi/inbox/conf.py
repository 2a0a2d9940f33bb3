"""The configurable parts of this app, read from settings with their defaults here.

YORISOI_INBOX_DAYS           14  the inbox's 「これから」: items due within this many days (?days= changes it)
YORISOI_INBOX_MAX_DAYS       90  the largest ?days= accepted
YORISOI_INBOX_SUMMARY_DAYS    7  the home screen's 「7日以内」
YORISOI_CALENDAR_FEED_DAYS   60  the iCalendar feed: items due within this many days (overdue ones too)
YORISOI_INBOX_APPROVED_DAYS   7  an approved plan or closure stays in its submitter's inbox this many days (with
                                 the approver's comment); a returned one stays until it is submitted again
"""

from __future__ import annotations

from django.conf import settings


def inbox_days() -> int:
    return int(getattr(settings, "YORISOI_INBOX_DAYS", 14))


def inbox_max_days() -> int:
    return int(getattr(settings, "YORISOI_INBOX_MAX_DAYS", 90))


def summary_days() -> int:
    return int(getattr(settings, "YORISOI_INBOX_SUMMARY_DAYS", 7))


def feed_days() -> int:
    return int(getattr(settings, "YORISOI_CALENDAR_FEED_DAYS", 60))


def approved_days() -> int:
    return int(getattr(settings, "YORISOI_INBOX_APPROVED_DAYS", 7))
