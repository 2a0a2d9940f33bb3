"""Restoring a backup, all or nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.core.serializers import python as python_serializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from yorisoi.common.crypto import ciphertext_passthrough, keyring

from .errors import BackupError
from .stream import FORMAT, FORMAT_VERSION, DecryptingReader, read_header
from .tables import (
    HashingReader,
    Progress,
    applied_migrations,
    backup_models,
    media_entry,
    media_root_path,
    table_digest,
)

# --- restore -------------------------------------------------------------------------------------------------

@dataclass
class RestoreSummary:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    created_at: str = ""
    missing_key_ids: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def database_in_use(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Why the database does not count as empty (labels with row counts), [] when it is empty.

    `migrate` itself fills content types, permissions and seeded lookup tables, but never creates staff
    accounts, centers or access-log rows, and every installation in use has them."""
    from django.contrib.auth import get_user_model

    reasons = []
    for model in (get_user_model(), apps.get_model("accounts", "Center"), apps.get_model("privacy", "AccessLog")):
        count = model._base_manager.using(using).count()
        if count:
            reasons.append(f"{model._meta.verbose_name} {count:,} 行")
    return reasons


def _safe_media_path(staging: Path, name: str) -> Path:
    parts = PurePosixPath(name).parts[1:]  # drop "media"
    if not parts or any(part in ("", ".", "..") or "\\" in part for part in parts) or name.startswith("/"):
        raise BackupError("バックアップ内のファイル名が正しくありません。")
    return staging.joinpath(*parts)


def _insert_rows(model, objects, using: str) -> None:
    """INSERT exactly what was stored: raw=True skips auto_now and other pre_save hooks, no signals fire."""
    fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
    connection = connections[using]
    batch = max(connection.ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), batch):
        model._base_manager.using(using)._insert(objects[start:start + batch], fields=fields, using=using, raw=True)


def _deserialize(lines: list[bytes], using: str):
    objects = []
    for line in lines:
        row = json.loads(line)
        try:
            deserialized = next(iter(python_serializer.Deserializer([row], using=using)))
        except Exception as exc:
            # The deserializer's own message quotes the field value: name the row only.
            raise BackupError(
                f"{row.get('model')} の行（ID {row.get('pk')}）を復元できません（{type(exc).__name__}）。"
            ) from None
        objects.append(deserialized.object)
    return objects


def restore_backup(source: Path, *, secret: str, force: bool = False, using: str = DEFAULT_DB_ALIAS,
                   progress: Progress = None) -> RestoreSummary:
    """Replace the database and MEDIA_ROOT with the backup's content, all or nothing.

    Refuses a database in use unless `force`. Everything happens in one transaction: the tables are
    emptied, the rows inserted exactly as stored, then every table is re-read and compared with the
    backup's row counts and digests, foreign keys are checked and PostgreSQL sequences reset; any failure
    rolls the database back. Files are unpacked beside MEDIA_ROOT and moved in only after the commit."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"バックアップファイル {source} が見つかりません。")
    connection = connections[using]
    summary = RestoreSummary()
    media_root = media_root_path()
    with source.open("rb") as raw:
        header, key = read_header(raw, secret)
        reader = DecryptingReader(raw, key, header)
        tar = tarfile.open(fileobj=reader, mode="r|gz")
        members = iter(tar)
        first = next(members, None)
        if first is None or first.name != "header.json":
            raise BackupError("バックアップファイルの形式が正しくありません（header.json がありません）。")
        head = json.loads(tar.extractfile(first).read())
        _check_header(head, connection)
        summary.created_at = head["created_at"]

        if not force:
            reasons = database_in_use(using)
            if media_root.is_dir() and any(media_root.iterdir()):
                reasons.append(f"アップロードファイル（{media_root}）")
            if reasons:
                raise BackupError(
                    "復元先にデータがあります（" + "、".join(reasons) + "）。空のデータベースに復元するか、"
                    "すべて消して置き換えてよい場合だけ --force を付けてください。"
                )

        media_root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".yorisoi-restore-", dir=media_root.parent))
        try:
            with transaction.atomic(using=using), ciphertext_passthrough():
                connection.ops.execute_sql_flush(sql_flush(no_style(), connection, reset_sequences=True))
                loaded = _load_members(members, tar, set(head["models"]), staging, using, progress)
                reader.drain()
                _verify(head, loaded, using, summary, progress)
                connection.check_constraints()
                restored = [apps.get_model(label) for label in head["models"]]
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), restored):
                        cursor.execute(statement)
            _put_media_in_place(staging, media_root, replace=force)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    if apps.is_installed("django.contrib.contenttypes"):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()  # ids may differ from the ones cached before the restore
    configured = set(keyring()[1])
    summary.missing_key_ids = sorted(k for k in loaded.manifest["field_key_ids"] if k != "?" and k not in configured)
    return summary


def _check_header(head: dict, connection) -> None:
    if head.get("format") != FORMAT or head.get("version") != FORMAT_VERSION:
        raise BackupError("バックアップファイルの形式が正しくありません。")
    ours = set(applied_migrations(connection))
    theirs = set(head["migrations"])
    if ours != theirs:
        missing, extra = sorted(theirs - ours), sorted(ours - theirs)
        detail = []
        if missing:
            detail.append("復元先で未適用: " + ", ".join(missing[:5]) + (" ほか" if len(missing) > 5 else ""))
        if extra:
            detail.append("バックアップにない: " + ", ".join(extra[:5]) + (" ほか" if len(extra) > 5 else ""))
        raise BackupError(
            "バックアップと復元先でデータベースの構成（マイグレーション）が違います（" + "；".join(detail) + "）。"
            "バックアップを作ったときと同じ版の yorisoi で migrate してから復元してください。"
        )
    known = {m._meta.label_lower for m in backup_models()}
    unknown = [label for label in head["models"] if label not in known]
    if unknown:
        raise BackupError("バックアップに、この版にない表があります: " + ", ".join(unknown[:5]))


@dataclass
class _Loaded:
    manifest: dict
    rows: Counter
    digests: dict
    media_files: int
    media_bytes: int
    media_digest: str


def _load_members(members, tar, labels: set[str], staging: Path, using: str, progress: Progress) -> _Loaded:
    rows: Counter = Counter()
    digests: dict = {}
    files, file_bytes, media_digest = 0, 0, hashlib.sha256()
    manifest = None
    current = None
    for member in members:
        name = member.name
        if manifest is not None:
            raise BackupError("バックアップファイルの形式が正しくありません（manifest.json の後にデータがあります）。")
        if name == "manifest.json":
            manifest = json.loads(tar.extractfile(member).read())
        elif name.startswith("data/") and member.isfile():
            label = name.split("/")[1]
            if label not in labels:
                raise BackupError("バックアップファイルの形式が正しくありません（想定外の表があります）。")
            if progress and current and label != current:
                progress(f"  {current}: {rows[current]:,} 行")
            current = label
            lines = tar.extractfile(member).read().splitlines(keepends=True)
            digest = digests.setdefault(label, hashlib.sha256())
            for line in lines:
                digest.update(line)
            _insert_rows(apps.get_model(label), _deserialize(lines, using), using)
            rows[label] += len(lines)
        elif name.startswith("media/") and member.isfile():
            target = _safe_media_path(staging, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            file_digest = hashlib.sha256()
            with target.open("wb") as out:
                shutil.copyfileobj(HashingReader(tar.extractfile(member), file_digest), out)
            media_entry(media_digest, name[len("media/"):], file_digest.hexdigest())
            files += 1
            file_bytes += member.size
        elif not member.isdir():
            raise BackupError("バックアップファイルの形式が正しくありません（想定外の項目があります）。")
    if progress and current:
        progress(f"  {current}: {rows[current]:,} 行")
    if manifest is None:
        raise BackupError("バックアップファイルが途中で切れているか壊れています（manifest.json がありません）。")
    if progress and files:
        progress(f"  アップロードファイル: {files:,} 件（{file_bytes:,} バイト）")
    return _Loaded(manifest, rows, digests, files, file_bytes, media_digest.hexdigest())


def _verify(head: dict, loaded: _Loaded, using: str, summary: RestoreSummary, progress: Progress) -> None:
    """The archive matches its manifest, and the database now holds exactly those rows and values."""
    manifest = loaded.manifest
    if set(manifest["models"]) != set(head["models"]):
        raise BackupError("バックアップファイルが壊れています（表の一覧が記録と違います）。")
    empty = hashlib.sha256().hexdigest()
    mismatched = []
    for label, expected in sorted(manifest["models"].items()):
        archive_digest = loaded.digests[label].hexdigest() if label in loaded.digests else empty
        if loaded.rows[label] != expected["rows"] or archive_digest != expected["sha256"]:
            raise BackupError(f"バックアップファイルが壊れています（{label} の行数または内容が記録と違います）。")
        rows, digest = table_digest(apps.get_model(label), using)
        if rows != expected["rows"] or digest != expected["sha256"]:
            mismatched.append(f"{label}（復元 {rows:,} 行 / 記録 {expected['rows']:,} 行）")
        summary.rows[label] = rows
    if mismatched:
        raise BackupError("復元後の内容がバックアップと一致しません: " + "、".join(mismatched[:10]))
    media = manifest["media"]
    found = (loaded.media_files, loaded.media_bytes, loaded.media_digest)
    if found != (media["files"], media["bytes"], media["sha256"]):
        raise BackupError("バックアップファイルが壊れています（アップロードファイルが記録と違います）。")
    summary.files = loaded.media_files
    if progress:
        progress(f"  行数と内容を確認しました: {summary.total_rows:,} 行、ファイル {summary.files:,} 件")


def _put_media_in_place(staging: Path, media_root: Path, *, replace: bool) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    if replace:
        for entry in media_root.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    for entry in staging.iterdir():
        os.replace(entry, media_root / entry.name)
