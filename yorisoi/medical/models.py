"""医療連携: a person's regular medication, appointments, health checks and the route for urgent treatment.

All of it is health information (要配慮個人情報): what is narrative or names a drug is encrypted, and only the users
who see the face sheet's health section read it (privacy.policy.areas.medical_access). The hospitals and clinics are
organizations of the center's directory (partners), chosen in the forms; a name typed by hand is kept for one that
is not in the directory yet. Each row carries the person's center, so the center's list reads one index.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.models import CenterOwnedModel
from yorisoi.common.text import CleanCharField

ORGANIZATION_OR_NAME = "医療機関を名簿から選ぶか、名前を入力してください。"


class _AtOrganization(models.Model):
    """A hospital or clinic: one of the directory, or (not there yet) its name as typed."""

    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="医療機関（関係機関の名簿から）")
    organization_name = CleanCharField("医療機関（名簿にないとき）", max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def place(self) -> str:
        return str(self.organization) if self.organization_id else self.organization_name


class Medication(CenterOwnedModel, _AtOrganization):
    """常用薬: one regular medicine, how it is taken, who prescribes it and until when the supply lasts."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="medications",
                               verbose_name="対象者")
    name = EncryptedTextField("薬の名前")
    dosage = EncryptedTextField("用法・用量", blank=True, help_text="例：1日2回 朝夕食後 1錠ずつ")
    prescribed_on = dates.DateField("処方日", null=True, blank=True)
    days_supplied = models.PositiveSmallIntegerField("処方日数", null=True, blank=True)
    supply_until = dates.DateField("手持ちの薬がある日（この日まで）", null=True, blank=True, rule=dates.DUE,
                                   help_text="空欄なら処方日と処方日数から計算します。")
    ended_on = dates.DateField("中止・終了日", null=True, blank=True)
    note = EncryptedTextField("メモ", blank=True, help_text="例：お薬手帳は本人が持参。残薬の確認は訪問時に。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "常用薬"
        ordering = ["ended_on", "supply_until", "id"]
        indexes = [models.Index(fields=["center", "ended_on", "supply_until"], name="medical_medication_supply")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_supplied__isnull=True) | models.Q(days_supplied__gte=1),
                name="medical_medication_days_positive",
                violation_error_message="処方日数は1日以上にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return "常用薬"  # the name is health information: never in a log line or a generic label

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def clean(self) -> None:
        if self.prescribed_on and self.supply_until and self.supply_until < self.prescribed_on:
            raise ValidationError({"supply_until": "手持ちの薬がある日は処方日以降の日付にしてください。"})
        if self.prescribed_on and self.ended_on and self.ended_on < self.prescribed_on:
            raise ValidationError({"ended_on": "中止・終了日は処方日以降の日付にしてください。"})


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", "予定"
    DONE = "done", "受診済み"
    MISSED = "missed", "受診できなかった"
    CANCELLED = "cancelled", "取り消し"


class Appointment(CenterOwnedModel, _AtOrganization):
    """受診予定: a visit to a hospital or clinic, and whether someone of the center goes with the person."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="appointments",
                               verbose_name="対象者")
    on = dates.DateField("受診日", rule=dates.DUE)
    at = models.TimeField("時刻", null=True, blank=True)
    purpose = EncryptedTextField("目的", blank=True, help_text="例：定期受診と処方、初診、血液検査、歯科の治療")
    accompaniment_needed = models.BooleanField("同行が必要", default=False)
    status = CleanCharField("状況", max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED)
    note = EncryptedTextField("メモ", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "受診予定"
        ordering = ["on", "at", "id"]
        indexes = [models.Index(fields=["center", "status", "on"], name="medical_appointment_due")]

    def __str__(self) -> str:
        return "受診予定"


class CheckKind(models.TextChoices):
    SPECIFIC = "specific", "特定健診"
    ELDERLY = "elderly", "後期高齢者健診"
    CANCER = "cancer", "がん検診"
    DENTAL = "dental", "歯科健診"
    TUBERCULOSIS = "tuberculosis", "結核健診（胸部X線）"
    OTHER = "other", "その他の健診・検査"


class HealthCheck(CenterOwnedModel, _AtOrganization):
    """健診: a health check the person should have, by when, and what came of it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="health_checks",
                               verbose_name="対象者")
    kind = CleanCharField("種類", max_length=20, choices=CheckKind.choices)
    due_on = dates.DateField("受ける期限", rule=dates.DUE)
    done_on = dates.DateField("受けた日", null=True, blank=True)
    result_note = EncryptedTextField("結果・その後", blank=True, help_text="例：要精密検査。あおば市民病院を予約した。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "健診"
        ordering = ["done_on", "due_on", "id"]
        indexes = [models.Index(fields=["center", "done_on", "due_on"], name="medical_check_due")]

    def __str__(self) -> str:
        return self.get_kind_display()


class UrgentRoute(CenterOwnedModel, _AtOrganization):
    """緊急時の受診先: where the person goes when they need treatment at once, and what the hospital must know."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="urgent_routes",
                               verbose_name="対象者")
    when = CleanCharField("いつ", max_length=60, blank=True, help_text="例：平日日中、夜間・休日、精神症状の悪化時")
    phone = CleanCharField("連絡先の電話番号", max_length=20, blank=True,
                           help_text="空欄なら名簿の電話番号を表示します。")
    note = EncryptedTextField("伝えること・持ち物", blank=True,
                              help_text="例：保険証・受給者証・お薬手帳の置き場所、アレルギー、主治医の名前")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "緊急時の受診先"
        ordering = ["id"]

    def __str__(self) -> str:
        return "緊急時の受診先"

    @property
    def contact_phone(self) -> str:
        if self.phone:
            return self.phone
        return self.organization.phone if self.organization_id else ""
