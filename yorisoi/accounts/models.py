from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.privacy.roles import CaseVisibility, Role


class Center(models.Model):
    """A support center: the unit of data isolation. No query ever returns another center's rows."""

    CaseVisibility = CaseVisibility  # the policy's words (privacy.roles); Center.CaseVisibility reads on

    name = models.CharField("センター名", max_length=100, unique=True)
    prefecture = models.CharField("都道府県", max_length=4)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    case_visibility = models.CharField(
        "ケースの閲覧範囲", max_length=20, choices=CaseVisibility.choices, default=CaseVisibility.ALL_STAFF
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    # The settings page is edited by directors, sometimes two at once: a stale save is refused (common.concurrency).
    version = models.PositiveIntegerField("版", default=1)
    updated_at = models.DateTimeField("更新日時", null=True, blank=True)
    updated_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="最終更新者")

    # The settings page (accounts:center_settings) changes name, phone and case visibility: keep who and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "センター"

    def __str__(self) -> str:
        return self.name


class StaffManager(UserManager):
    pass


class Staff(AbstractUser):
    """A staff member of one center. Superusers (system operators) may have no center."""

    center = models.ForeignKey(
        Center, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="センター"
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.WORKER)
    display_name = models.CharField("表示名", max_length=50, blank=True)
    display_name_kana = models.CharField("表示名（フリガナ）", max_length=50, blank=True)
    calendar_shows_names = models.BooleanField("カレンダー配信に氏名を含める", default=False)

    objects = StaffManager()

    class Meta:
        verbose_name = verbose_name_plural = "職員"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=True) | models.Q(center__isnull=False),
                name="staff_has_center_unless_superuser",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def is_worker(self) -> bool:
        return self.role == Role.WORKER

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR
