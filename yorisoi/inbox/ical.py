"""The iCalendar (RFC 5545) document of the feed: all-day VEVENTs, written with the icalendar library.

The library does the RFC's text work (CRLF line ends, folding at 75 octets without splitting a multibyte
character, TEXT escaping); this module only chooses what goes into the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""


def calendar(events: Iterable[Event], *, name: str, now: dt.datetime) -> bytes:
    """The whole VCALENDAR as UTF-8 bytes."""
    document = icalendar.Calendar()
    document.add("prodid", "-//yorisoi//inbox calendar feed//JA")
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("x-wr-calname", name)
    document.add("x-wr-timezone", "Asia/Tokyo")
    document.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    document.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(dt.UTC)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        document.add_component(event)
    return document.to_ical()
