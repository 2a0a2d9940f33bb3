"""The center profile and the staffing table (職員体制): the page, its A4 print and PDF, and the edits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.disclosure.pdf import render_pdf
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import ProfileForm, QualificationForm, StaffMemberForm
from ..models import Qualification, StaffMember
from ._common import add_errors, context


def _sheet(request) -> dict:
    rows = list(selectors.staff_table(request.user))
    return {"profile": selectors.profile_for(request.user), "rows": rows, "counts": selectors.staff_counts(rows),
            "center": request.user.center, "today": timezone.localdate()}


@rule("office.staffing")
def staffing(request):
    """The center's profile and the staffing table, with former staff below."""
    sheet = _sheet(request)
    former = selectors.staff_table(request.user, include_former=True).filter(ended_on__isnull=False)
    return render(request, "office/staffing.html", context(request, former=former, **sheet))


@rule("office.staffing")
def staffing_print(request):
    log_access(request=request, action=AccessAction.PRINT, section="office_staffing", detail="print")
    return render(request, "office/staffing_print.html", context(request, **_sheet(request)))


@rule("office.staffing")
def staffing_pdf(request):
    log_access(request=request, action=AccessAction.PRINT, section="office_staffing", detail="pdf")
    pdf = render_pdf("office/pdf/staffing.html", _sheet(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="staffing.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@rule("office.edit_profile")
def profile_edit(request):
    profile = selectors.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    stale = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        try:
            services.save_center_profile(actor=request.user, request=request,
                                         expected_version=form.cleaned_data["version"], **values)
        except StaleEditError as error:
            stale, form.data = error, merged_form_data(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "センター概要を保存しました。")
            return redirect("office:staffing")
    return render(request, "office/form.html", context(
        request, form=form, title="センター概要の編集", back="office:staffing", stale=stale),
        status=409 if stale else 200)


@rule("office.edit_staffing")
def staff_create(request):
    form = StaffMemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.STAFF_FIELDS}
        try:
            member = services.add_staff_member(actor=request.user, request=request, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{member.name}さんを職員体制に加えました。")
            return redirect("office:staffing")
    return render(request, "office/form.html", context(
        request, form=form, title="職員の追加", back="office:staffing"))


@rule("office.edit_staffing")
def staff_edit(request, pk: int):
    member = selectors.get_or_404(StaffMember, request.user, pk)
    form = StaffMemberForm(request.POST or None, instance=member, user=request.user)
    qualification_form = QualificationForm()
    stale = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.STAFF_FIELDS}
        try:
            services.update_staff_member(actor=request.user, member=member, request=request,
                                         expected_version=form.cleaned_data["version"], **values)
        except StaleEditError as error:
            stale, form.data = error, merged_form_data(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "職員の情報を保存しました。")
            return redirect("office:staffing")
    return render(request, "office/staff_form.html", context(
        request, form=form, member=member, qualification_form=qualification_form, stale=stale,
        qualifications=member.qualifications.all()), status=409 if stale else 200)


@rule("office.edit_staffing")
def qualification_add(request, pk: int):
    member = selectors.get_or_404(StaffMember, request.user, pk)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_qualification(actor=request.user, member=member, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "資格を追加しました。")
            return redirect("office:staff_edit", pk=member.pk)
    return render(request, "office/staff_form.html", context(
        request, form=StaffMemberForm(instance=member, user=request.user), member=member,
        qualification_form=form, qualifications=member.qualifications.all()))


@rule("office.edit_staffing")
@require_POST
def qualification_delete(request, pk: int):
    qualification = Qualification.objects.filter(
        pk=pk, staff_member__in=selectors.staff_table(request.user, include_former=True)).first()
    if qualification is None:
        raise Http404
    member_pk = qualification.staff_member_id
    services.remove_qualification(actor=request.user, qualification=qualification, request=request)
    messages.success(request, "資格を削除しました。")
    return redirect("office:staff_edit", pk=member_pk)
