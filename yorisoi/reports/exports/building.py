"""Building an approved export's file, in a task (tasks.py) after the director's approval.

1. The ids of every sheet's rows are read first (one query per sheet) and kept in a scratch file beside the export:
   they fix what the file holds and give the exact counts for its marking, before the export's own access-log row
   is written (so an export of the access log never holds its own row).
2. The エクスポート row of the access log is written (by the requester, whose view of the data the file shows).
3. The rows are read in chunks of `chunk_size` ids and written to the file as they come (files.py), with the
   progress (rows done / total) on the request after each chunk. No cursor stays open while progress is written:
   on SQLite a write from a connection that holds an old read snapshot would fail as "database is locked".

Memory stays flat whatever the size: one chunk of objects at a time, the ids on disk. A row deleted between 1 and 3
is not written, and a note at the end of the file says how many are missing.

A failure marks the file 作成失敗 with a Japanese reason for the pages; the server log gets the traceback without
any exception message (privacy/logs.py) and the task result only this module's own error, naming the request id.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from array import array
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, ExportFileStatus, ExportFormat, ExportRequest, ExportStatus

from . import files, state
from .specs import Sheet, spec_for

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
_ID_BYTES = array("q").itemsize

FAILED_READ = "データの読み出し中にエラーが発生しました。システム管理者に連絡してください。"
FAILED_WRITE = "ファイルの書き込みに失敗しました（保存先の空き容量や権限をシステム管理者に確認してもらってください）。"
FAILED_OTHER = "作成中にエラーが発生しました。システム管理者に連絡してください。"
INTERRUPTED = "作成が中断されました（サーバーの停止など）。"
NOT_ALLOWED = "申請者の現在の役割ではこの一覧を出力できません。"
TOO_LATE = "ダウンロードの期限までに作成を始められませんでした。"


class ExportBuildFailed(Exception):
    """Raised out of the task after the request was marked failed: names the request id only."""


def export_dir() -> Path:
    folder = Path(settings.YORISOI_EXPORT_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def file_path(export_request: ExportRequest) -> Path:
    return export_dir() / export_request.file_name


def _private(path: Path) -> Path:
    """Create `path` readable by this user only before anything is written to it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    return path


def _set(pk: int, **values) -> None:
    ExportRequest.objects.filter(pk=pk).update(**values)


def build_file(export_request_id: int, *, chunk_size: int = CHUNK_SIZE) -> None:
    """Build the file of an approved request whose file is waiting; a request in any other state is left as it is
    (a task run twice, or a request that expired while the queue was long)."""
    current = (ExportRequest.objects.select_related("center", "requested_by", "decided_by")
               .filter(pk=export_request_id).first())
    if current is None or current.status != ExportStatus.APPROVED or current.file_status != ExportFileStatus.QUEUED:
        return
    waiting = ExportRequest.objects.filter(pk=current.pk, status=ExportStatus.APPROVED,
                                           file_status=ExportFileStatus.QUEUED)
    if state.is_expired(current):
        waiting.update(file_status=ExportFileStatus.FAILED, failure_reason=TOO_LATE)
        return
    # The file shows the requester's view of the data: they must still be allowed this list now.
    if not (current.requested_by.is_active and policy.may_request_export(current.requested_by, current.target)):
        waiting.update(file_status=ExportFileStatus.FAILED, failure_reason=NOT_ALLOWED)
        return
    if not waiting.update(file_status=ExportFileStatus.BUILDING, rows_done=0):
        return  # another run claimed it first
    scratch: list[Path] = []
    target: Path | None = None
    try:
        sheets = spec_for(current.target).sheets(current.requested_by, current.filters)
        counts = []
        for index, sheet in enumerate(sheets):
            path = _private(export_dir() / f".ids-{current.pk}-{index}")
            scratch.append(path)
            counts.append(_write_ids(sheet, path))
        total = sum(counts)
        _set(current.pk, rows_total=total)
        entry, name = _log_export(current, sheets, counts)
        current.file_name = name
        target = _private(export_dir() / name)
        writer = files.WRITERS[current.file_format](
            target, current, files.header_lines(current, counts=_counts_text(sheets, counts), exported_at=entry.at,
                                                log_id=entry.pk),
            page_mark=files.marking(current, entry.at), sheet_count=len(sheets))
        done = 0
        missing = 0
        for sheet, path, count in zip(sheets, scratch, counts, strict=True):
            writer.start_sheet(sheet.title, sheet.columns)
            written = 0
            for ids in _id_chunks(path, chunk_size):
                rows = _rows(sheet, ids)
                writer.rows(rows)
                written += len(rows)
                done += len(rows)
                _set(current.pk, rows_done=done)
            if written < count:
                missing += count - written
                writer.rows([[f"（注）出力中に削除・変更された {count - written}件は含まれていません。"]])
        writer.close()
        # Only a file still being built becomes ready (the nightly clean-up may have given it up meanwhile).
        ready = ExportRequest.objects.filter(pk=current.pk, file_status=ExportFileStatus.BUILDING).update(
            file_status=ExportFileStatus.READY, file_name=name, file_size=target.stat().st_size, row_count=done,
            rows_done=done, built_at=timezone.now())
        if not ready:
            target.unlink(missing_ok=True)
        if missing:
            logger.warning("export %s: %s rows vanished while the file was written", current.pk, missing)
    except Exception as error:
        logger.exception("export %s: building the file failed", current.pk)
        reason = (FAILED_WRITE if isinstance(error, OSError) else FAILED_READ if isinstance(error, DatabaseError)
                  else FAILED_OTHER)
        _fail(current.pk, reason, target)
        raise ExportBuildFailed(f"export request {current.pk}: the file could not be built") from None
    except BaseException:  # the worker was told to stop at once: say so instead of 作成中 for ever
        _fail(current.pk, INTERRUPTED, target)
        raise
    finally:
        for path in scratch:
            path.unlink(missing_ok=True)


def _fail(pk: int, reason: str, target: Path | None) -> None:
    if target is not None:
        target.unlink(missing_ok=True)
    try:
        _set(pk, file_status=ExportFileStatus.FAILED, failure_reason=reason, file_name="")
    except DatabaseError:  # the database itself is gone: the page keeps 作成中 until the deadline's clean-up
        logger.exception("export %s: could not be marked failed", pk)


def _write_ids(sheet: Sheet, path: Path) -> int:
    """The sheet's ids in the file's order, to `path` as 64-bit integers; returns how many."""
    count = 0
    buffer = array("q")
    with open(path, "wb") as out:
        for pk in sheet.queryset.values_list("pk", flat=True).iterator(chunk_size=10_000):
            buffer.append(pk)
            if len(buffer) == 10_000:
                buffer.tofile(out)
                count += len(buffer)
                buffer = array("q")
        buffer.tofile(out)
        count += len(buffer)
    return count


def _id_chunks(path: Path, chunk_size: int) -> Iterator[list[int]]:
    with open(path, "rb") as source:
        while True:
            data = source.read(chunk_size * _ID_BYTES)
            if not data:
                return
            chunk = array("q")
            chunk.frombytes(data)
            yield chunk.tolist()


def _rows(sheet: Sheet, ids: list[int]) -> list[list]:
    """The lines of these ids, in their order (the query fetches them as a set)."""
    found = {obj.pk: obj for obj in sheet.queryset.filter(pk__in=ids).order_by()}
    return [sheet.row(found[pk]) for pk in ids if pk in found]


def _counts_text(sheets: list[Sheet], counts: list[int]) -> str:
    if len(sheets) > 1:
        return "・".join(f"{sheet.title} {count}件" for sheet, count in zip(sheets, counts, strict=True))
    return f"{sum(counts)}件"


def _log_export(current: ExportRequest, sheets: list[Sheet], counts: list[int]):
    """The エクスポート row, by the requester, and the file's name (stamped with that row's time)."""
    spec = spec_for(current.target)
    fmt = current.file_format
    entry = log_access(actor=current.requested_by, action=AccessAction.EXPORT, obj=current, section=state.SECTION,
                       detail=f"申請ID {current.pk} {spec.label} {fmt.upper()} {_counts_text(sheets, counts)}"
                              f"{'（自己承認）' if current.self_approved else ''}")
    stamp = timezone.localtime(entry.at).strftime("%Y%m%d-%H%M%S")
    extension = "xlsx" if fmt == ExportFormat.XLSX else "csv"
    return entry, f"{current.target}-export-{current.pk}-{stamp}.{extension}"


# --- the nightly clean-up ---------------------------------------------------------------------------------------

STALE_AFTER = dt.timedelta(hours=6)  # longer than any build: a file this old that no request offers is left over


def remove_stale_files(now: dt.datetime | None = None) -> int:
    """Remove the files past their download deadline, and files no request offers any more (left by a download
    whose removal failed, or by a build that was killed) once they are STALE_AFTER old. A request still waiting
    for its file at the deadline is marked failed. Returns how many files were removed. A nightly job."""
    now = now or timezone.now()
    past = ExportRequest.objects.filter(status=ExportStatus.APPROVED, expires_at__lte=now)
    expired = set(past.filter(file_status=ExportFileStatus.READY).values_list("file_name", flat=True))
    past.filter(file_status=ExportFileStatus.READY).update(file_status=ExportFileStatus.REMOVED)
    past.filter(file_status__in=(ExportFileStatus.QUEUED, ExportFileStatus.BUILDING)).update(
        file_status=ExportFileStatus.FAILED, failure_reason=TOO_LATE)
    offered = set(ExportRequest.objects.filter(status=ExportStatus.APPROVED, file_status=ExportFileStatus.READY)
                  .values_list("file_name", flat=True))
    removed = 0
    for path in export_dir().iterdir():
        if not path.is_file() or path.name in offered:
            continue
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        if path.name in expired or now - modified >= STALE_AFTER:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_stale_files_job() -> None:
    removed = remove_stale_files()
    if removed:
        logger.info("exports: %s stale files removed", removed)
