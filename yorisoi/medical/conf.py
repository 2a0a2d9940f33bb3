"""The configurable parts of this app, read from settings with their defaults here.

YORISOI_MEDICAL_SUPPLY_DAYS   14  a regular medicine whose supply ends within this many days is on the center's
                                  list (a prescription needs a visit, and a visit needs booking and often an escort)
YORISOI_MEDICAL_CHECK_DAYS    30  a health check due within this many days is on the list (and every overdue one)
"""

from __future__ import annotations

from django.conf import settings


def supply_days() -> int:
    return int(getattr(settings, "YORISOI_MEDICAL_SUPPLY_DAYS", 14))


def check_days() -> int:
    return int(getattr(settings, "YORISOI_MEDICAL_CHECK_DAYS", 30))
