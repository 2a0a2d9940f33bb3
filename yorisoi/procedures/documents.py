"""Procedure documents: the shared upload check (PDF, JPEG or PNG, by content) with this app's size limit."""

from __future__ import annotations

from yorisoi.common.uploads import Kind
from yorisoi.common.uploads import check_upload as check_file

from . import conf


def check_upload(upload) -> Kind:
    return check_file(upload, max_bytes=conf.document_max_bytes())
