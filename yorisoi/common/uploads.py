"""Checks on an uploaded scan or document: PDF, JPEG or PNG by content (not only by name), not too large.
Each app passes its own size limit."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    signature: bytes


KINDS = (
    Kind(".pdf", "application/pdf", b"%PDF-"),
    Kind(".png", "image/png", b"\x89PNG\r\n\x1a\n"),
    Kind(".jpg", "image/jpeg", b"\xff\xd8\xff"),
)
EXTENSIONS = {".pdf": ".pdf", ".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg"}
TYPE_MESSAGE = "添付できるのは PDF・JPEG・PNG のファイルだけです。"


def check_upload(upload, *, max_bytes: int, field: str = "file") -> Kind:
    """The kind of an uploaded file, or a ValidationError keyed `field` with a Japanese message."""
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationError({field: "ファイルを選んでください（空のファイルは添付できません）。"})
    limit = max_bytes
    if upload.size > limit:
        raise ValidationError({field: f"ファイルが大きすぎます。{limit // (1024 * 1024)}MB以下のファイルにしてください"
                                      f"（このファイルは{upload.size / 1024 / 1024:.1f}MB）。"})
    name = (upload.name or "").lower()
    extension = EXTENSIONS.get(name[name.rfind("."):] if "." in name else "")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in KINDS:
        if head.startswith(kind.signature):
            if extension != kind.extension:
                raise ValidationError({field: TYPE_MESSAGE + "ファイル名の拡張子と中身の形式が一致しません。"})
            return kind
    raise ValidationError({field: TYPE_MESSAGE})


def size_label(size: int) -> str:
    """A stored file's size for the page: 1.5MB, or KB rounded (never 0KB)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}MB"
    return f"{max(1, round(size / 1024))}KB"
