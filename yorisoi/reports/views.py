"""Export control screens: ask for a list export with a reason, the director's queue and decision, the single
download. The rules and the file live in reports/exports; these views only ask and show."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from yorisoi.common.forms import page_of
from yorisoi.privacy import policy
from yorisoi.privacy.models import ExportFileStatus, ExportRequest, ExportStatus, ExportTarget
from yorisoi.privacy.policy import rule

from . import exports
from .forms import ExportDecisionForm, ExportRequestForm, ExportTargetQuery, export_filters_query

PAGE_SIZE = 50


def _deny(request, *, obj=None, detail: str = "") -> None:
    policy.deny_unless(request, False, section=exports.SECTION, obj=obj, detail=detail)


def _visible(request, pk: int) -> ExportRequest:
    """The request if this user may see it (requester, directors, auditors of its center); 404 otherwise."""
    found = (policy.of_center(ExportRequest, request.user).filter(pk=pk)
             .select_related("requested_by", "decided_by", "center").first())
    if found is None or not policy.may_see_export_request(request.user, found):
        raise Http404("申請が見つかりません。")
    return found


def _targets(user) -> list[tuple[str, str]]:
    return [(target, ExportTarget(target).label) for target in policy.export_targets_for(user)]


@rule("exports.view")
def export_list(request):
    """エクスポートの申請: a director's queue of pending requests and the center's history; everyone else their
    own requests (auditors: the center's, read only)."""
    user = request.user
    mine_only = not (policy.may_decide_exports(user) or policy.may_review_audit(user))
    requests = exports.export_requests_for(user)
    pending = list(requests.filter(status=ExportStatus.PENDING)) if policy.may_decide_exports(user) else []
    page = page_of(request, requests, PAGE_SIZE)
    return render(request, "privacy/exportrequest_list.html", {
        "nav": "exports", "pending": pending, "page": page, "mine_only": mine_only, "targets": _targets(user),
        "can_decide": policy.may_decide_exports(user), "hours": exports.download_hours()})


def _raw_filters(request, spec) -> dict:
    if request.method == "POST":
        return {key: request.POST.get(key, "") for key in spec.filter_keys}
    return export_filters_query(spec.filter_keys).read(request).values


@rule("exports.request")
def export_create(request):
    """Ask for one list with the filters of the page the user came from (GET), with a reason (POST)."""
    target = ExportTargetQuery(request.GET).values["target"]  # another value: no such page (404)
    spec = exports.spec_for(target)
    if spec is None:
        raise Http404("出力できる一覧ではありません。")
    if not policy.may_request_export(request.user, target):
        _deny(request, detail=f"エクスポートの申請（{spec.label}）")
    raw = _raw_filters(request, spec)
    filter_error, count, summary = "", None, ""
    try:
        cleaned = spec.clean_filters(request.user, raw)
    except ValidationError as error:
        filter_error = " ".join(error.messages)
    else:
        summary, count = spec.summary(cleaned), spec.count(request.user, cleaned)
    may_self_approve = exports.may_approve_own(request.user)
    # A list whose search is posted (対象者: the name stays out of URLs) opens this page with a POST carrying
    # start=1 and its filters: the form is shown, not submitted.
    submitted = request.method == "POST" and request.POST.get("start") != "1"
    form = ExportRequestForm(request.POST if submitted else None, may_self_approve=may_self_approve)
    if submitted and form.is_valid() and not filter_error:
        try:
            created = exports.request_export(
                actor=request.user, target=target, file_format=form.cleaned_data["file_format"], filters=raw,
                reason=form.cleaned_data["reason"], approve_now=bool(form.cleaned_data.get("approve_now")),
                request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created.status == ExportStatus.APPROVED:
                messages.success(request, "自己承認しました。ファイルができあがると、この画面からダウンロードできます"
                                          "（1回限り）。")
            else:
                messages.success(request, "申請しました。管理者が承認すると、この画面からダウンロードできます。")
            return redirect("reports:export_detail", pk=created.pk)
    return render(request, "privacy/exportrequest_form.html", {
        "nav": "exports", "spec": spec, "target": target, "form": form, "raw": raw, "summary": summary,
        "count": count, "filter_error": filter_error, "may_self_approve": may_self_approve,
        "hours": exports.download_hours(), "back_url": spec.list_url(raw)})


def _render_detail(request, export_request: ExportRequest, *, decision_form=None, status: int = 200):
    """The request; while its file is being built, htmx polls the #export-file fragment of this page (without
    JavaScript the page offers a link that reloads it)."""
    user = request.user
    spec = exports.spec_for(export_request.target)
    can_decide = (policy.may_decide_exports(user) and export_request.status == ExportStatus.PENDING
                  and (export_request.requested_by_id != user.pk or exports.may_approve_own(user)))
    own_waiting_for_other = (export_request.status == ExportStatus.PENDING and policy.may_decide_exports(user)
                             and export_request.requested_by_id == user.pk and not can_decide)
    current_count = None
    if can_decide:
        try:  # what the file would hold if downloaded now, seen with the requester's rights
            current_count = spec.count(export_request.requested_by, export_request.filters)
        except ValidationError:
            current_count = None
    refusal = exports.refusal(user, export_request) if export_request.requested_by_id == user.pk else ""
    building = (export_request.status == ExportStatus.APPROVED
                and export_request.file_status in (ExportFileStatus.QUEUED, ExportFileStatus.BUILDING))
    template = "privacy/exportrequest_detail.html"
    if request.htmx:
        template += "#export-file"
    return render(request, template, {
        "nav": "exports", "export_request": export_request, "spec": spec, "can_decide": can_decide,
        "own_waiting_for_other": own_waiting_for_other, "current_count": current_count,
        "decision_form": decision_form or ExportDecisionForm(), "can_download": refusal == "" and
        export_request.requested_by_id == user.pk, "refusal": refusal,
        "expired": exports.is_expired(export_request), "hours": exports.download_hours(), "building": building,
        "percent": _percent(export_request)}, status=status)


def _percent(export_request: ExportRequest) -> int:
    if export_request.file_status == ExportFileStatus.READY:
        return 100
    if not export_request.rows_total:
        return 0
    return min(99, export_request.rows_done * 100 // export_request.rows_total)


@rule("exports.view")
def export_detail(request, pk: int):
    return _render_detail(request, _visible(request, pk))


@rule("exports.view")
def export_decide(request, pk: int):
    """POST: a director approves or rejects a pending request (GET shows the request)."""
    export_request = _visible(request, pk)
    if request.method != "POST":
        return redirect("reports:export_detail", pk=pk)
    if not policy.may_decide_exports(request.user):
        _deny(request, obj=export_request, detail=f"エクスポートの判断 申請ID {export_request.pk}")
    form = ExportDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            exports.decide_export(actor=request.user, export_request=export_request, approve=approve,
                                  note=form.cleaned_data["note"], request=request)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "承認しました。申請者がダウンロードできます。" if approve
                             else "却下しました。理由は申請者に表示されます。")
            return redirect("reports:exports")
    export_request.refresh_from_db()
    return _render_detail(request, export_request, decision_form=form)


@rule("exports.view")
def export_download(request, pk: int):
    """POST: the requester takes the built file, once (GET shows the request). Streamed from the disk."""
    export_request = _visible(request, pk)
    if request.method != "POST":
        return redirect("reports:export_detail", pk=pk)
    try:
        exported = exports.take_download(actor=request.user, export_request=export_request, request=request)
    except exports.ExportRefused as refused:
        messages.error(request, str(refused))
        return redirect("reports:export_detail", pk=pk)
    response = FileResponse(exported.content, content_type=exported.content_type, as_attachment=True,
                            filename=exported.filename)
    response["Cache-Control"] = "no-store"
    return response
