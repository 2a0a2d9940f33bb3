"""Hosted trainees (実習生の受け入れ): the list, hosting a trainee (account, period, pledge), the trainee's page with
the assigned cases, presence at meetings and the trainee's access log, and the edits. Directors only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.log_labels import detail_label, section_label
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import log_listed, rule

from .. import trainees as trainee_services
from ..models import Trainee, TraineeAssignment
from ..trainee_forms import AssignForm, PledgeForm, PresenceForm, TraineeCreateForm, TraineeEditForm
from ._common import add_errors, context


def _get(request, pk: int) -> Trainee:
    trainee = trainee_services.trainees(request.user).filter(pk=pk).first()
    if trainee is None:
        raise Http404("実習生が見つかりません。")
    return trainee


@rule("office.trainees")
def trainee_list(request):
    rows = [{"trainee": t, "status": trainee_services.status_label(t)} for t in trainee_services.trainees(request.user)]
    return render(request, "office/trainee_list.html", context(request, rows=rows))


@rule("office.trainees")
def trainee_create(request):
    form = TraineeCreateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("pledge_file")
        try:
            trainee = trainee_services.host_trainee(actor=request.user, request=request, pledge_upload=upload, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            done = f"実習生 {trainee.name}さんを登録しました。"
            if trainee.has_pledge:
                messages.success(request, done + "見せるケースを割り当ててください。")
            else:
                messages.warning(request, done + "誓約書を登録するまでログインできません。")
            return redirect("office:trainee_detail", pk=trainee.pk)
    return render(request, "office/trainee_form.html", context(request, form=form, title="実習生の受け入れ登録",
                                                               multipart=True))


def _detail(request, trainee: Trainee, *, status: int = 200, **forms):
    """The trainee's page; a refused form is passed in and shown with what was typed."""
    user = request.user
    assignment_rows = list(trainee_services.assignments(trainee))
    log_rows = list(trainee_services.access_log(trainee))
    for row in log_rows:
        row.section_text = section_label(row.section)
        row.detail_text = detail_label(row.detail, row.object_type)
    ended = trainee.ended_at is not None or trainee.ends_on < timezone.localdate()
    assign_form = forms.get("assign_form") or AssignForm(user=user)
    # The page names the persons of the assigned cases and of the cases to choose from: on record too.
    shown = [a.case for a in assignment_rows] + ([] if ended else list(assign_form.fields["case"].queryset))
    log_listed(request, shown, section="office_trainees")
    return render(request, "office/trainee_detail.html", context(
        request, trainee=trainee, status=trainee_services.status_label(trainee), ended=ended,
        assignments=assignment_rows, log_rows=log_rows,
        meetings=trainee.account.meetings.order_by("-date", "-start_time")[:20],
        pledge_form=forms.get("pledge_form") or PledgeForm(),
        assign_form=assign_form,
        presence_form=forms.get("presence_form") or PresenceForm(user=user, trainee=trainee),
        audit_url=reverse("privacy:audit") + f"?staff={trainee.account_id}"), status=status)


@rule("office.trainees")
def trainee_detail(request, pk: int):
    return _detail(request, _get(request, pk))


@rule("office.trainees")
def trainee_edit(request, pk: int):
    trainee = _get(request, pk)
    initial = {name: getattr(trainee, name) for name in trainee_services.TRAINEE_FIELDS}
    initial["version"] = trainee.version
    form = TraineeEditForm(request.POST or None, user=request.user, initial=initial)
    stale, status = None, 200
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in trainee_services.TRAINEE_FIELDS}
        try:
            trainee_services.update_trainee(actor=request.user, trainee=trainee, request=request,
                                            expected_version=form.cleaned_data["version"], **values)
        except StaleEditError as error:
            stale, status = error, 409
            form = TraineeEditForm(merged_form_data(form, error), user=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "実習生の情報を保存しました。")
            return redirect("office:trainee_detail", pk=trainee.pk)
    return render(request, "office/trainee_form.html", context(
        request, form=form, stale=stale, trainee=trainee, title=f"実習生の編集：{trainee.name}"), status=status)


@rule("office.trainees")
@require_POST
def trainee_pledge(request, pk: int):
    trainee = _get(request, pk)
    form = PledgeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            trainee_services.record_pledge(actor=request.user, trainee=trainee, request=request,
                                           signed_on=form.cleaned_data["pledge_signed_on"],
                                           upload=form.cleaned_data["pledge_file"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "誓約書を登録しました。実習の期間中はログインできます。")
            return redirect("office:trainee_detail", pk=trainee.pk)
    return _detail(request, trainee, pledge_form=form, status=400)


@rule("office.trainees")
def trainee_pledge_download(request, pk: int):
    """The signed pledge, as a download (logged)."""
    trainee = _get(request, pk)
    if not trainee.pledge_file:
        raise Http404("誓約書がありません。")
    try:
        handle = trainee.pledge_file.open("rb")
    except FileNotFoundError:
        raise Http404("誓約書のファイルが見つかりません。") from None
    log_access(request=request, action=AccessAction.DOWNLOAD, obj=trainee, section="office_trainees")
    response = FileResponse(handle, as_attachment=True, filename=trainee.pledge_file_name or "pledge",
                            content_type=trainee.pledge_file_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@rule("office.trainees")
@require_POST
def trainee_assign(request, pk: int):
    trainee = _get(request, pk)
    form = AssignForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            trainee_services.assign_case(actor=request.user, trainee=trainee, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "ケースを割り当てました。")
            return redirect(reverse("office:trainee_detail", args=[trainee.pk]) + "#assignments")
    return _detail(request, trainee, assign_form=form, status=400)


@rule("office.trainees")
@require_POST
def trainee_revoke(request, pk: int):
    assignment = TraineeAssignment.objects.filter(
        pk=pk, trainee__in=trainee_services.trainees(request.user)).first()
    if assignment is None:
        raise Http404
    trainee_services.revoke_assignment(actor=request.user, assignment=assignment, request=request)
    messages.success(request, "ケースの割り当てを取り消しました。")
    return redirect(reverse("office:trainee_detail", args=[assignment.trainee_id]) + "#assignments")


@rule("office.trainees")
@require_POST
def trainee_presence(request, pk: int):
    trainee = _get(request, pk)
    form = PresenceForm(request.POST, user=request.user, trainee=trainee)
    if form.is_valid():
        try:
            handed = trainee_services.record_presence(actor=request.user, trainee=trainee, request=request,
                                                      **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            extra = f"（提供の記録 {len(handed)}件）" if handed else ""
            messages.success(request, f"会議への出席を記録しました{extra}。")
            return redirect(reverse("office:trainee_detail", args=[trainee.pk]) + "#meetings")
    return _detail(request, trainee, presence_form=form, status=400)


@rule("office.trainees")
@require_POST
def trainee_end(request, pk: int):
    trainee = _get(request, pk)
    trainee_services.end_trainee(actor=request.user, trainee=trainee, request=request)
    messages.success(request, "実習を終了し、アカウントを停止しました。")
    return redirect("office:trainee_detail", pk=trainee.pk)
