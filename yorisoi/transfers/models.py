"""広域調整: handing a case to the center of the prefecture where the person will live.

A `Transfer` belongs to the SENDING center (its `center`). What it gives is frozen at sending time in
`package` (JSON, encrypted): the 支援業務協力依頼書 (letter), the ticked items exactly as the provision
record (DisclosureRecord) gave them, and the raw values of the ticked face-sheet items so that a receiving
center on this same deployment can register the person without retyping.

The receiving center (`receiving_center`, set when the chosen directory entry is linked to a Center of this
deployment through a `TransferTarget`) reads ONLY this row: the letter and the package, never the sending
center's live person, case, records or provision record. When it accepts, it registers a NEW person and a
new case of its own (`receiving_person`, `receiving_case`), which the sending center never sees.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from yorisoi.common import dates
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.models import CenterOwnedModel
from yorisoi.common.text import GENERATED_TEXT_MAX_LENGTH, CleanCharField, CleanTextField

OTHER_CENTER_KIND = "other_center"  # the partners kind 「他の地域生活定着支援センター」 (seeded, shared)


class TransferTarget(CenterOwnedModel):
    """A directory entry (of kind 他の地域生活定着支援センター) that IS a center of this deployment: transfers to
    it arrive in that center's 受入待ち list instead of going on paper only."""

    organization = models.OneToOneField("partners.Organization", on_delete=models.CASCADE,
                                        related_name="transfer_target", verbose_name="関係機関（他センター）")
    target_center = models.ForeignKey("accounts.Center", on_delete=models.PROTECT, related_name="+",
                                      verbose_name="寄り添い上のセンター")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    class Meta:
        verbose_name = verbose_name_plural = "引継ぎ先センターの対応づけ"
        constraints = [
            models.UniqueConstraint(fields=["center", "target_center"], name="transfers_target_once_per_center"),
            models.CheckConstraint(condition=~Q(target_center=F("center")), name="transfers_target_not_self",
                                   violation_error_message="自センターは引継ぎ先にできません。"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}→{self.target_center_id}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "受入待ち"
    ACCEPTED = "accepted", "引継ぎ済み"
    DECLINED = "declined", "受入不可"
    WITHDRAWN = "withdrawn", "取消"


# A case has at most one transfer in these states: waiting for an answer, or handed over.
ACTIVE_STATUSES = (TransferStatus.PENDING, TransferStatus.ACCEPTED)


class Transfer(CenterOwnedModel):
    """One hand-over of a case (the sending center's) to another center."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers",
                             verbose_name="引継ぎ元の支援ケース")
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="引継ぎ先（関係機関）")
    organization_name = CleanCharField("引継ぎ先の名称（送付時）", max_length=300)
    receiving_center = models.ForeignKey("accounts.Center", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="incoming_transfers",
                                         verbose_name="受入センター（寄り添い上）")
    status = CleanCharField("状態", max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    # the provision (法29条) written by disclosure.provide_information; SET_NULL so the record can expire
    disclosure_record = models.OneToOneField("disclosure.DisclosureRecord", null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+",
                                             verbose_name="第三者提供記録")
    provision_number = CleanCharField("第三者提供記録の番号", max_length=30)
    item_summary = CleanTextField("引き継いだ項目", max_length=GENERATED_TEXT_MAX_LENGTH)
    sent_on = dates.DateField("送付日", db_index=True)
    sent_at = dates.DateTimeField("送付日時")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="送付した職員")
    planned_move_date = dates.DateField("転居予定日", null=True, blank=True, rule=dates.RELEASE)
    # The frozen package (JSON): {"letter": {...}, "content": {...}, "person": {...}, "items": [...]}.
    package = EncryptedTextField("引継ぎ資料（送付時の内容）", max_length=GENERATED_TEXT_MAX_LENGTH)

    # the answer (by the receiving center, or recorded by the sender for a center outside yorisoi)
    answered_on = dates.DateField("回答日", null=True, blank=True)
    answered_at = dates.DateTimeField("回答の記録日時", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="回答を記録した職員")
    answered_by_name = CleanCharField("回答した職員（表示名）", max_length=150, blank=True)
    answer_note = EncryptedTextField("回答の内容・受入不可の理由", blank=True)
    withdrawn_reason = EncryptedTextField("取消の理由", blank=True)
    # what the receiving center made of it (its own rows; the sending center never reads these)
    receiving_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name="受入センターの対象者")
    receiving_case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="received_transfers", verbose_name="受入センターの支援ケース")
    receipt_record = models.ForeignKey("disclosure.ReceiptRecord", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name="受領記録")

    class Meta:
        verbose_name = verbose_name_plural = "他センターへの引継ぎ"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["receiving_center", "status"]), models.Index(fields=["center", "-sent_on"])]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status__in=["pending", "accepted"]),
                                    name="transfers_one_active_per_case",
                                    violation_error_message="このケースにはすでに受入待ち・引継ぎ済みの引継ぎがあります。"),
            models.CheckConstraint(condition=Q(receiving_center__isnull=True) | ~Q(receiving_center=F("center")),
                                   name="transfers_not_to_self",
                                   violation_error_message="自センターへは引き継げません。"),
            models.CheckConstraint(condition=~Q(status="accepted") | Q(answered_on__isnull=False),
                                   name="transfers_accepted_has_date"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"引継-{self.sent_on:%Y}-{self.pk or 0:05d}"

    @property
    def on_yorisoi(self) -> bool:
        """The receiving center uses this deployment and answers here itself."""
        return self.receiving_center_id is not None

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING

    @cached_property
    def data(self) -> dict:
        return json.loads(self.package or "{}")

    @property
    def person_name(self) -> str:
        return self.data.get("content", {}).get("name", "")
