"""Procedures (手続き), urgent rehabilitation protection (更生緊急保護) and follow-up contacts (フォローアップ).

Rules are data: the catalogue of procedure types and the templates per case kind are rows, seeded for every
center (center NULL) by a data migration; a director adds the center's own rows, hides shared types the
center does not use and copies a shared template to adapt it (a center's template for a case kind is used
before the shared one). Allowed status moves are the mapping STATUS_MOVES.

Due dates: a case procedure either follows a reference date of its case (the expected release date, the
placement date, the referral date, or the completion of the procedure before it) at an offset in calendar
or business days, or has a date typed by hand. `base_date` keeps the reference date the due date was
computed from, so the page can tell when the case's date moved and the services can move only what follows.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from yorisoi.cases.models import CaseKind
from yorisoi.common import dates, uploads
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField
from yorisoi.people.models import CertificateKind

from .dates import describe_offset

# --- catalogue ------------------------------------------------------------------------------------------


class ProcedureCategory(models.TextChoices):
    RESIDENCE = "residence", "住民票・住所"
    WELFARE = "welfare", "生活保護・援護"
    DISABILITY = "disability", "障害"
    CARE = "care", "介護"
    MEDICAL = "medical", "医療・保険"
    INCOME = "income", "年金・収入"
    LIVING = "living", "身分証明・生活の契約"
    LEGAL = "legal", "債務・法律"
    OTHER = "other", "その他"


class ProcedureType(TimeStampedModel):
    """A kind of procedure. `center` NULL = shared by every center (seeded); a center may hide it."""

    center = models.ForeignKey("accounts.Center", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="センター（空欄は全センター共通）")
    code = models.SlugField("コード", max_length=40)
    name = CleanCharField("手続きの名前", max_length=60)
    category = CleanCharField("分類", max_length=20, choices=ProcedureCategory.choices,
                                default=ProcedureCategory.OTHER)
    usual_steps = CleanTextField("いつもの流れ", blank=True, help_text="1行に1つずつ書きます。")
    responsible_kind = models.ForeignKey("partners.OrganizationKind", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+", verbose_name="担当する機関の種別")
    duration_notes = CleanCharField("標準的な期間・法定の期限", max_length=200, blank=True)
    renewal_months = models.PositiveSmallIntegerField("更新の周期（月）", null=True, blank=True,
                                                      validators=[MinValueValidator(1), MaxValueValidator(120)])
    sort_order = models.PositiveSmallIntegerField("表示順", default=100)
    active = models.BooleanField("使用中", default=True)
    hidden_by = models.ManyToManyField("accounts.Center", blank=True, related_name="+",
                                       verbose_name="使わないセンター")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "手続きの種類"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=models.Q(center__isnull=True),
                                    name="procedures_type_global_code_unique"),
            models.UniqueConstraint(fields=["center", "code"], condition=models.Q(center__isnull=False),
                                    name="procedures_type_center_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_global(self) -> bool:
        return self.center_id is None

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.usual_steps.splitlines() if line.strip()]


class ReferenceKind(models.TextChoices):
    RELEASE = "release", "釈放予定日"
    PLACEMENT = "placement", "一時受入の開始日"
    CASE_OPEN = "case_open", "相談受付日（依頼日）"
    PREVIOUS = "previous", "前の手続きの完了日"


class OffsetUnit(models.TextChoices):
    CALENDAR = "calendar", "暦日"
    BUSINESS = "business", "開庁日（土日祝・年末年始を除く）"


OFFSET_LIMIT = 730


class CertificateHeld(models.TextChoices):
    ANY = "", "問わない"
    HELD = "held", "持っている"
    NOT_HELD = "not_held", "持っていない"


class ResidenceCondition(models.TextChoices):
    ANY = "", "問わない"
    UNCLEAR = "unclear", "住民票が職権消除・不明（住居不定で未確認を含む）"
    REGISTERED = "registered", "住民票がある（未確認を含む）"


class CaseTemplate(TimeStampedModel):
    """The usual procedures of a kind of case. `center` NULL = shared (seeded, copied by a center to change)."""

    center = models.ForeignKey("accounts.Center", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="センター（空欄は全センター共通）")
    name = CleanCharField("テンプレート名", max_length=80)
    case_kind = CleanCharField("支援の種別", max_length=20, choices=CaseKind.choices)
    description = CleanTextField("説明", blank=True)
    active = models.BooleanField("使用中", default=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="複製元")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "手続きのテンプレート"
        ordering = ["case_kind", "center_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_global(self) -> bool:
        return self.center_id is None


class CaseTemplateItem(TimeStampedModel):
    """One usual procedure of a template, due at an offset from a reference date of the case, or from the
    completion of another item (`after`: 手帳の申請 → 判定 → 交付)."""

    template = models.ForeignKey(CaseTemplate, on_delete=models.CASCADE, related_name="items")
    procedure_type = models.ForeignKey(ProcedureType, on_delete=models.PROTECT, related_name="+",
                                       verbose_name="手続きの種類")
    title = CleanCharField("表示名", max_length=80, blank=True, help_text="空欄なら手続きの種類の名前になります。")
    reference = CleanCharField("基準日", max_length=20, choices=ReferenceKind.choices,
                                 default=ReferenceKind.RELEASE)
    offset_days = models.IntegerField("基準日からの日数", default=0,
                                      validators=[MinValueValidator(-OFFSET_LIMIT), MaxValueValidator(OFFSET_LIMIT)],
                                      help_text="前なら負の数（例：釈放の5日前は -5）")
    offset_unit = CleanCharField("日数の数え方", max_length=10, choices=OffsetUnit.choices,
                                   default=OffsetUnit.CALENDAR)
    after = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="followers",
                              verbose_name="前の手続き")
    sort_order = models.PositiveSmallIntegerField("表示順", default=100)
    # Who the item fits (all must hold; empty = everyone). A case opening proposes the fitting items with the
    # reason for each (fitting.py); `proposal_only` items are shown unticked for the worker to decide.
    min_age = models.PositiveSmallIntegerField("対象：何歳以上", null=True, blank=True,
                                               validators=[MaxValueValidator(120)])
    max_age = models.PositiveSmallIntegerField("対象：何歳以下", null=True, blank=True,
                                               validators=[MaxValueValidator(120)])
    certificate_kind = CleanCharField("対象：障害者手帳の種類", max_length=20, blank=True,
                                      choices=[("", "いずれかの手帳"), *CertificateKind.choices])
    certificate_held = CleanCharField("対象：その手帳を", max_length=10, blank=True, choices=CertificateHeld.choices)
    residence = CleanCharField("対象：住民票", max_length=12, blank=True, choices=ResidenceCondition.choices)
    proposal_only = models.BooleanField("提案だけにする（自動では追加しない）", default=False,
                                        help_text="本人の状態によって要るかどうかが決まる手続き。担当者が確かめて選びます。")
    proposal_note = CleanCharField("提案するときの説明", max_length=120, blank=True,
                                   help_text="例：身体に障害があり、手帳を持っていないとき")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "テンプレートの手続き"
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(reference="previous") & models.Q(after__isnull=False))
                | (~models.Q(reference="previous") & models.Q(after__isnull=True)),
                name="procedures_item_after_iff_previous",
                violation_error_message="「前の手続きの完了日」を基準にするときは前の手続きを選んでください。",
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True) | models.Q(max_age__isnull=True)
                | models.Q(max_age__gte=models.F("min_age")),
                name="procedures_item_age_range",
                violation_error_message="対象年齢は「何歳以上」を「何歳以下」より小さくしてください。",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.procedure_type.name

    @property
    def offset_text(self) -> str:
        return describe_offset(self.offset_days, self.offset_unit, self.get_reference_display())


# --- the procedures of a case --------------------------------------------------------------------------


class ProcedureStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未着手"
    IN_PROGRESS = "in_progress", "進行中"
    DONE = "done", "完了"
    CANCELLED = "cancelled", "不要・中止"


STATUS_MOVES: dict[str, tuple[str, ...]] = {
    ProcedureStatus.NOT_STARTED: (ProcedureStatus.IN_PROGRESS, ProcedureStatus.DONE, ProcedureStatus.CANCELLED),
    ProcedureStatus.IN_PROGRESS: (ProcedureStatus.NOT_STARTED, ProcedureStatus.DONE, ProcedureStatus.CANCELLED),
    ProcedureStatus.DONE: (ProcedureStatus.IN_PROGRESS,),  # 完了の取り消し
    ProcedureStatus.CANCELLED: (ProcedureStatus.NOT_STARTED,),  # 再開
}
OPEN_STATUSES = (ProcedureStatus.NOT_STARTED, ProcedureStatus.IN_PROGRESS)


class ProcedureResult(models.TextChoices):
    """What the office decided (生活保護 開始決定 / 却下, 手帳 交付, 要介護認定 結果…), apart from the status:
    「完了」 says the center's part is done, the result says whether it was granted."""

    NONE = "", "未定・不明"
    GRANTED = "granted", "開始決定・交付・認定（認められた）"
    PARTIAL = "partial", "一部認められた・非該当以外の変更"
    NOT_APPLICABLE = "not_applicable", "非該当"
    REJECTED = "rejected", "却下・不交付"
    WITHDRAWN = "withdrawn", "取下げ"
    OTHER = "other", "その他"


# Results that count as 「達成」 in the statistics.
ACHIEVED_RESULTS = (ProcedureResult.GRANTED, ProcedureResult.PARTIAL)


class CaseProcedure(CenterOwnedModel, VersionedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="procedures",
                             verbose_name="支援ケース")
    procedure_type = models.ForeignKey(ProcedureType, on_delete=models.PROTECT, related_name="+",
                                       verbose_name="手続きの種類")
    title = CleanCharField("手続き", max_length=80)
    status = CleanCharField("状況", max_length=20, choices=ProcedureStatus.choices,
                              default=ProcedureStatus.NOT_STARTED)
    follows_reference = models.BooleanField("期限を基準日から計算する", default=True)
    reference = CleanCharField("基準日", max_length=20, choices=ReferenceKind.choices, blank=True)
    offset_days = models.IntegerField("基準日からの日数", null=True, blank=True,
                                      validators=[MinValueValidator(-OFFSET_LIMIT), MaxValueValidator(OFFSET_LIMIT)])
    offset_unit = CleanCharField("日数の数え方", max_length=10, choices=OffsetUnit.choices,
                                   default=OffsetUnit.CALENDAR)
    depends_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="dependents", verbose_name="前の手続き")
    base_date = dates.DateField("計算に使った基準日", null=True, blank=True)
    due_date = dates.DateField("期限", null=True, blank=True, rule=dates.DUE)
    started_on = dates.DateField("着手日", null=True, blank=True)
    completed_on = dates.DateField("完了日", null=True, blank=True)
    result = CleanCharField("結果", max_length=20, choices=ProcedureResult.choices, blank=True)
    decided_on = dates.DateField("決定日", null=True, blank=True)
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="担当機関")
    contact_name = CleanCharField("先方の担当者", max_length=100, blank=True)
    contact_phone = CleanCharField("先方の連絡先", max_length=30, blank=True)
    notes = CleanTextField("メモ", blank=True)
    template_item = models.ForeignKey(CaseTemplateItem, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name="テンプレートの項目")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "ケースの手続き"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["center", "status", "due_date"]),
            models.Index(fields=["case", "due_date"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "template_item"], condition=models.Q(template_item__isnull=False),
                                    name="procedures_case_template_item_once"),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(completed_on__isnull=False),
                name="procedures_done_has_completed_on",
                violation_error_message="完了にするには完了日を入力してください。",
            ),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True) | models.Q(completed_on__isnull=True)
                | models.Q(completed_on__gte=models.F("started_on")),
                name="procedures_completed_after_started",
                violation_error_message="完了日は着手日より後の日付にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def waits_for_previous(self) -> bool:
        """Due when the procedure before it is done; that one is not done yet."""
        return (self.follows_reference and self.reference == ReferenceKind.PREVIOUS and self.due_date is None
                and self.is_open)

    @property
    def offset_text(self) -> str:
        if not self.follows_reference or not self.reference:
            return ""
        return describe_offset(self.offset_days, self.offset_unit, self.get_reference_display())

    def allowed_next_statuses(self) -> list[tuple[str, str]]:
        return [(s, ProcedureStatus(s).label) for s in STATUS_MOVES[self.status]]


class ReferenceDates(CenterOwnedModel, VersionedModel):
    """Reference dates of a case kept by this app: the placement date (一時受入の開始日) until the placements app
    tells it through services.on_reference_date_changed(placement_date=...)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="procedure_reference",
                                verbose_name="支援ケース")
    placement_date = dates.DateField("一時受入の開始日", null=True, blank=True)
    # The worker looked at the procedures proposed for this person and confirmed them (fitting.py).
    proposals_confirmed_at = dates.DateTimeField("手続きの提案を確認した日時", null=True, blank=True)
    proposals_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+",
                                               verbose_name="手続きの提案を確認した職員")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "手続きの基準日"


# --- documents: private storage, served only by a view that checks the policy -----------------------------


class PrivateDocumentStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private (backed up with the media); there is no public URL for them."""

    @cached_property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):
        raise ValueError("private documents are served only through the download view")


_storage = PrivateDocumentStorage()


def private_storage() -> PrivateDocumentStorage:
    return _storage


def document_path(instance: ProcedureDocument, filename: str) -> str:
    """A random name: the person's name or the original file name never reach the file system."""
    extension = os.path.splitext(filename)[1].lower()
    return f"procedures/{instance.center_id}/{uuid.uuid4().hex}{extension}"


class ProcedureDocument(CenterOwnedModel):
    procedure = models.ForeignKey(CaseProcedure, on_delete=models.CASCADE, related_name="documents",
                                  verbose_name="手続き")
    file = models.FileField("ファイル", storage=private_storage, upload_to=document_path, max_length=200)
    original_name = CleanCharField("ファイル名", max_length=200)
    content_type = CleanCharField("形式", max_length=50)
    size = models.PositiveIntegerField("大きさ（バイト）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="登録者")

    class Meta:
        verbose_name = verbose_name_plural = "手続きの書類"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        return uploads.size_label(self.size)


# --- 更生緊急保護 ---------------------------------------------------------------------------------------------


class ProtectionStatus(models.TextChoices):
    APPLIED = "applied", "申出済み（決定待ち）"
    ACTIVE = "active", "実施中"
    ENDED = "ended", "終了"
    NOT_APPROVED = "not_approved", "不承認・取下げ"


class UrgentProtection(CenterOwnedModel, VersionedModel):
    """更生緊急保護 of a case (更生保護法85条). The person applies in writing, since 2023-12-01 also from custody;
    the period runs from release (`start_date`) and `end_date` is computed (conf.py), extensions included."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="urgent_protection",
                                verbose_name="支援ケース")
    written_request = models.BooleanField("書面による申出あり", default=False)
    application_date = dates.DateField("申出日")
    applied_in_custody = models.BooleanField("収容中に申し出た", default=False)
    probation_office = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="保護観察所")
    approval_date = dates.DateField("実施の決定日", null=True, blank=True)
    start_date = dates.DateField("開始日（釈放日）", null=True, blank=True, rule=dates.RELEASE)
    end_date = dates.DateField("期間の終了日", null=True, blank=True)
    guidance_limit_date = dates.DateField("指導・相談の上限日", null=True, blank=True)
    status = CleanCharField("状況", max_length=20, choices=ProtectionStatus.choices,
                              default=ProtectionStatus.APPLIED)
    ended_on = dates.DateField("実際に終了した日", null=True, blank=True)
    notes = CleanTextField("メモ", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "更生緊急保護"
        indexes = [models.Index(fields=["center", "status", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(written_request=True), name="procedures_protection_in_writing",
                                   violation_error_message="更生緊急保護は本人の書面による申出が必要です。"),
            models.CheckConstraint(
                condition=~models.Q(status="active")
                | (models.Q(start_date__isnull=False) & models.Q(approval_date__isnull=False)),
                name="procedures_active_protection_has_dates",
                violation_error_message="実施中にするには決定日と開始日（釈放日）を入力してください。",
            ),
        ]

    def __str__(self) -> str:
        return f"更生緊急保護（{self.get_status_display()}）"


class ProtectionExtension(CenterOwnedModel):
    """One extension of the period: a new written application, a reason, and the end it moved to."""

    protection = models.ForeignKey(UrgentProtection, on_delete=models.CASCADE, related_name="extensions",
                                   verbose_name="更生緊急保護")
    written_request = models.BooleanField("書面による申出あり", default=False)
    application_date = dates.DateField("延長の申出日")
    reason = CleanTextField("延長の理由")
    months = models.PositiveSmallIntegerField("延長した月数")
    previous_end_date = dates.DateField("延長前の終了日")
    new_end_date = dates.DateField("延長後の終了日")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    class Meta:
        verbose_name = verbose_name_plural = "更生緊急保護の延長"
        ordering = ["application_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(written_request=True), name="procedures_extension_in_writing",
                                   violation_error_message="延長には本人の新たな書面による申出が必要です。"),
        ]


# --- follow-up ----------------------------------------------------------------------------------------------


class FollowUpTarget(models.TextChoices):
    PERSON = "person", "本人"
    FACILITY = "facility", "受入先"


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", "予定"
    DONE = "done", "完了"
    CANCELLED = "cancelled", "中止"


class FollowUp(CenterOwnedModel, VersionedModel):
    """A scheduled contact after placement. Done by writing a support record (`activity`)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups",
                             verbose_name="支援ケース")
    target = CleanCharField("相手", max_length=10, choices=FollowUpTarget.choices)
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="受入先")
    interval_code = CleanCharField("間隔", max_length=10, blank=True)
    interval_label = CleanCharField("時期", max_length=20, blank=True)
    due_date = dates.DateField("予定日", rule=dates.DUE)
    status = CleanCharField("状況", max_length=10, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.SCHEDULED)
    done_on = dates.DateField("実施日", null=True, blank=True)
    activity = models.ForeignKey("records.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="支援経過記録")
    notes = CleanCharField("メモ", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "フォローアップ"
        ordering = ["due_date", "-target", "id"]
        indexes = [models.Index(fields=["center", "status", "due_date"]), models.Index(fields=["case", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["case", "target", "interval_code"], condition=~models.Q(interval_code=""),
                                    name="procedures_follow_up_once_per_interval"),
            models.CheckConstraint(condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                                   name="procedures_follow_up_done_has_date",
                                   violation_error_message="完了には実施日が必要です。"),
        ]

    def __str__(self) -> str:
        return f"フォローアップ {self.interval_label or self.due_date}（{self.get_target_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.SCHEDULED
