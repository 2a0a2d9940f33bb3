"""A case's timeline: its support records, page by page, with what other areas add between them (the minutes of
the meetings that discussed the case).

Areas above records (meetings) cannot be imported here; they register a source in their AppConfig.ready(), as
partners' NAME_CHANGE_HOOKS are registered. A source is called as `source(user=..., case=..., since=..., until=...)`
and returns entries the user may see with that time window: `since` inclusive, `until` exclusive, either None for
an open end. Each entry has `occurred_at` (an aware datetime) and `timeline_template` (the template that draws it,
given as `entry`).

The window of a page keeps every entry on exactly one page: page n holds the entries from its oldest record (or
the beginning of time on the last page) up to the oldest record of page n-1 (or no end on the first page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.paginator import Page, Paginator

from yorisoi.common.forms import page_of

from . import selectors

TIMELINE_PAGE_SIZE = 30
TIMELINE_SOURCES: list[Callable] = []


def _window(page: Page) -> tuple[dt.datetime | None, dt.datetime | None]:
    records = list(page.object_list)
    since = records[-1].occurred_at if records and page.has_next() else None
    until = None
    if page.has_previous():
        # the oldest record of the page before: one indexed row
        until = page.paginator.object_list[page.start_index() - 2].occurred_at
    return since, until


def case_timeline(request, *, case, param: str = "tpage", first_page: bool = False) -> tuple[Page, list]:
    """The page of the case's records the request asks for (`param`; the first when `first_page`) and the entries
    to draw, newest first: the records with the registered sources' entries in their window."""
    records = selectors.timeline_for_case(user=request.user, case=case)
    if first_page:
        page = Paginator(records, TIMELINE_PAGE_SIZE).get_page(1)
    else:
        page = page_of(request, records, TIMELINE_PAGE_SIZE, param=param)
    since, until = _window(page)
    extra = [entry for source in TIMELINE_SOURCES
             for entry in source(user=request.user, case=case, since=since, until=until)]
    if not extra:
        return page, list(page.object_list)
    entries = [*page.object_list, *extra]
    entries.sort(key=lambda entry: entry.occurred_at, reverse=True)
    return page, entries

