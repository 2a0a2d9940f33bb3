"""Writing and verifying the hash-chained access log."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AccessLog, AccessLogHead

GENESIS = "0" * 64
_CHAIN_LOCK_ID = 7_301_124  # PostgreSQL advisory lock that orders writers of the chain


def _key() -> bytes:
    return (getattr(settings, "YORISOI_AUDIT_KEY", "") or settings.SECRET_KEY).encode()


def _payload(row: AccessLog) -> bytes:
    fields = {
        "at": row.at.isoformat(timespec="microseconds"),
        "staff": row.staff_id,
        "username": row.username,
        "center": row.center_id_value,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "person": row.person_id_value,
        "section": row.section,
        "detail": row.detail,
        "ip": row.ip_address,
        "prev": row.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()


def compute_hash(row: AccessLog) -> str:
    return hmac.new(_key(), _payload(row), hashlib.sha256).hexdigest()


def head_mac(*, row_count: int, last_id: int | None, last_hash: str, reanchored: bool) -> str:
    """The seal of the chain's head: without the audit key nobody can make a head fit a shortened log."""
    text = f"head|{row_count}|{last_id or ''}|{last_hash}|{int(reanchored)}"
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()


def _advance_head(row: AccessLog) -> None:
    """Count the new row in the head (inside the chain lock). A missing head is rebuilt from the table; when
    the table already had other rows it is marked re-anchored (see AccessLogHead)."""
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is None:
        before = AccessLog.objects.filter(id__lt=row.id).count()
        head = AccessLogHead(pk=1, row_count=before, reanchored=before > 0)
    head.row_count += 1
    head.last_id = row.id
    head.last_hash = row.row_hash
    head.updated_at = row.at
    head.mac = head_mac(row_count=head.row_count, last_id=head.last_id, last_hash=head.last_hash,
                        reanchored=head.reanchored)
    head.save()


def trusted_proxies() -> frozenset[str]:
    return frozenset(getattr(settings, "YORISOI_TRUSTED_PROXIES", ()) or ())


def client_ip(request) -> str | None:
    """The client's address. Behind a reverse proxy listed in YORISOI_TRUSTED_PROXIES (nginx on the same host in
    production), the last address in X-Forwarded-For that is not one of those proxies; a header sent by anyone
    else is ignored, so a client cannot choose the address that is logged or throttled."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    proxies = trusted_proxies()
    if remote in proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for candidate in reversed(forwarded):
            if candidate and candidate not in proxies and _is_ip(candidate):
                return candidate
    return remote


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def log_access(*, request=None, actor=None, action: str, obj=None, person_id: int | None = None,
               section: str = "", detail: str = "", username: str = "", center_id: int | None = None) -> AccessLog:
    """Append one row. Runs in its own savepoint so the chain is extended exactly once per call.

    `center_id` is for rows written without a user (commands): the center whose log shows the row.
    """
    actor = actor if actor is not None else getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        last = AccessLog.objects.order_by("-id").values_list("row_hash", flat=True).first()
        row = AccessLog(
            at=timezone.now(),
            staff=actor,
            username=username or (actor.get_username() if actor else ""),
            center_id_value=center_id if center_id is not None else getattr(actor, "center_id", None),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=obj.pk if obj is not None else None,
            person_id_value=person_id,
            section=section,
            detail=detail[:500],
            ip_address=client_ip(request),
            prev_hash=last or GENESIS,
        )
        row.row_hash = compute_hash(row)
        row.save(force_insert=True)
        _advance_head(row)
    return row


def verify_chain(batch_size: int = 5000) -> tuple[int, AccessLog | None, str]:
    """Walk the log in id order, then compare its end with the sealed head. Returns (rows checked, first broken
    row or None, why it broke). Rows removed at the end are reported on the last remaining row (or None when
    the whole log was emptied) with a reason that says how many rows are missing."""
    prev = GENESIS
    checked = 0
    last = None
    for row in _iterate(batch_size):
        if row.prev_hash != prev:
            return checked, row, "直前の行が変更または削除されています"
        if not hmac.compare_digest(row.row_hash, compute_hash(row)):
            return checked, row, "この行の内容が変更されています"
        prev = row.row_hash
        checked += 1
        last = row
    problem = _head_problem(checked, last)
    if problem:
        return checked, last, problem
    return checked, None, ""


def _head_problem(checked: int, last: AccessLog | None) -> str:
    """Why the end of the log does not match its head ("" when it does)."""
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is None:
        return "" if checked == 0 else "末尾の記録（行数と最後の行）がありません。末尾の行が削除された可能性があります"
    expected = head_mac(row_count=head.row_count, last_id=head.last_id, last_hash=head.last_hash,
                        reanchored=head.reanchored)
    if not hmac.compare_digest(head.mac, expected):
        return "末尾の記録（行数と最後の行）が書き換えられています"
    if head.reanchored:
        return ("末尾の記録が作り直されています（それまでの末尾の行の削除は確認できません）。確認のうえ "
                "audit_verify --reanchor を実行してください")
    if head.last_id != (last.id if last else None) or head.last_hash != (last.row_hash if last else ""):
        return (f"末尾の行が削除されています（記録上は {head.row_count} 行・最後の行は ID {head.last_id}、"
                f"実際は {checked} 行）")
    if head.row_count != checked:
        return (f"行数が末尾の記録と一致しません（記録上は {head.row_count} 行、実際は {checked} 行）。"
                "末尾の行が削除された後に記録が追加された可能性があります")
    return ""


def reanchor(*, note: str) -> AccessLogHead:
    """After a person checked a re-anchored or damaged head: seal the log as it is now, and log that it was done."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        rows = AccessLog.objects.count()
        last = AccessLog.objects.order_by("-id").first()
        head = AccessLogHead(pk=1, row_count=rows, last_id=last.id if last else None,
                             last_hash=last.row_hash if last else "", reanchored=False, updated_at=timezone.now())
        head.mac = head_mac(row_count=head.row_count, last_id=head.last_id, last_hash=head.last_hash,
                            reanchored=False)
        head.save()
        from .models import AccessAction

        log_access(action=AccessAction.UPDATE, username="system:audit_verify", section="audit",
                   detail=f"アクセスログの末尾の記録を再設定（{rows} 行）: {note}"[:500])
    return AccessLogHead.objects.get(pk=1)


def _iterate(batch_size: int) -> Iterator[AccessLog]:
    last_id = 0
    while True:
        batch = list(AccessLog.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
