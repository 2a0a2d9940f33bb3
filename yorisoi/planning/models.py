"""Assessments, support plans, director approval (決裁) and closure requests.

Narratives (findings, needs, goals, wishes, comments, summaries) are encrypted: they hold health and
justice details. Codes (kinds, levels, statuses, residence, services) stay plain for statistics.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.cases.models import ClosureOutcome
from yorisoi.common import dates
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.dates import format_checked
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField
from yorisoi.people.models import DecisionSupport
from yorisoi.workflow.choices import Handling, ItemKind

# --- assessments -------------------------------------------------------------------------------------


class Sensitivity(models.TextChoices):
    """Which part of the policy decides whether a domain's findings are shown."""

    NORMAL = "normal", "通常（記録を読める職員）"
    HEALTH = "health", "健康・障害（要配慮）"
    JUSTICE = "justice", "司法（要配慮）"


class AssessmentDomain(models.Model):
    """An area of an assessment (健康・服薬, 住まい…). Rows, not code: a new domain is a new row."""

    code = models.SlugField("コード", max_length=40, unique=True)
    label = CleanCharField("領域", max_length=40)
    sensitivity = CleanCharField("取扱い", max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    prompt = CleanCharField("記入の手がかり", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("表示順", default=100)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "アセスメントの領域"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.label


class AssessmentKind(models.TextChoices):
    MINIMAL = "minimal", "必要最低限のアセスメント"
    FULL = "full", "再アセスメント"


class NeedLevel(models.TextChoices):
    NONE = "none", "なし"
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class Assessment(CenterOwnedModel, VersionedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments",
                             verbose_name="支援ケース")
    kind = CleanCharField("種類", max_length=10, choices=AssessmentKind.choices)
    assessed_on = dates.DateField("実施日")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="実施者")
    summary = EncryptedTextField("総合的な見立て", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "アセスメント"
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["case", "-assessed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_checked(self.assessed_on)}"


class AssessmentDomainEntry(TimeStampedModel):
    """One domain of one assessment. `written_at_version` is the assessment's version when this row was
    last written, so the history tells what a domain said at any version (for the stale-edit message)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    domain = models.ForeignKey(AssessmentDomain, on_delete=models.PROTECT, related_name="+", verbose_name="領域")
    findings = EncryptedTextField("所見（本人の状況）", blank=True)
    needs = EncryptedTextField("支援の必要", blank=True)
    level = CleanCharField("支援の必要度", max_length=10, choices=NeedLevel.choices, blank=True)
    written_at_version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "アセスメントの領域別記録"
        constraints = [models.UniqueConstraint(fields=["assessment", "domain"], name="planning_entry_per_domain")]

    def __str__(self) -> str:
        return str(self.domain_id)

    @property
    def is_blank(self) -> bool:
        return not (self.findings or self.needs or self.level)


# --- approval (決裁) -------------------------------------------------------------------------------------


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    PENDING = "pending", "決裁待ち"
    APPROVED = "approved", "承認"
    RETURNED = "returned", "差戻し"
    WITHDRAWN = "withdrawn", "取下げ"


# States in which the submitter may still change the content.
EDITABLE_STATUSES = (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED)


class Approvable(models.Model):
    """What a plan version and a closure request share: who submitted, who decided, and when."""

    status = CleanCharField("決裁の状態", max_length=10, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="申請者")
    submitted_at = dates.DateTimeField("申請日時", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="決裁者")
    decided_at = dates.DateTimeField("決裁日時", null=True, blank=True)
    decision_comment = EncryptedTextField("決裁者のコメント", blank=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING


class ApproverDelegation(CenterOwnedModel):
    """決裁代行: a staff member who may approve in the director's place. Kept here, not on Staff."""

    staff = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="approver_delegation", verbose_name="決裁代行者")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="指定した管理者")
    note = CleanCharField("備考", max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "決裁代行"

    def __str__(self) -> str:
        return str(self.staff)


# --- support plans ---------------------------------------------------------------------------------------


class AgreementMethod(models.TextChoices):
    SIGNATURE = "signature", "署名"
    ORAL = "oral", "口頭"
    OTHER = "other", "その他"


class SupportPlan(CenterOwnedModel, VersionedModel, Approvable, DecisionSupport):
    """One version (版) of a case's support plan. A revision is a new row; earlier rows stay as they were.

    `revision` is the plan's number (第1版, 第2版…); `version` is the optimistic-lock counter of this row.
    An approved or pending row is never edited: revising it makes the next revision as a draft.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="support_plans",
                             verbose_name="支援ケース")
    revision = models.PositiveSmallIntegerField("版")
    plan_date = dates.DateField("作成日")
    review_date = dates.DateField("見直し予定日", null=True, blank=True, rule=dates.DUE)
    person_goals = EncryptedTextField("本人の目標（本人の言葉で）", blank=True)
    staff_goals = EncryptedTextField("支援者の目標・支援方針", blank=True)
    person_wishes = EncryptedTextField("本人の意向", blank=True)
    revision_reason = EncryptedTextField("改訂の理由", blank=True)
    agreement_date = dates.DateField("本人の同意日", null=True, blank=True)
    agreement_method = CleanCharField("同意の方法", max_length=10, choices=AgreementMethod.choices, blank=True)
    agreement_note = EncryptedTextField("同意についての記録", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="作成者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "支援計画"
        ordering = ["-revision"]
        constraints = [
            models.UniqueConstraint(fields=["case", "revision"], name="planning_plan_revision_unique"),
            models.CheckConstraint(
                condition=models.Q(agreement_date__isnull=True) | ~models.Q(agreement_method=""),
                name="planning_plan_agreement_has_method",
                violation_error_message="同意日を入力したときは同意の方法も選んでください。",
            ),
        ]

    def __str__(self) -> str:
        return f"支援計画 第{self.revision}版"

    def clean(self) -> None:
        super().clean()
        self.clean_decision_support()


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未着手"
    IN_PROGRESS = "in_progress", "実施中"
    DONE = "done", "完了"
    CANCELLED = "cancelled", "中止"


class PlanAction(TimeStampedModel, VersionedModel):
    """A step of a plan version: what, who (a staff member or a partner organization), by when.

    `written_at_plan_version` plays the role of AssessmentDomainEntry.written_at_version for the plan."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField("順番", default=0)
    description = EncryptedTextField("内容")
    owner_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="plan_actions", verbose_name="担当（職員）")
    owner_organization = models.ForeignKey("partners.Organization", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="plan_actions",
                                           verbose_name="担当（関係機関）")
    due_date = dates.DateField("期限", null=True, blank=True, rule=dates.DUE)
    status = CleanCharField("状況", max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    written_at_plan_version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "支援計画の行動"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_staff__isnull=True) | models.Q(owner_organization__isnull=True),
                name="planning_action_one_owner",
                violation_error_message="担当は職員か関係機関のどちらか一方を選んでください。",
            ),
        ]

    def __str__(self) -> str:
        return f"行動 {self.pk}"

    @property
    def owner(self):
        return self.owner_staff or self.owner_organization


# --- closure -------------------------------------------------------------------------------------------


class ResidenceAtClosure(models.TextChoices):
    HOME = "home", "自宅・アパート"
    GROUP_HOME = "group_home", "グループホーム"
    FACILITY = "facility", "施設"
    HOSPITAL = "hospital", "病院"
    REHABILITATION = "rehabilitation", "更生保護施設"
    UNKNOWN = "unknown", "不明"
    OTHER = "other", "その他"


class ServiceAtClosure(models.TextChoices):
    PUBLIC_ASSISTANCE = "public_assistance", "生活保護"
    DISABILITY_WELFARE = "disability_welfare", "障害福祉サービス"
    LONG_TERM_CARE = "long_term_care", "介護保険"
    MEDICAL = "medical", "医療"
    EMPLOYMENT = "employment", "就労"
    NONE = "none", "なし"


class ClosureRequest(CenterOwnedModel, VersionedModel, Approvable):
    """終結の決裁. Approval closes the case through cases.services.change_case_phase in the same transaction.
    Residence and services at closure stay here for the outcome reports."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="closure_requests",
                             verbose_name="支援ケース")
    outcome = CleanCharField("終結理由", max_length=20, choices=ClosureOutcome.choices)
    residence = CleanCharField("終結時の居所", max_length=20, choices=ResidenceAtClosure.choices)
    summary = EncryptedTextField("終結時のまとめ")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="作成者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "終結の決裁"
        ordering = ["-id"]
        constraints = [
            # One request in progress per case; approved and withdrawn ones stay as history.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status__in=["draft", "pending", "returned"]),
                                    name="planning_one_open_closure_request"),
        ]

    def __str__(self) -> str:
        return f"終結の決裁 {self.pk}"


class ClosureItem(models.Model):
    """How one item still open at the request is handled at closure (the closure checklist, workflow.closure):
    cancelled with a reason when the request is approved, or carried over (終結後も継続). The label keeps what
    the item was, so the decision screen reads the same after the item changed."""

    request = models.ForeignKey(ClosureRequest, on_delete=models.CASCADE, related_name="items")
    kind = CleanCharField("種類", max_length=20, choices=ItemKind.choices)
    object_id = models.PositiveIntegerField("項目")
    label = CleanCharField("項目の名前", max_length=250)
    state = CleanCharField("申請時の状況", max_length=100, blank=True)
    handling = CleanCharField("終結時の扱い", max_length=20, choices=Handling.choices)
    reason = CleanCharField("理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "終結時の未完了項目の扱い"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "object_id"], name="planning_closure_item_once"),
            models.CheckConstraint(condition=~models.Q(handling="cancel") | ~models.Q(reason=""),
                                   name="planning_closure_item_cancel_has_reason",
                                   violation_error_message="中止するときは理由を入力してください。"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.object_id)


class ClosureService(models.Model):
    """A service in use at closure (several per request), as rows so that reports can count them."""

    request = models.ForeignKey(ClosureRequest, on_delete=models.CASCADE, related_name="services")
    service = CleanCharField("利用中のサービス", max_length=20, choices=ServiceAtClosure.choices)

    class Meta:
        verbose_name = verbose_name_plural = "終結時に利用中のサービス"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["request", "service"], name="planning_closure_service_once")]

    def __str__(self) -> str:
        return self.get_service_display()


class ApprovalAction(models.TextChoices):
    SUBMITTED = "submitted", "決裁を申請"
    APPROVED = "approved", "承認"
    RETURNED = "returned", "差戻し"
    WITHDRAWN = "withdrawn", "申請を取下げ"


class ApprovalEvent(models.Model):
    """One step of a 決裁 (submitted, approved, returned, withdrawn), for the case page and the lists."""

    center = models.ForeignKey("accounts.Center", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="approval_events")
    plan = models.ForeignKey(SupportPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    closure = models.ForeignKey(ClosureRequest, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="events")
    action = CleanCharField("内容", max_length=10, choices=ApprovalAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name="職員")
    at = dates.DateTimeField("日時")
    comment = EncryptedTextField("コメント", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "決裁の記録"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(plan__isnull=False, closure__isnull=True)
                           | models.Q(plan__isnull=True, closure__isnull=False)),
                name="planning_event_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.get_action_display()

    @property
    def subject(self):
        return self.plan or self.closure
