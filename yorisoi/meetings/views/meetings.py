"""Meetings: the list, scheduling, the meeting page with its minutes (discussion, decisions, action items), the
history of corrections, and the A4 print and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import page_of
from yorisoi.disclosure.pdf import render_pdf
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import log_listed, rule

from .. import selectors, services
from ..forms import (
    ActionForm,
    AttachmentForm,
    DecisionForm,
    MeetingForm,
    MeetingListQuery,
    MeetingPrefillQuery,
    MinutesForm,
)
from ..models import MeetingKind
from ._common import add_errors, context, next_url, require

PAGE_SIZE = 50


@rule("meetings.view")
def meeting_list(request):
    query = MeetingListQuery.read(request).values
    upcoming = query["show"] != "all"
    qs = selectors.meeting_list(user=request.user, kind=query["kind"], upcoming=upcoming)
    page = page_of(request, qs, PAGE_SIZE)
    log_listed(request, [c for m in page for c in m.shown_cases], section="meeting")
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "meetings/meeting_list.html", context(
        request, page=page, kind=query["kind"], upcoming=upcoming, kinds=MeetingKind.choices,
        query=params.urlencode(), today=timezone.localdate()))


def _initial(request) -> dict:
    initial = {"staff": [request.user.pk], "date": timezone.localdate()}
    query = MeetingPrefillQuery.read(request).values
    if query["kind"]:
        initial["kind"] = query["kind"]
        initial["title"] = MeetingKind(query["kind"]).label
    if query["case"] and policy.cases_for(request.user).filter(pk=query["case"]).exists():
        initial["cases"] = [query["case"]]
    return initial


def _log_case_choices(request, form) -> None:
    """The form's menu of cases names persons (case number and name): the page logs that it showed them."""
    field = form.fields.get("cases")
    if field is not None and field.queryset is not None:
        log_listed(request, list(field.queryset), section="meeting")


@rule("meetings.write")
def meeting_create(request):
    require(selectors.meeting_access(request.user).can_write)
    form = MeetingForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(actor=request.user, request=request, **form.links(),
                                                **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "会議の予定を登録しました。")
            return redirect("meetings:detail", meeting.pk)
    _log_case_choices(request, form)
    return render(request, "meetings/meeting_form.html", context(request, form=form))


@rule("meetings.write")
def meeting_edit(request, pk: int):
    meeting = selectors.get_meeting_or_404(request, pk)
    require(selectors.meeting_access(request.user).can_write)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    ctx = context(request, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(actor=request.user, meeting=meeting, request=request,
                                    expected_version=form.cleaned_data["version"], **form.links(), **form.values())
        except StaleEditError as stale:
            form.data = merged_form_data(form, stale)
            _log_case_choices(request, form)
            return render(request, "meetings/meeting_form.html", {**ctx, "form": form, "stale": stale}, status=409)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "会議の予定を保存しました。")
            return redirect("meetings:detail", meeting.pk)
    _log_case_choices(request, form)
    return render(request, "meetings/meeting_form.html", {**ctx, "form": form})


@rule("meetings.write")
def meeting_repeat(request, pk: int):
    """POST: schedule the weekly series ahead."""
    meeting = selectors.get_meeting_or_404(request, pk)
    if request.method == "POST":
        try:
            made = services.extend_series(actor=request.user, meeting=meeting, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"繰り返しの会議を{len(made)}回分追加しました。" if made
                             else "追加する回はありません（先の予定まで登録済みです）。")
    return redirect("meetings:detail", meeting.pk)


def _render_detail(request, meeting, *, minutes_form=None, decision_form=None, action_form=None, stale=None,
                   attachment_form=None, status=200):
    user = request.user
    ma = selectors.meeting_access(user)
    minutes = selectors.minutes_of(user=user, meeting=meeting)
    extra = {}
    if ma.can_write:
        extra = {
            "minutes_form": minutes_form or MinutesForm(initial={"discussion": meeting.discussion,
                                                                 "version": meeting.version}),
            "decision_form": decision_form or DecisionForm(meeting=meeting, user=user),
            "action_form": action_form or ActionForm(meeting=meeting, user=user),
            "attachment_form": attachment_form or AttachmentForm(),
        }
    if meeting.kind == MeetingKind.CASE_STUDY:
        extra["materials"] = selectors.materials_of(user=user, meeting=meeting)
    if meeting.kind == MeetingKind.EXCHANGE:
        extra["agenda"] = selectors.exchange_agenda(user=user, meeting=meeting)
        shown = [*meeting.shown_cases, *extra["agenda"].closed_cases, *extra["agenda"].opened_cases]
    else:
        shown = meeting.shown_cases
    log_listed(request, shown, section="meeting", obj=meeting, always=True)
    return render(request, "meetings/meeting_detail.html", context(
        request, meeting=meeting, stale=stale, today=timezone.localdate(), **minutes, **extra), status=status)


@rule("meetings.view")
def meeting_detail(request, pk: int):
    return _render_detail(request, selectors.get_meeting_or_404(request, pk))


@rule("meetings.write")
def minutes_edit(request, pk: int):
    """POST: write or correct the discussion (versioned; a stale save shows both versions)."""
    meeting = selectors.get_meeting_or_404(request, pk)
    require(selectors.meeting_access(request.user).can_write)
    if request.method != "POST":
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#minutes")
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.record_minutes(actor=request.user, meeting=meeting, request=request,
                                    expected_version=form.cleaned_data["version"],
                                    discussion=form.cleaned_data["discussion"],
                                    change_reason=form.cleaned_data["change_reason"])
        except StaleEditError as stale:
            form = MinutesForm(merged_form_data(form, stale, initial=lambda row: {"discussion": row.discussion}))
            form.is_valid()
            current = selectors.get_meeting_or_404(request, pk)
            return _render_detail(request, current, minutes_form=form, stale=stale, status=409)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "議事録を保存しました。")
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#minutes")
    return _render_detail(request, meeting, minutes_form=form)


@rule("meetings.write")
def attachment_add(request, pk: int):
    """POST: attach a document to the minutes (PDF, JPEG or PNG)."""
    meeting = selectors.get_meeting_or_404(request, pk)
    require(selectors.meeting_access(request.user).can_write)
    if request.method != "POST":
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#attachments")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attach_to_minutes(actor=request.user, meeting=meeting,
                                                    upload=form.cleaned_data["file"], request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"資料「{attachment.original_name}」を添付しました。")
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#attachments")
    return _render_detail(request, meeting, attachment_form=form, status=400)


@rule("meetings.view")
def attachment_download(request, pk: int, attachment_pk: int):
    """Served only here, to those who may read the meeting; each download is logged."""
    meeting = selectors.get_meeting_or_404(request, pk)
    attachment = selectors.get_attachment_or_404(meeting, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("添付ファイルが見つかりません。") from None
    log_access(request=request, action=AccessAction.DOWNLOAD, obj=attachment, section="meeting_attachment",
               detail=f"meeting={meeting.pk}")
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@rule("meetings.write")
def attachment_delete(request, pk: int, attachment_pk: int):
    meeting = selectors.get_meeting_or_404(request, pk)
    require(selectors.meeting_access(request.user).can_write)
    attachment = selectors.get_attachment_or_404(meeting, attachment_pk)
    if request.method == "POST":
        services.remove_minutes_attachment(actor=request.user, attachment=attachment, request=request)
        messages.success(request, f"資料「{attachment.original_name}」を外しました。")
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#attachments")


def _add_to_meeting(request, pk: int, *, form_class, add, anchor: str, done: str, form_name: str):
    """A decision or an action posted from the meeting page: saved by `add`, or the page again with the form."""
    meeting = selectors.get_meeting_or_404(request, pk)
    require(selectors.meeting_access(request.user).can_write)
    back = reverse("meetings:detail", args=[meeting.pk]) + anchor
    if request.method != "POST":
        return redirect(back)
    form = form_class(request.POST, meeting=meeting, user=request.user)
    if form.is_valid():
        try:
            add(actor=request.user, meeting=meeting, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    return _render_detail(request, meeting, **{form_name: form})


@rule("meetings.write")
def decision_add(request, pk: int):
    return _add_to_meeting(request, pk, form_class=DecisionForm, add=services.add_decision, anchor="#decisions",
                           done="決定事項を記録しました。", form_name="decision_form")


@rule("meetings.write")
def action_add(request, pk: int):
    return _add_to_meeting(request, pk, form_class=ActionForm, add=services.add_action, anchor="#actions",
                           done="対応を記録しました。担当者のやることに表示されます。", form_name="action_form")


@rule("meetings.write")
def action_status(request, pk: int):
    """POST done=1 (close) or done=0 (open again); back to ?next= (やること) or the meeting."""
    action = selectors.get_action_or_404(request, pk)
    back = next_url(request, reverse("meetings:detail", args=[action.meeting_id]) + "#actions")
    if request.method == "POST":
        done = request.POST.get("done") != "0"
        services.set_action_status(actor=request.user, action=action, done=done, request=request)
        messages.success(request, "対応を完了にしました。" if done else "対応を未完了に戻しました。")
    return redirect(back)


@rule("meetings.view")
def minutes_history(request, pk: int):
    meeting = selectors.get_meeting_or_404(request, pk)
    log_listed(request, meeting.shown_cases, section="meeting_minutes", obj=meeting, always=True, detail="history")
    return render(request, "meetings/minutes_history.html", context(
        request, meeting=meeting, versions=selectors.minutes_versions(meeting=meeting)))


def _sheet_context(request, meeting) -> dict:
    return {"meeting": meeting, **selectors.minutes_of(user=request.user, meeting=meeting),
            "printed_at": timezone.localtime(), "center": request.user.center}


def _log_print(request, meeting, detail: str) -> None:
    log_access(request=request, action=AccessAction.PRINT, obj=meeting, section="meeting_minutes", detail=detail,
               listed={c.person_id for c in meeting.shown_cases})


@rule("meetings.view")
def meeting_print(request, pk: int):
    """The minutes on an A4 sheet (print CSS); the print is logged."""
    meeting = selectors.get_meeting_or_404(request, pk)
    _log_print(request, meeting, "print")
    return render(request, "meetings/meeting_print.html", context(request, **_sheet_context(request, meeting)))


@rule("meetings.view")
def meeting_pdf(request, pk: int):
    """The same sheet as an A4 PDF with an embedded Japanese font; logged as PRINT."""
    meeting = selectors.get_meeting_or_404(request, pk)
    _log_print(request, meeting, "pdf")
    pdf = render_pdf("meetings/pdf/minutes.html", _sheet_context(request, meeting))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="meeting-{meeting.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
