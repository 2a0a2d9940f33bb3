"""The partner network (関係機関・社会資源): organizations, the people who work there, and outreach.

Kinds of organization are rows, not code: the kinds of the issue are seeded as global rows (center NULL)
by a data migration; a center's director adds kinds of the center's own. Organizations, contacts and
outreach belong to one center like every other row of a center's data.

The residential fields of Organization (capacity, who is accepted) are already here for the vacancy
search that comes later; the occupancy is computed from placements then, not stored.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.dates import format_checked
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField


class KindGroup(models.TextChoices):
    JUSTICE = "justice", "司法"
    GOVERNMENT = "government", "行政"
    WELFARE = "welfare", "福祉・相談"
    MEDICAL = "medical", "医療・保健"
    EMPLOYMENT = "employment", "就労"
    RESIDENTIAL = "residential", "居住・入所"
    OTHER = "other", "その他"


class OrganizationKind(TimeStampedModel):
    """A kind of organization. `center` NULL = one of the kinds every center shares (seeded)."""

    center = models.ForeignKey("accounts.Center", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="センター（空欄は全センター共通）")
    code = models.SlugField("コード", max_length=40)
    label = CleanCharField("種別名", max_length=60)
    group = CleanCharField("分類", max_length=20, choices=KindGroup.choices, default=KindGroup.OTHER)
    sort_order = models.PositiveSmallIntegerField("表示順", default=100)
    is_residential = models.BooleanField("入所・居住の場（定員・受け入れ条件を持つ）", default=False)
    is_medical = models.BooleanField("医療機関（無料低額診療の有無を持つ）", default=False)
    has_services = models.BooleanField("福祉サービス事業所（サービスの種類を持つ）", default=False)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "関係機関の種別"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=models.Q(center__isnull=True),
                                    name="partners_kind_global_code_unique"),
            models.UniqueConstraint(fields=["center", "code"], condition=models.Q(center__isnull=False),
                                    name="partners_kind_center_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_global(self) -> bool:
        return self.center_id is None

    @property
    def short_label(self) -> str:
        """For narrow columns: 「市区町村（障害福祉・…）」 → 「市区町村」."""
        return self.label.split("（", 1)[0] or self.label


class AcceptedSex(models.TextChoices):
    ANY = "any", "男女とも"
    MALE = "male", "男性のみ"
    FEMALE = "female", "女性のみ"


class AcceptedCareLevel(models.TextChoices):
    """The heaviest 要介護度 a residence accepts (vacancy search compares on the order of these codes)."""

    INDEPENDENT = "independent", "自立の方のみ"
    SUPPORT = "support", "要支援まで"
    CARE_1 = "c1", "要介護1まで"
    CARE_2 = "c2", "要介護2まで"
    CARE_3 = "c3", "要介護3まで"
    CARE_4 = "c4", "要介護4まで"
    CARE_5 = "c5", "要介護5まで"


class Organization(CenterOwnedModel, VersionedModel):
    name = CleanCharField("機関名", max_length=200)
    name_kana = CleanCharField("機関名（フリガナ）", max_length=200, blank=True)
    search_key = CleanCharField(max_length=500, editable=False, db_index=True, default="")
    kind = models.ForeignKey(OrganizationKind, on_delete=models.PROTECT, related_name="organizations",
                             verbose_name="種別")
    department = CleanCharField("部署・課", max_length=100, blank=True)
    # address
    postal_code = CleanCharField("郵便番号", max_length=8, blank=True)
    prefecture = CleanCharField("都道府県", max_length=4, blank=True)
    municipality = CleanCharField("市区町村", max_length=50, blank=True)
    address_line = CleanCharField("町域・番地・建物", max_length=200, blank=True)
    # contact
    phone = CleanCharField("電話番号", max_length=20, blank=True)
    fax = CleanCharField("FAX", max_length=20, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    opening_hours = CleanCharField("受付時間", max_length=200, blank=True)
    notes = CleanTextField("備考", blank=True)
    # kind-specific
    offers_free_low_cost_care = models.BooleanField("無料低額診療を行っている", default=False)
    # medical partners (医療連携): what a worker looks for when a person needs care, medication or an urgent bed
    is_medical_partner = models.BooleanField(
        "協力医療機関", default=False,
        help_text="受診・常用薬の処方・緊急時の受け入れについて、センターと協力関係がある医療機関")
    offers_internal_medicine = models.BooleanField("内科", default=False)
    offers_psychiatry = models.BooleanField("精神科・心療内科", default=False)
    offers_dentistry = models.BooleanField("歯科", default=False)
    accepts_emergencies = models.BooleanField("救急対応（夜間・休日の受け入れ）", default=False)
    service_kinds = CleanCharField("サービスの種類", max_length=300, blank=True,
                                     help_text="「、」で区切って入力（例：就労継続支援B型、共同生活援助）")
    # residential (used by the vacancy search; NULL = not known)
    capacity = models.PositiveSmallIntegerField("定員", null=True, blank=True)
    accepts_sex = CleanCharField("受け入れ：性別", max_length=10, choices=AcceptedSex.choices, blank=True)
    accepts_age_min = models.PositiveSmallIntegerField("受け入れ：年齢（下限）", null=True, blank=True)
    accepts_age_max = models.PositiveSmallIntegerField("受け入れ：年齢（上限）", null=True, blank=True)
    accepts_physical_disability = models.BooleanField("受け入れ：身体障害", null=True, blank=True)
    accepts_intellectual_disability = models.BooleanField("受け入れ：知的障害", null=True, blank=True)
    accepts_mental_disability = models.BooleanField("受け入れ：精神障害", null=True, blank=True)
    accepts_care_level = CleanCharField("受け入れ：要介護度", max_length=12, choices=AcceptedCareLevel.choices,
                                          blank=True)
    smoking_allowed = models.BooleanField("喫煙", null=True, blank=True)
    pets_allowed = models.BooleanField("ペット", null=True, blank=True)
    accepts_conditions = CleanTextField("その他の受け入れ条件", blank=True)

    active = models.BooleanField("使用中", default=True, help_text="閉鎖・廃止した機関は外すと一覧に出なくなります")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords(excluded_fields=["search_key"])

    class Meta:
        verbose_name = verbose_name_plural = "関係機関"
        ordering = ["name_kana", "name", "id"]
        indexes = [
            models.Index(fields=["center", "kind"]),
            models.Index(fields=["center", "municipality"]),
            models.Index(fields=["center", "search_key"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepts_age_min__isnull=True) | models.Q(accepts_age_max__isnull=True)
                | models.Q(accepts_age_min__lte=models.F("accepts_age_max")),
                name="partners_org_age_range_ordered",
                violation_error_message="受け入れ年齢の下限が上限より大きくなっています。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.department}".strip()

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.municipality}{self.address_line}"

    @property
    def medical_features(self) -> list[str]:
        """What a medical organization offers, as short labels for badges and pickers (協力・無料低額診療・精神科…)."""
        return [label for name, label in MEDICAL_FEATURES if getattr(self, name)]

    @property
    def service_kind_list(self) -> list[str]:
        return [s.strip() for s in self.service_kinds.replace(",", "、").split("、") if s.strip()]


# The medical flags of an organization with their short labels, in the order of the badges.
MEDICAL_FEATURES = [("is_medical_partner", "協力医療機関"), ("offers_free_low_cost_care", "無料低額診療"),
                    ("offers_internal_medicine", "内科"), ("offers_psychiatry", "精神科"),
                    ("offers_dentistry", "歯科"), ("accepts_emergencies", "救急対応")]


class PostEndReason(models.TextChoices):
    TRANSFER = "transfer", "異動"
    RETIREMENT = "retirement", "退職"
    OTHER = "other", "その他"


class OrganizationContact(CenterOwnedModel, VersionedModel):
    """A person at an organization, in one post. Ending the post keeps the row (the history of who was
    where); a 異動 ends it and may name the successor, who gets a row of their own."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contacts",
                                     verbose_name="機関")
    name = CleanCharField("氏名", max_length=100)
    name_kana = CleanCharField("氏名（フリガナ）", max_length=100, blank=True)
    department = CleanCharField("所属（課・係）", max_length=100, blank=True)
    title = CleanCharField("役職・立場", max_length=100, blank=True)
    phone = CleanCharField("電話番号", max_length=20, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    notes = CleanTextField("備考", blank=True)
    started_on = dates.DateField("着任日", null=True, blank=True)
    ended_on = dates.DateField("離任日", null=True, blank=True)
    end_reason = CleanCharField("離任の理由", max_length=20, choices=PostEndReason.choices, blank=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="predecessors", verbose_name="後任")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "関係機関の担当者"
        ordering = ["ended_on", "-started_on", "id"]
        indexes = [models.Index(fields=["organization", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True) | models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="partners_contact_post_dates_ordered",
                violation_error_message="離任日は着任日より後の日付にしてください。",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=False) | models.Q(end_reason=""),
                name="partners_contact_end_reason_needs_end",
                violation_error_message="離任の理由は離任日と一緒に入力してください。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class Outreach(CenterOwnedModel, VersionedModel):
    """周知啓発: explaining the center's work to agencies (presentations, visits, training sessions)."""

    held_on = dates.DateField("実施日")
    title = CleanCharField("テーマ・内容", max_length=200)
    organizations = models.ManyToManyField(Organization, related_name="outreach", verbose_name="対象機関")
    audience = CleanCharField("対象者（参加した職種など）", max_length=200, blank=True)
    attendees = models.PositiveSmallIntegerField("参加人数", null=True, blank=True)
    materials = CleanTextField("使用した資料", blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="担当職員")
    follow_up_notes = CleanTextField("反応・今後の対応", blank=True)
    follow_up_on = dates.DateField("次の対応予定日", null=True, blank=True, rule=dates.DUE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords(m2m_fields=["organizations", "staff"])  # a merge after a 409 reads what was read

    class Meta:
        verbose_name = verbose_name_plural = "周知啓発"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["center", "-held_on"])]

    def __str__(self) -> str:
        return f"{format_checked(self.held_on)} {self.title}"
