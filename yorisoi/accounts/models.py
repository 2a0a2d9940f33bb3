from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.text import CleanCharField
from yorisoi.privacy.roles import CaseVisibility, Role


class Center(models.Model):
    """A support center: the unit of data isolation. No query ever returns another center's rows."""

    CaseVisibility = CaseVisibility  # the policy's words (privacy.roles); Center.CaseVisibility reads on

    name = CleanCharField("センター名", max_length=100, unique=True)
    prefecture = CleanCharField("都道府県", max_length=4)
    phone = CleanCharField("電話番号", max_length=20, blank=True)
    case_visibility = CleanCharField(
        "ケースの閲覧範囲", max_length=20, choices=CaseVisibility.choices, default=CaseVisibility.ALL_STAFF
    )
    # 公表用の成果報告: counts under this are suppressed (with their complements), so nobody can be singled out.
    publication_threshold = models.PositiveSmallIntegerField(
        "公表用の秘匿の基準（この数未満を秘匿）", default=5,
        validators=[MinValueValidator(2), MaxValueValidator(50)])
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    # The settings page is edited by directors, sometimes two at once: a stale save is refused (common.concurrency).
    version = models.PositiveIntegerField("版", default=1)
    updated_at = dates.DateTimeField("更新日時", null=True, blank=True)
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

    # Django's own text fields, declared again (same columns) so that they clean like every text (common.text).
    username = CleanCharField(
        _("username"), max_length=150, unique=True,
        help_text=_("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
        validators=[AbstractUser.username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    first_name = CleanCharField(_("first name"), max_length=150, blank=True)
    last_name = CleanCharField(_("last name"), max_length=150, blank=True)
    center = models.ForeignKey(
        Center, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="センター"
    )
    role = CleanCharField("役割", max_length=20, choices=Role.choices, default=Role.WORKER)
    display_name = CleanCharField("表示名", max_length=50, blank=True)
    display_name_kana = CleanCharField("表示名（フリガナ）", max_length=50, blank=True)
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

    @classmethod
    def new_trainee_account(cls, *, username: str, center_id: int, name: str) -> "Staff":
        """An unsaved account for a hosted trainee (実習生): inactive until the pledge is on file (office.trainees)."""
        return cls(username=username, center_id=center_id, role=Role.TRAINEE, is_active=False, last_name=name[:150],
                   display_name=f"{name}（実習生）"[:50])

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
