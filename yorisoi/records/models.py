from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.dates import format_checked_datetime
from yorisoi.common.models import CenterOwnedModel, VersionedModel
from yorisoi.common.text import CleanCharField


class ActivityKind(models.TextChoices):
    INTERVIEW = "interview", "面接"
    PHONE = "phone", "電話"
    VISIT = "visit", "訪問"
    ACCOMPANY = "accompany", "同行"
    MEETING = "meeting", "会議"
    LIAISON = "liaison", "連絡調整"
    PAPERWORK = "paperwork", "書類作成"
    OTHER = "other", "その他"


# One record is one contact or task: more than a day (24 hours) is a typing error, not a long meeting.
MINUTES_MAX = 1440
MINUTES_RANGE_MESSAGE = "所要時間は0分から1440分（24時間）までの間で入力してください。"


class Activity(CenterOwnedModel, VersionedModel):
    """支援経過記録. The narrative is encrypted; corrections keep earlier text in the history table."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="activities",
                             verbose_name="支援ケース")
    # Denormalised from the case so that the person's timeline is one indexed query.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="activities",
                               verbose_name="対象者")
    occurred_at = dates.DateTimeField("日時")
    kind = CleanCharField("種別", max_length=20, choices=ActivityKind.choices)
    counterpart = CleanCharField("相手方（機関・人）", max_length=100, blank=True)
    # The directory's organization the 相手方 names (partners.selectors.organization_named_in), set by the
    # services when the record is written: dates of last contact are then an indexed lookup, not a text search.
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, editable=False,
                                     on_delete=models.SET_NULL, related_name="+", verbose_name="相手方の機関")
    narrative = EncryptedTextField("内容")
    # The validators put the message beside the field; the constraint below refuses rows written around them.
    minutes = models.PositiveIntegerField(
        "所要時間（分）", null=True, blank=True,
        validators=[MinValueValidator(0, MINUTES_RANGE_MESSAGE), MaxValueValidator(MINUTES_MAX, MINUTES_RANGE_MESSAGE)],
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="activities", verbose_name="記録者")
    deleted_at = dates.DateTimeField("削除日時", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "支援経過記録"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-occurred_at"]),
            models.Index(fields=["person", "-occurred_at"]),
            models.Index(fields=["center", "author", "-occurred_at"]),
            # The center's recent records (home, records list): ORDER BY occurred_at DESC, id DESC LIMIT n.
            models.Index(fields=["center", "-occurred_at", "-id"], name="records_center_recent_idx"),
            # An organization's last contact (partners' "not contacted for a while"): the newest live record naming
            # it at the center, read as the first entry of this index. With (organization) alone the planner
            # combined it with the center index and sorted every record of the organization (12 s at 300,000
            # persons): it does not know that an organization's records are all of one center.
            models.Index(fields=["organization", "center", "-occurred_at"], condition=models.Q(deleted_at__isnull=True),
                         name="records_org_last_contact_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__isnull=True) | models.Q(minutes__gte=0, minutes__lte=MINUTES_MAX),
                name="records_activity_minutes_within_a_day",
                violation_error_message=MINUTES_RANGE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_checked_datetime(self.occurred_at)}"
