"""The person's own requests (開示・訂正・利用停止) and the subject-access report (directors; auditors read)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import page_of
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import log_listed, rule

from .. import report, selectors, services
from ..forms import ReportFormatQuery, RequestForm
from ..models import RequestOutcome
from ..pdf import render_pdf
from ._common import PAGE_SIZE, add_errors, context, open_person, person_in_center, require, rights


@rule("disclosure.requests")
def request_list(request):
    require(request, rights(request).can_read_requests, section="subject_request")
    rows = selectors.requests_for(request.user).order_by("-received_on", "-id")
    page = page_of(request, rows, PAGE_SIZE)
    log_listed(request, page, section="subject_request", always=True)
    return render(request, "disclosure/request_list.html", context(
        request, page=page, pending=rows.filter(outcome=RequestOutcome.PENDING).count(), today=timezone.localdate(),
        tab="requests"))


@rule("disclosure.handle_requests")
def request_create(request, pk: int):
    person_in_center(request, pk)
    require(request, rights(request).can_handle_requests, section="subject_request")
    person, _access = open_person(request, pk, section="subject_request")
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.open_request(actor=request.user, person=person, request=request, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{found.get_kind_display()}の請求を受け付けました。")
            return redirect("disclosure:request_edit", pk=found.pk)
    return render(request, "disclosure/request_form.html", context(
        request, person=person, form=form, subject_request=None, tab="requests"))


@rule("disclosure.requests")
def request_edit(request, pk: int):
    """The request and its handling: readable by auditors, changed by directors."""
    r = rights(request)
    found = selectors.get_request_or_404(request.user, pk)
    require(request, r.can_read_requests, section="subject_request", obj=found, person_id=found.person_id)
    if request.method == "POST":
        require(request, r.can_handle_requests, section="subject_request", obj=found, person_id=found.person_id)
    log_access(request=request, action=AccessAction.VIEW, obj=found, person_id=found.person_id,
               section="subject_request")
    form = RequestForm(request.POST or None, instance=found)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request(actor=request.user, subject_request=found,
                                    expected_version=form.cleaned_data["version"], request=request, **form.values())
        except StaleEditError as error:
            stale = error
            form.data = merged_form_data(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "請求の対応を保存しました。")
            return redirect("disclosure:request_edit", pk=found.pk)
    return render(request, "disclosure/request_form.html", context(
        request, person=found.person, form=form, subject_request=found, stale=stale, tab="requests"),
        status=409 if stale else 200)


@rule("disclosure.handle_requests")
def request_report(request, pk: int):
    """保有個人データの開示: everything held about the person, readable (page; ?format=pdf for the PDF).
    Directors only."""
    found = selectors.get_request_or_404(request.user, pk)
    require(request, rights(request).can_handle_requests, section="subject_access", obj=found,
            person_id=found.person_id)
    person, _access = open_person(request, found.person_id, section="subject_access")
    data = report.subject_access(request.user, person)
    ctx = context(request, subject_request=found, center=request.user.center, exporter=request.user, **data,
                  tab="requests")
    if ReportFormatQuery.read(request).values["format"] == "pdf":
        log_access(request=request, action=AccessAction.EXPORT, obj=found, person_id=person.pk,
                   section="subject_access", detail=f"開示請求ID={found.pk} PDF")
        pdf = render_pdf("disclosure/pdf/subject_access.html", ctx)
        response = HttpResponse(pdf, content_type="application/pdf")
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="kaiji-{found.pk}-{stamp}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
    log_access(request=request, action=AccessAction.PRINT, obj=found, person_id=person.pk, section="subject_access",
               detail=f"開示請求ID={found.pk}")
    return render(request, "disclosure/subject_access.html", ctx)
