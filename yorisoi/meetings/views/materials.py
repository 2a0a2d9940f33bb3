"""Case-study material for a 事例検討会: the author produces an anonymised draft of a case of the meeting, reviews
and edits it, and releases it; others see only released material; a printable page. Every read is logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import anonymise, selectors, services
from ..forms import MaterialForm
from ..models import MaterialStatus, MeetingKind
from ._common import add_errors, context, require


@rule("meetings.write")
def material_draft(request, pk: int, case_pk: int):
    """POST: produce the anonymised draft of a case of this 事例検討会 (logged), then review it."""
    meeting = selectors.get_meeting_or_404(request, pk)
    require(selectors.meeting_access(request.user).can_write)
    case, _access = policy.get_case_or_404(request, case_pk, "view", section="case_study")
    back = reverse("meetings:detail", args=[meeting.pk]) + "#materials"
    if meeting.kind != MeetingKind.CASE_STUDY or case not in meeting.shown_cases:
        raise Http404("この事例検討会で扱うケースではありません。")
    if request.method != "POST":
        return redirect(back)
    try:
        material = services.draft_case_study(actor=request.user, case=case, meeting=meeting, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, "匿名化した資料の下書きを作成しました。内容を確かめてから公開してください。")
    return redirect("meetings:material", material.pk)


def _log_view(request, material, action=AccessAction.VIEW, detail: str = "") -> None:
    log_access(request=request, action=action, obj=material, section="case_study",
               person_id=material.case.person_id, detail=detail)


def _is_author(request, material) -> bool:
    return material.author_id == request.user.pk


@rule("meetings.view")
def material_detail(request, pk: int):
    """The material. Its author sees the draft with what still identifies the person and edits or releases it;
    others reach only released material (read only)."""
    material = selectors.get_material_or_404(request, pk)
    editable = (_is_author(request, material) and material.status == MaterialStatus.DRAFT
                and selectors.meeting_access(request.user).can_write)
    form, stale, status = None, None, 200
    if request.method == "POST":
        require(editable)
        form = MaterialForm(request.POST)
        if form.is_valid():
            release = "release" in request.POST
            try:
                services.save_case_study(actor=request.user, material=material, request=request, release=release,
                                         expected_version=form.cleaned_data["version"],
                                         text=form.cleaned_data["text"])
            except StaleEditError as error:
                stale, status = error, 409
                form = MaterialForm(merged_form_data(form, error))
                form.is_valid()
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "資料を公開しました。事例検討会で使えます。" if release
                                 else "下書きを保存しました。")
                return redirect("meetings:material", material.pk)
    else:
        _log_view(request, material)
    if editable and form is None:
        form = MaterialForm(initial={"text": material.text, "version": material.version})
    text = form.data.get("text", material.text) if form is not None and form.is_bound else material.text
    remaining = anonymise.remaining(text, anonymise.identifying_values(material.case)) if editable else []
    return render(request, "meetings/material_detail.html", context(
        request, material=material, form=form if editable else None, remaining=remaining, stale=stale,
        may_open_case=policy.may_reach(request.user, material.case)), status=status)


@rule("meetings.view")
def material_print(request, pk: int):
    """The material on an A4 sheet; its author may print the draft to review it on paper. The print is logged."""
    material = selectors.get_material_or_404(request, pk)
    _log_view(request, material, AccessAction.PRINT, detail="print")
    return render(request, "meetings/material_print.html", context(
        request, material=material, printed_at=timezone.localtime(), center=request.user.center))
