from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel


class CaseKind(models.TextChoices):
    ENTRANCE = "entrance", "入口支援（被疑者等支援）"
    EXIT = "exit", "出口支援（特別調整）"
    FOLLOW_UP = "follow_up", "フォローアップ"
    CONSULTATION = "consultation", "相談支援"


class Phase(models.TextChoices):
    INTAKE = "intake", "相談受付"
    COORDINATING = "coordinating", "調整中"
    TEMPORARY_PLACEMENT = "temporary", "一時受入"
    SETTLEMENT = "settlement", "定着支援"
    FOLLOW_UP = "follow_up", "フォローアップ"
    CLOSED = "closed", "終結"


# Allowed phase moves, as data. Any open phase may close; a closed case is reopened as a new case.
PHASE_MOVES: dict[str, tuple[str, ...]] = {
    Phase.INTAKE: (Phase.COORDINATING, Phase.CLOSED),
    Phase.COORDINATING: (Phase.INTAKE, Phase.TEMPORARY_PLACEMENT, Phase.SETTLEMENT, Phase.CLOSED),
    Phase.TEMPORARY_PLACEMENT: (Phase.COORDINATING, Phase.SETTLEMENT, Phase.CLOSED),
    Phase.SETTLEMENT: (Phase.TEMPORARY_PLACEMENT, Phase.FOLLOW_UP, Phase.CLOSED),
    Phase.FOLLOW_UP: (Phase.SETTLEMENT, Phase.CLOSED),
    Phase.CLOSED: (),
}
OPEN_PHASES = [p for p in Phase.values if p != Phase.CLOSED]
# 終結 is reached only through the planning app's closure request approved by the director (終結の決裁).
CLOSE_THROUGH_APPROVAL = "終結は「終結の申請」から申請し、管理者の決裁で行います。"


class ReferralSource(models.TextChoices):
    PROSECUTOR = "prosecutor", "地方検察庁"
    PROBATION = "probation", "保護観察所"
    POLICE = "police", "警察"
    LAWYER = "lawyer", "弁護士・弁護士会"
    CORRECTIONAL = "correctional", "刑務所・矯正施設"
    COURT = "court", "裁判所"
    MUNICIPALITY = "municipality", "市区町村"
    HOSPITAL = "hospital", "病院"
    OTHER_CENTER = "other_center", "他の地域生活定着支援センター"
    SELF_OR_FAMILY = "self_or_family", "本人・家族"
    OTHER = "other", "その他"


class Urgency(models.TextChoices):
    """How fast the center must act, as told at intake (shown beside the release countdown)."""

    NORMAL = "normal", "通常"
    URGENT = "urgent", "急ぎ"
    IMMEDIATE = "immediate", "至急"


class ClosureOutcome(models.TextChoices):
    STABLE = "stable", "地域生活が安定"
    MOVED = "moved", "転居（他地域へ引継ぎ）"
    HOSPITALISED = "hospitalised", "入院"
    DIED = "died", "死亡"
    REOFFENDED = "reoffended", "再犯"
    REFUSED = "refused", "本人の拒否"
    LOST_CONTACT = "lost_contact", "連絡途絶"
    NOT_ELIGIBLE = "not_eligible", "対象外・支援に至らず"
    OTHER = "other", "その他"


SAME_MAIN_AND_SUB_STAFF = "主担当と副担当には別の職員を選んでください。"
FLAG_ALREADY_ACTIVE = "同じ注意事項がすでに有効になっています。"


class Case(CenterOwnedModel, VersionedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases",
                               verbose_name="対象者")
    number = models.CharField("ケース番号", max_length=20)
    kind = models.CharField("支援の種別", max_length=20, choices=CaseKind.choices)
    referral_source = models.CharField("依頼元の種別", max_length=20, choices=ReferralSource.choices)
    referral_agency = models.CharField("依頼元機関", max_length=100, blank=True)
    referral_officer = models.CharField("依頼元担当者", max_length=100, blank=True)
    referral_contact = models.CharField("依頼元連絡先", max_length=100, blank=True)
    referral_date = models.DateField("依頼日")
    expected_release_date = models.DateField("釈放予定日", null=True, blank=True)
    release_place = models.CharField("釈放場所", max_length=100, blank=True)
    start_date = models.DateField("支援開始日", null=True, blank=True)
    end_date = models.DateField("支援終了日", null=True, blank=True)
    phase = models.CharField("段階", max_length=20, choices=Phase.choices, default=Phase.INTAKE)
    urgency = models.CharField("緊急度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    main_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="main_cases", verbose_name="主担当")
    sub_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="sub_cases", verbose_name="副担当")
    closure_outcome = models.CharField("終結理由", max_length=20, choices=ClosureOutcome.choices, blank=True)
    closure_summary = models.TextField("終結時のまとめ", blank=True)
    # A closed case is reopened as a new case of the same person; the old one keeps its history. SET_NULL:
    # purging an old case after its retention period must not be blocked by the newer case.
    previous_case = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="next_cases", verbose_name="前のケース（再開元）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")
    deleted_at = models.DateTimeField("削除日時", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "支援ケース"
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="case_number_unique_per_center"),
            models.CheckConstraint(
                condition=~models.Q(phase="closed") | ~models.Q(closure_outcome=""),
                name="closed_case_has_outcome",
            ),
            # Two people share a case so that it never rests on one; the same person twice hides a missing sub.
            models.CheckConstraint(
                condition=models.Q(main_staff__isnull=True) | models.Q(sub_staff__isnull=True)
                | ~models.Q(main_staff=models.F("sub_staff")),
                name="cases_main_and_sub_staff_differ",
                violation_error_message=SAME_MAIN_AND_SUB_STAFF,
            ),
        ]
        indexes = [models.Index(fields=["center", "phase"]), models.Index(fields=["center", "expected_release_date"])]

    def __str__(self) -> str:
        return f"{self.number}"

    def clean(self) -> None:
        # The same rule as the constraint, keyed by the field so that the form shows it beside 副担当.
        if self.main_staff_id is not None and self.main_staff_id == self.sub_staff_id:
            raise ValidationError({"sub_staff": SAME_MAIN_AND_SUB_STAFF})

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.CLOSED

    @property
    def urgency_applies(self) -> bool:
        """The intake's 急ぎ/至急 concerns securing a place: it is shown until the case leaves 相談受付・調整中."""
        return self.phase in (Phase.INTAKE, Phase.COORDINATING)

    def allowed_next_phases(self) -> list[tuple[str, str]]:
        return [(p, Phase(p).label) for p in PHASE_MOVES[self.phase]]


class CaseNumberCounter(models.Model):
    """The last case number handed out per center and year. `open_case` locks this row, so two cases
    opened at the same moment never get the same number (PostgreSQL runs them in parallel)."""

    center = models.ForeignKey("accounts.Center", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年")
    last = models.PositiveIntegerField("最後の番号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "ケース番号の採番"
        constraints = [models.UniqueConstraint(fields=["center", "year"], name="case_counter_unique_per_year")]


class PhaseTransition(models.Model):
    """Every move of a case between phases: who, when, why. Written only by change_case_phase."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField("変更前", max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField("変更後", max_length=20, choices=Phase.choices)
    changed_at = models.DateTimeField("日時")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="変更者")
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "段階の変更履歴"
        ordering = ["changed_at", "id"]


class CaseFlag(TimeStampedModel):
    """注意事項: shown in the header of every page of the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    label = models.CharField("注意事項", max_length=50)
    instruction = models.CharField("対応上の指示", max_length=300, blank=True)
    exclude_from_statistics = models.BooleanField("統計から除外する", default=False)
    active = models.BooleanField("有効", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "注意事項"
        ordering = ["-active", "id"]
        constraints = [
            # A label shown twice in the case header reads as two warnings; an ended one may be added again.
            models.UniqueConstraint(fields=["case", "label"], condition=models.Q(active=True),
                                    name="cases_one_active_flag_per_label",
                                    violation_error_message=FLAG_ALREADY_ACTIVE),
        ]

    def __str__(self) -> str:
        return self.label


FLAG_SUGGESTIONS = ["接近禁止の相手あり", "意思疎通に配慮", "医療的ケア", "自傷・自殺のおそれ", "暴力の既往",
                    "金銭管理に配慮", "通訳が必要", "単独訪問不可"]
