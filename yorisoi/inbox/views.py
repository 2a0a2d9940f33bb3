"""やること (inbox), the week and month calendar, the calendar feed and its settings page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yorisoi.privacy.policy import access_for, log_listed, rule
from yorisoi.procedures import conf as procedure_conf

from . import calendar, conf, feed, rules, selectors, services
from .forms import CalendarQuery, FeedNamesForm, InboxQuery

FEED_SETTINGS = "inbox:feed_settings"


def _scope_context(request, value: str) -> dict:
    user = request.user
    scope = rules.scope_for(user, value)
    return {"scope": scope, "may_choose_scope": rules.may_choose_scope(user), "center_scope": rules.CENTER,
            "mine_scope": rules.MINE}


@rule("inbox.view")
def index(request):
    """The user's list of what is due: overdue, today, the next days, and 決裁."""
    today = timezone.localdate()
    chosen = InboxQuery.read(request).values
    days = chosen["days"]
    scoped = _scope_context(request, chosen["scope"])
    box = selectors.inbox(request.user, today=today, days=days, scope=scoped["scope"])
    log_listed(request, [*box.overdue, *box.due_today, *box.coming, *box.approvals], section="inbox")
    return render(request, "inbox/index.html", {
        "nav": "inbox", "today": today, "box": box, "days": days, "access": access_for(request.user),
        "kinds": selectors.kinds_for(request.user), "kind_labels": selectors.KINDS,
        "max_days": conf.inbox_max_days(), "scope_base": f"?days={days}&",
        "protection_days": procedure_conf.protection_warning_days(), **scoped,
    })


@rule("inbox.view")
def calendar_view(request):
    """The week or month grid (?view=week|month&date=YYYY-MM-DD), printable."""
    today = timezone.localdate()
    chosen = CalendarQuery.read(request).values
    view, anchor = chosen["view"], chosen["date"] or today
    scoped = _scope_context(request, chosen["scope"])
    grid = calendar.grid(view, anchor, today)
    items = selectors.items_for(request.user, today=today, until=grid.end, scope=scoped["scope"],
                                shown_from=grid.start)
    calendar.place(grid, [i for i in items if i.date >= grid.start])
    log_listed(request, [i for i in items if grid.start <= i.date <= grid.end], section="calendar")
    # Overdue items dated before the grid would be out of sight on this week's or month's page: count them.
    earlier_overdue = 0
    if grid.start <= today <= grid.end:
        earlier_overdue = sum(1 for i in items if i.overdue and i.date < grid.start)
    return render(request, "inbox/calendar.html", {
        "nav": "inbox", "today": today, "grid": grid, "view": view, "access": access_for(request.user),
        "earlier_overdue": earlier_overdue,
        "scope_base": f"?view={view}&date={anchor:%Y-%m-%d}&", **scoped,
    })


# --- the feed's settings ------------------------------------------------------------------------------------


@rule("inbox.view")
def feed_settings(request):
    """Create, regenerate or stop the secret feed URL; choose whether the feed names the persons."""
    user = request.user
    allowed = rules.may_use_feed(user)
    form = FeedNamesForm(request.POST if request.method == "POST" else None,
                         initial={"shows_names": user.calendar_shows_names})
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            services.set_calendar_names(actor=user, shows_names=form.cleaned_data["shows_names"], request=request)
            messages.success(request, "予定に氏名を含めるようにしました。" if form.cleaned_data["shows_names"]
                             else "予定に氏名を含めないようにしました。")
            return redirect(FEED_SETTINGS)
    token = feed.active_token(user) if allowed else None
    return render(request, "inbox/feed_settings.html", {
        "nav": "inbox", "allowed": allowed, "token": token, "form": form,
        "feed_url": request.build_absolute_uri(reverse("inbox:feed", args=[token.token])) if token else "",
        "last_fetch": feed.last_fetch(user) if token else None, "feed_days": conf.feed_days(),
        "example_number": f"{timezone.localdate().year}-0012",
    })


@rule("inbox.view")
def feed_token(request):
    """POST: a new feed URL (the previous one stops working)."""
    if request.method != "POST":
        return redirect(FEED_SETTINGS)
    if not rules.may_use_feed(request.user):
        raise PermissionDenied
    had_one = feed.active_token(request.user) is not None
    services.issue_feed_token(actor=request.user, request=request)
    messages.success(request, "新しい配信用URLを発行しました。以前のURLはもう使えません。カレンダーアプリの登録を"
                              "新しいURLに変えてください。" if had_one else "配信用URLを発行しました。")
    return redirect(FEED_SETTINGS)


@rule("inbox.view")
def feed_revoke(request):
    """POST: stop the feed (the URL answers 404 from now on)."""
    if request.method != "POST":
        return redirect(FEED_SETTINGS)
    if not rules.may_use_feed(request.user):
        raise PermissionDenied
    if services.revoke_feed_token(actor=request.user, request=request):
        messages.success(request, "カレンダー配信を停止しました。")
    else:
        messages.info(request, "停止する配信はありません。")
    return redirect(FEED_SETTINGS)


# --- the feed ----------------------------------------------------------------------------------------------


# "public": calendar apps fetch this URL on their own, without a session or two-factor. The secret token in the
# URL is the credential (43 random characters, compared in constant time, revocable); an unknown or revoked
# token, or one whose owner may no longer have a feed, is a 404 exactly like a URL that never existed. Every
# fetch is logged under the token's owner.
@rule("public.calendar_feed")
@require_GET
@never_cache
def feed_ics(request, token: str):
    found = feed.find_token(token)
    if found is None:
        raise Http404("見つかりません。")
    user = found.user
    body, count, items = feed.render(user, absolute=request.build_absolute_uri)
    log_listed(request, items, actor=user, obj=found, section="calendar_feed", always=True,
               detail=f"events={count} names={int(user.calendar_shows_names)}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="yorisoi.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
