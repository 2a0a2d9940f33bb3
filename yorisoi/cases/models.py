from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField


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
    PAUSED = "paused", "休止"
    CLOSED = "closed", "終結"


# Allowed phase moves, as data. Any open phase may close; a closed case is reopened as a new case. 休止 is
# entered from PAUSABLE_PHASES and left to the phase it was paused from through their own services
# (pause_case, resume_case); from 休止 the ordinary moves allow only closing.
PHASE_MOVES: dict[str, tuple[str, ...]] = {
    Phase.INTAKE: (Phase.COORDINATING, Phase.CLOSED),
    Phase.COORDINATING: (Phase.INTAKE, Phase.TEMPORARY_PLACEMENT, Phase.SETTLEMENT, Phase.CLOSED),
    Phase.TEMPORARY_PLACEMENT: (Phase.COORDINATING, Phase.SETTLEMENT, Phase.CLOSED),
    Phase.SETTLEMENT: (Phase.TEMPORARY_PLACEMENT, Phase.FOLLOW_UP, Phase.CLOSED),
    Phase.FOLLOW_UP: (Phase.SETTLEMENT, Phase.CLOSED),
    Phase.PAUSED: (Phase.CLOSED,),
    Phase.CLOSED: (),
}
PAUSABLE_PHASES = (Phase.INTAKE, Phase.COORDINATING, Phase.TEMPORARY_PLACEMENT, Phase.SETTLEMENT, Phase.FOLLOW_UP)
OPEN_PHASES = [p for p in Phase.values if p != Phase.CLOSED]
# Open and not paused: the cases being worked on (a paused one is counted apart).
ACTIVE_PHASES = [p for p in OPEN_PHASES if p != Phase.PAUSED]
# 終結 is reached only through the planning app's closure request approved by the director (終結の決裁).
CLOSE_THROUGH_APPROVAL = "終結は「終結の申請」から申請し、管理者の決裁で行います。"
# 休止 is entered and left with its own form, which records the reason and the next attempt to reach the person.
PAUSE_THROUGH_FORM = "休止は「休止にする」から、再開は「支援を再開する」から行います。"


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


class CoordinationType(models.TextChoices):
    """The duty a case is counted under in the statistics (the counting rule in reports/counting.py)."""

    SPECIAL = "special", "特別調整"
    GENERAL = "general", "一般調整"
    SUSPECT = "suspect", "被疑者等支援"
    OTHER = "other", "その他"


class JusticeStage(models.TextChoices):
    """Where the person stood in the justice process when the center was asked (kept per case)."""

    UNKNOWN = "", "不明"
    SUSPECT = "suspect", "被疑者"
    DEFENDANT = "defendant", "被告人"
    INMATE = "inmate", "受刑中"
    PAROLEE = "parolee", "仮釈放中"
    RELEASED = "released", "釈放後"
    OTHER = "other", "その他"


class Disposition(models.TextChoices):
    UNKNOWN = "", "不明・未定"
    NOT_PROSECUTED = "not_prosecuted", "不起訴"
    SUSPENDED_PROSECUTION = "suspended_prosecution", "起訴猶予"
    SUMMARY = "summary", "略式命令"
    JUDGMENT = "judgment", "判決"
    RELEASE_EXPIRY = "release_expiry", "満期釈放"
    PAROLE = "parole", "仮釈放"
    OTHER = "other", "その他"


class SentenceType(models.TextChoices):
    NONE = "", "なし・不明"
    IMPRISONMENT = "imprisonment", "拘禁刑"
    SUSPENDED = "suspended", "執行猶予"
    SUSPENDED_PROBATION = "suspended_probation", "保護観察付執行猶予"
    FINE = "fine", "罰金・科料"
    SUSPENDED_PROSECUTION = "suspended_prosecution", "起訴猶予"
    NOT_PROSECUTED = "not_prosecuted", "不起訴"
    OTHER = "other", "その他"


class FundingProgramme(models.Model):
    """What a case is done under: the center's own duty (業務委託) or a programme with its own period (a model
    project). Each center has one own-duty row (made by the data migration or when the first case is opened)."""

    center = models.ForeignKey("accounts.Center", on_delete=models.CASCADE, related_name="+")
    name = CleanCharField("事業の名前", max_length=100)
    is_own_duty = models.BooleanField("センターの本来業務", default=False)
    starts_on = dates.DateField("開始日", null=True, blank=True)
    ends_on = dates.DateField("終了日", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "事業（財源）"
        ordering = ["-is_own_duty", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["center"], condition=models.Q(is_own_duty=True),
                                    name="cases_one_own_duty_per_center"),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True) | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="cases_programme_ends_after_start",
                violation_error_message="終了日は開始日以降の日付にしてください。"),
        ]

    def __str__(self) -> str:
        return self.name


OWN_DUTY_NAME = "地域生活定着促進事業（本来業務）"

SAME_MAIN_AND_SUB_STAFF = "主担当と副担当には別の職員を選んでください。"
FLAG_ALREADY_ACTIVE = "同じ注意事項がすでに有効になっています。"


class Case(CenterOwnedModel, VersionedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases",
                               verbose_name="対象者")
    number = CleanCharField("ケース番号", max_length=20)
    kind = CleanCharField("支援の種別", max_length=20, choices=CaseKind.choices)
    referral_source = CleanCharField("依頼元の種別", max_length=20, choices=ReferralSource.choices)
    referral_agency = CleanCharField("依頼元機関", max_length=100, blank=True)
    referral_officer = CleanCharField("依頼元担当者", max_length=100, blank=True)
    referral_contact = CleanCharField("依頼元連絡先", max_length=100, blank=True)
    referral_date = dates.DateField("依頼日")
    expected_release_date = dates.DateField("釈放予定日", null=True, blank=True, rule=dates.RELEASE)
    # Kept apart from the expected date, which moves: "days from release to placement" needs the real one.
    actual_release_date = dates.DateField("実際の釈放日", null=True, blank=True)
    release_place = CleanCharField("釈放場所", max_length=100, blank=True)
    start_date = dates.DateField("支援開始日", null=True, blank=True)
    end_date = dates.DateField("支援終了日", null=True, blank=True)
    phase = CleanCharField("段階", max_length=20, choices=Phase.choices, default=Phase.INTAKE)
    urgency = CleanCharField("緊急度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    main_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="main_cases", verbose_name="主担当")
    sub_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="sub_cases", verbose_name="副担当")
    closure_outcome = CleanCharField("終結理由", max_length=20, choices=ClosureOutcome.choices, blank=True)
    closure_summary = CleanTextField("終結時のまとめ", blank=True)
    # A closed case is reopened as a new case of the same person; the old one keeps its history. SET_NULL:
    # purging an old case after its retention period must not be blocked by the newer case.
    # statistics: the duty, the programme and a snapshot of the justice situation of THIS case (the person's
    # face sheet holds only the current value, overwritten across cases)
    coordination_type = CleanCharField("調整の種別", max_length=10, choices=CoordinationType.choices,
                                       default=CoordinationType.OTHER)
    funding_programme = models.ForeignKey(FundingProgramme, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="cases", verbose_name="事業（財源）")
    justice_stage = CleanCharField("依頼時の司法上の段階", max_length=20, choices=JusticeStage.choices, blank=True)
    disposition = CleanCharField("処分", max_length=30, choices=Disposition.choices, blank=True)
    disposition_date = dates.DateField("処分日", null=True, blank=True)
    sentence_type = CleanCharField("刑の種類", max_length=30, choices=SentenceType.choices, blank=True)
    previous_case = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="next_cases", verbose_name="前のケース（再開元）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")
    deleted_at = dates.DateTimeField("削除日時", null=True, blank=True)

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


class PauseReason(models.TextChoices):
    LOST_CONTACT = "lost_contact", "連絡途絶"
    DECLINED = "declined", "本人が今は支援を望まない"
    OTHER = "other", "その他"


class CasePause(models.Model):
    """休止: a case kept open while the person cannot be reached or declines for now, instead of closing it.
    Entered and left through cases.services.pause_case / resume_case, which record the phase moves."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses", verbose_name="支援ケース")
    from_phase = CleanCharField("休止前の段階", max_length=20, choices=Phase.choices)
    reason_kind = CleanCharField("休止の理由", max_length=20, choices=PauseReason.choices)
    reason = CleanTextField("理由の詳細", blank=True)
    next_attempt_on = dates.DateField("次に連絡を試みる日")
    paused_at = dates.DateTimeField("休止した日時")
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="休止した職員")
    ended_at = dates.DateTimeField("休止を終えた日時", null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="休止を終えた職員")
    end_note = CleanTextField("再開・終結の経緯", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "休止"
        ordering = ["-paused_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(ended_at__isnull=True),
                                    name="cases_one_open_pause"),
        ]

    def __str__(self) -> str:
        return f"休止（{self.get_reason_kind_display()}）"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "電話"
    VISIT = "visit", "訪問"
    LETTER = "letter", "手紙"
    THROUGH_AGENCY = "agency", "関係機関を通じて"
    OTHER = "other", "その他"


class ContactAttempt(models.Model):
    """One try to reach the person of a paused case (再連絡): when, how, whether they were reached."""

    pause = models.ForeignKey(CasePause, on_delete=models.CASCADE, related_name="attempts", verbose_name="休止")
    attempted_on = dates.DateField("試みた日")
    method = CleanCharField("方法", max_length=20, choices=ContactMethod.choices)
    reached = models.BooleanField("本人と連絡がとれた", default=False)
    note = CleanTextField("結果・様子", blank=True)
    recorded_at = dates.DateTimeField("記録日時")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="記録者")

    class Meta:
        verbose_name = verbose_name_plural = "再連絡の記録"
        ordering = ["-attempted_on", "-id"]

    def __str__(self) -> str:
        return f"再連絡（{self.get_method_display()}）"


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
    from_phase = CleanCharField("変更前", max_length=20, choices=Phase.choices, blank=True)
    to_phase = CleanCharField("変更後", max_length=20, choices=Phase.choices)
    changed_at = dates.DateTimeField("日時")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="変更者")
    reason = CleanTextField("理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "段階の変更履歴"
        ordering = ["changed_at", "id"]


class CaseFlag(TimeStampedModel):
    """注意事項: shown in the header of every page of the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    label = CleanCharField("注意事項", max_length=50)
    instruction = CleanCharField("対応上の指示", max_length=300, blank=True)
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
