"""Staff development (人材育成): the annual training plan, trainings attended (OJT at another center, OFF-JT, in-house)
and trainings the center runs for partners, with the agencies that took part."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel
from yorisoi.common.text import CleanCharField, CleanTextField


class TrainingKind(models.TextChoices):
    OJT_OTHER_CENTER = "ojt", "OJT（他センターでの実習）"
    OFF_JT = "off_jt", "OFF-JT（ブロック研修・外部研修）"
    IN_HOUSE = "in_house", "所内研修"
    FOR_PARTNERS = "for_partners", "関係機関向けの研修（センターが実施）"


class TrainingPlanItem(CenterOwnedModel):
    fiscal_year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000),
                                                                     MaxValueValidator(2100)])
    kind = CleanCharField("種類", max_length=20, choices=TrainingKind.choices)
    title = CleanCharField("研修の名称・内容", max_length=200)
    planned_month = models.PositiveSmallIntegerField("予定の月", null=True, blank=True,
                                                     validators=[MinValueValidator(1), MaxValueValidator(12)])
    target = CleanCharField("対象", max_length=100, blank=True, help_text="例：相談員全員、新任の相談員")

    class Meta:
        verbose_name = verbose_name_plural = "研修計画"
        # an item without a month comes after the planned ones on SQLite as on PostgreSQL
        ordering = ["fiscal_year", models.F("planned_month").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return self.title


class Training(CenterOwnedModel):
    kind = CleanCharField("種類", max_length=20, choices=TrainingKind.choices)
    title = CleanCharField("研修の名称", max_length=200)
    host = CleanCharField("主催・実習先", max_length=150, blank=True)
    start_on = dates.DateField("開始日")
    end_on = dates.DateField("終了日", null=True, blank=True)
    hours = models.DecimalField("時間数", max_digits=5, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(0), MaxValueValidator(500)])
    attendees = models.ManyToManyField("office.StaffMember", blank=True, related_name="trainings",
                                       verbose_name="受講した職員")
    learned = CleanTextField("学んだこと", blank=True)
    changes = CleanTextField("その後に変えたこと・活かしたこと", blank=True)
    plan_item = models.ForeignKey(TrainingPlanItem, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="trainings", verbose_name="研修計画の項目")
    outreach = models.ForeignKey("partners.Outreach", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="広報・連携活動の記録")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="記録者")

    class Meta:
        verbose_name = verbose_name_plural = "研修"
        ordering = ["-start_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PartnerParticipation(TimeStampedModel):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participations",
                                 verbose_name="研修")
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="参加した機関")
    participants = models.PositiveSmallIntegerField("参加人数", validators=[MaxValueValidator(999)])

    class Meta:
        verbose_name = verbose_name_plural = "関係機関向け研修の参加機関"
        ordering = ["training_id", "id"]
        constraints = [models.UniqueConstraint(fields=["training", "organization"],
                                               name="office_one_participation_per_agency")]

    def __str__(self) -> str:
        return f"参加 {self.pk}"
