"""Consent (同意), sharing agreements (取り決め), provisions to third parties (第三者提供記録, 法29条),
receipts from them (受領記録, 法30条) and the person's own requests (開示・訂正・利用停止).

Provision and receipt records are kept at least `conf.retention_years()` (3 by default): they have no
`deleted_at`, no delete page, and the person they name is protected from deletion while they exist; only
`manage.py purge_disclosure_records --yes` removes the expired ones (and logs itself).

Attachments (scanned consent forms, agreement documents, the PDF of each provision) live in a private
storage without URLs; they are served only by views that check the policy and log the download.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from yorisoi.common import dates, uploads
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.dates import format_checked
from yorisoi.common.models import CenterOwnedModel, VersionedModel
from yorisoi.common.text import GENERATED_TEXT_MAX_LENGTH, CleanCharField, CleanTextField
from yorisoi.people.models import DecisionSupport


class Purpose(models.TextChoices):
    WELFARE = "welfare", "福祉サービス調整"
    MEDICAL = "medical", "医療機関との連携"
    HOUSING = "housing", "住居の確保"
    EMPLOYMENT = "employment", "就労支援"
    JUSTICE = "justice", "司法機関との情報共有"


def purpose_labels(codes) -> list[str]:
    labels = dict(Purpose.choices)
    return [str(labels.get(code, code)) for code in codes or []]


# --- private files -------------------------------------------------------------------------------------


class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private (backed up with the media); there is no public URL for them."""

    @cached_property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):
        raise ValueError("private documents are served only through a download view")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage


def attachment_path(instance, filename: str) -> str:
    """A random name: neither the person's name nor the original file name reach the file system."""
    extension = os.path.splitext(filename)[1].lower()
    return f"disclosure/{instance.center_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A scanned document kept beside a record (PDF, JPEG or PNG; checked on upload)."""

    file = models.FileField("添付ファイル", storage=private_storage, upload_to=attachment_path, max_length=200,
                            blank=True)
    file_name = CleanCharField("ファイル名", max_length=200, blank=True)
    file_type = CleanCharField("形式", max_length=50, blank=True)
    file_size = models.PositiveIntegerField("大きさ（バイト）", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file)

    @property
    def file_size_label(self) -> str:
        return uploads.size_label(self.file_size or 0)


# --- consent --------------------------------------------------------------------------------------------


class ConsentTemplate(CenterOwnedModel):
    """One version of the center's consent wording. Frozen (`frozen_at`) when the first person agrees to it:
    from then on it is never edited; a director writes a new version instead."""

    version = models.PositiveIntegerField("版")
    title = CleanCharField("表題", max_length=100, default="個人情報の取扱いと関係機関への情報提供についての同意書")
    body = CleanTextField("同意書の文面")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="作成者")
    frozen_at = dates.DateTimeField("確定日時（最初の同意）", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "同意書の文面"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["center", "version"], name="disclosure_template_version")]

    def __str__(self) -> str:
        return f"第{self.version}版 {self.title}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class ConsentForm(models.TextChoices):
    WRITTEN = "written", "書面"
    ORAL = "oral", "口頭"


class WithdrawalMethod(models.TextChoices):
    WRITTEN = "written", "書面"
    ORAL = "oral", "口頭"
    OTHER = "other", "その他"


class Consent(CenterOwnedModel, VersionedModel, Attachment, DecisionSupport):
    """The person's consent to share their information: for which purposes, with which kinds of agency.
    A withdrawn consent covers nothing from its withdrawal date on (the records made before stay lawful)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents",
                               verbose_name="対象者")
    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="consents",
                                 verbose_name="同意書の文面（版）")
    purposes = models.JSONField("利用目的", default=list)
    agency_kinds = models.ManyToManyField("partners.OrganizationKind", related_name="+",
                                          verbose_name="提供先の種別")
    consented_on = dates.DateField("同意日")
    form = CleanCharField("同意の形式", max_length=10, choices=ConsentForm.choices)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="同意を得た職員")
    note = CleanTextField("備考", blank=True)
    withdrawn_on = dates.DateField("撤回日", null=True, blank=True)
    withdrawal_method = CleanCharField("撤回の方法", max_length=10, choices=WithdrawalMethod.choices, blank=True)
    withdrawal_note = CleanTextField("撤回についての記録", blank=True)
    withdrawal_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+",
                                               verbose_name="撤回を記録した職員")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "同意"
        ordering = ["-consented_on", "-id"]
        indexes = [models.Index(fields=["person", "-consented_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("consented_on")),
                name="disclosure_consent_withdrawn_after_given",
                violation_error_message="撤回日は同意日より後の日付にしてください。",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | ~models.Q(withdrawal_method=""),
                name="disclosure_consent_withdrawal_has_method",
                violation_error_message="撤回の方法を選んでください。",
            ),
        ]

    def __str__(self) -> str:
        return f"同意 {format_checked(self.consented_on)}"

    def clean(self) -> None:
        super().clean()
        self.clean_decision_support()

    @property
    def purpose_labels(self) -> list[str]:
        return purpose_labels(self.purposes)

    def in_force_on(self, day) -> bool:
        return self.consented_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)

    def covers(self, *, day, kind_id: int, purpose: str) -> bool:
        """True when, on `day`, this consent allows giving data for `purpose` to an agency of kind `kind_id`."""
        kind_ids = {k.pk for k in self.agency_kinds.all()}
        return self.in_force_on(day) and kind_id in kind_ids and purpose in (self.purposes or [])


# --- sharing agreements -----------------------------------------------------------------------------


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "締結準備中"
    ACTIVE = "active", "締結済み（有効）"
    ENDED = "ended", "終了・解除"


class SharingAgreement(CenterOwnedModel, VersionedModel, Attachment):
    """取り決め: the terms under which the center and one organization exchange personal data."""

    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT,
                                     related_name="sharing_agreements", verbose_name="相手方の機関")
    title = CleanCharField("名称", max_length=200, help_text="例：個人情報の提供に関する協定書")
    purposes = models.JSONField("対象とする利用目的", default=list, blank=True)
    item_groups = models.JSONField("対象とする項目", default=list, blank=True)
    scope_note = CleanTextField("範囲・条件の補足", blank=True)
    valid_from = dates.DateField("有効期間（開始）")
    valid_to = dates.DateField("有効期間（終了）", null=True, blank=True, help_text="空欄は期限の定めなし")
    status = CleanCharField("状態", max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "情報共有の取り決め"
        ordering = ["valid_to", "id"]
        indexes = [models.Index(fields=["center", "status", "valid_to"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="disclosure_agreement_dates_ordered",
                violation_error_message="有効期間の終了日は開始日より後の日付にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def purpose_labels(self) -> list[str]:
        return purpose_labels(self.purposes)

    @property
    def item_group_labels(self) -> list[str]:
        from .items import group_labels

        return group_labels(self.item_groups)

    def valid_on(self, day) -> bool:
        return (self.status == AgreementStatus.ACTIVE and self.valid_from <= day
                and (self.valid_to is None or self.valid_to >= day))


# --- provisions (第三者提供記録) ----------------------------------------------------------------------


class Basis(models.TextChoices):
    CONSENT = "consent", "本人の同意"
    LAW = "law", "法令に基づく場合"
    PROTECTION = "protection", "人の生命・身体・財産の保護に必要で本人の同意を得ることが困難"
    STATE = "state", "国の機関等への協力"
    OTHER = "other", "その他（理由必須）"


# The exceptions of 法27条1項各号: lawful without consent, and without an agreement with the recipient.
LEGAL_BASES = (Basis.LAW, Basis.PROTECTION, Basis.STATE)


def disclosure_document_path(instance, filename: str) -> str:
    return f"disclosure/{instance.center_id}/provisions/{uuid.uuid4().hex}.pdf"


class DisclosureRecord(CenterOwnedModel):
    """One provision of a person's data to another organization, written by `provide_information` in the
    same transaction as the document. Never edited, never deleted before the retention period ends."""

    provided_on = dates.DateField("提供日", db_index=True)
    provided_at = dates.DateTimeField("記録日時")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="対象者")
    recipient = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="提供先")
    # As they were on the day: the organization may later be renamed or change kind.
    recipient_name = CleanCharField("提供先の名称（提供時）", max_length=300)
    recipient_kind = CleanCharField("提供先の種別（提供時）", max_length=60)
    recipient_is_public_body = models.BooleanField("国の機関・地方公共団体等", default=False)
    purpose = CleanCharField("利用目的", max_length=20, choices=Purpose.choices)
    items = models.JSONField("提供した項目（コード）", default=list)
    item_summary = CleanTextField("提供した項目", max_length=GENERATED_TEXT_MAX_LENGTH)
    activity_ids = models.JSONField("提供した支援経過記録（ID）", default=list, blank=True)
    basis = CleanCharField("提供の根拠", max_length=20, choices=Basis.choices)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name="根拠とした同意")
    legal_reason = CleanTextField("根拠の説明・理由", blank=True)
    agreement = models.ForeignKey(SharingAgreement, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="取り決め")
    statutory = models.BooleanField("法29条の記録義務あり")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="提供した職員")
    # The 受入照会 or つなぎ during which the data was passed, when it was (the placements app).
    inquiry = models.ForeignKey("placements.PlacementInquiry", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="受入照会")
    connection = models.ForeignKey("placements.ServiceConnection", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="つなぎ")
    note = CleanTextField("備考", blank=True)
    # What was given, exactly as given (JSON, encrypted): the printable page is rendered from it.
    content = EncryptedTextField("提供した内容", max_length=GENERATED_TEXT_MAX_LENGTH)
    document = models.FileField("情報提供書（PDF）", storage=private_storage, upload_to=disclosure_document_path,
                                max_length=200, blank=True)
    document_sha256 = CleanCharField("PDF の SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "第三者提供記録"
        ordering = ["-provided_on", "-id"]
        indexes = [models.Index(fields=["center", "-provided_on"]), models.Index(fields=["person", "-provided_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(basis="consent") | models.Q(consent__isnull=False),
                name="disclosure_record_consent_named",
                violation_error_message="同意に基づく提供には同意の記録が必要です。",
            ),
            models.CheckConstraint(
                condition=models.Q(basis="consent") | ~models.Q(legal_reason=""),
                name="disclosure_record_reason_without_consent",
                violation_error_message="同意以外の根拠には理由を記入してください。",
            ),
        ]

    def __str__(self) -> str:
        return f"第三者提供記録 {self.pk}"

    @property
    def number(self) -> str:
        return f"提供-{self.provided_on:%Y}-{self.pk:05d}"

    @property
    def basis_text(self) -> str:
        if self.basis == Basis.CONSENT and self.consent_id:
            return f"本人の同意（{format_checked(self.consent.consented_on)}、{self.consent.get_form_display()}）"
        return f"{self.get_basis_display()}：{self.legal_reason}"


# --- receipts (受領記録, 法30条) --------------------------------------------------------------------------


class ObtainedHow(models.TextChoices):
    CONSENT = "consent", "本人の同意を得て取得"
    DIRECT = "direct", "提供元が本人から直接取得"
    DUTIES = "duties", "提供元の法令上の事務・業務の中で取得"
    LAW = "law", "法令に基づく提供"
    PUBLIC = "public", "公開されている情報"
    UNKNOWN = "unknown", "確認中・不明"
    OTHER = "other", "その他"


class ReceiptRecord(CenterOwnedModel):
    """A receipt of a person's data from another organization: who gave it, what, and how the provider
    obtained it (the recipient's duty of confirmation, 法30条)."""

    received_on = dates.DateField("受領日", db_index=True)
    provider = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="提供元")
    provider_name = CleanCharField("提供元の名称（受領時）", max_length=300)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="対象者")
    item_groups = models.JSONField("受領した項目", default=list, blank=True)
    items_detail = CleanTextField("受領した内容の詳細", blank=True)
    obtained_how = CleanCharField("提供元の取得の経緯", max_length=20, choices=ObtainedHow.choices)
    obtained_note = CleanTextField("取得の経緯の補足", blank=True)
    confirmation_note = CleanTextField("確認の方法・記録", help_text="例：依頼書の記載と担当検察事務官への電話で確認")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="受領した職員")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    class Meta:
        verbose_name = verbose_name_plural = "受領記録"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["center", "-received_on"])]

    def __str__(self) -> str:
        return f"受領記録 {self.pk}"

    @property
    def item_group_labels(self) -> list[str]:
        from .items import group_labels

        return group_labels(self.item_groups)


# --- the person's own requests --------------------------------------------------------------------------


class RequestKind(models.TextChoices):
    DISCLOSURE = "disclosure", "開示"
    CORRECTION = "correction", "訂正等"
    SUSPENSION = "suspension", "利用停止等"


class RequestOutcome(models.TextChoices):
    PENDING = "pending", "対応中"
    FULFILLED = "fulfilled", "対応した（全部）"
    PARTIAL = "partial", "一部対応した"
    REFUSED = "refused", "対応しない（理由を通知）"
    WITHDRAWN = "withdrawn", "取下げ"


class DataSubjectRequest(CenterOwnedModel, VersionedModel):
    """保有個人データの開示・訂正・利用停止の請求 and how it was handled."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+", verbose_name="対象者")
    kind = CleanCharField("請求の種類", max_length=20, choices=RequestKind.choices)
    received_on = dates.DateField("受付日")
    requester = CleanCharField("請求者", max_length=100, default="本人", help_text="本人、または代理人の氏名と関係")
    content = CleanTextField("請求の内容")
    handling = CleanTextField("対応の内容", blank=True)
    outcome = CleanCharField("結果", max_length=20, choices=RequestOutcome.choices, default=RequestOutcome.PENDING)
    outcome_note = CleanTextField("結果の説明・理由", blank=True)
    completed_on = dates.DateField("対応完了日", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="受付者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "本人からの請求"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | models.Q(completed_on__gte=models.F("received_on")),
                name="disclosure_request_completed_after_received",
                violation_error_message="対応完了日は受付日より後の日付にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}請求 {format_checked(self.received_on)}"
