"""Where a batch's files wait: the upload, the check results (one JSON line per row) and the progress of the
task that runs (a small JSON file, so that a page polling it sees progress made inside the task's one open
transaction, which no other database connection can see before the commit)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings


def folder() -> Path:
    path = Path(settings.YORISOI_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def upload_path(batch) -> Path:
    return folder() / f"batch-{batch.pk}.{batch.file_kind}"


def results_path(batch) -> Path:
    return folder() / f"batch-{batch.pk}.check.jsonl"


def _progress_path(batch_id: int) -> Path:
    return folder() / f"batch-{batch_id}.progress.json"


def write_progress(batch_id: int, *, done: int, total: int, stage: str) -> None:
    path = _progress_path(batch_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "total": total, "stage": stage}))
    os.replace(temporary, path)  # a reader sees the old or the new figures, never half a file


def read_progress(batch_id: int) -> dict:
    try:
        return json.loads(_progress_path(batch_id).read_text())
    except (OSError, ValueError):
        return {"done": 0, "total": 0, "stage": ""}


def read_results(batch, *, statuses: set[str] | None = None, offset: int = 0, limit: int = 100) -> Iterator[dict]:
    """The checked rows of the preview, streamed from the results file (only `statuses` when given)."""
    try:
        handle = open(results_path(batch), encoding="utf-8")
    except OSError:
        return
    with handle:
        seen = 0
        for text in handle:
            row = json.loads(text)
            if statuses is not None and row["status"] not in statuses:
                continue
            if seen >= offset:
                if seen >= offset + limit:
                    return
                yield row
            seen += 1


def remove_files(batch) -> None:
    for path in (upload_path(batch), results_path(batch), _progress_path(batch.pk)):
        path.unlink(missing_ok=True)
