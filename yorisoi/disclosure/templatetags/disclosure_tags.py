"""Pieces of the disclosure app that other pages embed. The rules decide; the tags only render.
Neither tag writes an access-log row: the page that embeds them has logged its own view."""

from django import template

from yorisoi.disclosure import conf, selectors
from yorisoi.disclosure.rules import disclosure_access

register = template.Library()


@register.inclusion_tag("disclosure/_person_consents.html", takes_context=True)
def person_consents(context, person):
    """{% load disclosure_tags %}{% person_consents person %} on the person page: the consent in force and its
    scope, or the warning 「同意未取得」, with the links to record consent and to provide information.
    Nothing for users who may not read this app (clerks)."""
    user = context["request"].user
    rights = disclosure_access(user)
    status = selectors.consent_status(person) if rights.can_read else None
    return {"show": rights.can_read, "rights": rights, "person": person, "status": status}


@register.inclusion_tag("disclosure/_agreements_expiring.html", takes_context=True)
def agreements_expiring_card(context):
    """{% agreements_expiring_card %} on the home screen: sharing agreements ending within the warning days."""
    user = context["request"].user
    rows = selectors.agreements_expiring(user)
    return {"rows": rows, "days": conf.agreement_warning_days()}


@register.inclusion_tag("disclosure/_nav_link.html", takes_context=True)
def disclosure_nav_link(context):
    """{% disclosure_nav_link %} in the site navigation: 「情報提供」 for the users who may read the ledger."""
    user = context["request"].user
    return {"show": disclosure_access(user).can_read, "current": context.get("nav") == "disclosure"}
