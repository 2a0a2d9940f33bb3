"""The center's profile (運営主体, the contract, the office) and its staffing table (職員体制)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField


class CenterProfile(TimeStampedModel):
    """One per center: what the contract and an audit ask about the center itself."""

    center = models.OneToOneField("accounts.Center", on_delete=models.PROTECT, related_name="office_profile",
                                  verbose_name="センター")
    operating_body = CleanCharField("運営主体（法人名）", max_length=150, blank=True)
    representative = CleanCharField("代表者", max_length=100, blank=True)
    contract_title = CleanCharField("契約の名称", max_length=150, blank=True,
                                    help_text="例：地域生活定着促進事業 委託契約")
    contract_with = CleanCharField("契約の相手方", max_length=100, blank=True, help_text="例：埼玉県福祉部")
    contract_from = dates.DateField("契約期間（開始）", null=True, blank=True)
    contract_to = dates.DateField("契約期間（終了）", null=True, blank=True, rule=dates.DUE)
    postal_code = CleanCharField("郵便番号", max_length=8, blank=True)
    address = CleanCharField("所在地", max_length=200, blank=True)
    phone = CleanCharField("電話番号", max_length=20, blank=True)
    fax = CleanCharField("FAX番号", max_length=20, blank=True)
    office_hours = CleanCharField("開所時間", max_length=100, blank=True, help_text="例：平日 9:00〜17:00")
    note = CleanTextField("備考", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="最終更新者")
    # Director and clerk may edit it at once: a stale save is refused (common.concurrency), the history shows what.
    version = models.PositiveIntegerField("版", default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "センター概要"

    def __str__(self) -> str:
        return f"センター概要 {self.center_id}"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "常勤"
    PART_TIME = "part_time", "非常勤"


class Job(models.TextChoices):
    HEAD = "head", "センター長"
    COUNSELOR = "counselor", "相談員"
    CLERK = "clerk", "事務職員"
    BOARD = "board", "理事"
    OTHER = "other", "その他"


class StaffMember(CenterOwnedModel, VersionedModel):
    """A line of the staffing table. `account` links the person's log-in when they have one (a 理事 often has
    none)."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="staff_records", verbose_name="ログインアカウント")
    name = CleanCharField("氏名", max_length=100)
    name_kana = CleanCharField("氏名（フリガナ）", max_length=100, blank=True)
    job = CleanCharField("職種", max_length=20, choices=Job.choices, default=Job.COUNSELOR)
    employment_type = CleanCharField("雇用形態", max_length=20, choices=EmploymentType.choices,
                                     default=EmploymentType.FULL_TIME)
    weekly_hours = models.DecimalField("週の勤務時間", max_digits=5, decimal_places=2, null=True, blank=True)
    started_on = dates.DateField("着任日", null=True, blank=True)
    ended_on = dates.DateField("退任日", null=True, blank=True)
    note = CleanTextField("備考", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "職員体制"
        ordering = ["ended_on", "job", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account"], condition=models.Q(account__isnull=False),
                                    name="office_one_staff_record_per_account"),
            models.CheckConstraint(condition=models.Q(weekly_hours__isnull=True)
                                   | models.Q(weekly_hours__gte=0, weekly_hours__lte=80),
                                   name="office_weekly_hours_in_range",
                                   violation_error_message="週の勤務時間は0〜80時間で入力してください。"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class QualificationKind(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "社会福祉士"
    PSYCHIATRIC_SOCIAL_WORKER = "psw", "精神保健福祉士"
    CARE_MANAGER = "care_manager", "介護支援専門員"
    CERTIFIED_PSYCHOLOGIST = "psychologist", "公認心理師"
    CARE_WORKER = "care_worker", "介護福祉士"
    NURSE = "nurse", "看護師"
    PUBLIC_HEALTH_NURSE = "phn", "保健師"
    SOCIAL_WELFARE_OFFICER = "welfare_officer", "社会福祉主事任用資格"
    OTHER = "other", "その他"


class Qualification(TimeStampedModel):
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="qualifications",
                                     verbose_name="職員")
    kind = CleanCharField("資格", max_length=20, choices=QualificationKind.choices)
    other_name = CleanCharField("資格名（その他）", max_length=100, blank=True)
    registration_number = CleanCharField("登録番号", max_length=50, blank=True)
    registered_on = dates.DateField("登録日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "資格"
        ordering = ["staff_member_id", "kind", "id"]

    def __str__(self) -> str:
        return self.other_name if self.kind == QualificationKind.OTHER and self.other_name else self.get_kind_display()
