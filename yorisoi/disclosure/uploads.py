"""Consent forms and agreement documents: the shared upload check with this app's size limit, and attaching."""

from __future__ import annotations

from yorisoi.common.uploads import Kind
from yorisoi.common.uploads import check_upload as check_file

from . import conf


def check_upload(upload, *, field: str = "file") -> Kind:
    return check_file(upload, max_bytes=conf.attachment_max_bytes(), field=field)


def attach(obj, upload, *, field: str = "file") -> None:
    """Check `upload` and put it on `obj` (an Attachment) under a random name; saved with `obj`."""
    kind = check_upload(upload, field=field)
    obj.file_name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
    obj.file_type = kind.content_type
    obj.file_size = upload.size
    upload.name = f"upload{kind.extension}"
    obj.file = upload
