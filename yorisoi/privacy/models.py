from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from yorisoi.common import dates
from yorisoi.common.text import CleanCharField, CleanTextField


class AccessAction(models.TextChoices):
    VIEW = "view", "閲覧"
    CREATE = "create", "登録"
    UPDATE = "update", "更新"
    DELETE = "delete", "削除"
    SEARCH = "search", "検索"
    PRINT = "print", "印刷"
    DOWNLOAD = "download", "ダウンロード"
    EXPORT = "export", "エクスポート"
    PROVIDE = "provide", "情報提供"
    RESTORE = "restore", "復元"
    BREAK_GLASS = "break_glass", "緊急閲覧"
    DENIED = "denied", "拒否"
    LOGIN = "login", "ログイン"
    LOGIN_FAILED = "login_failed", "ログイン失敗"
    LOGOUT = "logout", "ログアウト"
    ANONYMISE = "anonymise", "匿名化"


class AccessLog(models.Model):
    """Append-only access log. Each row's hash covers its content and the previous row's hash in the chain of its
    center (rows without a center have a chain of their own), so a changed or removed row breaks that chain
    (`manage.py audit_verify`). Rows are never updated. Rows written before the log was split per center keep
    their single chain: see privacy/audit.py."""

    at = dates.DateTimeField("日時", db_index=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="職員", db_index=False)  # see accesslog_staff_at
    username = CleanCharField("ユーザー名", max_length=150, blank=True)
    center_id_value = models.BigIntegerField("センターID", null=True, blank=True)
    action = CleanCharField("操作", max_length=20, choices=AccessAction.choices)
    object_type = CleanCharField("対象の種類", max_length=40, blank=True)
    object_id = models.BigIntegerField("対象ID", null=True, blank=True)
    person_id_value = models.BigIntegerField("対象者ID", null=True, blank=True)
    section = CleanCharField("区分", max_length=40, blank=True)
    detail = CleanCharField("詳細", max_length=500, blank=True)
    ip_address = models.GenericIPAddressField("接続元", null=True, blank=True)
    prev_hash = CleanCharField(max_length=64)
    row_hash = CleanCharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "アクセスログ"
        ordering = ["-id"]
        # The audit screen and the person's access panel list one center's rows newest first, filtered by time,
        # action, person or staff (privacy/selectors.py); `at` alone serves the per-address log-in throttle. Plans
        # checked with EXPLAIN on 3,000,000 rows: docs/operations.md.
        indexes = [
            models.Index(fields=["center_id_value", "-at", "-id"], name="accesslog_center_at"),
            models.Index(fields=["center_id_value", "action", "-at", "-id"], name="accesslog_center_action_at"),
            models.Index(fields=["person_id_value", "-at", "-id"], name="accesslog_person_at"),
            models.Index(fields=["staff", "-at", "-id"], name="accesslog_staff_at"),
        ]
        # A constraint rather than unique=True: the same unique index, without the text-pattern twin PostgreSQL gets
        # for a unique CharField (a hash is never searched with LIKE).
        constraints = [models.UniqueConstraint(fields=["row_hash"], name="privacy_accesslog_row_hash_key")]


class AccessLogPerson(models.Model):
    """「一覧で表示」: one person shown on the page whose view an access-log row records, when the page showed several
    (a list, the home screen, やること). One row of the log per page view, however many persons it showed; the
    persons are listed here so that a person's access history is complete. Covered by the row's hash (the sorted
    ids are part of what is sealed: privacy/audit.py), append-only like the log itself."""

    # CASCADE: a row and its list are one entry. The application deletes neither (PostgreSQL refuses it anyway).
    log = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="listed", verbose_name="アクセスログ",
                            db_index=False)  # the unique constraint's index starts with it
    person_id_value = models.BigIntegerField("対象者ID")

    class Meta:
        verbose_name = verbose_name_plural = "一覧で表示した対象者"
        constraints = [models.UniqueConstraint(fields=["log", "person_id_value"], name="accesslogperson_once")]
        # 「この記録を見た人」 and the audit screen's person filter: the list rows that named one person.
        indexes = [models.Index(fields=["person_id_value", "log"], name="accesslogperson_person")]

    def __str__(self) -> str:
        return f"一覧で表示 {self.log_id} #{self.person_id_value}"


class AccessLogHead(models.Model):
    """The end of one access-log chain: how many rows it has, its last row and that row's hash, sealed with the
    audit key. Updated in the same transaction as every append to its chain, so `audit_verify` also notices rows
    removed at the end (which the chain alone cannot: the remaining rows still link up). One row per chain:
    `center:<id>` for a center, `none` for rows without a center (failed log-ins of unknown users, commands),
    `legacy` for the single chain of the rows written before the log was split per center (frozen).

    `reanchored` is set when a head had to be rebuilt from a chain that already had rows (the head row was
    missing): the rows removed before that cannot be known, so verification fails until someone who checked
    runs `audit_verify --reanchor`, which is itself logged."""

    chain = CleanCharField("チェーン", max_length=30, unique=True)
    row_count = models.BigIntegerField("行数", default=0)
    last_id = models.BigIntegerField("最後の行のID", null=True, blank=True)
    last_hash = CleanCharField("最後の行のハッシュ", max_length=64, blank=True)
    reanchored = models.BooleanField("起点の再作成", default=False)
    mac = CleanCharField(max_length=64)
    updated_at = dates.DateTimeField("更新日時")

    class Meta:
        verbose_name = verbose_name_plural = "アクセスログの末尾"

    def __str__(self) -> str:
        return f"アクセスログの末尾 {self.chain}"


class BreakGlassGrant(models.Model):
    """緊急閲覧: a worker not assigned to a case (in a center where only assigned staff see cases) opened
    one case or person after giving a reason. The grant lasts a few hours; directors review the list."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="職員")
    center = models.ForeignKey("accounts.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name="センター")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name="対象者")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name="支援ケース")
    reason = CleanTextField("理由")
    created_at = dates.DateTimeField("日時")
    expires_at = dates.DateTimeField("期限")

    class Meta:
        verbose_name = verbose_name_plural = "緊急閲覧"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False, case__isnull=True)
                           | models.Q(person__isnull=True, case__isnull=False)),
                name="break_glass_grant_names_one_record",
            )
        ]
        indexes = [models.Index(fields=["staff", "expires_at"]), models.Index(fields=["center", "-created_at"])]

    def __str__(self) -> str:
        return f"緊急閲覧 {self.pk}"


# --- export control --------------------------------------------------------------------------------


class ExportTarget(models.TextChoices):
    PERSONS = "persons", "対象者一覧"
    CASES = "cases", "支援ケース一覧"
    LEDGER = "disclosure_ledger", "第三者提供記録簿（提供・受領）"
    ACCESS_LOG = "access_log", "アクセスログ"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel（.xlsx）"
    CSV = "csv", "CSV（UTF-8、Excel で開けます）"
    CSV_SJIS = "csv_sjis", "CSV（Shift_JIS、古い Excel や他のシステム向け）"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "申請中"
    APPROVED = "approved", "承認"
    REJECTED = "rejected", "却下"
    DOWNLOADED = "downloaded", "出力済み"


class ExportFileStatus(models.TextChoices):
    """The file of an approved request: built by a task after the approval (reports/exports/building.py)."""

    NONE = "", "なし"
    QUEUED = "queued", "作成待ち"
    BUILDING = "building", "作成中"
    READY = "ready", "作成済み"
    FAILED = "failed", "作成失敗"
    REMOVED = "removed", "削除済み"  # after the one download, or at the deadline


class ExportRequest(models.Model):
    """エクスポートの申請. Lists of persons leave yorisoi only through a request that a director approved:
    a task builds the file after the approval, and the requester downloads it once, within a few hours of the
    approval; the file names who exported it, when, why and this request's id."""

    center = models.ForeignKey("accounts.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name="センター")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="申請者")
    requested_at = dates.DateTimeField("申請日時")
    target = CleanCharField("出力する一覧", max_length=20, choices=ExportTarget.choices)
    file_format = CleanCharField("形式", max_length=10, choices=ExportFormat.choices, default=ExportFormat.XLSX)
    # The list's filters when the request was made (the file is generated with these, never others).
    filters = models.JSONField("抽出条件（値）", default=dict, blank=True)
    filter_summary = CleanCharField("抽出条件", max_length=300, blank=True)
    reason = CleanTextField("理由・利用目的")
    status = CleanCharField("状態", max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="判断した管理者")
    decided_at = dates.DateTimeField("判断日時", null=True, blank=True)
    decision_note = CleanTextField("判断の理由・コメント", blank=True)
    self_approved = models.BooleanField("自己承認", default=False)
    expires_at = dates.DateTimeField("ダウンロード期限", null=True, blank=True)
    downloaded_at = dates.DateTimeField("ダウンロード日時", null=True, blank=True)
    row_count = models.PositiveIntegerField("出力件数", null=True, blank=True)
    # The file, built by a task. Progress is written with queryset updates (no history row per step).
    file_status = CleanCharField("ファイルの状態", max_length=20, choices=ExportFileStatus.choices, blank=True,
                                   default=ExportFileStatus.NONE)
    task_id = CleanCharField("タスクID", max_length=64, blank=True)
    rows_total = models.PositiveIntegerField("出力する件数", null=True, blank=True)
    rows_done = models.PositiveIntegerField("書き出した件数", default=0)
    file_name = CleanCharField("ファイル名", max_length=200, blank=True)  # inside YORISOI_EXPORT_DIR
    file_size = models.PositiveBigIntegerField("ファイルの大きさ", null=True, blank=True)
    built_at = dates.DateTimeField("作成日時", null=True, blank=True)
    failure_reason = CleanCharField("作成できなかった理由", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "エクスポートの申請"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["center", "status", "-requested_at"]),
                   models.Index(fields=["requested_by", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="pending") | models.Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="export_request_decided_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"エクスポート申請 {self.pk}"


# --- retention -------------------------------------------------------------------------------------


class RetentionRule(models.Model):
    """How many years a center keeps one kind of record after the person's last case closed; then
    `manage.py anonymise_expired` anonymises it. Kinds and defaults: privacy/retention/kinds.py."""

    center = models.ForeignKey("accounts.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name="センター")
    kind = CleanCharField("記録の種類", max_length=20)
    years = models.PositiveSmallIntegerField("終結後の保存年数")
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="最終更新者")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "保存期間"
        constraints = [models.UniqueConstraint(fields=["center", "kind"], name="retention_rule_unique_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.years}年"


class Anonymisation(models.Model):
    """One kind of record of one person was anonymised, for the closure date `reference_date`. A later
    case of the same person (a later reference date) makes the kind due again; otherwise it is done."""

    center = models.ForeignKey("accounts.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name="センター")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+", verbose_name="対象者")
    kind = CleanCharField("記録の種類", max_length=20)
    reference_date = dates.DateField("基準日（最後の終結日）")
    done_at = dates.DateTimeField("実行日時")
    counts = models.JSONField("件数", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "匿名化の記録"
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="anonymisation_unique_kind")]
