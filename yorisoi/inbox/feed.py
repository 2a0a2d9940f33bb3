"""The iCalendar feed: finding the token of a feed URL, and the user's items as all-day events.

What leaves the center in a feed is kept small, because it ends up on phones and in cloud calendars: the kind
in neutral words (「保護期間の終了」, not 更生緊急保護; 「更新手続きの期限」, not the certificate), the case
number, and the person's name only when the user chose it. Never a procedure's title, a plan action's text or
anything else from which health or justice details could be read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable

from django.utils import timezone

from . import conf, ical, rules, selectors
from .models import CalendarFeedToken
from .services import token_digest

FEED_NAME = "寄り添い やること"


def find_token(token: str) -> CalendarFeedToken | None:
    """The active token of a feed URL, or None (unknown, revoked, or its user may no longer have a feed).
    Looked up by its digest, then compared in constant time."""
    if not token:
        return None
    found = (CalendarFeedToken.objects.select_related("user", "user__center")
             .filter(token_digest=token_digest(token), revoked_at__isnull=True).first())
    if found is None or not hmac.compare_digest(found.token.encode(), token.encode()):
        return None
    return found if rules.may_use_feed(found.user) else None


def summary_text(item: selectors.Item, *, names: bool) -> str:
    prefix = "【期限超過】" if item.overdue else ""
    if item.kind == "agreement":
        return f"{prefix}{item.feed_label}：{item.note}"
    if item.feed_text:
        return f"{prefix}{item.feed_label}：{item.feed_text}"
    if not item.case_number:
        return f"{prefix}{item.feed_label}"
    text = f"{prefix}{item.feed_label}：ケース {item.case_number}"
    if names and item.person_name:
        text += f"（{item.person_name}）"
    return text


def _uid(item: selectors.Item, user_id: int) -> str:
    digest = hashlib.sha256(f"{user_id}:{item.kind}:{item.key}".encode()).hexdigest()[:32]
    return f"{digest}@yorisoi"


def _items(user, *, today: dt.date) -> list[selectors.Item]:
    """The user's items in their default scope, overdue ones and those due within YORISOI_CALENDAR_FEED_DAYS."""
    return selectors.items_for(user, today=today, until=today + dt.timedelta(days=conf.feed_days()),
                               scope=rules.scope_for(user))


def events(user, *, today: dt.date, absolute: Callable[[str], str],
           items: list[selectors.Item] | None = None) -> list[ical.Event]:
    """The events of the user's items (see `_items`)."""
    names = bool(user.calendar_shows_names)
    items = _items(user, today=today) if items is None else items
    result = []
    for item in items:
        description = "詳しくは寄り添いで確認してください（ログインが必要です）。"
        if item.overdue:
            description = f"期限を{-item.days_left}日過ぎています。\n" + description
        result.append(ical.Event(uid=_uid(item, user.pk), day=item.date, summary=summary_text(item, names=names),
                                 description=description, url=absolute(item.url)))
    return result


def render(user, *, absolute: Callable[[str], str],
           now: dt.datetime | None = None) -> tuple[bytes, int, list[selectors.Item]]:
    """The feed, its number of events, and the items it shows (each names a case: the view logs their persons)."""
    now = now or timezone.now()
    items = _items(user, today=timezone.localdate(now))
    found = events(user, today=timezone.localdate(now), absolute=absolute, items=items)
    return ical.calendar(found, name=FEED_NAME, now=now), len(found), items


# --- the settings page -------------------------------------------------------------------------------------


def active_token(user) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()


def last_fetch(user) -> dt.datetime | None:
    """When a calendar app last fetched the user's feed (from the access log), so that a leak can show."""
    from yorisoi.privacy.models import AccessLog

    return (AccessLog.objects.filter(staff_id=user.pk, section="calendar_feed").order_by("-id")
            .values_list("at", flat=True).first())
