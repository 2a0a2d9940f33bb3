"""Writes of the import wizard. Each function checks the policy itself. The commit (`run_batch`) is one
transaction: every row is checked again inside it and written through the area's own service (people's
`register_persons`, cases' `open_case`), so the same rules hold as on the pages; any refused row rolls back
everything. A dry run goes through exactly the same code and rolls back at the end."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.services import open_case
from yorisoi.common import planner
from yorisoi.people.services import SameNameError, register_persons
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.procedures.services import add_follow_up
from yorisoi.records.services import add_activity

from . import store
from .checking import CheckedRow, RowChecker, find_header
from .fields import guess, missing_required
from .models import BatchStatus, ColumnMapping, ImportBatch, ImportedRow, ImportTarget
from .reading import HEADER_SEARCH_ROWS, MAX_UPLOAD_BYTES, ReadError, detect_encoding, file_kind, iter_rows, sheet_names

CHUNK = 200  # rows checked together (the look-ups of a chunk are a few queries)
ERRORS_SHOWN = 50
LARGE_IMPORT = 5000  # rows after which the planner's statistics are refreshed (common.planner)


class ImportRefused(Exception):
    """The step cannot go on; `errors` are Japanese sentences (naming rows where they are about rows)."""

    def __init__(self, errors: list[str]):
        super().__init__("import refused")
        self.errors = errors


class _DryRunDone(Exception):
    pass


# --- upload and mapping -----------------------------------------------------------------------------------


@transaction.atomic
def start_batch(*, actor: Staff, target: str, uploaded) -> ImportBatch:
    """Keep the uploaded file (streamed to disk in chunks) and open a batch for it."""
    policy.require(actor, "import_data")
    if target not in ImportTarget.values:
        raise ImportRefused(["取り込む対象を選んでください。"])
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ImportRefused(["ファイルが大きすぎます（20MBまで）。ファイルを分けてから読み込んでください。"])
    head = next(iter(uploaded.chunks(8)), b"") if uploaded.size else b""
    uploaded.seek(0)
    try:
        kind = file_kind(uploaded.name, head)
    except ReadError as error:
        raise ImportRefused([error.message]) from None
    if not uploaded.size:
        raise ImportRefused(["ファイルが空です。"])
    batch = ImportBatch(center_id=actor.center_id, target=target, filename=uploaded.name[:200], file_kind=kind,
                        created_by=actor)
    batch.full_clean()
    batch.save()
    with open(store.upload_path(batch), "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    try:
        if kind == "csv":
            batch.encoding = detect_encoding(store.upload_path(batch))
        else:
            sheets = sheet_names(store.upload_path(batch))
            batch.sheet = sheets[0] if sheets else ""
    except ReadError as error:
        store.remove_files(batch)
        raise ImportRefused([error.message]) from None
    batch.save(update_fields=["encoding", "sheet"])
    return batch


def header_of(batch: ImportBatch, *, saved: dict | None = None) -> tuple[int, list[str]]:
    """The heading row of the batch's sheet (line, headings); ImportRefused when there is none."""
    try:
        first = list(itertools.islice(_rows(batch), HEADER_SEARCH_ROWS))
    except ReadError as error:
        raise ImportRefused([error.message]) from None
    if not first:
        raise ImportRefused(["シートに何も入力されていません（空のシートです）。"])
    line, headings = find_header(first, batch.target, saved)
    if not line:
        raise ImportRefused(["見出しの行が見つかりません。1行目に「氏名」「フリガナ」「生年月日」などの見出しを"
                             "入れてください（テンプレートをダウンロードできます）。"])
    return line, headings


def saved_mapping(*, actor: Staff, target: str) -> dict:
    saved = policy.of_center(ColumnMapping, actor).filter(target=target).first()
    return saved.mapping if saved else {}


def suggested_mapping(*, actor: Staff, batch: ImportBatch) -> tuple[int, list[str], dict[int, str]]:
    saved = saved_mapping(actor=actor, target=batch.target)
    line, headings = header_of(batch, saved=saved)
    return line, headings, guess(batch.target, headings, saved)


@transaction.atomic
def set_sheet(*, actor: Staff, batch: ImportBatch, sheet: str) -> ImportBatch:
    _require_own(actor, batch)
    if sheet not in sheet_names(store.upload_path(batch)):
        raise ImportRefused(["シートを選んでください。"])
    batch.sheet = sheet
    batch.mapping = {}
    batch.save(update_fields=["sheet", "mapping", "updated_at"])
    return batch


@transaction.atomic
def save_mapping(*, actor: Staff, batch: ImportBatch, mapping: dict[int, str]) -> ImportBatch:
    """Keep the mapping on the batch and, by heading, as the center's mapping for this target; then the check
    runs (as a task)."""
    _require_own(actor, batch)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.CHECKED, BatchStatus.FAILED):
        raise ImportRefused(["この取り込みは実行中か、完了しています。"])
    line, headings = header_of(batch)
    chosen = [key for key in mapping.values() if key]
    duplicates = sorted({key for key in chosen if chosen.count(key) > 1})
    if duplicates:
        raise ImportRefused([f"同じ項目に2つの列を対応づけています（{'、'.join(duplicates)}）。"])
    missing = missing_required(batch.target, set(chosen))
    if missing:
        raise ImportRefused([f"{m}の列を選んでください。" for m in missing])
    batch.header_line = line
    batch.mapping = {str(position): key for position, key in mapping.items() if key}
    batch.status = BatchStatus.CHECKING
    batch.counts, batch.errors, batch.skip_lines, batch.distinct_lines = {}, [], [], []
    batch.save()
    saved = {headings[p]: key for p, key in mapping.items() if key and p < len(headings)}
    policy.of_center(ColumnMapping, actor).update_or_create(
        target=batch.target, defaults={"mapping": saved},
        create_defaults={"center_id": batch.center_id, "target": batch.target, "mapping": saved})
    return batch


# --- the check (preview) ------------------------------------------------------------------------------------


def _rows(batch: ImportBatch) -> Iterator[tuple[int, list]]:
    return iter_rows(store.upload_path(batch), kind=batch.file_kind, encoding=batch.encoding, sheet=batch.sheet)


def _chunks(rows: Iterator[tuple[int, list]]) -> Iterator[list[tuple[int, list]]]:
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield chunk


def _data_rows(batch: ImportBatch, checker: RowChecker) -> Iterator[tuple[int, list]]:
    for line, cells in _rows(batch):
        if line > batch.header_line and not checker.is_blank(cells):
            yield line, cells


def _checker(batch: ImportBatch, actor: Staff, *, check_duplicates: bool = True) -> RowChecker:
    return RowChecker(actor=actor, target=batch.target, check_duplicates=check_duplicates,
                      mapping={int(p): key for p, key in batch.mapping.items()})


def check_batch(batch_id: int) -> None:
    """The preview: check every row, write the results file and the counts. Writes nothing else."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    actor = batch.created_by
    counts = {"total": 0, "new": 0, "already": 0, "error": 0, "duplicate": 0}
    try:
        policy.require(actor, "import_data")
        checker = _checker(batch, actor)
        store.write_progress(batch.pk, done=0, total=0, stage="check")
        with open(store.results_path(batch), "w", encoding="utf-8") as out:
            for chunk in _chunks(_data_rows(batch, checker)):
                for row in checker.check_many(chunk):
                    counts["total"] += 1
                    counts[row.status] += 1
                    out.write(json.dumps(row.as_json(), ensure_ascii=False, default=str) + "\n")
                store.write_progress(batch.pk, done=counts["total"], total=0, stage="check")
        errors = [] if counts["total"] else ["取り込む行がありません。見出しの下に1行ずつ入力してください。"]
    except ReadError as error:
        errors = [error.message]
    except PermissionDenied:
        errors = ["取り込みは管理者だけが行えます。"]
    batch.counts = counts
    batch.errors = errors
    batch.status = BatchStatus.FAILED if errors else BatchStatus.CHECKED
    batch.save(update_fields=["counts", "errors", "status", "updated_at"])
    store.write_progress(batch.pk, done=counts["total"], total=counts["total"], stage="checked")


# --- decisions and the commit ----------------------------------------------------------------------------------


@transaction.atomic
def decide(*, actor: Staff, batch: ImportBatch, skip_lines: set[int], distinct_lines: set[int],
           dry_run: bool) -> ImportBatch:
    """Keep what the user chose for the rows with problems; refuse while a row with a problem is undecided."""
    _require_own(actor, batch)
    if batch.status != BatchStatus.CHECKED:
        raise ImportRefused(["この取り込みは、いま実行できる状態ではありません。"])
    errors = []
    for row in store.read_results(batch, statuses={"error", "duplicate"}, limit=10**9):
        line = row["line"]
        if line in skip_lines:
            continue
        if row["status"] == "error":
            errors.append(f"{line}行目：問題を直したファイルを読み込み直すか、「飛ばす」を選んでください。")
        elif line not in distinct_lines:
            errors.append(f"{line}行目：登録済みの人（または前の行）と同じ人かもしれません。「飛ばす」か"
                          "「別人として登録」を選んでください。")
        if len(errors) >= ERRORS_SHOWN:
            break
    if errors:
        raise ImportRefused(errors)
    batch.skip_lines = sorted(skip_lines)
    batch.distinct_lines = sorted(distinct_lines - skip_lines)
    batch.status = BatchStatus.RUNNING
    batch.counts = {**batch.counts, "dry_run": dry_run}
    batch.save()
    return batch


def run_batch(batch_id: int, *, dry_run: bool) -> None:
    """The commit (or the dry run): one transaction over every row; nothing half-imported."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    actor = batch.created_by
    total = batch.counts.get("total", 0)
    outcome: dict = {}
    try:
        with transaction.atomic():
            policy.require(actor, "import_data")
            outcome = _write_rows(batch, actor, total)
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        errors = []
    except ImportRefused as refused:
        errors = refused.errors
    except ReadError as error:
        errors = [error.message]
    except PermissionDenied:
        errors = ["取り込みの権限がありません（管理者だけが取り込めます）。"]
    else:
        errors = []
    batch.refresh_from_db()
    batch.errors = errors
    if errors:
        batch.status = BatchStatus.FAILED if not dry_run else BatchStatus.CHECKED
        batch.dry_run_counts = {"failed": True} if dry_run else batch.dry_run_counts
    elif dry_run:
        batch.status = BatchStatus.CHECKED
        batch.dry_run_counts = outcome
    else:
        batch.status = BatchStatus.DONE
        batch.counts = {**batch.counts, **outcome, "dry_run": False}
        batch.finished_at = timezone.now()
    batch.save()
    store.write_progress(batch.pk, done=total, total=total, stage="finished")
    if batch.status == BatchStatus.DONE:
        store.remove_files(batch)  # the upload held personal data: it goes once imported
        if batch.counts.get("created", 0) >= LARGE_IMPORT:
            planner.refresh_statistics()


def _write_rows(batch: ImportBatch, actor: Staff, total: int) -> dict:
    checker = _checker(batch, actor, check_duplicates=False)  # the service checks the same rules itself
    skip, distinct = set(batch.skip_lines), set(batch.distinct_lines)
    counts = {"created": 0, "skipped": 0, "already": 0}
    pending: list[ImportedRow] = []
    seen = itertools.count(0)
    errors: list[str] = []

    def checked_rows() -> Iterator[CheckedRow]:
        for chunk in _chunks(_data_rows(batch, checker)):
            store.write_progress(batch.pk, done=next(seen) * CHUNK, total=total, stage="run")
            kept = [(line, cells) for line, cells in chunk if line not in skip]
            counts["skipped"] += len(chunk) - len(kept)
            yield from _usable(checker.check_many(kept) if kept else [])

    def _usable(rows: list[CheckedRow]) -> Iterator[CheckedRow]:
        for row in rows:
            line = row.line
            if row.already:
                counts["already"] += 1
                continue
            if row.problems:
                errors.extend(f"{line}行目：{p}" for p in row.problems)
                if len(errors) >= ERRORS_SHOWN:
                    raise ImportRefused(errors)
                continue
            yield row

    def remember(row: CheckedRow, obj) -> None:
        counts["created"] += 1
        pending.append(ImportedRow(center_id=actor.center_id, target=batch.target, row_key=row.row_key,
                                   object_id=obj.pk, batch=batch))
        if len(pending) >= 1000:
            ImportedRow.objects.bulk_create(pending)
            pending.clear()

    detail = f"import batch={batch.pk} target={batch.target}"
    try:
        if batch.target == ImportTarget.PERSONS:
            register_persons(
                actor=actor, section="imports.batch", detail=detail,
                rows=({"values": r.values, "distinct": r.line in distinct, "line": r.line, "checked": r}
                      for r in checked_rows()),
                on_created=lambda item, person: remember(item["checked"], person))
        else:
            listed = []
            write = _WRITERS[batch.target]
            for row in checked_rows():
                try:
                    created, person_id = write(actor, dict(row.values))
                except ValidationError as error:
                    raise ImportRefused([f"{row.line}行目：{'、'.join(error.messages)[:300]}"]) from None
                listed.append(person_id)
                remember(row, created)
            if listed:
                log_access(actor=actor, action=AccessAction.CREATE, section="imports.batch", listed=listed,
                           detail=f"{detail} created={len(listed)}")
    except SameNameError as error:
        names = "、".join(f"ID {c.pk}" for c in error.candidates[:5])
        raise ImportRefused([f"{getattr(error, 'line', '?')}行目：登録済みの人と同じ人かもしれません（{names}）。"
                             "確認画面で「飛ばす」か「別人として登録」を選んでください。"]) from None
    except ValidationError as error:
        where = f"{error.line}行目：" if getattr(error, "line", None) else ""
        raise ImportRefused([f"{where}取り込めない値があります：{'、'.join(error.messages)[:300]}"]) from None
    if errors:
        raise ImportRefused(errors)
    ImportedRow.objects.bulk_create(pending)
    return counts


# --- one row of cases, records or follow-ups through the area's own service: (what it made, whose it is) ---------


def _write_case(actor: Staff, values: dict):
    person = policy.persons_for(actor).get(pk=values.pop("person_id"))
    return open_case(actor=actor, person=person, **values), person.pk


def _write_record(actor: Staff, values: dict):
    case = policy.cases_for(actor).get(pk=values.pop("case_id"))
    return add_activity(actor=actor, case=case, **values), case.person_id


def _write_follow_up(actor: Staff, values: dict):
    case = policy.cases_for(actor).get(pk=values.pop("case_id"))
    return add_follow_up(actor=actor, case=case, **values), case.person_id


_WRITERS = {ImportTarget.CASES: _write_case, ImportTarget.RECORDS: _write_record,
            ImportTarget.FOLLOW_UPS: _write_follow_up}


def _require_own(actor: Staff, batch: ImportBatch) -> None:
    policy.require(actor, "import_data")
    policy.require_same_center(actor, batch)
