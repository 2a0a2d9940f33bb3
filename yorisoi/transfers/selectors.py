"""Reads of this app.

Sent transfers are rows of the user's own center, reached through the case (policy.cases_for): a worker limited
to assigned cases sees the transfers of their cases. Incoming transfers are rows of ANOTHER center whose
`receiving_center` is the user's: the only query in yorisoi that reads a row of another center, on purpose, and
it reads that row only (the package frozen in it), never the sending center's person, case or records.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from yorisoi.common.kana import name_search_key
from yorisoi.partners.selectors import organizations_for
from yorisoi.privacy import policy

from .models import ACTIVE_STATUSES, OTHER_CENTER_KIND, Transfer, TransferStatus, TransferTarget


def _center_id(user):
    return user.center_id if user.is_authenticated else None


def sent_for(user) -> QuerySet:
    """Transfers sent by the user's center, of the cases the user may open."""
    return (Transfer.objects.filter(center_id=_center_id(user), case__in=policy.cases_for(user))
            .select_related("case", "case__person", "receiving_center", "sent_by"))


def sent_in_center(user, pk) -> Transfer | None:
    """The transfer if the user's center sent it (whatever the case visibility): the view then opens its case
    through the policy (break-the-glass or 404)."""
    return Transfer.objects.filter(center_id=_center_id(user), pk=pk).select_related(
        "receiving_center", "sent_by", "center").first()


def incoming_for(user) -> QuerySet:
    """Transfers that other centers sent to the user's center. Never joins the sending center's rows."""
    center_id = _center_id(user)
    if center_id is None:
        return Transfer.objects.none()
    return (Transfer.objects.filter(receiving_center_id=center_id).exclude(center_id=center_id)
            .select_related("center", "sent_by", "answered_by"))


def pending_incoming_count(user) -> int:
    return incoming_for(user).filter(status=TransferStatus.PENDING).count()


def get_incoming(user, pk) -> Transfer | None:
    return incoming_for(user).filter(pk=pk).first()


def transfers_of_case(case) -> list[Transfer]:
    return list(Transfer.objects.filter(case=case).select_related("receiving_center", "sent_by")
                .order_by("-sent_at", "-id"))


def active_transfer(case) -> Transfer | None:
    return Transfer.objects.filter(case=case, status__in=ACTIVE_STATUSES).first()


def received_for_case(user, case) -> Transfer | None:
    """The transfer a case of the user's center was opened from (receiving side)."""
    return incoming_for(user).filter(receiving_case=case).first()


def other_center_organizations(user) -> QuerySet:
    """Active directory entries of kind 他の地域生活定着支援センター, with their link to a center of this deployment."""
    return (organizations_for(user).filter(kind__code=OTHER_CENTER_KIND, kind__center__isnull=True, active=True)
            .select_related("kind", "transfer_target", "transfer_target__target_center")
            .order_by("prefecture", "name_kana", "name", "id"))


def target_center_of(organization):
    target = TransferTarget.objects.filter(organization=organization).select_related("target_center").first()
    return target.target_center if target else None


def directory_entry_for(*, center_id: int, sender_center_id: int):
    """The receiving center's directory entry linked to the sending center, if it has one."""
    target = TransferTarget.objects.filter(center_id=center_id, target_center_id=sender_center_id).select_related(
        "organization").first()
    return target.organization if target else None


def matching_persons(user, transfer: Transfer) -> list:
    """Persons of the receiving center who may be the transferred person: same name (kana, width and variant kanji
    folded) AND same birth date as the package says. None when the package carries no birth date: a name alone
    is too weak to link two records."""
    fields = (transfer.data.get("person") or {}).get("fields") or {}
    key = name_search_key(f"{fields.get('family_name', '')}{fields.get('given_name', '')}")
    birth = fields.get("birth_date")
    if not key or not birth:
        return []
    try:
        birth_date = dt.date.fromisoformat(birth)
    except ValueError:
        return []
    return list(policy.persons_for(user).filter(search_key__contains=key, birth_date=birth_date)
                .order_by("id")[:10])


def accept_candidates(user, transfer: Transfer, *, shown=()) -> list:
    """The persons the accept form offers to link: those of matching_persons, then those a same-name check named
    on this form before (`shown`: ids from its signed token, read again through the policy), in that order."""
    matching = matching_persons(user, transfer)
    known = {p.pk for p in matching}
    extra = [pk for pk in shown if pk not in known]
    if not extra:
        return matching
    return matching + list(policy.persons_for(user).filter(pk__in=extra).order_by("-pk")[:10])
