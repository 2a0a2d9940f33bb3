"""Pieces of the privacy app that other apps' pages embed. The policy decides; the tag only renders."""

from django import template

from yorisoi.privacy import policy, selectors
from yorisoi.privacy.log_labels import username_label

register = template.Library()

ACCESS_HISTORY_LIMIT = 10


@register.inclusion_tag("privacy/_access_history.html", takes_context=True)
def person_access_history(context, person, limit: int = ACCESS_HISTORY_LIMIT):
    """{% load privacy_tags %}{% person_access_history person %}: the last accesses to this person, for the
    users who may see them (directors, auditors, workers in charge); nothing for anyone else. Writes no
    access-log row of its own: the page that embeds it has already logged the view."""
    user = context["request"].user
    show = policy.may_see_access_history(user, person)
    rows = list(selectors.person_access_rows(user=user, person=person)[:limit]) if show else []
    listed = selectors.listed_counts(rows)
    for row in rows:
        row.listed_count = listed.get(row.pk, 0)
        row.section_label = selectors.section_label(row.section)
        row.detail_label = selectors.detail_label(row.detail, row.object_type)
    return {"show": show, "rows": rows, "person": person, "limit": limit}


@register.filter
def log_user(username) -> str:
    """{{ row.username|log_user }}: 「自動処理（匿名化）」 for the system's rows, the user name otherwise."""
    return username_label(username or "")


@register.inclusion_tag("privacy/_audit_nav_link.html", takes_context=True)
def audit_nav_link(context):
    """{% audit_nav_link %} in the site navigation: 「監査」 for directors and auditors, nothing for others."""
    request = context["request"]
    return {"show": policy.may_review_audit(request.user), "current": context.get("nav") == "audit"}


@register.inclusion_tag("privacy/_soft_delete_link.html", takes_context=True)
def soft_delete_link(context, obj, label: str = "削除"):
    """{% soft_delete_link person %} / {% soft_delete_link case %}: a link to the delete confirmation for the
    director; nothing for anyone else (the confirmation page checks again)."""
    from yorisoi.privacy.services import is_soft_deletable, kind_of

    user = context["request"].user
    show = (policy.may_delete(user) and is_soft_deletable(type(obj)) and obj.center_id == user.center_id
            and obj.deleted_at is None)
    return {"show": show, "kind": kind_of(type(obj)) if show else "", "obj": obj, "label": label}


@register.simple_tag(takes_context=True)
def may_request_export(context, target: str) -> bool:
    """{% may_request_export "persons" as may_export %}: whether the user may ask for an export of that list."""
    return policy.may_request_export(context["request"].user, target)
