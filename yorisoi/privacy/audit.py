"""Writing and verifying the hash-chained access log: one chain per center.

Each center's rows form their own HMAC chain with their own sealed head (AccessLogHead, chain `center:<id>`); rows
without a center (failed log-ins of unknown users, commands run for no center) form the `none` chain. A writer locks
only its own chain (on PostgreSQL a transaction-level advisory lock keyed by the center, held to the end of the outer
transaction), so a long transaction at one center never delays a page view at another. On SQLite the database's
single write lock orders every writer anyway.

Rows written before the log was split per center (migration 0007) stay the `legacy` chain: one chain over every
center in id order, up to the legacy head's last row, verified as before and never extended."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yorisoi.common.text import clean_text

from .models import AccessAction, AccessLog, AccessLogHead, AccessLogPerson

GENESIS = "0" * 64
LEGACY = "legacy"
NO_CENTER = "none"
_CHAIN_LOCK_CLASS = 7_301_124  # first key of the PostgreSQL advisory locks that order the writers of each chain
_PROBLEMS_SHOWN = 20  # per chain; a broken chain usually shows one or two


def _key() -> bytes:
    return (getattr(settings, "YORISOI_AUDIT_KEY", "") or settings.SECRET_KEY).encode()


def listed_ids(row: AccessLog) -> list[int]:
    """The persons a list row names (「一覧で表示」), sorted: as written, or as stored when the row was read back."""
    if "_listed_ids" not in row.__dict__:
        stored = AccessLogPerson.objects.filter(log_id=row.pk) if row.pk else AccessLogPerson.objects.none()
        row._listed_ids = sorted(stored.values_list("person_id_value", flat=True))
    return row._listed_ids


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
    listed = listed_ids(row)
    if listed:  # absent from rows without a list, so the rows written before it existed keep their hash
        fields["listed"] = listed
    return json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()


def compute_hash(row: AccessLog) -> str:
    return hmac.new(_key(), _payload(row), hashlib.sha256).hexdigest()


def head_mac(*, chain: str, row_count: int, last_id: int | None, last_hash: str, reanchored: bool) -> str:
    """The seal of a chain's head: without the audit key nobody can make a head fit a shortened chain. The chain's
    name is sealed too, so one center's head cannot stand in for another's; the legacy head keeps the seal it was
    given before the split (no chain name), so the migration did not have to re-seal it."""
    if chain == LEGACY:
        text = f"head|{row_count}|{last_id or ''}|{last_hash}|{int(reanchored)}"
    else:
        text = f"head|{chain}|{row_count}|{last_id or ''}|{last_hash}|{int(reanchored)}"
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()


def _seal(head: AccessLogHead) -> None:
    head.mac = head_mac(chain=head.chain, row_count=head.row_count, last_id=head.last_id, last_hash=head.last_hash,
                        reanchored=head.reanchored)


# --- chains ---------------------------------------------------------------------------------------------------


def chain_key(center_id: int | None) -> str:
    return NO_CENTER if center_id is None else f"center:{center_id}"


def chain_center(chain: str) -> int | None:
    """The center of a `center:<id>` chain (None for the no-center and legacy chains)."""
    return int(chain.split(":", 1)[1]) if chain.startswith("center:") else None


def _chain_order(chain: str) -> tuple:
    center = chain_center(chain)
    return (0, 0) if chain == LEGACY else (1, center) if center is not None else (2, 0)


def _lock_chain(chain: str) -> None:
    """Order the writers of one chain until the end of the outer transaction (PostgreSQL). Two centers whose ids
    are equal modulo 2**31 would share a lock: harmless, they would only wait for each other."""
    if connection.vendor != "postgresql":
        return
    center = chain_center(chain)
    number = center % 2**31 if center is not None else (0 if chain == NO_CENTER else -1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, %s::integer)", [_CHAIN_LOCK_CLASS, number])


def legacy_boundary() -> int:
    """Rows up to this id belong to the legacy chain (0 when the log was split before it had rows)."""
    last_id = AccessLogHead.objects.filter(chain=LEGACY).values_list("last_id", flat=True).first()
    return last_id or 0


def _chain_rows(chain: str, boundary: int):
    if chain == LEGACY:
        return AccessLog.objects.filter(id__lte=boundary)
    center = chain_center(chain)
    rows = AccessLog.objects.filter(id__gt=boundary)
    return rows.filter(center_id_value__isnull=True) if center is None else rows.filter(center_id_value=center)


def _rebuilt_head(chain: str) -> AccessLogHead:
    """A chain without a head: a new chain, or one whose head was removed. In the second case the rows removed
    before cannot be known, so the rebuilt head is marked re-anchored (see AccessLogHead)."""
    rows = _chain_rows(chain, legacy_boundary())
    before = rows.count()
    last = rows.order_by("-id").first() if before else None
    return AccessLogHead(chain=chain, row_count=before, last_id=last.id if last else None,
                         last_hash=last.row_hash if last else "", reanchored=before > 0)


def _advance_head(head: AccessLogHead, row: AccessLog) -> None:
    """Count the new row in its chain's head (inside the chain's lock)."""
    head.row_count += 1
    head.last_id = row.id
    head.last_hash = row.row_hash
    head.updated_at = row.at
    _seal(head)
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
               section: str = "", detail: str = "", username: str = "", center_id: int | None = None,
               listed: Iterable[int] = ()) -> AccessLog:
    """Append one row to the chain of its center. Runs in its own savepoint so the chain is extended exactly once
    per call; only that center's chain is locked.

    `center_id` is for rows written without a user (commands): the center whose log shows the row. `listed` names
    the persons a page showed when it showed several (「一覧で表示」): stored beside the row in one INSERT, and
    sealed with it.
    """
    actor = actor if actor is not None else getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    center = center_id if center_id is not None else getattr(actor, "center_id", None)
    chain = chain_key(center)
    with transaction.atomic():
        _lock_chain(chain)
        head = AccessLogHead.objects.filter(chain=chain).first() or _rebuilt_head(chain)
        row = AccessLog(
            at=timezone.now(),
            staff=actor,
            # Cleaned here, before the hash: what is stored is what was hashed (a search text or a user name
            # typed at log-in may carry control characters).
            username=clean_text(username)[:150] or (actor.get_username() if actor else ""),
            center_id_value=center,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=obj.pk if obj is not None else None,
            person_id_value=person_id,
            section=clean_text(section),
            detail=clean_text(detail)[:500],
            ip_address=client_ip(request),
            prev_hash=head.last_hash or GENESIS,
        )
        row._listed_ids = sorted({int(pk) for pk in listed})
        row.row_hash = compute_hash(row)
        row.save(force_insert=True)
        if row._listed_ids:
            AccessLogPerson.objects.bulk_create(
                [AccessLogPerson(log=row, person_id_value=pk) for pk in row._listed_ids])
        _advance_head(head, row)
    return row


# --- verification ---------------------------------------------------------------------------------------------


@dataclass
class ChainReport:
    """What `verify_chains` found in one chain: rows walked, the rows that are wrong (the first few), and whether
    the end of the chain does not match its sealed head (which `reanchor` can settle after a person checked)."""

    chain: str
    rows: int = 0
    problems: list[tuple[AccessLog | None, str]] = field(default_factory=list)
    more_problems: int = 0
    head_problem: str = ""
    last: AccessLog | None = None
    prev: str = GENESIS

    @property
    def center_id(self) -> int | None:
        return chain_center(self.chain)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.head_problem

    def add(self, row: AccessLog | None, why: str) -> None:
        if len(self.problems) < _PROBLEMS_SHOWN:
            self.problems.append((row, why))
        else:
            self.more_problems += 1


def verify_chains(batch_size: int = 5000) -> list[ChainReport]:
    """Walk the whole log once in id order, each row against the chain it belongs to, then compare each chain's
    end with its sealed head. A chain that breaks is walked on (from the row as it is), so every broken place is
    reported, not only the first. Reports: the legacy chain, then centers by id, then the no-center chain."""
    heads = {head.chain: head for head in AccessLogHead.objects.all()}
    boundary = (heads[LEGACY].last_id or 0) if LEGACY in heads else 0
    reports: dict[str, ChainReport] = {}
    for row in _iterate(batch_size):
        chain = LEGACY if row.id <= boundary else chain_key(row.center_id_value)
        report = reports.get(chain) or reports.setdefault(chain, ChainReport(chain))
        if row.prev_hash != report.prev:
            report.add(row, "直前の行が変更または削除されています")
        elif not hmac.compare_digest(row.row_hash, compute_hash(row)):
            report.add(row, "この行の内容が変更されています")
        report.prev = row.row_hash
        report.rows += 1
        report.last = row
    for chain in heads.keys() - reports.keys():
        reports[chain] = ChainReport(chain)
    for report in reports.values():
        report.head_problem = _head_problem(heads.get(report.chain), report.rows, report.last)
        if report.head_problem:  # always shown, past the cap on broken rows
            report.problems.append((report.last, report.head_problem))
    return sorted(reports.values(), key=lambda report: _chain_order(report.chain))


def verify_chain(batch_size: int = 5000) -> tuple[int, AccessLog | None, str]:
    """Every chain at once, in the shape callers had before the split: (rows checked in all chains, first broken
    row or None, why it broke). Rows removed at the end of a chain are reported on its last remaining row (or None
    when the whole chain was emptied) with a reason that says how many rows are missing."""
    reports = verify_chains(batch_size)
    checked = sum(report.rows for report in reports)
    for report in reports:
        if report.problems:
            row, why = report.problems[0]
            return checked, row, why
    return checked, None, ""


def _head_problem(head: AccessLogHead | None, checked: int, last: AccessLog | None) -> str:
    """Why the end of a chain does not match its head ("" when it does)."""
    if head is None:
        return "" if checked == 0 else "末尾の記録（行数と最後の行）がありません。末尾の行が削除された可能性があります"
    expected = head_mac(chain=head.chain, row_count=head.row_count, last_id=head.last_id, last_hash=head.last_hash,
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


def reanchor(*, note: str, chain: str | None = None) -> list[AccessLogHead]:
    """After a person checked: seal chains as they are now, and log that it was done (in the chain itself; for the
    frozen legacy chain, in the no-center chain). `chain` names one chain; without it every chain whose end does
    not match its head is sealed again (a changed row in the middle stays reported: no seal can fix that)."""
    chains = [chain] if chain is not None else [r.chain for r in verify_chains() if r.head_problem]
    return [_reseal(name, note=note) for name in chains]


def _reseal(chain: str, *, note: str) -> AccessLogHead:
    with transaction.atomic():
        _lock_chain(chain)
        rows = _chain_rows(chain, legacy_boundary())
        count = rows.count()
        last = rows.order_by("-id").first()
        head = AccessLogHead.objects.filter(chain=chain).first() or AccessLogHead(chain=chain)
        head.row_count, head.last_id = count, last.id if last else None
        head.last_hash, head.reanchored, head.updated_at = last.row_hash if last else "", False, timezone.now()
        _seal(head)
        head.save()
        what = "移行前の共通チェーン" if chain == LEGACY else "アクセスログ"
        log_access(action=AccessAction.UPDATE, username="system:audit_verify", section="audit",
                   center_id=chain_center(chain),
                   detail=f"{what}の末尾の記録を再設定（{count} 行）: {note}"[:500])
    head.refresh_from_db()
    return head


def _iterate(batch_size: int) -> Iterator[AccessLog]:
    """The whole log in id order, each row with the persons it lists (one more query per batch)."""
    last_id = 0
    while True:
        batch = list(AccessLog.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        listed: dict[int, list[int]] = {}
        for log_id, person_id in (AccessLogPerson.objects.filter(log_id__gt=last_id, log_id__lte=batch[-1].id)
                                  .order_by("log_id", "person_id_value").values_list("log_id", "person_id_value")):
            listed.setdefault(log_id, []).append(person_id)
        for row in batch:
            row._listed_ids = listed.get(row.id, [])
        yield from batch
        last_id = batch[-1].id
