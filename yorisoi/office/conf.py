"""The configurable parts of this app, read from settings with their defaults here.

YORISOI_OFFICE_REMINDER_DAYS      60  vehicle inspections, periodic checks and insurance appear in やること this
                                      many days before they fall due (a 車検 needs booking weeks ahead)
YORISOI_OFFICE_ACCESS_LOOKBACK    30  an incident's affected persons include those whose records the holder
                                      opened in this many days before the incident was discovered
"""

from __future__ import annotations

from django.conf import settings


def reminder_days() -> int:
    return int(getattr(settings, "YORISOI_OFFICE_REMINDER_DAYS", 60))


def access_lookback_days() -> int:
    return int(getattr(settings, "YORISOI_OFFICE_ACCESS_LOOKBACK", 30))
