"""Meetings and team practice: case conferences and their minutes (discussion, decisions, action items), the
weekly case review with the concerns (悩み・課題) staff raise, who is out of the office, and case-study material.

Narratives (discussion, decisions, concerns, ideas, outcomes, material) are encrypted: they speak of persons'
health and justice. Codes, dates and times stay plain for the calendar and the boards.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates, uploads
from yorisoi.common.crypto import EncryptedTextField
from yorisoi.common.dates import format_checked
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField
from yorisoi.procedures.models import private_storage


class MeetingKind(models.TextChoices):
    JOINT = "joint", "合同支援会議"
    CASE_CONFERENCE = "case_conference", "個別ケース会議"
    WEEKLY_REVIEW = "weekly_review", "ケース検討（週次の振り返り）"
    MORNING = "morning", "朝礼・ミーティング"
    EXCHANGE = "exchange", "意見交換会"
    CASE_STUDY = "case_study", "事例検討会"
    TRAINING = "training", "研修・勉強会"


# Kinds that discuss cases with people from outside the center: a case summary may be handed to them.
CONFERENCE_KINDS = (MeetingKind.JOINT, MeetingKind.CASE_CONFERENCE)
# Kinds that usually repeat every week.
RECURRING_KINDS = (MeetingKind.WEEKLY_REVIEW, MeetingKind.MORNING)


class Recurrence(models.TextChoices):
    NONE = "none", "繰り返さない"
    WEEKLY = "weekly", "毎週同じ曜日・時刻"


class Meeting(CenterOwnedModel, VersionedModel):
    """One meeting. A weekly meeting is a series: the first one (`series` empty, `recurrence` weekly) and the
    occurrences generated from it, which point to it through `series`. The minutes (discussion) are fields of
    the meeting; corrections keep the earlier text in the history table."""

    kind = CleanCharField("種類", max_length=20, choices=MeetingKind.choices)
    title = CleanCharField("件名", max_length=200)
    date = dates.DateField("日付", rule=dates.DUE)
    start_time = models.TimeField("開始時刻")
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    place = CleanCharField("場所", max_length=200, blank=True)
    online = models.BooleanField("オンライン", default=False)
    online_note = CleanCharField("オンラインの方法（会議の道具・接続の案内）", max_length=200, blank=True)
    agenda = CleanCharField("議題", max_length=1000, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="meetings",
                                   verbose_name="参加職員")
    contacts = models.ManyToManyField("partners.OrganizationContact", blank=True, related_name="meetings",
                                      verbose_name="外部の参加者")
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="meetings", verbose_name="扱うケース")
    recurrence = CleanCharField("繰り返し", max_length=10, choices=Recurrence.choices, default=Recurrence.NONE)
    series = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences",
                               verbose_name="繰り返しの元の会議")
    discussion = EncryptedTextField("協議の内容", blank=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="記録者")
    minutes_at = dates.DateTimeField("記録日時", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登録者")
    cancelled_at = dates.DateTimeField("中止した日時", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議"
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["center", "date", "start_time"]),
                   models.Index(fields=["center", "kind", "-date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True) | models.Q(end_time__gt=models.F("start_time")),
                name="meetings_meeting_ends_after_start",
                violation_error_message="終了時刻は開始時刻より後にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_checked(self.date)}"

    @property
    def has_minutes(self) -> bool:
        return bool(self.minutes_at)

    @property
    def is_conference(self) -> bool:
        return self.kind in CONFERENCE_KINDS

    @property
    def time_label(self) -> str:
        start = self.start_time.strftime("%H:%M")
        return f"{start}〜{self.end_time:%H:%M}" if self.end_time else f"{start}〜"


def minutes_attachment_path(instance: "MinutesAttachment", filename: str) -> str:
    """A random name: the file name a user chose (it may name a person) never reaches the file system."""
    extension = os.path.splitext(filename)[1].lower()
    return f"meetings/{instance.meeting.center_id}/{uuid.uuid4().hex}{extension}"


class MinutesAttachment(TimeStampedModel):
    """A document attached to the minutes (the handout, a photo of the whiteboard, a partner's paper): PDF, JPEG
    or PNG, checked by content; served only through the download view, which logs each download."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name="会議")
    file = models.FileField("ファイル", storage=private_storage, upload_to=minutes_attachment_path, max_length=200)
    original_name = CleanCharField("ファイル名", max_length=200)
    content_type = CleanCharField("形式", max_length=50)
    size = models.PositiveIntegerField("大きさ（バイト）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="登録者")

    class Meta:
        verbose_name = verbose_name_plural = "議事録の添付ファイル"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        return uploads.size_label(self.size)


class Decision(TimeStampedModel, VersionedModel):
    """A decision of the meeting: the team's (組織としての決定) unless marked as one person's view, with who
    decided (the director or the staff member who confirmed it) and, for an exchange, the agency agreed with."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name="会議")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="ケース")
    text = EncryptedTextField("決定事項")
    is_team_decision = models.BooleanField("チームとしての決定", default=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="決定した人")
    organization = models.ForeignKey("partners.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="合意した機関")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議の決定事項"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"決定事項 {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "未完了"
    DONE = "done", "完了"


class MeetingAction(TimeStampedModel, VersionedModel):
    """Who does what by when, decided at a meeting. It appears in the owner's やること and calendar."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name="会議")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="ケース")
    description = EncryptedTextField("内容")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions",
                              verbose_name="担当")
    due_date = dates.DateField("期限", rule=dates.DUE)
    status = CleanCharField("状況", max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_at = dates.DateTimeField("完了日時", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="完了にした人")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会議で決めた対応"
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_date"])]

    def __str__(self) -> str:
        return f"対応 {self.pk}"


# --- concerns and the weekly review --------------------------------------------------------------------------


class ConcernStatus(models.TextChoices):
    OPEN = "open", "検討中"
    RESOLVED = "resolved", "解決（組織として決定）"


class Concern(CenterOwnedModel, VersionedModel):
    """悩み・課題: a worry about a case put into words early, by anyone; colleagues add ideas; it is resolved
    with a decision recorded as the organisation's."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="concerns", verbose_name="ケース")
    text = EncryptedTextField("悩み・課題（自分の言葉で）")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name="出した人")
    status = CleanCharField("状況", max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    resolution = EncryptedTextField("組織としての決定", blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="決定を記録した人")
    resolved_at = dates.DateTimeField("決定日時", null=True, blank=True)
    resolved_in = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="決定した会議")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "悩み・課題"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"悩み・課題 {self.pk}"


class ConcernIdea(TimeStampedModel):
    """An idea or a viewpoint a colleague adds to a concern (ブレインストーミング)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="ideas", verbose_name="悩み・課題")
    text = EncryptedTextField("アイデア・視点")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="書いた人")

    class Meta:
        verbose_name = verbose_name_plural = "悩み・課題へのアイデア"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"アイデア {self.pk}"


class ReviewOutcome(TimeStampedModel, VersionedModel):
    """What the weekly review concluded about one case (one per case and meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="review_outcomes",
                                verbose_name="会議")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="review_outcomes",
                             verbose_name="ケース")
    outcome = EncryptedTextField("振り返りの結果")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="記録者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "ケース検討の結果"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meetings_one_outcome_per_case")]

    def __str__(self) -> str:
        return f"検討の結果 {self.pk}"


# --- who is out ------------------------------------------------------------------------------------------------


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", "休暇"
    TRIP = "trip", "出張・研修"
    OUT = "out", "外出（直行・直帰）"


class Absence(CenterOwnedModel):
    """A staff member away on a day (the morning board's 不在): leave, a trip or training, out all day."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences",
                              verbose_name="職員")
    date = dates.DateField("日付", rule=dates.DUE)
    kind = CleanCharField("種類", max_length=10, choices=AbsenceKind.choices)
    note = CleanCharField("メモ（午前のみ など）", max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="登録者")

    class Meta:
        verbose_name = verbose_name_plural = "不在の予定"
        ordering = ["date", "staff_id"]
        indexes = [models.Index(fields=["center", "date"])]

    def __str__(self) -> str:
        return f"不在 {format_checked(self.date)}"


class Handout(TimeStampedModel):
    """A case summary handed to an external participant's agency at a meeting: the provision record
    (第三者提供記録) written for it, one per receiving agency."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="handouts", verbose_name="会議")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name="ケース")
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="渡した機関")
    disclosure_record = models.ForeignKey("disclosure.DisclosureRecord", on_delete=models.PROTECT, related_name="+",
                                          verbose_name="第三者提供記録")
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name="渡した職員")

    class Meta:
        verbose_name = verbose_name_plural = "会議資料の提供"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"会議資料の提供 {self.pk}"


class MaterialStatus(models.TextChoices):
    DRAFT = "draft", "下書き（作成者が確認中）"
    RELEASED = "released", "公開（事例検討会で使える）"


class CaseStudyMaterial(CenterOwnedModel, VersionedModel):
    """An anonymised case summary for a 事例検討会: generated as a draft, reviewed and edited by its author, then
    released. Producing it is logged; corrections keep history."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name="ケース")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="materials",
                                verbose_name="事例検討会")
    text = EncryptedTextField("資料の本文（匿名化済み）")
    status = CleanCharField("状況", max_length=10, choices=MaterialStatus.choices, default=MaterialStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="作成者")
    released_at = dates.DateTimeField("公開日時", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "事例検討の資料"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"事例検討の資料 {self.pk}"
