"""Crisis management (危機管理): devices and who holds them, paper case files and their custody, incidents
(a lost phone, a misdirected fax…) with the remote wipe, the notifications and the report to the 個人情報保護委員会,
and the office's lock checks."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel, TimeStampedModel, VersionedModel
from yorisoi.common.text import CleanCharField, CleanTextField


class DeviceKind(models.TextChoices):
    PHONE = "phone", "携帯電話・スマートフォン"
    PC = "pc", "パソコン"
    TABLET = "tablet", "タブレット"
    STORAGE = "storage", "記録媒体（USBメモリ等）"


class Device(CenterOwnedModel, VersionedModel):
    kind = CleanCharField("種類", max_length=20, choices=DeviceKind.choices)
    label = CleanCharField("名称・管理番号", max_length=50, help_text="例：携帯3号、PC-02")
    model_name = CleanCharField("機種", max_length=100, blank=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="devices", verbose_name="使用者")
    screen_lock = models.BooleanField("画面ロックを設定済み", default=False)
    encrypted = models.BooleanField("暗号化済み", default=False)
    remote_wipe = models.BooleanField("遠隔消去ができる", default=False)
    retired_on = dates.DateField("廃棄・返却日", null=True, blank=True)
    note = CleanTextField("備考", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "端末・記録媒体"
        ordering = ["retired_on", "kind", "label", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"

    @property
    def is_secured(self) -> bool:
        return self.screen_lock and self.encrypted


class PaperFile(CenterOwnedModel):
    """A paper case file of one person, kept in a locked cabinet."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="対象者")
    label = CleanCharField("ファイル名・番号", max_length=50)
    cabinet = CleanCharField("保管場所（キャビネット）", max_length=50, help_text="例：相談室 書庫A-2段")
    disposed_on = dates.DateField("廃棄日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "紙のケースファイル"
        ordering = ["cabinet", "label", "id"]

    def __str__(self) -> str:
        return self.label


class CheckoutStatus(models.TextChoices):
    IN_CABINET = "in", "キャビネット内"
    OUT = "out", "持ち出し中"


class FileCheckout(TimeStampedModel):
    paper_file = models.ForeignKey(PaperFile, on_delete=models.CASCADE, related_name="checkouts",
                                   verbose_name="ファイル")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="持ち出した職員")
    taken_at = dates.DateTimeField("持ち出し日時")
    purpose = CleanCharField("用途", max_length=200, blank=True)
    returned_at = dates.DateTimeField("返却日時", null=True, blank=True)
    returned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="返却を確認した職員")

    class Meta:
        verbose_name = verbose_name_plural = "紙ファイルの持ち出し"
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["paper_file"], condition=models.Q(returned_at__isnull=True),
                                    name="office_one_open_checkout_per_file"),
        ]

    def __str__(self) -> str:
        return f"持ち出し {self.pk}"


class IncidentKind(models.TextChoices):
    LOST_DEVICE = "lost_device", "端末・記録媒体の紛失"
    STOLEN_DEVICE = "stolen_device", "端末・記録媒体の盗難"
    LOST_FILE = "lost_file", "紙の書類の紛失"
    MISDIRECTED_FAX = "misdirected_fax", "FAXの誤送信"
    MISDIRECTED_MAIL = "misdirected_mail", "郵便・メールの誤送付"
    MISTAKEN_DISCLOSURE = "mistaken_disclosure", "誤った開示・交付"
    UNAUTHORISED_ACCESS = "unauthorised_access", "不正アクセス"
    OTHER = "other", "その他"


DEVICE_KINDS = (IncidentKind.LOST_DEVICE, IncidentKind.STOLEN_DEVICE)
# 施行規則7条3号: 不正の目的をもって行われたおそれ (theft, unauthorised access): the final report is due in 60 days.
MALICIOUS_KINDS = (IncidentKind.STOLEN_DEVICE, IncidentKind.UNAUTHORISED_ACCESS)


class Incident(CenterOwnedModel):
    """A leak or possible leak of personal data (漏えい等). The persons who may be affected are derived from yorisoi's
    own data when the incident is reported (selectors.derive_affected_persons) and kept here, so that the list
    answers for what was known then."""

    kind = CleanCharField("種類", max_length=30, choices=IncidentKind.choices)
    occurred_at = dates.DateTimeField("発生日時（分かる範囲で）", null=True, blank=True)
    discovered_at = dates.DateTimeField("発覚した日時（知った日時）")
    description = CleanTextField("何が起きたか")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents",
                               verbose_name="端末・記録媒体")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="担当していた職員",
                               help_text="この職員が担当するケースの対象者を、影響を受けうる人として挙げます。")
    paper_file = models.ForeignKey(PaperFile, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="incidents", verbose_name="紙のケースファイル")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="誤送付・誤開示した書類の対象者")
    affected_persons = models.ManyToManyField("people.Person", blank=True, related_name="+",
                                              verbose_name="影響を受けうる対象者")
    sensitive_data = models.BooleanField(
        "要配慮個人情報（犯罪の経歴・障害・病歴など）を含む", default=True,
        help_text="センターの対象者の記録は、ほとんどの場合、要配慮個人情報を含みます。")
    malicious = models.BooleanField("不正の目的によるおそれがある（盗難・不正アクセスなど）", default=False)
    wipe_requested_at = dates.DateTimeField("遠隔消去を指示した日時", null=True, blank=True)
    wipe_done_at = dates.DateTimeField("遠隔消去が完了した日時", null=True, blank=True)
    wipe_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="遠隔消去を行った職員")
    wipe_confirmed = models.BooleanField("消去の完了を管理画面等で確認した", default=False)
    preliminary_reported_on = dates.DateField("速報を提出した日", null=True, blank=True)
    final_reported_on = dates.DateField("確報を提出した日", null=True, blank=True)
    closed_on = dates.DateField("対応を終えた日", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="報告者")

    class Meta:
        verbose_name = verbose_name_plural = "インシデント"
        ordering = ["-discovered_at", "-id"]

    def __str__(self) -> str:
        return f"インシデント {self.pk}"

    @property
    def is_device_incident(self) -> bool:
        return self.kind in DEVICE_KINDS


class NotificationMethod(models.TextChoices):
    IN_PERSON = "in_person", "面談"
    PHONE = "phone", "電話"
    LETTER = "letter", "書面"
    THROUGH_SUPPORTER = "supporter", "支援者を通じて"
    NOT_POSSIBLE = "not_possible", "通知が困難（公表等で代替）"


class IncidentNotification(TimeStampedModel):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications",
                                 verbose_name="インシデント")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="対象者")
    notified_on = dates.DateField("通知した日")
    method = CleanCharField("方法", max_length=20, choices=NotificationMethod.choices)
    note = CleanCharField("備考", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="記録者")

    class Meta:
        verbose_name = verbose_name_plural = "本人への通知"
        ordering = ["notified_on", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "person"], name="office_one_notice_per_person")]

    def __str__(self) -> str:
        return f"通知 {self.pk}"


class OfficeCheck(CenterOwnedModel):
    """The end-of-day checklist: office locked, cabinets locked, PCs stored, no media left out."""

    date = dates.DateField("点検日")
    office_locked = models.BooleanField("事務所の施錠", default=False)
    cabinets_locked = models.BooleanField("書庫・キャビネットの施錠", default=False)
    pcs_stored = models.BooleanField("パソコンの保管（施錠できる場所へ）", default=False)
    no_media_left = models.BooleanField("机上に書類・記録媒体が残っていない", default=False)
    note = CleanCharField("気づいたこと", max_length=200, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="点検者")

    class Meta:
        verbose_name = verbose_name_plural = "施錠点検"
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["center", "date"], name="office_one_check_per_day")]

    def __str__(self) -> str:
        return f"施錠点検 {self.pk}"

    @property
    def all_ok(self) -> bool:
        return self.office_locked and self.cabinets_locked and self.pcs_stored and self.no_media_left
