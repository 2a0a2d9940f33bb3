"""The import wizard's own rows: a batch (one uploaded file on its way through the wizard), the column mapping a
center saved for reuse, and one row per imported spreadsheet row, so that the same file imported again creates
nothing new. The uploaded file and the check results wait in YORISOI_IMPORT_DIR (never under a public URL)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yorisoi.common import dates
from yorisoi.common.models import CenterOwnedModel
from yorisoi.common.text import CleanCharField


class ImportTarget(models.TextChoices):
    PERSONS = "persons", "対象者"
    CASES = "cases", "支援ケース"
    RECORDS = "records", "支援経過記録"
    FOLLOW_UPS = "follow_ups", "フォローアップ（予定）"


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", "列の対応づけ待ち"
    CHECKING = "checking", "確認中"
    CHECKED = "checked", "確認済み"
    RUNNING = "running", "取り込み中"
    DONE = "done", "取り込み完了"
    FAILED = "failed", "取り込めませんでした"


class ColumnMapping(CenterOwnedModel):
    """The last mapping a center confirmed for a target: {heading as written in the file: field key}."""

    target = CleanCharField("取り込む対象", max_length=20, choices=ImportTarget.choices)
    mapping = models.JSONField("列の対応", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "列の対応（保存）"
        constraints = [models.UniqueConstraint(fields=["center", "target"], name="imports_mapping_per_target")]


class ImportBatch(CenterOwnedModel):
    target = CleanCharField("取り込む対象", max_length=20, choices=ImportTarget.choices)
    status = CleanCharField("状態", max_length=20, choices=BatchStatus.choices, default=BatchStatus.UPLOADED)
    filename = CleanCharField("ファイル名", max_length=200)
    file_kind = CleanCharField("形式", max_length=10)  # xlsx or csv
    encoding = CleanCharField("文字コード", max_length=20, blank=True)
    sheet = CleanCharField("シート", max_length=100, blank=True)
    header_line = models.PositiveIntegerField("見出しの行", default=1)
    mapping = models.JSONField("列の対応", default=dict, blank=True)  # {column position as text: field key}
    skip_lines = models.JSONField("飛ばす行", default=list, blank=True)
    distinct_lines = models.JSONField("別人として登録する行", default=list, blank=True)
    counts = models.JSONField("件数", default=dict, blank=True)
    dry_run_counts = models.JSONField("ドライランの件数", default=dict, blank=True)
    errors = models.JSONField("エラー", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="取り込んだ人")
    finished_at = dates.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "取り込み"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"取り込み {self.pk}（{self.get_target_display()}）"


class ImportedRow(CenterOwnedModel):
    """One spreadsheet row that was imported: its stable key (the external id column, or a hash of the fields
    that identify the row) and what it became."""

    target = CleanCharField("取り込む対象", max_length=20, choices=ImportTarget.choices)
    row_key = CleanCharField("行の鍵", max_length=80)
    object_id = models.PositiveBigIntegerField("取り込んだもの")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="imported_rows")

    class Meta:
        verbose_name = verbose_name_plural = "取り込んだ行"
        constraints = [models.UniqueConstraint(fields=["center", "target", "row_key"],
                                               name="imports_row_key_unique")]
