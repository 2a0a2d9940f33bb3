"""Writing a backup."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import tarfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.db import DEFAULT_DB_ALIAS, connections

from yorisoi.common.crypto import ciphertext_passthrough, key_id_of

from .errors import BackupError
from .stream import FORMAT, FORMAT_VERSION, EncryptingWriter, new_header
from .tables import (
    HashingReader,
    Progress,
    add_bytes,
    applied_migrations,
    backup_models,
    canonical_line,
    consistent_snapshot,
    encrypted_names,
    media_entry,
    media_files,
    media_root_path,
    row_chunks,
)

# --- backup --------------------------------------------------------------------------------------------------

@dataclass
class BackupSummary:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    key_ids: dict[str, int] = field(default_factory=dict)
    sha256: str = ""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def create_backup(output: Path, *, secret: str, using: str = DEFAULT_DB_ALIAS, progress: Progress = None
                  ) -> BackupSummary:
    output = Path(output)
    if output.exists():
        raise BackupError(f"出力先 {output} はすでに存在します。別のファイル名を指定してください。")
    if not output.parent.is_dir():
        raise BackupError(f"出力先のディレクトリ {output.parent} がありません。")
    header, key = new_header(secret)
    connection = connections[using]
    summary = BackupSummary(path=output)
    manifest = {"models": {}, "media": {}, "field_key_ids": {}}
    key_ids: Counter = Counter()
    now = time.time()
    # Written beside the target and renamed at the end, so a half-written file never looks like a backup.
    partial = output.with_name(f".{output.name}.partial-{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            writer = EncryptingWriter(raw, key, header)
            with tarfile.open(fileobj=writer, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
                with consistent_snapshot(using), ciphertext_passthrough():
                    models = backup_models()
                    head = {
                        "format": FORMAT, "version": FORMAT_VERSION,
                        "created_at": dt.datetime.now(dt.UTC).isoformat(), "vendor": connection.vendor,
                        "django": django.get_version(), "migrations": applied_migrations(connection),
                        "models": [m._meta.label_lower for m in models],
                    }
                    add_bytes(tar, "header.json", json.dumps(head, ensure_ascii=False).encode(), now)
                    for model in models:
                        label = model._meta.label_lower
                        encrypted = encrypted_names(model)
                        digest, rows = hashlib.sha256(), 0
                        for part, chunk in enumerate(row_chunks(model, using), start=1):
                            data = b"".join(canonical_line(row) for row in chunk)
                            digest.update(data)
                            rows += len(chunk)
                            for row in chunk:
                                for name in encrypted:
                                    if row["fields"].get(name):
                                        key_ids[key_id_of(row["fields"][name]) or "?"] += 1
                            add_bytes(tar, f"data/{label}/{part:06d}.jsonl", data, now)
                        manifest["models"][label] = {"rows": rows, "sha256": digest.hexdigest()}
                        summary.rows[label] = rows
                        if progress and rows:
                            progress(f"  {label}: {rows:,} 行")
                media_digest = hashlib.sha256()
                for path, rel in media_files(media_root_path()):
                    info = tar.gettarinfo(str(path), arcname=f"media/{rel}")
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    info.mode = 0o600
                    file_digest = hashlib.sha256()
                    with path.open("rb") as source:
                        tar.addfile(info, HashingReader(source, file_digest))
                    media_entry(media_digest, rel, file_digest.hexdigest())
                    summary.files += 1
                    summary.file_bytes += info.size
                if progress and summary.files:
                    progress(f"  アップロードファイル: {summary.files:,} 件（{summary.file_bytes:,} バイト）")
                manifest["media"] = {"files": summary.files, "bytes": summary.file_bytes,
                                     "sha256": media_digest.hexdigest()}
                manifest["field_key_ids"] = dict(key_ids)
                add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode(), now)
            writer.finish()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary.key_ids = dict(key_ids)
    summary.sha256 = writer.sha256.hexdigest()
    return summary
