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

from yorisoi.cases.models import Disposition
from yorisoi.common import dates
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.eras import age_on
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField


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


class RegistrationStatus(models.TextChoices):
    """住民票: 職権消除 is common after long custody or homelessness and decides the order of procedures."""

    UNCHECKED = "", "未確認"
    PRESENT = "present", "有"
    DELETED = "deleted", "職権消除"
    UNKNOWN = "unknown", "不明"


class CapacityConcern(models.TextChoices):
    NONE = "", "特になし"
    SOME = "some", "理解・判断に支援が必要"
    MAJOR = "major", "本人だけで判断するのは難しい"


class DecisionSupporter(models.TextChoices):
    PERSON = "person", "本人"
    FAMILY = "family", "家族"
    GUARDIAN = "guardian", "後見人等"
    SUPPORTER = "supporter", "支援者"


class DecisionSupport(models.Model):
    """意思決定支援: how a decision (a consent, a support plan) was reached with a person whose capacity to
    understand or decide needs support (dementia, intellectual disability): the concern, who supported the
    decision and how. Kept beside the decision it belongs to."""

    capacity_concern = CleanCharField("意思決定能力への配慮", max_length=10, choices=CapacityConcern.choices,
                                      blank=True)
    decision_supporters = models.JSONField("意思決定を支えた人", default=list, blank=True)
    decision_support_note = EncryptedTextField(
        "意思決定支援の方法", blank=True,
        help_text="例：絵と短い言葉で説明し、翌日もう一度本人の気持ちを確かめた。後見人が同席した。")

    class Meta:
        abstract = True

    @property
    def decision_supporter_labels(self) -> list[str]:
        labels = dict(DecisionSupporter.choices)
        return [labels[code] for code in self.decision_supporters or [] if code in labels]

    def clean_decision_support(self) -> None:
        supporters = self.decision_supporters or []
        if not isinstance(supporters, list) or any(code not in DecisionSupporter.values for code in supporters):
            raise ValidationError({"decision_supporters": "意思決定を支えた人は一覧から選んでください。"})
        if self.capacity_concern and not supporters:
            raise ValidationError({"decision_supporters": (
                "意思決定能力への配慮が必要なときは、誰が意思決定を支えたかを選んでください。")})


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
    family_name = CleanCharField("氏", max_length=50)
    given_name = CleanCharField("名", max_length=50, blank=True)
    family_name_kana = CleanCharField("氏（フリガナ）", max_length=100)
    given_name_kana = CleanCharField("名（フリガナ）", max_length=100, blank=True)
    aliases = CleanTextField("通称・旧姓・別名", blank=True, help_text="1行に1つ")
    # Indexed only together with the center (Meta.indexes): every name search is scoped to one center.
    search_key = CleanCharField(max_length=400, editable=False, default="")
    sex = CleanCharField("性別", max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = dates.DateField("生年月日", null=True, blank=True, rule=dates.BIRTH)
    # contact and address
    phone = CleanCharField("電話番号", max_length=20, blank=True)
    postal_code = CleanCharField("郵便番号", max_length=8, blank=True)
    prefecture = CleanCharField("都道府県", max_length=4, blank=True)
    municipality = CleanCharField("市区町村", max_length=50, blank=True)
    address_line = CleanCharField("町域・番地・建物", max_length=200, blank=True)
    return_wish = CleanTextField("帰住地の希望", blank=True)
    no_fixed_abode = models.BooleanField("住居不定", default=False,
                                         help_text="決まった住まいがない（路上・ネットカフェ・知人宅を転々など）")
    registration_status = CleanCharField("住民票", max_length=10, choices=RegistrationStatus.choices, blank=True)
    registration_municipality = CleanCharField("住民票のある（あった）市区町村", max_length=50, blank=True,
                                               help_text="職権消除のときは最後に住民票があった市区町村")
    # welfare
    care_level = CleanCharField("要介護度・要支援", max_length=4, choices=CareLevel.choices, blank=True)
    disability_support_level = CleanCharField(
        "障害支援区分", max_length=4, choices=DisabilitySupportLevel.choices, blank=True
    )
    public_assistance = CleanCharField(
        "生活保護", max_length=20, choices=PublicAssistance.choices, default=PublicAssistance.UNKNOWN
    )
    public_assistance_office = CleanCharField("担当福祉事務所", max_length=100, blank=True)
    # structured disability kinds (要配慮: the health section), beside the certificates; for statistics
    disability_intellectual = models.BooleanField("知的障害", default=False)
    disability_mental = models.BooleanField("精神障害", default=False)
    disability_physical = models.BooleanField("身体障害", default=False)
    disability_developmental = models.BooleanField("発達障害", default=False)
    dementia_suspected = models.BooleanField("認知症の疑い", default=False)
    disability_brain_injury = models.BooleanField("高次脳機能障害", default=False)
    disability_other = models.BooleanField("その他の障害", default=False)
    # health (要配慮個人情報: encrypted)
    health_conditions = EncryptedTextField("疾病・障害の状況", blank=True)
    medication = EncryptedTextField("常用薬", blank=True)
    hospitals = EncryptedTextField("通院先・主治医", blank=True)
    # justice (要配慮個人情報: codes kept plain for statistics, narratives encrypted)
    justice_status = CleanCharField("司法上の立場", max_length=40, choices=JusticeStatus.choices, blank=True)
    offence_category = CleanCharField("罪名の分類", max_length=30, choices=OffenceCategory.choices, blank=True)
    justice_details = EncryptedTextField("事件・処分の概要", blank=True)
    justice_agencies = EncryptedTextField("関係した司法機関・担当者", blank=True)
    # the person's own voice
    wishes = CleanTextField("本人の意向（本人の言葉で）", blank=True)

    # blank: the registering staff member may leave (SET_NULL), and the person must stay editable.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="登録者",
    )
    deleted_at = dates.DateTimeField("削除日時", null=True, blank=True)
    # Set by privacy's anonymise_expired once the retention period has passed: names, contacts and
    # narratives are gone, only the coarse fields statistics need remain.
    anonymised_at = dates.DateTimeField("匿名化日時", null=True, blank=True, editable=False)
    # Set by people.services.merge_persons on the record that was merged into another (it is also soft-deleted):
    # the absorbed record stays, pointing at the one that carries its history now.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    editable=False, verbose_name="統合先")

    history = HistoricalRecords(excluded_fields=["search_key"])

    class Meta:
        verbose_name = verbose_name_plural = "対象者"
        indexes = [models.Index(fields=["center", "search_key"]),
                   models.Index(fields=["center", "birth_date"], name="people_person_birth")]

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
    def disability_kind_labels(self) -> list[str]:
        return [self._meta.get_field(name).verbose_name for name in DISABILITY_FIELDS if getattr(self, name)]

    @property
    def age(self) -> int | None:
        """Age today (Japan time); None when the birth date is unknown or outside the date rule (to be corrected)."""
        if not dates.in_range(self.birth_date, dates.BIRTH):
            return None
        return age_on(self.birth_date, timezone.localdate())


# The structured disability kinds of a person, in the order of the statistics tables.
DISABILITY_FIELDS = ["disability_intellectual", "disability_mental", "disability_physical",
                     "disability_developmental", "dementia_suspected", "disability_brain_injury", "disability_other"]


class ReoffenceSource(models.TextChoices):
    PERSON = "person", "本人"
    FAMILY = "family", "家族"
    FACILITY = "facility", "受入先・支援機関"
    JUSTICE = "justice", "警察・検察・保護観察所"
    NEWS = "news", "報道"
    OTHER = "other", "その他"


class ReoffenceEvent(CenterOwnedModel):
    """A reoffence the center came to know of (再犯の把握): recorded on a case in any phase, also after closure,
    and kept apart from the closure reason 再犯 (a case may continue after one)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reoffences", verbose_name="対象者")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reoffences",
                             verbose_name="支援ケース")
    occurred_on = dates.DateField("再犯の日（分かる範囲で）")
    offence_category = CleanCharField("罪名の分類", max_length=30, choices=OffenceCategory.choices, blank=True)
    disposition = CleanCharField("処分（分かれば）", max_length=30, choices=Disposition.choices, blank=True)
    source = CleanCharField("情報源", max_length=20, choices=ReoffenceSource.choices)
    note = CleanTextField("経緯", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="記録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "再犯の把握"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["center", "occurred_on"])]

    def __str__(self) -> str:
        return f"再犯の把握 {self.get_offence_category_display()}"


class FamilyContact(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_contacts")
    name = CleanCharField("氏名", max_length=100)
    relationship = CleanCharField("続柄・関係", max_length=50)
    phone = CleanCharField("電話番号", max_length=20, blank=True)
    address = CleanCharField("住所", max_length=200, blank=True)
    is_emergency_contact = models.BooleanField("緊急連絡先", default=False)
    notes = CleanCharField("備考", max_length=200, blank=True)

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
    kind = CleanCharField("種類", max_length=20, choices=CertificateKind.choices)
    grade = CleanCharField("等級・程度", max_length=10)
    issuing_prefecture = CleanCharField("交付した都道府県・市", max_length=10, blank=True)
    number = CleanCharField("手帳番号", max_length=30, blank=True)
    issued_on = dates.DateField("交付日", null=True, blank=True)
    renewal_due = dates.DateField("次回更新・再判定", null=True, blank=True, rule=dates.DUE)

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


# Officers of the justice agencies and defence lawyers: their presence on the face sheet (and a 検第… reference)
# tells of justice involvement, so they are justice information, hidden from staff who may not see it (clerks).
JUSTICE_CONTACT_ROLES = frozenset({ExternalContactRole.PROBATION_OFFICER, ExternalContactRole.PROSECUTOR_CLERK,
                                   ExternalContactRole.LAWYER})


class ExternalContact(TimeStampedModel):
    """An officer or worker of another agency involved with this person, with that agency's reference."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_contacts")
    role = CleanCharField("立場", max_length=30, choices=ExternalContactRole.choices)
    name = CleanCharField("氏名", max_length=100)
    agency = CleanCharField("所属機関", max_length=100)
    phone = CleanCharField("電話番号", max_length=20, blank=True)
    agency_reference = CleanCharField("先方の整理番号", max_length=50, blank=True)
    notes = CleanCharField("備考", max_length=200, blank=True)
    active = models.BooleanField("現在も関与", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "関係機関の担当者"
        ordering = ["-active", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}（{self.agency}）"

    @property
    def is_justice(self) -> bool:
        return self.role in JUSTICE_CONTACT_ROLES  # not a staff role


# --- search keys -------------------------------------------------------------------------------------


class SearchKeyKind(models.TextChoices):
    """Which text of the person a key was made from; its label is the reason shown beside a search result."""

    NAME = "name", "氏名"
    FAMILY = "family", "氏"
    GIVEN = "given", "名"
    READING = "reading", "フリガナ"
    FAMILY_READING = "family_reading", "氏のフリガナ"
    GIVEN_READING = "given_reading", "名のフリガナ"
    ALIAS = "alias", "通称・旧姓・別名"
    PHONE = "phone", "電話番号"
    LOOSE = "loose", "似た表記・読み"


class PersonSearchKey(models.Model):
    """One normalized key of a person (yorisoi.common.names), rewritten by the people services on every save of
    the face sheet. Exact and prefix look-ups of a key use the B-tree index (center, key); the pattern operator
    class lets PostgreSQL serve LIKE 'prefix%' under any collation (SQLite reads it as a range, see selectors)."""

    # No index of its own: (center, key) below serves every look-up by center, and a second index on the center
    # alone is what SQLite picked for a prefix search before ANALYZE (common.planner): every key of the center read.
    center = models.ForeignKey("accounts.Center", on_delete=models.CASCADE, related_name="+", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_keys")
    kind = CleanCharField(max_length=16, choices=SearchKeyKind.choices)
    key = CleanCharField(max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "対象者の検索キー"
        indexes = [models.Index(fields=["center", "key"], name="people_searchkey_prefix",
                                opclasses=["int8_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class DistinctPersonStatement(TimeStampedModel):
    """A worker's statement, at registration, that a proposed duplicate candidate is a different person. Kept on
    the new person so that the decision and who made it can be reviewed (and it is audited)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="distinct_statements")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name="候補だった対象者")
    score = models.PositiveSmallIntegerField("一致度", default=0)
    agreeing = CleanCharField("一致した項目", max_length=200, blank=True)
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name="確認した職員")

    class Meta:
        verbose_name = verbose_name_plural = "別人であることの確認"
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="people_distinct_once")]

    def __str__(self) -> str:
        return f"別人の確認（{self.other_id}）"


class PersonMerge(CenterOwnedModel):
    """Two records of one person made one by a director: what each was before, what moved, who did it and why."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in", verbose_name="残した記録")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out",
                                 verbose_name="統合した記録")
    survivor_before = models.JSONField("残した記録の統合前の基本情報", default=dict)
    absorbed_before = models.JSONField("統合した記録の統合前の基本情報", default=dict)
    moved_records = models.JSONField("移した記録の件数", default=dict)
    reason = CleanTextField("統合の理由")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name="統合した職員")

    class Meta:
        verbose_name = verbose_name_plural = "対象者の統合"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"統合 {self.absorbed_id}→{self.survivor_id}"
