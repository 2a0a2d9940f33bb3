"""Export control: lists of persons leave yorisoi only through an export request that a director approved.

Flow: a staff member asks for a list (対象者一覧, 支援ケース一覧, 第三者提供記録簿 or アクセスログ, with the filters
they were looking at) and says why → a director approves or rejects it → a task builds the file (tasks.py,
building.py; the page shows its progress) → the requester downloads the file once, within
YORISOI_EXPORT_DOWNLOAD_HOURS (24) of the approval, and the file is deleted. The file is built from the requester's
own view of the data (specs.py says what each list holds), and carries in its first lines who exported it, when,
why, who approved it, the request id and the id of the access-log row of its making (files.py). Every step is
logged: the request and the decision as 登録/更新, the making of the file as エクスポート, the download as
ダウンロード, a refused download as 拒否.

Who may ask for which list: policy.may_request_export. Self-approval: the four-eyes rule is the point, so a
director's own request is approved by another director of the center. A center with a single director (most
have one) would otherwise never export: there the director approves their own request with a written reason
(in one step, on the request form), and the request is marked 自己承認 in the list, in the file's header and in
the access log, for the auditor to review.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, ExportFileStatus, ExportFormat, ExportRequest, ExportStatus
from yorisoi.privacy.policy import areas

from . import building, files
from .specs import SPECS, ExportSpec, Sheet, spec_for
from .state import SECTION, download_hours, is_expired, refusal
from .tasks import build_export

__all__ = ["SECTION", "SPECS", "ExportFile", "ExportRefused", "ExportSpec", "Sheet", "decide_export",
           "download_hours", "export_requests_for", "is_expired", "may_approve_own", "other_directors",
           "refusal", "request_export", "spec_for", "take_download"]

XLSX_MAX_ROWS = 1_000_000
logger = logging.getLogger(__name__)

# --- reading -----------------------------------------------------------------------------------------------


def export_requests_for(user: Staff) -> QuerySet:
    """The requests a user may see: all of the center for directors and auditors, their own for the others."""
    if not user.is_authenticated or user.center_id is None:
        return ExportRequest.objects.none()
    qs = policy.of_center(ExportRequest, user).select_related("requested_by", "decided_by")
    if not areas.sees_every_export_request(user):
        qs = qs.filter(requested_by=user)
    return qs.order_by("-requested_at", "-id")


# --- requesting and deciding ---------------------------------------------------------------------------


other_directors = areas.other_directors


def may_approve_own(actor: Staff) -> bool:
    """A director approves their own request only when no other director of the center could."""
    return policy.may_decide_exports(actor) and not other_directors(actor).exists()


def _check_size(spec: ExportSpec, count: int, file_format: str) -> None:
    if count > spec.max_rows:
        raise ValidationError(f"{spec.label}は一度に{spec.max_rows:,}件まで出力できます（現在の条件では{count:,}件）。"
                              "条件を絞ってください。")
    if file_format == ExportFormat.XLSX and count > XLSX_MAX_ROWS:
        raise ValidationError(f"Excel で出力できるのは {XLSX_MAX_ROWS:,} 件までです。"
                              "条件を絞るか CSV を選んでください。")


@transaction.atomic
def request_export(*, actor: Staff, target: str, file_format: str, filters: Mapping, reason: str,
                   approve_now: bool = False, request=None) -> ExportRequest:
    """Ask a director for one list export. The filters are fixed now; the file will hold nothing else.

    `approve_now`: a director who may approve their own requests (see `may_approve_own`) approves it at once,
    the reason standing as the approval's reason (marked 自己承認)."""
    spec = spec_for(target)
    if spec is None:
        raise ValidationError({"target": "出力できる一覧ではありません。"})
    if not policy.may_request_export(actor, target):
        raise PermissionDenied
    cleaned = spec.clean_filters(actor, filters)
    _check_size(spec, spec.count(actor, cleaned), file_format)
    export_request = ExportRequest(
        center_id=actor.center_id, requested_by=actor, requested_at=timezone.now(), target=target,
        file_format=file_format, filters=cleaned, filter_summary=spec.summary(cleaned)[:300],
        reason=(reason or "").strip())
    export_request.full_clean()
    export_request._history_user = actor
    export_request.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=export_request, section=SECTION,
               detail=f"エクスポートの申請 申請ID {export_request.pk}（{spec.label}）")
    if approve_now:
        if not may_approve_own(actor):
            raise ValidationError("自分の申請は、ほかの管理者が承認してください。")
        export_request = decide_export(actor=actor, export_request=export_request, approve=True,
                                       note=export_request.reason, request=request)
    return export_request


@transaction.atomic
def decide_export(*, actor: Staff, export_request: ExportRequest, approve: bool, note: str = "",
                  request=None) -> ExportRequest:
    """Approve (download allowed once, for YORISOI_EXPORT_DOWNLOAD_HOURS) or reject a pending request.

    An approval enqueues the task that builds the file in the same transaction: with the database backend the task
    row commits or rolls back with the approval (no approved request without its task, no task for an approval
    that failed)."""
    if not policy.may_decide_exports(actor):
        raise PermissionDenied
    policy.require_same_center(actor, export_request)
    current = ExportRequest.objects.select_for_update().get(pk=export_request.pk)
    note = (note or "").strip()
    if current.status != ExportStatus.PENDING:
        raise ValidationError("この申請はすでに判断されています。")
    own = current.requested_by_id == actor.pk
    if approve and own:
        if not may_approve_own(actor):
            raise ValidationError("自分の申請は、ほかの管理者が承認してください。")
        if not note:
            raise ValidationError({"note": "自分の申請を承認するときは、その理由を入力してください"
                                           "（自己承認として記録されます）。"})
    if not approve and not note:
        raise ValidationError({"note": "却下の理由を入力してください（申請者に表示されます）。"})
    now = timezone.now()
    current.status = ExportStatus.APPROVED if approve else ExportStatus.REJECTED
    current.decided_by = actor
    current.decided_at = now
    current.decision_note = note
    current.self_approved = approve and own
    current.expires_at = now + dt.timedelta(hours=download_hours()) if approve else None
    current.file_status = ExportFileStatus.QUEUED if approve else ExportFileStatus.NONE
    current.full_clean()
    current._history_user = actor
    current.save()
    verdict = ("承認（自己承認）" if current.self_approved else "承認") if approve else "却下"
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section=SECTION,
               detail=f"エクスポートの{verdict} 申請ID {current.pk}")
    if approve:
        result = build_export.enqueue(current.pk)
        ExportRequest.objects.filter(pk=current.pk).update(task_id=str(result.id)[:64])
        current.refresh_from_db()
    return current


# --- downloading -----------------------------------------------------------------------------------------


class ExportRefused(PermissionDenied):
    """The download is not allowed (the message says why, in Japanese, without personal data)."""


@dataclass
class ExportFile:
    content: BinaryIO  # the open file, streamed to the browser and closed by the response
    content_type: str
    filename: str


def take_download(*, actor: Staff, export_request: ExportRequest, request=None) -> ExportFile:
    """Hand the built file to its requester, once. Marks the request downloaded and writes the ダウンロード row in
    the same transaction, then removes the file from the disk (the open handle still reads it); a refused attempt
    writes a 拒否 row and raises ExportRefused."""
    try:
        exported, path = _take_download(actor=actor, export_request=export_request, request=request)
    except ExportRefused:
        # Written after the transaction above rolled back, so the refusal stays in the log.
        log_access(request=request, actor=actor, action=AccessAction.DENIED, obj=export_request, section=SECTION,
                   detail=f"エクスポートのダウンロード拒否 申請ID {export_request.pk}")
        raise
    try:
        path.unlink()
    except OSError:  # the nightly clean-up removes it (operations: remove_export_files)
        logger.warning("export %s: the downloaded file could not be removed now", export_request.pk)
    return exported


@transaction.atomic
def _take_download(*, actor: Staff, export_request: ExportRequest, request=None):
    current = (ExportRequest.objects.select_for_update(of=("self",))
               .select_related("center", "requested_by", "decided_by").get(pk=export_request.pk))
    problem = refusal(actor, current, timezone.now())
    if problem:
        raise ExportRefused(problem)
    path = building.file_path(current)
    try:
        content = open(path, "rb")  # the response streams and closes it
    except OSError:
        logger.warning("export %s: the built file is missing", current.pk)
        raise ExportRefused("ファイルが見つかりません。改めて申請してください。") from None
    current.status = ExportStatus.DOWNLOADED
    current.downloaded_at = timezone.now()
    current.file_status = ExportFileStatus.REMOVED
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.DOWNLOAD, obj=current, section=SECTION,
               detail=f"エクスポートのダウンロード 申請ID {current.pk}（{current.row_count}件）")
    content_type = files.WRITERS[current.file_format].content_type
    return ExportFile(content, content_type, current.file_name), path
