"""Fictional data for the transfer tests: a directory entry (他の地域生活定着支援センター) of the sending center
linked to another center of this deployment, the consent and agreement that let a case be handed to it, and a
transfer sent through the real service."""

from __future__ import annotations

import datetime as dt

from yorisoi.disclosure.models import Basis, Purpose
from yorisoi.disclosure.tests.factories import AgreementFactory, ConsentFactory
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.transfers import services
from yorisoi.transfers.models import TransferTarget

ITEMS = ["kana", "sex", "birth_date", "phone", "medication", "justice_details", "wishes"]


def center_entry(center, *, target_center=None, name=None, **values):
    """The sending center's directory entry for another center; linked to `target_center` when given."""
    organization = OrganizationFactory(
        center=center, kind=kind("other_center"), name=name or (f"{target_center.name}" if target_center else
                                                                "かすみ県地域生活定着支援センター"),
        prefecture=values.pop("prefecture", target_center.prefecture if target_center else "かすみ県"), **values)
    if target_center is not None:
        TransferTarget.objects.create(center=center, organization=organization, target_center=target_center)
    return organization


def consent_and_agreement(person, organization, *, consented_on=dt.date(2026, 1, 5)):
    """The person's consent to give their data to other centers for welfare coordination, and the agreement
    with the receiving center."""
    consent = ConsentFactory(person=person, purposes=[Purpose.WELFARE], consented_on=consented_on,
                             kinds=[kind("other_center")])
    agreement = AgreementFactory(organization=organization, valid_from=dt.date(2020, 4, 1), valid_to=None)
    return consent, agreement


def letter(**values) -> services.Letter:
    return services.Letter(
        reason=values.pop("reason", "本人が姉の住む東京都内で暮らすことを希望し、転居が決まったため。"),
        support_requested=values.pop("support_requested", "転居後のフォローアップと、障害福祉サービスの調整。"),
        planned_move_date=values.pop("planned_move_date", dt.date(2026, 12, 1)),
        destination=values.pop("destination", "東京都みなと区（姉宅）"),
        staff_contact=values.pop("staff_contact", "048-000-0000（内線 12）"), **values)


def send(actor, case, organization, *, items=ITEMS, basis=Basis.CONSENT, legal_reason="", **values):
    return services.send_transfer(actor=actor, case=case, organization=organization, purpose=Purpose.WELFARE,
                                  item_codes=list(items), basis=basis, legal_reason=legal_reason,
                                  letter=values.pop("letter", None) or letter(), **values)
