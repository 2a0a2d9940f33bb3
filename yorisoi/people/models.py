"""The person supported (対象者) and their face sheet (フェイスシート).

Sections: basic, contact and address, welfare, health (encrypted), justice (encrypted), wishes.
The policy module decides which sections a user sees; templates only read the access object.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.eras import age_on
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel


class Sex(models.TextChoices):
    MALE = "male", "男性"
    FEMALE = "female", "女性"
    OTHER = "other", "その他"
    UNKNOWN = "unknown", "不明"


class CareLevel(models.TextChoices):
    NONE = "", "未申請・不明"
    NOT_APPLICABLE = "na", "非該当"
    SUPPORT_1 = "s1", "要支援1"
    SUPPORT_2 = "s2", "要支援2"
    CARE_1 = "c1", "要介護1"
    CARE_2 = "c2", "要介護2"
    CARE_3 = "c3", "要介護3"
    CARE_4 = "c4", "要介護4"
    CARE_5 = "c5", "要介護5"


class DisabilitySupportLevel(models.TextChoices):
    NONE = "", "未申請・不明"
    NOT_APPLICABLE = "na", "非該当"
    L1 = "1", "区分1"
    L2 = "2", "区分2"
    L3 = "3", "区分3"
    L4 = "4", "区分4"
    L5 = "5", "区分5"
    L6 = "6", "区分6"


class PublicAssistance(models.TextChoices):
    NONE = "none", "受給なし"
    APPLYING = "applying", "申請中"
    RECEIVING = "receiving", "受給中"
    SUSPENDED = "suspended", "停止"
    ENDED = "ended", "廃止"
    UNKNOWN = "unknown", "不明"


class JusticeStatus(models.TextChoices):
    """Kept as data in the sense that labels may grow; codes never change meaning."""

    SUSPECT = "suspect", "被疑者"
    DEFENDANT = "defendant", "被告人"
    SUSPENDED_PROSECUTION = "suspended_prosecution", "起訴猶予"
    NOT_PROSECUTED = "not_prosecuted", "不起訴（起訴猶予以外）"
    SUSPENDED_SENTENCE = "suspended_sentence", "執行猶予"
    SUSPENDED_SENTENCE_PROBATION = "suspended_sentence_probation", "保護観察付執行猶予"
    FINE = "fine", "罰金・科料"
    SENTENCE_COMPLETED = "sentence_completed", "満期釈放"
    PAROLE = "parole", "仮釈放"
    IN_CUSTODY = "in_custody", "受刑中"
    OTHER = "other", "その他"
    UNKNOWN = "", "不明"


class OffenceCategory(models.TextChoices):
    THEFT = "theft", "窃盗"
    FRAUD = "fraud", "詐欺（無銭飲食等を含む）"
    ASSAULT = "assault", "暴行・傷害"
    DRUGS = "drugs", "薬物"
    TRESPASS = "trespass", "住居侵入"
    ARSON = "arson", "放火"
    SEXUAL = "sexual", "性犯罪"
    TRAFFIC = "traffic", "交通関係"
    PROPERTY_DAMAGE = "property_damage", "器物損壊"
    OTHER = "other", "その他"
    UNKNOWN = "", "不明"


class Person(CenterOwnedModel, VersionedModel):
    # basic (names stored exactly as typed; search_key is derived by the service)
    family_name = models.CharField("氏", max_length=50)
    given_name = models.CharField("名", max_length=50, blank=True)
    family_name_kana = models.CharField("氏（フリガナ）", max_length=100)
    given_name_kana = models.CharField("名（フリガナ）", max_length=100, blank=True)
    aliases = models.TextField("通称・旧姓・別名", blank=True, help_text="1行に1つ")
    # Indexed only together with the center (Meta.indexes): every name search is scoped to one center.
    search_key = models.CharField(max_length=400, editable=False, default="")
    sex = models.CharField("性別", max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    # contact and address
    phone = models.CharField("電話番号", max_length=20, blank=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    prefecture = models.CharField("都道府県", max_length=4, blank=True)
    municipality = models.CharField("市区町村", max_length=50, blank=True)
    address_line = models.CharField("町域・番地・建物", max_length=200, blank=True)
    return_wish = models.TextField("帰住地の希望", blank=True)
    # welfare
    care_level = models.CharField("要介護度・要支援", max_length=4, choices=CareLevel.choices, blank=True)
    disability_support_level = models.CharField(
        "障害支援区分", max_length=4, choices=DisabilitySupportLevel.choices, blank=True
    )
    public_assistance = models.CharField(
        "生活保護", max_length=20, choices=PublicAssistance.choices, default=PublicAssistance.UNKNOWN
    )
    public_assistance_office = models.CharField("担当福祉事務所", max_length=100, blank=True)
    # health (要配慮個人情報: encrypted)
    health_conditions = EncryptedTextField("疾病・障害の状況", blank=True)
    medication = EncryptedTextField("常用薬", blank=True)
    hospitals = EncryptedTextField("通院先・主治医", blank=True)
    # justice (要配慮個人情報: codes kept plain for statistics, narratives encrypted)
    justice_status = models.CharField("司法上の立場", max_length=40, choices=JusticeStatus.choices, blank=True)
    offence_category = models.CharField("罪名の分類", max_length=30, choices=OffenceCategory.choices, blank=True)
    justice_details = EncryptedTextField("事件・処分の概要", blank=True)
    justice_agencies = EncryptedTextField("関係した司法機関・担当者", blank=True)
    # the person's own voice
    wishes = models.TextField("本人の意向（本人の言葉で）", blank=True)

    # blank: the registering staff member may leave (SET_NULL), and the person must stay editable.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="登録者",
    )
    deleted_at = models.DateTimeField("削除日時", null=True, blank=True)
    # Set by privacy's anonymise_expired once the retention period has passed: names, contacts and
    # narratives are gone, only the coarse fields statistics need remain.
    anonymised_at = models.DateTimeField("匿名化日時", null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_key"])

    class Meta:
        verbose_name = verbose_name_plural = "対象者"
        indexes = [models.Index(fields=["center", "search_key"])]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.municipality}{self.address_line}"

    @property
    def age(self) -> int | None:
        """Age today (Japan time); None when the birth date is unknown."""
        return age_on(self.birth_date, timezone.localdate())


class FamilyContact(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_contacts")
    name = models.CharField("氏名", max_length=100)
    relationship = models.CharField("続柄・関係", max_length=50)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    is_emergency_contact = models.BooleanField("緊急連絡先", default=False)
    notes = models.CharField("備考", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "家族・緊急連絡先"
        ordering = ["-is_emergency_contact", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.relationship}）"


class CertificateKind(models.TextChoices):
    PHYSICAL = "physical", "身体障害者手帳"
    INTELLECTUAL = "intellectual", "療育手帳"
    MENTAL = "mental", "精神障害者保健福祉手帳"


# A certificate whose renewal (or re-assessment) is this close is flagged on the face sheet.
RENEWAL_WARNING_DAYS = 90
RENEWAL_NOT_BEFORE_ISSUE = "次回更新・再判定の日は交付日以降の日付にしてください。"

# Grades per kind. 療育手帳 grades differ by prefecture, so the code is stored with the issuing prefecture.
CERTIFICATE_GRADES = {
    CertificateKind.PHYSICAL: [(f"{n}", f"{n}級") for n in range(1, 7)],
    CertificateKind.INTELLECTUAL: [("A", "A（重度）"), ("B", "B（中軽度）"), ("Ⓐ", "Ⓐ"), ("A1", "A1"),
                                   ("A2", "A2"), ("B1", "B1"), ("B2", "B2"), ("C", "C"),
                                   ("1度", "1度"), ("2度", "2度"), ("3度", "3度"), ("4度", "4度")],
    CertificateKind.MENTAL: [(f"{n}", f"{n}級") for n in range(1, 4)],
}


class DisabilityCertificate(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField("種類", max_length=20, choices=CertificateKind.choices)
    grade = models.CharField("等級・程度", max_length=10)
    issuing_prefecture = models.CharField("交付した都道府県・市", max_length=10, blank=True)
    number = models.CharField("手帳番号", max_length=30, blank=True)
    issued_on = models.DateField("交付日", null=True, blank=True)
    renewal_due = models.DateField("次回更新・再判定", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "障害者手帳"
        ordering = ["kind", "id"]
        constraints = [
            # A renewal before the issue would count a valid certificate as overdue in やること and the inbox.
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True) | models.Q(renewal_due__isnull=True)
                | models.Q(renewal_due__gte=models.F("issued_on")),
                name="people_certificate_renewal_not_before_issue",
                violation_error_message=RENEWAL_NOT_BEFORE_ISSUE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.grade_label}"

    def clean(self) -> None:
        errors = {}
        grades = dict(CERTIFICATE_GRADES.get(self.kind, []))
        if self.kind and self.grade and self.grade not in grades:
            errors["grade"] = f"{self.get_kind_display()}の等級・程度から選んでください。"
        if self.kind == CertificateKind.INTELLECTUAL and not self.issuing_prefecture.strip():
            # 療育手帳 grades mean different things in each prefecture: the grade is unreadable without it.
            errors["issuing_prefecture"] = (
                "療育手帳は交付した都道府県・市を入力してください（等級の意味が自治体ごとに違うため）。"
            )
        if self.issued_on and self.renewal_due and self.renewal_due < self.issued_on:
            errors["renewal_due"] = RENEWAL_NOT_BEFORE_ISSUE  # on the field; the constraint is the backstop
        if errors:
            raise ValidationError(errors)

    @property
    def grade_label(self) -> str:
        return dict(CERTIFICATE_GRADES.get(self.kind, [])).get(self.grade, self.grade)

    @property
    def renewal_notice(self) -> tuple[str, str] | None:
        """("overdue" | "soon", text) when the renewal date is past or within RENEWAL_WARNING_DAYS."""
        if self.renewal_due is None:
            return None
        days = (self.renewal_due - timezone.localdate()).days
        if days < 0:
            return "overdue", f"更新期限を{-days}日過ぎています"
        if days == 0:
            return "overdue", "今日が更新期限です"
        if days <= RENEWAL_WARNING_DAYS:
            return "soon", f"更新期限まであと{days}日"
        return None

    @property
    def grade_with_issuer(self) -> str:
        """療育手帳 B1（神奈川県）: the grade only means something together with the issuing prefecture."""
        if self.issuing_prefecture:
            return f"{self.grade_label}（{self.issuing_prefecture}）"
        return self.grade_label


class ExternalContactRole(models.TextChoices):
    PROBATION_OFFICER = "probation_officer", "保護観察官"
    PROSECUTOR_CLERK = "prosecutor_clerk", "検察事務官・検察官"
    LAWYER = "lawyer", "弁護士"
    CASEWORKER = "caseworker", "市町村のケースワーカー"
    MSW = "msw", "医療ソーシャルワーカー（MSW）"
    FACILITY_STAFF = "facility_staff", "施設職員"
    CARE_MANAGER = "care_manager", "ケアマネジャー・相談支援専門員"
    OTHER = "other", "その他"


class ExternalContact(TimeStampedModel):
    """An officer or worker of another agency involved with this person, with that agency's reference."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_contacts")
    role = models.CharField("立場", max_length=30, choices=ExternalContactRole.choices)
    name = models.CharField("氏名", max_length=100)
    agency = models.CharField("所属機関", max_length=100)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    agency_reference = models.CharField("先方の整理番号", max_length=50, blank=True)
    notes = models.CharField("備考", max_length=200, blank=True)
    active = models.BooleanField("現在も関与", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "関係機関の担当者"
        ordering = ["-active", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}（{self.agency}）"
