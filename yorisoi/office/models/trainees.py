"""Hosted trainees (実習生の受け入れ): a trainee from another center gets a time-limited account of this center, with
the signed confidentiality pledge (誓約書) on file, and sees only the cases the director assigns.

The rules are the policy's (privacy/policy: `trainee_in_force`, the trainee branches of `persons_for`/`cases_for`);
these rows are what it reads (named by app label in privacy.roles.SUBJECT_MODELS)."""

import os
import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField
from yorisoi.procedures.models import private_storage


def pledge_path(instance: "Trainee", filename: str) -> str:
    """A random name: the trainee's name or the original file name never reach the file system."""
    extension = os.path.splitext(filename)[1].lower()
    return f"office/trainees/{instance.center_id}/{uuid.uuid4().hex}{extension}"


class Trainee(CenterOwnedModel, VersionedModel):
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainee_record",
                                   verbose_name="実習生のアカウント")
    name = CleanCharField("氏名", max_length=50)
    home_center_name = CleanCharField("所属センター", max_length=150)
    # The directory entry of the home center: a case conference that shows personal data to the trainee writes the
    # provision record (第三者提供記録) to it, as for any external participant's agency.
    home_organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", verbose_name="所属センター（関係機関の名簿）")
    starts_on = dates.DateField("実習の開始日", rule=dates.DUE)
    ends_on = dates.DateField("実習の終了日", rule=dates.DUE,
                              help_text="この日の終わりにアカウントは使えなくなります。")
    purpose = CleanTextField("実習の内容・目的", blank=True)
    pledge_signed_on = dates.DateField("誓約書の署名日", null=True, blank=True)
    pledge_file = models.FileField("誓約書（署名済み）", storage=private_storage, upload_to=pledge_path, max_length=200,
                                   blank=True)
    pledge_file_name = CleanCharField("誓約書のファイル名", max_length=200, blank=True)
    pledge_file_type = CleanCharField("誓約書の形式", max_length=50, blank=True)
    pledge_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+",
                                           verbose_name="誓約書を登録した職員")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")
    ended_at = dates.DateTimeField("終了した日時", null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="終了の処理（空欄は期間の満了）")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "実習生"
        # The end on or after the start is checked by the form and the service, not as a database constraint: an
        # old or spoiled date must never make the row impossible to store (tests/test_bad_stored_dates.py).
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_pledge(self) -> bool:
        return bool(self.pledge_signed_on and self.pledge_file)


class TraineeAssignment(CenterOwnedModel):
    """A case the director lets the trainee read. Revoked rows stay (who could read what, when)."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="assignments",
                                verbose_name="実習生")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="ケース")
    shows_justice = models.BooleanField(
        "司法の情報（事件・前科・処分など）も見せる", default=False,
        help_text="既定では見せません。実習に必要なときだけ選んでください。")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="割り当てた職員")
    revoked_at = dates.DateTimeField("取り消した日時", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="取り消した職員")

    class Meta:
        verbose_name = verbose_name_plural = "実習生に割り当てたケース"
        ordering = ["trainee_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "case"], condition=models.Q(revoked_at__isnull=True),
                                    name="office_one_open_assignment_per_case",
                                    violation_error_message="このケースはすでに割り当てています。"),
        ]

    def __str__(self) -> str:
        return f"割り当て {self.pk}"
