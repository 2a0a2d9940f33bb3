"""Before a case: pre-consultations (事前相談) and consultation-only contacts (相談支援).

A phone referral itself needs no model of its own: it opens a Case (cases app) in 相談受付 with the
first support record (records app). A pre-consultation names a person who may need support later, so it
is personal data of the center (scoped, every view logged, the summary encrypted). A consultation-only
contact is advice to another agency; it never names a person (initials at most).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.cases.models import ReferralSource
from yorisoi.common import dates
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.dates import format_checked
from yorisoi.common.models import CenterOwnedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField


class PreConsultationStatus(models.TextChoices):
    CONSIDERING = "considering", "継続検討"
    NOT_NEEDED = "not_needed", "支援不要"
    CASE = "case", "ケース化"


class PreConsultation(CenterOwnedModel, VersionedModel):
    """事前相談: an agency tells the center early about someone who may need support later."""

    consulted_on = dates.DateField("相談日")
    source_kind = CleanCharField("相談元の種別", max_length=20, choices=ReferralSource.choices)
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="相談元機関（関係機関から選択）")
    agency_name = CleanCharField("相談元機関", max_length=100, blank=True,
                                   help_text="関係機関の一覧にないときに入力します。")
    officer = CleanCharField("相談元担当者", max_length=100, blank=True)
    contact = CleanCharField("相談元連絡先", max_length=100, blank=True)
    # Who it is about: a person already registered, or only the name as the agency gave it.
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="pre_consultations", verbose_name="対象者（登録済みの人）")
    family_name = CleanCharField("氏", max_length=50, blank=True)
    given_name = CleanCharField("名", max_length=50, blank=True)
    family_name_kana = CleanCharField("氏（フリガナ）", max_length=100, blank=True)
    given_name_kana = CleanCharField("名（フリガナ）", max_length=100, blank=True)
    summary = EncryptedTextField("相談の概要")
    expected_timing = CleanCharField("支援が必要になる見込みの時期", max_length=100, blank=True,
                                       help_text="例：令和9年3月頃に満期釈放の見込み")
    expected_date = dates.DateField("見込みの日付（分かれば）", null=True, blank=True, rule=dates.RELEASE)
    status = CleanCharField("状況", max_length=20, choices=PreConsultationStatus.choices,
                              default=PreConsultationStatus.CONSIDERING)
    for_liaison_meeting = models.BooleanField("意見交換会で扱う", default=False,
                                              help_text="地方検察庁・保護観察所・刑務所との意見交換会の議題にします。")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="担当職員")
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="pre_consultation", verbose_name="ケース化した支援ケース")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "事前相談"
        ordering = ["-consulted_on", "-id"]
        indexes = [models.Index(fields=["center", "status"]), models.Index(fields=["center", "for_liaison_meeting"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="case") | models.Q(case__isnull=False),
                name="intake_preconsultation_case_status_has_case",
                violation_error_message="「ケース化」は支援ケースを作ったときに付きます。",
            ),
        ]

    def __str__(self) -> str:
        return f"事前相談 {format_checked(self.consulted_on)}"

    def clean(self) -> None:
        if self.person_id is None and not self.family_name.strip():
            raise ValidationError({"family_name": "登録済みの対象者を選ぶか、氏を入力してください。"})

    @property
    def name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def agency_label(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return self.agency_name

    @property
    def initials(self) -> str:
        """For lists shown outside the center (the liaison meeting): the first letters of the kana, ヤ・タ."""
        letters = [part[:1] for part in (self.family_name_kana, self.given_name_kana) if part]
        return "・".join(letters) if letters else "（未入力）"


class ConsultationTopic(models.TextChoices):
    WELFARE_SERVICES = "welfare_services", "福祉サービスの利用"
    HOUSING = "housing", "住まい・居所"
    MEDICAL = "medical", "医療・受診"
    INCOME = "income", "生活保護・金銭"
    EMPLOYMENT = "employment", "就労"
    JUSTICE = "justice", "司法手続き・制度"
    FAMILY = "family", "家族・人間関係"
    PROGRAM = "program", "センターの事業について"
    OTHER = "other", "その他"


class ConsultationMethod(models.TextChoices):
    PHONE = "phone", "電話"
    VISIT = "visit", "来所"
    OUTREACH = "outreach", "訪問"
    MEETING = "meeting", "会議・事例検討"
    MAIL = "mail", "メール・文書"


initials_validator = RegexValidator(
    r"^[A-Za-zＡ-Ｚａ-ｚ][A-Za-zＡ-Ｚａ-ｚ.．・ ]{0,7}$",
    "イニシャルはローマ字で入力してください（例：Y.T.）。氏名は入力しません。",
)


class Consultation(CenterOwnedModel, VersionedModel):
    """相談支援: advice to another agency (or a family, a supporter) without a case."""

    consulted_on = dates.DateField("相談日")
    method = CleanCharField("方法", max_length=20, choices=ConsultationMethod.choices,
                              default=ConsultationMethod.PHONE)
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="相談元機関（関係機関から選択）")
    agency_name = CleanCharField("相談元機関", max_length=100, blank=True,
                                   help_text="関係機関の一覧にないときに入力します。")
    # The kind of the asking agency for the statistics, also when its name was typed rather than chosen.
    requester_kind = CleanCharField("相談元の種別", max_length=20, choices=ReferralSource.choices, blank=True)
    officer = CleanCharField("相談元担当者", max_length=100, blank=True)
    topic = CleanCharField("相談の分類", max_length=30, choices=ConsultationTopic.choices)
    summary = CleanTextField("相談と助言の内容")
    minutes = models.PositiveIntegerField("所要時間（分）", null=True, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="対応した職員")
    about_person = models.BooleanField("特定の人についての相談", default=False)
    person_initials = CleanCharField("その人のイニシャル", max_length=8, blank=True,
                                       validators=[initials_validator],
                                       help_text="例：Y.T.（氏名は入力しません。ケースにするときは相談受付から）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "相談支援"
        ordering = ["-consulted_on", "-id"]
        indexes = [models.Index(fields=["center", "consulted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(about_person=True) | models.Q(person_initials=""),
                name="intake_consultation_initials_only_about_person",
                violation_error_message="イニシャルは特定の人についての相談のときだけ入力します。",
            ),
        ]

    def __str__(self) -> str:
        return f"相談支援 {format_checked(self.consulted_on)}"

    def clean(self) -> None:
        if self.organization_id is None and not self.agency_name.strip():
            raise ValidationError({"agency_name": "相談元機関を一覧から選ぶか、入力してください。"})

    @property
    def agency_label(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return self.agency_name
