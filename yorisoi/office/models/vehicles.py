"""Vehicles: the registry, statutory inspections (車検) and periodic checks, insurance, the trip log (運行表)
with the alcohol checks, and accidents and near misses."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField

ODOMETER_MAX = 9_999_999


class Vehicle(CenterOwnedModel, VersionedModel):
    name = CleanCharField("車両名", max_length=50, help_text="例：1号車（白の軽自動車）")
    registration_number = CleanCharField("登録番号（ナンバー）", max_length=30)
    model_name = CleanCharField("車種", max_length=50, blank=True)
    business_use = models.BooleanField(
        "業務用車両（運転前後のアルコールチェックが必要）", default=True,
        help_text="センターの業務に使う車両です。運行のたびに運転前と運転後の確認を記録します。")
    inspection_due = dates.DateField("車検の満了日", null=True, blank=True, rule=dates.DUE)
    periodic_check_due = dates.DateField("次の定期点検日", null=True, blank=True, rule=dates.DUE)
    insurance_company = CleanCharField("任意保険の保険会社", max_length=100, blank=True)
    insurance_policy_number = CleanCharField("証券番号", max_length=50, blank=True)
    insurance_until = dates.DateField("保険の満了日", null=True, blank=True, rule=dates.DUE)
    retired_on = dates.DateField("使用終了日", null=True, blank=True)
    note = CleanTextField("備考", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "車両"
        ordering = ["retired_on", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.registration_number}）"


class CheckKind(models.TextChoices):
    INSPECTION = "inspection", "車検"
    PERIODIC = "periodic", "定期点検"
    OTHER = "other", "その他の点検・整備"


class VehicleCheck(TimeStampedModel):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="checks", verbose_name="車両")
    kind = CleanCharField("種類", max_length=20, choices=CheckKind.choices)
    done_on = dates.DateField("実施日")
    next_due = dates.DateField("次回の期限", null=True, blank=True, rule=dates.DUE)
    done_by = CleanCharField("実施した事業者", max_length=100, blank=True)
    result = CleanTextField("結果・整備の内容", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="記録者")

    class Meta:
        verbose_name = verbose_name_plural = "車両の点検"
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.vehicle_id}"


class AlcoholResult(models.TextChoices):
    NONE = "none", "酒気帯びなし"
    DETECTED = "detected", "酒気帯びあり"


class AlcoholMethod(models.TextChoices):
    DETECTOR_FACE = "detector_face", "アルコール検知器・対面"
    DETECTOR_REMOTE = "detector_remote", "アルコール検知器・電話やビデオ通話"


class Trip(CenterOwnedModel, VersionedModel):
    """One line of the 運行表. The odometer never goes backwards: a trip starts at or after the end of the
    vehicle's previous trip (checked in the service, against the trip before it in date order)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="trips", verbose_name="車両")
    driver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trips",
                               verbose_name="運転者")
    date = dates.DateField("運行日")
    departed_at = models.TimeField("出発時刻", null=True, blank=True)
    returned_at = models.TimeField("帰着時刻", null=True, blank=True)
    purpose = CleanCharField("用務", max_length=200)
    destination = CleanCharField("行き先", max_length=200)
    odometer_start = models.PositiveIntegerField("出発時の走行距離計（km）")
    odometer_end = models.PositiveIntegerField("帰着時の走行距離計（km）")
    pre_check_result = CleanCharField("運転前の確認", max_length=20, choices=AlcoholResult.choices, blank=True)
    pre_check_method = CleanCharField("運転前の確認の方法", max_length=20, choices=AlcoholMethod.choices, blank=True)
    pre_checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="運転前の確認者")
    post_check_result = CleanCharField("運転後の確認", max_length=20, choices=AlcoholResult.choices, blank=True)
    post_check_method = CleanCharField("運転後の確認の方法", max_length=20, choices=AlcoholMethod.choices, blank=True)
    post_checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="運転後の確認者")
    # The accompaniment (同行支援) the trip served: reached through the policy when recorded and when shown.
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="同行支援のケース")
    activity = models.ForeignKey("records.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="同行支援の記録")
    note = CleanTextField("備考", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="記録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "運行の記録"
        ordering = ["-date", "-odometer_start", "-id"]
        indexes = [models.Index(fields=["vehicle", "date", "odometer_start"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(odometer_end__gte=models.F("odometer_start")),
                                   name="office_trip_odometer_forward",
                                   violation_error_message="帰着時の距離計は出発時の距離計以上の値にしてください。"),
            models.CheckConstraint(condition=models.Q(odometer_end__lte=ODOMETER_MAX),
                                   name="office_trip_odometer_max",
                                   violation_error_message="距離計の値が大きすぎます。"),
        ]

    def __str__(self) -> str:
        return f"運行 {self.pk}"

    @property
    def distance(self) -> int:
        return self.odometer_end - self.odometer_start

    @property
    def checks_complete(self) -> bool:
        return bool(self.pre_check_result and self.pre_checker_id and self.post_check_result
                    and self.post_checker_id)


class VehicleEventKind(models.TextChoices):
    ACCIDENT = "accident", "事故"
    NEAR_MISS = "near_miss", "ヒヤリハット"


class VehicleEvent(CenterOwnedModel):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="events", verbose_name="車両")
    trip = models.ForeignKey(Trip, null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
                             verbose_name="運行")
    kind = CleanCharField("種類", max_length=20, choices=VehicleEventKind.choices)
    occurred_at = dates.DateTimeField("日時")
    place = CleanCharField("場所", max_length=200, blank=True)
    description = CleanTextField("状況")
    follow_up = CleanTextField("その後の対応・再発防止", blank=True)
    follow_up_done_on = dates.DateField("対応の完了日", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="報告者")

    class Meta:
        verbose_name = verbose_name_plural = "事故・ヒヤリハット"
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
