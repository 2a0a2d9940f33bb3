"""The フォローアップ page of a case: the schedule, adding and changing contacts, and 記録して完了."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data, with_their_version
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule

from .. import conf, selectors, services
from ..forms import FollowUpEditForm, FollowUpForm, FollowUpRecordForm, ScheduleFollowUpsForm
from ..models import FollowUpStatus, FollowUpTarget
from ._common import case_context

SECTION = "follow_up"


def _page_url(case, anchor: str = "") -> str:
    return reverse("procedures:follow_ups", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _render(request, case, access, *, schedule_form=None, add_form=None, status=200):
    today = timezone.localdate()
    follow_ups = selectors.follow_ups_of(case=case)
    # The 受入先 defaults to where the person lives now.
    facility = selectors.current_facility(user=request.user, case=case)
    facility_id = facility.pk if facility else None
    context = case_context(
        case, access, tab="follow_ups", today=today, follow_ups=follow_ups,
        scheduled_count=sum(1 for f in follow_ups if f.is_open),
        overdue_count=sum(1 for f in follow_ups if f.is_open and f.due_date < today),
        schedule_form=schedule_form or ScheduleFollowUpsForm(user=request.user, initial={"facility": facility_id}),
        add_form=add_form or FollowUpForm(user=request.user, initial={"target": FollowUpTarget.PERSON,
                                                                      "organization": facility_id}),
        intervals=conf.follow_up_intervals(), statuses=FollowUpStatus,
    )
    return render(request, "procedures/followup_list.html", context, status=status)


@rule("procedures.view")
def follow_ups(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "view", section=SECTION)
    return _render(request, case, access)


@rule("procedures.write")
def follow_up_schedule(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if request.method != "POST":
        return redirect(_page_url(case, "schedule"))
    form = ScheduleFollowUpsForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.schedule_follow_ups(case=case, actor=request.user, start=data["start"],
                                                   facility=data["facility"],
                                                   include_facility=data["include_facility"], request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(request, f"フォローアップを{len(created)}件予定しました。")
            else:
                messages.info(request, "予定はすべて作成済みです（重複して作りません）。")
            return redirect(_page_url(case))
    return _render(request, case, access, schedule_form=form)


@rule("procedures.write")
def follow_up_add(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if request.method != "POST":
        return redirect(_page_url(case, "add"))
    form = FollowUpForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            follow_up = services.add_follow_up(actor=request.user, case=case, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "フォローアップを追加しました。")
            return redirect(_page_url(case, f"follow-up-{follow_up.pk}"))
    return _render(request, case, access, add_form=form)


@rule("procedures.write")
def follow_up_edit(request, case_pk: int, pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    follow_up = selectors.get_follow_up_or_404(case, pk)
    if follow_up.status == FollowUpStatus.DONE:
        messages.error(request, "記録して完了したフォローアップは変更できません。")
        return redirect(_page_url(case, f"follow-up-{follow_up.pk}"))
    stale, status = None, 200
    if request.method == "POST":
        form = FollowUpEditForm(request.POST, user=request.user, follow_up=follow_up)
        if form.is_valid():
            try:
                services.update_follow_up(actor=request.user, follow_up=follow_up,
                                          expected_version=form.cleaned_data["version"], request=request,
                                          **form.values())
            except StaleEditError as error:
                stale, status = error, 409
                form = FollowUpEditForm(merged_form_data(form, error),
                                        user=request.user, follow_up=follow_up)
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "フォローアップを保存しました。")
                return redirect(_page_url(case, f"follow-up-{follow_up.pk}"))
    else:
        form = FollowUpEditForm(initial=FollowUpEditForm.initial_for(follow_up), user=request.user,
                                follow_up=follow_up)
    context = case_context(case, access, tab="follow_ups", page_title="フォローアップの変更", follow_up=follow_up,
                           form=form, stale=stale, today=timezone.localdate())
    return render(request, "procedures/followup_edit.html", context, status=status)


def _counterpart(follow_up) -> str:
    if follow_up.target == FollowUpTarget.FACILITY:
        return str(follow_up.organization) if follow_up.organization else "受入先"
    return "本人"


@rule("follow_ups.record")
def follow_up_record(request, case_pk: int, pk: int):
    """記録して完了: a support record of the contact; the follow-up is done and linked to it."""
    case, access = policy.get_case_or_404(request, case_pk, "add_record", section=SECTION)
    follow_up = selectors.get_follow_up_or_404(case, pk)
    if follow_up.status != FollowUpStatus.SCHEDULED:
        messages.error(request, "このフォローアップは予定ではありません（完了済みまたは中止）。")
        return redirect(_page_url(case, f"follow-up-{follow_up.pk}"))
    stale, status = None, 200
    if request.method == "POST":
        form = FollowUpRecordForm(request.POST, prefix="record")
        if form.is_valid():
            try:
                _done, _activity = services.complete_follow_up_with_record(
                    actor=request.user, follow_up=follow_up, expected_version=form.cleaned_data["version"],
                    request=request, **form.values())
            except StaleEditError as error:
                stale, status = error, 409
                follow_up = selectors.get_follow_up_or_404(case, pk)
                form = FollowUpRecordForm(with_their_version(form, error),
                                          prefix="record")
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "支援経過記録を追加し、フォローアップを完了にしました。")
                return redirect(_page_url(case, f"follow-up-{follow_up.pk}"))
    else:
        form = FollowUpRecordForm(prefix="record", initial={
            "version": follow_up.version, "counterpart": _counterpart(follow_up),
            "occurred_at": timezone.localtime().replace(second=0, microsecond=0)})
    context = case_context(case, access, tab="follow_ups", page_title="フォローアップを記録して完了",
                           follow_up=follow_up, form=form, stale=stale, today=timezone.localdate())
    return render(request, "procedures/followup_record.html", context, status=status)
