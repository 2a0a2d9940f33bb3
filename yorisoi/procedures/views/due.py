"""手続きの一覧: the procedures not done of every open case the user may see, by due date (the center's work list
next to the inbox; clerks, who run procedures for the whole center, start from here)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from yorisoi.common.forms import page_of
from yorisoi.privacy.policy import access_for, areas, log_listed, may_open_case, rule

from .. import selectors
from ..forms import DueListQuery

PER_PAGE = 50


def _mine(request, value: str) -> bool:
    """?mine=1|0; without it, workers start from their own cases and everyone else from the whole center."""
    if value in ("0", "1"):
        return value == "1" and may_open_case(request.user)
    return areas.works_own_cases(request.user)


@rule("procedures.view")
def due_list(request):
    today = timezone.localdate()
    types = list(selectors.types_for(request.user))
    chosen = DueListQuery.read(request, filters=selectors.DUE_FILTERS, types=types).values
    show, type_id = chosen["show"], chosen["type"]
    mine = _mine(request, chosen["mine"])
    qs = selectors.due_list(request.user, today=today, show=show, procedure_type_id=type_id, mine=mine)
    page = page_of(request, qs, PER_PAGE)
    log_listed(request, page, section="procedures_due")
    query = request.GET.copy()
    query.pop("page", None)
    query["mine"] = "1" if mine else "0"
    return render(request, "procedures/caseprocedure_due_list.html", {
        "nav": "cases", "tab": "due", "today": today, "page": page, "show": show, "filters": selectors.DUE_FILTERS,
        "types": types, "type_id": type_id, "mine": mine, "may_choose_mine": may_open_case(request.user),
        "overdue_total": selectors.overdue_count(request.user, today=today, mine=mine),
        "query": query.urlencode(), "access": access_for(request.user),
    })
