"""Helpers shared by the pages of this app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from yorisoi.disclosure.pdf import render_pdf
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .. import package
from ..models import Transfer
from ..rules import TransferAccess, transfer_access

PAGE_SIZE = 50


def rights(request) -> TransferAccess:
    return transfer_access(request.user)


def context(request, **extra) -> dict:
    return {"nav": "transfers", "rights": rights(request), **extra}


require = policy.deny_unless  # refuse (403) and log the refusal when `allowed` is false


def not_found(request, pk) -> Http404:
    """The 404 of a transfer the user's center neither sent nor receives, exactly as for a missing one; a row that
    exists elsewhere is logged as DENIED (ids only)."""
    found = Transfer.objects.filter(pk=pk).only("pk", "center_id").first()
    if found is not None:
        log_access(request=request, action=AccessAction.DENIED, obj=found, section="other_center")
    return Http404("引継ぎが見つかりません。")


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def package_context(data: dict, *, provided_on=None, provision_number: str = "") -> dict:
    """What transfers/_package.html needs: the letter (dates as dates), the provision document's content, and the
    facts the provision document prints (recipient, purpose, record number)."""
    letter = package.letter_for_display(data)
    return {
        "letter": letter,
        "content": data.get("content") or {},
        "provided_on": letter.get("provided_on") or provided_on or timezone.localdate(),
        "doc_record": {"recipient_name": letter.get("to_name", ""), "get_purpose_display": letter.get("purpose", ""),
                       "number": letter.get("provision_number") or provision_number},
    }


def pdf_response(transfer: Transfer, *, filename_prefix: str = "引継ぎ資料") -> HttpResponse:
    """The transfer package (letter and provision document) as a PDF, rendered from the frozen package with the
    Japanese font embedded (disclosure.pdf)."""
    pdf = render_pdf("transfers/pdf/package.html", {"transfer": transfer, **package_context(transfer.data)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{filename_prefix}-{transfer.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
