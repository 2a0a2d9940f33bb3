"""Helpers shared by the pages of this app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.http import urlencode

from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import areas

from .. import items
from ..rules import DisclosureAccess, disclosure_access

PAGE_SIZE = 50


def context(request, **extra) -> dict:
    return {"nav": "disclosure", "rights": disclosure_access(request.user), **extra}


require = policy.deny_unless  # refuse (403) and log the refusal when `allowed` is false


def rights(request) -> DisclosureAccess:
    return disclosure_access(request.user)


def open_person(request, pk, *, section: str):
    """The person through the policy (404 for another center, break-the-glass where the center asks for it);
    logs the view."""
    return policy.get_person_or_404(request, pk, "view", section=section)


def person_visible(request, person_id: int) -> bool:
    """Directors and auditors see the whole center's ledger (including persons deleted since); workers the
    records of persons they may open."""
    user = request.user
    if areas.sees_whole_ledger(user):
        return True
    return policy.persons_for(user).filter(pk=person_id).exists()


def require_sensitive(request, record, *, item_codes, with_records: bool) -> None:
    """A document holding health, justice or narrative items is shown only to users who may see them."""
    access = policy.access_for(request.user)
    allowed = {"health": access.can_see_health, "justice": access.can_see_justice,
               "narrative": access.can_see_narrative}
    missing = [n for n in items.needs(item_codes, with_records=with_records) if not allowed[n]]
    require(request, not missing, section="disclosure", obj=record, person_id=record.person_id)


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def serve_file(request, fieldfile, *, filename: str, content_type: str, obj, person_id: int | None, section: str):
    """A private file, logged as DOWNLOAD; 404 when the file is gone."""
    if not fieldfile:
        raise Http404("ファイルがありません。")
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404("ファイルが見つかりません。") from None
    log_access(request=request, action=AccessAction.DOWNLOAD, obj=obj, person_id=person_id, section=section)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def querystring(request, *, drop: tuple[str, ...] = ("page",)) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])


def person_url(person_id: int) -> str:
    return reverse("disclosure:person", args=[person_id])


def person_in_center(request, pk) -> None:
    """404 for a person of another center (or none), before any role check: an outsider learns nothing, not
    even that the page would be forbidden to them."""
    from yorisoi.people.models import Person

    if not policy.of_center(Person, request.user).filter(pk=pk, deleted_at__isnull=True).exists():
        raise Http404("対象者が見つかりません。")
