"""Devices, paper files and their custody, the office lock checks, and incidents (report, affected persons, remote
wipe, notifications, the report to the 個人情報保護委員会 and its deadlines)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.privacy.policy import log_listed, rule

from .. import selectors, services
from ..forms import (
    AuthorityReportForm,
    CheckoutForm,
    DeviceForm,
    IncidentForm,
    NotificationForm,
    OfficeCheckForm,
    PaperFileForm,
    WipeForm,
)
from ..models import Device
from ._common import add_errors, context

SECTION_FILES = "office_files"
SECTION_INCIDENT = "office_incident"


# --- devices ----------------------------------------------------------------------------------------------------


@rule("office.view")
def device_list(request):
    rows = selectors.devices(request.user, include_retired=True)
    return render(request, "office/device_list.html", context(request, devices=rows))


def _device_form(request, device: Device | None):
    form = DeviceForm(request.POST or None, instance=device, user=request.user)
    stale = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.DEVICE_FIELDS}
        try:
            if device is None:
                services.register_device(actor=request.user, request=request, **values)
            else:
                services.update_device(actor=request.user, device=device, request=request,
                                       expected_version=form.cleaned_data["version"], **values)
        except StaleEditError as error:
            stale, form.data = error, merged_form_data(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "端末・記録媒体を保存しました。")
            return redirect("office:devices")
    title = "端末・記録媒体の登録" if device is None else f"端末・記録媒体の編集：{device}"
    return render(request, "office/form.html", context(request, form=form, title=title, back="office:devices",
                                                       stale=stale), status=409 if stale else 200)


@rule("office.equipment")
def device_create(request):
    return _device_form(request, None)


@rule("office.equipment")
def device_edit(request, pk: int):
    return _device_form(request, selectors.get_or_404(Device, request.user, pk))


# --- paper files ------------------------------------------------------------------------------------------------


@rule("office.view")
def file_list(request):
    files = list(selectors.paper_files(request.user))
    log_listed(request, files, section=SECTION_FILES)
    return render(request, "office/file_list.html", context(request, files=files, checkout_form=CheckoutForm()))


@rule("office.equipment")
def file_create(request):
    form = PaperFileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_paper_file(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "紙のケースファイルを登録しました。")
            return redirect("office:files")
    log_listed(request, list(form.fields["person"].queryset), section=SECTION_FILES)
    return render(request, "office/form.html", context(request, form=form, title="紙のケースファイルの登録",
                                                       back="office:files"))


@rule("office.files")
@require_POST
def file_checkout(request, pk: int):
    paper_file = selectors.get_paper_file_or_404(request.user, pk)
    form = CheckoutForm(request.POST)
    if form.is_valid():
        try:
            services.check_out_file(actor=request.user, paper_file=paper_file, request=request, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request,
                             f"{paper_file.label}の持ち出しを記録しました。返却したら「返却」を押してください。")
    else:
        messages.error(request, "用途は200文字以内で入力してください。")
    return redirect("office:files")


@rule("office.files")
@require_POST
def file_return(request, pk: int):
    paper_file = selectors.get_paper_file_or_404(request.user, pk)
    try:
        services.return_file(actor=request.user, paper_file=paper_file, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{paper_file.label}の返却を記録しました。")
    return redirect("office:files")


# --- the lock checks --------------------------------------------------------------------------------------------


@rule("office.view")
def check_list(request):
    today = timezone.localdate()
    checks = list(selectors.office_checks(request.user)[:31])
    done_today = next((c for c in checks if c.date == today), None)
    form = OfficeCheckForm(initial={"date": today})
    return render(request, "office/check_list.html", context(request, checks=checks, done_today=done_today,
                                                             form=form, today=today))


@rule("office.files")
def check_record(request):
    today = timezone.localdate()
    form = OfficeCheckForm(request.POST or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_office_check(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "施錠点検を記録しました。")
            return redirect("office:checks")
    return render(request, "office/form.html", context(request, form=form, title="施錠点検の記録",
                                                       back="office:checks"))


# --- incidents ---------------------------------------------------------------------------------------------------


@rule("office.incidents")
def incident_list(request):
    rows = list(selectors.incidents(request.user).prefetch_related("affected_persons"))
    items = [{"incident": i, "deadlines": selectors.incident_deadlines(i, affected=len(i.affected_persons.all())),
              "affected": len(i.affected_persons.all())} for i in rows]
    return render(request, "office/incident_list.html", context(request, items=items, today=timezone.localdate()))


@rule("office.report_incident")
def incident_create(request):
    form = IncidentForm(request.POST or None, user=request.user, initial={"discovered_at": timezone.now()})
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.report_incident(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request,
                             "インシデントを報告しました。影響を受けうる対象者と、報告の期限を確認してください。")
            return redirect("office:incident_detail", pk=incident.pk)
    log_listed(request, list(form.fields["person"].queryset), section=SECTION_INCIDENT)
    return render(request, "office/incident_form.html", context(request, form=form))


def _incident_page(request, incident, *, wipe_form=None, notification_form=None, report_form=None, status=200):
    affected = selectors.affected_persons(incident)
    log_listed(request, [a.person for a in affected], section=SECTION_INCIDENT, obj=incident, always=True)
    notified = {n.person_id: n for n in incident.notifications.all()}
    handle = context(request)["oa"].can_handle_incidents
    return render(request, "office/incident_detail.html", context(
        request, incident=incident, affected=affected, notified=notified,
        deadlines=selectors.incident_deadlines(incident, affected=len(affected)), today=timezone.localdate(),
        wipe_form=wipe_form or (WipeForm(user=request.user, initial={
            "wipe_requested_at": incident.wipe_requested_at, "wipe_done_at": incident.wipe_done_at,
            "wiped_by": incident.wipe_by_id or request.user.pk, "wipe_confirmed": incident.wipe_confirmed})
            if handle else None),
        notification_form=notification_form or (NotificationForm(incident=incident, initial={
            "notified_on": timezone.localdate()}) if handle else None),
        report_form=report_form or (AuthorityReportForm(initial={
            "preliminary_reported_on": incident.preliminary_reported_on,
            "final_reported_on": incident.final_reported_on, "closed_on": incident.closed_on}) if handle else None),
    ), status=status)


@rule("office.incidents")
def incident_detail(request, pk: int):
    return _incident_page(request, selectors.get_incident_or_404(request.user, pk))


@rule("office.handle_incident")
def incident_wipe(request, pk: int):
    incident = selectors.get_incident_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(reverse("office:incident_detail", args=[pk]) + "#wipe")
    form = WipeForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_wipe(actor=request.user, incident=incident, requested_at=data["wipe_requested_at"],
                                 done_at=data["wipe_done_at"], confirmed=data["wipe_confirmed"],
                                 wiped_by=data["wiped_by"], request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "遠隔消去の記録を保存しました。")
            return redirect(reverse("office:incident_detail", args=[pk]) + "#wipe")
    return _incident_page(request, incident, wipe_form=form, status=400)


@rule("office.handle_incident")
def incident_notify(request, pk: int):
    incident = selectors.get_incident_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(reverse("office:incident_detail", args=[pk]) + "#notifications")
    form = NotificationForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.notify_person(actor=request.user, incident=incident, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "本人への通知を記録しました。")
            return redirect(reverse("office:incident_detail", args=[pk]) + "#notifications")
    return _incident_page(request, incident, notification_form=form, status=400)


@rule("office.handle_incident")
def incident_report(request, pk: int):
    incident = selectors.get_incident_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(reverse("office:incident_detail", args=[pk]) + "#report")
    form = AuthorityReportForm(request.POST)
    if form.is_valid():
        try:
            services.record_authority_report(actor=request.user, incident=incident, request=request,
                                             **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "個人情報保護委員会への報告の記録を保存しました。")
            return redirect(reverse("office:incident_detail", args=[pk]) + "#report")
    return _incident_page(request, incident, report_form=form, status=400)
