"""What the request's state allows: the download deadline and why a download is refused. Shared by the services
in __init__.py and the task that builds the file (building.py), so that neither imports the other."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.privacy import policy
from yorisoi.privacy.models import ExportFileStatus, ExportRequest, ExportStatus

SECTION = "export"


def download_hours() -> float:
    return float(getattr(settings, "YORISOI_EXPORT_DOWNLOAD_HOURS", 24))


def is_expired(export_request: ExportRequest, now: dt.datetime | None = None) -> bool:
    return (export_request.status == ExportStatus.APPROVED and export_request.expires_at is not None
            and export_request.expires_at <= (now or timezone.now()))


def refusal(actor: Staff, export_request: ExportRequest, now: dt.datetime | None = None) -> str:
    """Why `actor` may not download this request now; "" when they may."""
    if export_request.requested_by_id != actor.pk or export_request.center_id != actor.center_id:
        return "ダウンロードできるのは申請した職員だけです。"
    if not policy.may_request_export(actor, export_request.target):
        return "現在の役割ではこの一覧を出力できません。"
    status = export_request.status
    if status == ExportStatus.PENDING:
        return "まだ承認されていません。管理者の承認を待ってください。"
    if status == ExportStatus.REJECTED:
        return "この申請は却下されました。"
    if status == ExportStatus.DOWNLOADED:
        return "この申請のファイルはすでにダウンロードされています（1回限り）。必要な場合は改めて申請してください。"
    if is_expired(export_request, now):
        return f"ダウンロードの期限（承認から{download_hours():g}時間）を過ぎました。改めて申請してください。"
    file_status = export_request.file_status
    if file_status == ExportFileStatus.FAILED:
        return "ファイルを作成できませんでした。" + (export_request.failure_reason or "") + "改めて申請してください。"
    if file_status in (ExportFileStatus.QUEUED, ExportFileStatus.BUILDING):
        return "ファイルを作成しています。できあがるとダウンロードできます。"
    if file_status != ExportFileStatus.READY:
        return "ファイルがありません。改めて申請してください。"
    return ""
