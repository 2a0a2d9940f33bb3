"""Tables as canonical JSON lines (Django's python serializer, ciphertext kept), snapshots and media files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.serializers import python as python_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from yorisoi.common.crypto import EncryptedTextField, ciphertext_passthrough

Progress = Callable[[str], None] | None
ROWS_PER_PART = 1000


# --- rows as canonical JSON lines ----------------------------------------------------------------------------

class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; the access log's hash chain needs every microsecond."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _RowSerializer(python_serializer.Serializer):
    """Django's python serializer without the per-object many-to-many queries (through tables are dumped
    as models of their own)."""

    def handle_m2m_field(self, obj, field):
        pass


def canonical_line(row: dict) -> bytes:
    return json.dumps(row, cls=_Encoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def backup_models() -> list[type[django.db.models.Model]]:
    """Every table Django manages, history and many-to-many tables included, in a stable order."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def row_chunks(model, using: str) -> Iterator[list[dict]]:
    """The model's rows as serializer dicts, ROWS_PER_PART at a time. Call inside ciphertext_passthrough()."""
    serializer = _RowSerializer()
    chunk = []
    for obj in model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000):
        chunk.append(obj)
        if len(chunk) == ROWS_PER_PART:
            yield serializer.serialize(chunk)
            chunk = []
    if chunk:
        yield serializer.serialize(chunk)


def table_digest(model, using: str = DEFAULT_DB_ALIAS) -> tuple[int, str]:
    """(rows, sha256 of the canonical lines) as a backup would write them; encrypted fields stay ciphertext."""
    digest, rows = hashlib.sha256(), 0
    with ciphertext_passthrough():
        for chunk in row_chunks(model, using):
            for row in chunk:
                digest.update(canonical_line(row))
                rows += 1
    return rows, digest.hexdigest()


def encrypted_names(model) -> list[str]:
    return [f.name for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]


def applied_migrations(connection) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


@contextmanager
def consistent_snapshot(using: str):
    """Read every table from one point in time while the site keeps writing."""
    connection = connections[using]
    if connection.in_atomic_block:  # already inside a transaction (a test): it is the snapshot
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # atomic() would BEGIN IMMEDIATE (see settings) and lock writers out for the whole backup; a deferred
        # read transaction sees one snapshot (WAL) and lets the site go on writing.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
    else:
        with transaction.atomic(using=using):
            yield


def media_root_path() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


class HashingReader:
    def __init__(self, raw, digest):
        self._raw, self._digest = raw, digest

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._digest.update(data)
        return data


def media_entry(digest, rel: str, file_sha256: str) -> None:
    digest.update(f"{rel}\0{file_sha256}\n".encode())


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(mtime), 0o600
    tar.addfile(info, io.BytesIO(data))
