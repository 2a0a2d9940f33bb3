"""Settings of the meetings app (each with a default; override in the settings module)."""

from django.conf import settings


def series_weeks() -> int:
    """How many weekly occurrences a recurring meeting has scheduled ahead (YORISOI_MEETING_SERIES_WEEKS)."""
    return int(getattr(settings, "YORISOI_MEETING_SERIES_WEEKS", 8))


def review_stale_weeks() -> int:
    """A case not discussed for this many weeks comes first on the review board (YORISOI_REVIEW_STALE_WEEKS)."""
    return int(getattr(settings, "YORISOI_REVIEW_STALE_WEEKS", 4))


def stalled_days() -> int:
    """An open procedure untouched, or a case without contact, for this many days is stalled
    (YORISOI_REVIEW_STALLED_DAYS)."""
    return int(getattr(settings, "YORISOI_REVIEW_STALLED_DAYS", 30))


def attachment_max_bytes() -> int:
    """The largest file attached to minutes (YORISOI_MEETING_ATTACHMENT_MAX_MB, default 10)."""
    return int(getattr(settings, "YORISOI_MEETING_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024
