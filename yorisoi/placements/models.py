"""Where a person lives (居所), the calls made to find a bed (受入照会), the services they are connected to
(つなぎ), and the vacancies reported by residential facilities after a phone call.

Rules kept as data or constraints here:
- a person has at most one current placement (no exit date): a partial unique index, on SQLite and PostgreSQL;
- the moves of a service connection's status: `CONNECTION_MOVES`;
- a placement names a directory organization or, when the place is not in the directory, a free-text name;
- an exit date comes with an exit reason, and a reason only with an exit date.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField

# --- placements (居所) ---------------------------------------------------------------------------------


class PlacementKind(models.TextChoices):
    REHABILITATION_FACILITY = "rehabilitation_facility", "更生保護施設"
    SELF_RELIANCE_HOME = "self_reliance_home", "自立準備ホーム"
    FREE_LOW_COST_LODGING = "free_low_cost_lodging", "無料低額宿泊所"
    RELIEF_FACILITY = "relief_facility", "救護施設"
    GROUP_HOME = "group_home", "グループホーム"
    APARTMENT = "apartment", "アパート"
    HOSPITAL = "hospital", "病院"
    OTHER = "other", "その他"


# Directory kinds (partners.OrganizationKind.code) whose placement kind is obvious: the form preselects it.
KIND_FOR_ORGANIZATION_KIND = {
    "rehabilitation_facility": PlacementKind.REHABILITATION_FACILITY,
    "self_reliance_home": PlacementKind.SELF_RELIANCE_HOME,
    "free_low_cost_lodging": PlacementKind.FREE_LOW_COST_LODGING,
    "relief_facility": PlacementKind.RELIEF_FACILITY,
    "hospital": PlacementKind.HOSPITAL,
}


class Funding(models.TextChoices):
    URGENT_PROTECTION = "urgent_protection", "更生緊急保護"
    PUBLIC_ASSISTANCE = "public_assistance", "生活保護"
    SELF_PAY = "self_pay", "自費"
    DISABILITY_WELFARE = "disability_welfare", "障害福祉"
    LONG_TERM_CARE = "long_term_care", "介護保険"
    OTHER = "other", "その他"


class Term(models.TextChoices):
    TEMPORARY = "temporary", "一時的な居所（一時受け入れ）"
    LASTING = "lasting", "継続的な居所（地域での生活の場）"


class ExitReason(models.TextChoices):
    MOVED_ON = "moved_on", "次の居所へ移った"
    PERIOD_ENDED = "period_ended", "期間満了"
    HOSPITALISED = "hospitalised", "入院"
    OWN_WISH = "own_wish", "本人の希望"
    ASKED_TO_LEAVE = "asked_to_leave", "退所を求められた（規則違反など）"
    WENT_MISSING = "went_missing", "所在不明・無断退所"
    ARRESTED = "arrested", "逮捕・再犯"
    DIED = "died", "死亡"
    OTHER = "other", "その他"


EXIT_NEEDS_REASON = "退所日を入力したときは、退所の理由も選んでください。"


class Placement(CenterOwnedModel, VersionedModel):
    """One stay of a person at one place. Current = no exit date; at most one per person (database rule)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placements",
                             verbose_name="支援ケース")
    # Denormalised from the case: the one-current-placement rule is per person, across their cases.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placements",
                               verbose_name="対象者")
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="placements", verbose_name="施設・居所（関係機関）")
    facility_name = CleanCharField("施設・居所の名称（関係機関にないとき）", max_length=200, blank=True)
    kind = CleanCharField("居所の種類", max_length=30, choices=PlacementKind.choices)
    funding = CleanCharField("費用の根拠", max_length=30, choices=Funding.choices)
    term = CleanCharField("一時・継続", max_length=10, choices=Term.choices, default=Term.TEMPORARY)
    entered_on = dates.DateField("入所日・入居日")
    planned_exit_on = dates.DateField("退所予定日", null=True, blank=True, rule=dates.DUE)
    exited_on = dates.DateField("退所日", null=True, blank=True)
    exit_reason = CleanCharField("退所の理由", max_length=20, choices=ExitReason.choices, blank=True)
    exit_notes = CleanTextField("退所の経緯", blank=True)
    notes = CleanTextField("メモ", blank=True)
    # When yorisoi last learned of a change in who lives there (entry, exit, move): a vacancy reported by
    # phone after this moment is newer information than the computed figure (see vacancy.py).
    occupancy_changed_at = dates.DateTimeField("入退所の記録日時")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "居所"
        ordering = ["-entered_on", "-id"]
        indexes = [
            models.Index(fields=["case", "-entered_on"]),
            models.Index(fields=["organization", "exited_on"]),
            models.Index(fields=["center", "exited_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(exited_on__isnull=True),
                                    name="placements_one_current_per_person",
                                    violation_error_message="この対象者にはすでに現在の居所があります。"),
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | ~models.Q(facility_name=""),
                name="placements_placement_names_a_place",
                violation_error_message="施設・居所を関係機関から選ぶか、名称を入力してください。",
            ),
            models.CheckConstraint(
                condition=models.Q(exited_on__isnull=True) | models.Q(exited_on__gte=models.F("entered_on")),
                name="placements_exit_after_entry",
                violation_error_message="退所日は入所日以降の日付にしてください。",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_exit_on__isnull=True)
                | models.Q(planned_exit_on__gte=models.F("entered_on")),
                name="placements_planned_exit_after_entry",
                violation_error_message="退所予定日は入所日以降の日付にしてください。",
            ),
            models.CheckConstraint(
                condition=models.Q(exited_on__isnull=False) | models.Q(exit_reason=""),
                name="placements_exit_reason_needs_exit",
                violation_error_message="退所の理由は退所日と一緒に入力してください。",
            ),
            # The reverse: an exit without a reason leaves the history (and the refusal statistics) blind.
            models.CheckConstraint(
                condition=models.Q(exited_on__isnull=True) | ~models.Q(exit_reason=""),
                name="placements_exit_needs_reason",
                violation_error_message=EXIT_NEEDS_REASON,
            ),
        ]

    def __str__(self) -> str:
        return self.place_name

    @property
    def place_name(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return self.facility_name

    def clean(self) -> None:
        # The same rule as placements_exit_needs_reason, keyed by the field so that a form shows it there.
        if self.exited_on is not None and not self.exit_reason:
            raise ValidationError({"exit_reason": EXIT_NEEDS_REASON})

    @property
    def is_current(self) -> bool:
        return self.exited_on is None


# --- placement inquiries (受入照会) ------------------------------------------------------------------


class InquiryResult(models.TextChoices):
    ACCEPTED = "accepted", "受入可"
    REFUSED = "refused", "受入不可"
    CONSIDERING = "considering", "検討中"
    ON_HOLD = "on_hold", "保留"


class RefusalReason(models.TextChoices):
    FULL = "full", "満床"
    OUT_OF_SCOPE = "out_of_scope", "対象外（年齢・障害・介護度）"
    OFFENCE = "offence", "罪名による"
    MEDICAL_CARE = "medical_care", "医療的ケア"
    SMOKING_DRINKING = "smoking_drinking", "喫煙・飲酒"
    OUT_OF_AREA = "out_of_area", "地域外"
    OTHER = "other", "その他"


# A refusal because of the offence says something about the person's criminal record (要配慮個人情報):
# staff who may not see justice data see it as 「その他」 on a case, and cannot choose it.
JUSTICE_REFUSAL_REASONS = {RefusalReason.OFFENCE}


class Sharing(models.TextChoices):
    """Whether an inquiry or a つなぎ passed the person's data: every one that did has a 第三者提供記録
    (disclosure app); one that did not says so explicitly."""

    UNRECORDED = "", "未記録"
    RECORDED = "recorded", "第三者提供記録あり"
    NONE = "none", "提供なし（口頭・匿名での照会）"


class PlacementInquiry(CenterOwnedModel, VersionedModel):
    """A call (or visit, fax…) to a facility asking whether it can take the person. Every one is kept."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placement_inquiries",
                             verbose_name="支援ケース")
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="placement_inquiries", verbose_name="照会先（関係機関）")
    facility_name = CleanCharField("照会先の名称（関係機関にないとき）", max_length=200, blank=True)
    inquired_at = dates.DateTimeField("照会日時")
    answered_by_contact = models.ForeignKey("partners.OrganizationContact", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+",
                                            verbose_name="回答者（担当者）")
    answered_by = CleanCharField("回答者（名簿にないとき）", max_length=100, blank=True)
    result = CleanCharField("結果", max_length=20, choices=InquiryResult.choices)
    refusal_reason = CleanCharField("断られた理由", max_length=20, choices=RefusalReason.choices, blank=True)
    refusal_detail = CleanTextField("断られた理由の詳細", blank=True)
    notes = CleanTextField("メモ", blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="照会した職員")
    sharing = CleanCharField("個人情報の提供", max_length=10, choices=Sharing.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "受入照会"
        ordering = ["-inquired_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-inquired_at"]),
            models.Index(fields=["organization", "-inquired_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | ~models.Q(facility_name=""),
                name="placements_inquiry_names_a_place",
                violation_error_message="照会先を関係機関から選ぶか、名称を入力してください。",
            ),
            models.CheckConstraint(
                condition=models.Q(result="refused") | models.Q(refusal_reason=""),
                name="placements_refusal_reason_only_when_refused",
                violation_error_message="断られた理由は、結果が「受入不可」のときだけ選んでください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_name} {self.get_result_display()}"

    @property
    def place_name(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return self.facility_name


# --- service connections (つなぎ) --------------------------------------------------------------------


class ServiceKind(models.TextChoices):
    SERVICE_PLAN = "service_plan", "サービス等利用計画（相談支援事業所）"
    COMMUNITY_SUPPORT = "community_support", "地域包括支援センター"
    HELLO_WORK = "hello_work", "ハローワーク"
    COOPERATING_EMPLOYER = "cooperating_employer", "協力雇用主"
    MEDICAL = "medical", "受診（医療機関）"
    NEEDY_SUPPORT = "needy_support", "生活困窮者自立支援"
    OTHER = "other", "その他"


class ConnectionStatus(models.TextChoices):
    REQUESTED = "requested", "依頼"
    COORDINATING = "coordinating", "調整中"
    STARTED = "started", "利用開始"
    FAILED = "failed", "不成立"


# Allowed status moves, as data. 利用開始 is final; a 不成立 may be taken up again (再調整).
CONNECTION_MOVES: dict[str, tuple[str, ...]] = {
    ConnectionStatus.REQUESTED: (ConnectionStatus.COORDINATING, ConnectionStatus.STARTED, ConnectionStatus.FAILED),
    ConnectionStatus.COORDINATING: (ConnectionStatus.STARTED, ConnectionStatus.FAILED),
    ConnectionStatus.STARTED: (),
    ConnectionStatus.FAILED: (ConnectionStatus.COORDINATING,),
}


class ServiceConnection(CenterOwnedModel, VersionedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="service_connections",
                             verbose_name="支援ケース")
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="service_connections", verbose_name="つなぎ先（関係機関）")
    organization_name = CleanCharField("つなぎ先の名称（関係機関にないとき）", max_length=200, blank=True)
    service_kind = CleanCharField("サービスの種類", max_length=30, choices=ServiceKind.choices)
    requested_on = dates.DateField("依頼日")
    status = CleanCharField("状況", max_length=20, choices=ConnectionStatus.choices,
                              default=ConnectionStatus.REQUESTED)
    started_on = dates.DateField("利用開始日", null=True, blank=True)
    failed_on = dates.DateField("不成立の日", null=True, blank=True)
    ended_on = dates.DateField("利用終了日", null=True, blank=True)
    outcome = CleanTextField("経過・結果", blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="担当職員")
    sharing = CleanCharField("個人情報の提供", max_length=10, choices=Sharing.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "つなぎ（サービスへの接続）"
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["case", "-requested_on"]),
            models.Index(fields=["organization", "-requested_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | ~models.Q(organization_name=""),
                name="placements_connection_names_a_place",
                violation_error_message="つなぎ先を関係機関から選ぶか、名称を入力してください。",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="started") | models.Q(started_on__isnull=False),
                name="placements_started_connection_has_start",
                violation_error_message="利用開始のときは利用開始日を入力してください。",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | (models.Q(started_on__isnull=False) & models.Q(ended_on__gte=models.F("started_on"))),
                name="placements_connection_end_after_start",
                violation_error_message="利用終了日は利用開始日以降の日付にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_kind_display()} {self.place_name}"

    @property
    def place_name(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return self.organization_name

    def allowed_next_statuses(self) -> list[tuple[str, str]]:
        return [(s, ConnectionStatus(s).label) for s in CONNECTION_MOVES[self.status]]


class ConnectionStatusChange(models.Model):
    """Every move of a service connection between statuses: who, when, on what date, why."""

    connection = models.ForeignKey(ServiceConnection, on_delete=models.CASCADE, related_name="status_changes")
    from_status = CleanCharField("変更前", max_length=20, choices=ConnectionStatus.choices, blank=True)
    to_status = CleanCharField("変更後", max_length=20, choices=ConnectionStatus.choices)
    on = dates.DateField("日付")
    note = CleanCharField("補足", max_length=300, blank=True)
    changed_at = dates.DateTimeField("記録日時")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="記録者")

    class Meta:
        verbose_name = verbose_name_plural = "つなぎの状況の変更"
        ordering = ["changed_at", "id"]


# --- vacancies (空き状況) ------------------------------------------------------------------------------


class ReportMethod(models.TextChoices):
    PHONE = "phone", "電話"
    WRITTEN = "written", "書面（FAX・メール・文書）"


class VacancyReport(CenterOwnedModel):
    """The number of free places a facility gave on the phone or in writing, with when and who. Reports are
    never edited: a new call is a new report, so the list is the facility's vacancy history."""

    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT,
                                     related_name="vacancy_reports", verbose_name="施設")
    vacancies = models.PositiveSmallIntegerField("空き（人数）")
    method = CleanCharField("確認の方法", max_length=10, choices=ReportMethod.choices, default=ReportMethod.PHONE)
    reported_at = dates.DateTimeField("確認日時")
    answered_by = CleanCharField("先方の回答者", max_length=100, blank=True)
    note = CleanCharField("メモ", max_length=300, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name="確認した職員")

    class Meta:
        verbose_name = verbose_name_plural = "空き状況の確認"
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["organization", "-reported_at"])]

    def __str__(self) -> str:
        return f"{self.vacancies}"

    @property
    def method_label(self) -> str:
        """「電話確認」 / 「書面確認」: how the figure was confirmed, in a few characters."""
        return "書面確認" if self.method == ReportMethod.WRITTEN else "電話確認"
