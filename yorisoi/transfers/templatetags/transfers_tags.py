"""Pieces of the transfers app that other pages embed. The rules decide; the tags only render. Neither tag writes
an access-log row: the page that embeds them has logged its own view."""

from django import template

from yorisoi.transfers import selectors
from yorisoi.transfers.models import ACTIVE_STATUSES, TransferStatus
from yorisoi.transfers.rules import transfer_access

register = template.Library()


@register.inclusion_tag("transfers/_case_section.html", takes_context=True)
def case_transfers(context, case):
    """{% load transfers_tags %}{% case_transfers case %} on the case page: where the case was handed (each
    transfer with its status and the receiving center's answer) and the button to hand it to another center; on a
    case opened from a transfer, the center it came from. Nothing for users who may not read transfers (clerks)."""
    user = context["request"].user
    rights = transfer_access(user)
    if not rights.can_read or case.center_id != user.center_id:
        return {"show": False}
    sent = selectors.transfers_of_case(case)
    active = next((t for t in sent if t.status in ACTIVE_STATUSES), None)
    return {
        "show": True, "rights": rights, "case": case, "sent": sent, "active": active,
        "accepted": active is not None and active.status == TransferStatus.ACCEPTED,
        "received": selectors.received_for_case(user, case),
        "can_start": rights.can_send and case.is_open and active is None,
    }


@register.inclusion_tag("transfers/_nav_link.html", takes_context=True)
def transfers_nav_link(context):
    """{% transfers_nav_link %} in the site navigation: 「広域調整」 with the number of transfers waiting for this
    center's answer, for the users who may read transfers."""
    user = context["request"].user
    if not transfer_access(user).can_read:
        return {"show": False}
    return {"show": True, "current": context.get("nav") == "transfers",
            "waiting": selectors.pending_incoming_count(user)}
