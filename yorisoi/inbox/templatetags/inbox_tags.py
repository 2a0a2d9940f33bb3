"""Pieces of the inbox that other pages embed, and the filters of its own pages. The rules and selectors decide;
the tags only render. The tags write no access-log row (the page that embeds them logs its own view, if any)."""

from django import template

from yorisoi.inbox import conf, rules, selectors
from yorisoi.inbox.calendar import weekday_label
from yorisoi.privacy.policy import RULES

register = template.Library()


@register.filter
def weekday_ja(value) -> str:
    """{{ day|weekday_ja }} → 月"""
    return weekday_label(value) if value else ""


@register.filter
def due_text(item) -> str:
    """How far an item is: 3日超過 / 今日 / あと5日 (決裁: 申請から何日)."""
    days = item.days_left
    if item.kind == "approval":
        if item.notice:
            return "承認済み"
        return "今日" if days == 0 else f"{-days}日経過"
    if days < 0:
        return f"{-days}日前" if getattr(item, "event", False) else f"{-days}日超過"
    if days == 0:
        return "今日"
    return f"あと{days}日"


@register.inclusion_tag("inbox/_home_summary.html", takes_context=True)
def inbox_summary(context):
    """{% load inbox_tags %}{% inbox_summary %} on the home screen: how many items are overdue, due today and
    due within YORISOI_INBOX_SUMMARY_DAYS, and the 決裁 waiting, with a link to the inbox. A fixed number of
    queries (one per kind the user sees)."""
    user = context["request"].user
    show = user.is_authenticated and user.center_id is not None
    counts = selectors.summary(user, days=conf.summary_days()) if show else None
    return {"show": show, "counts": counts, "center_wide": show and rules.scope_for(user) == rules.CENTER}


@register.inclusion_tag("inbox/_nav_link.html", takes_context=True)
def inbox_nav_link(context):
    """{% inbox_nav_link %} in the site navigation: 「やること」 for every staff member."""
    user = context["request"].user
    return {"show": RULES["inbox.view"].admits(user), "current": context.get("nav") == "inbox"}
