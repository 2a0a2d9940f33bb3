"""The 手続き page of a case: the list, adding (one by one or from a template), editing, status, documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import fitting, selectors, services
from ..forms import (
    ApplyTemplateForm,
    DocumentForm,
    PlacementDateForm,
    ProcedureEditForm,
    ProcedureForm,
    ProposalForm,
    StatusForm,
)
from ..models import ProcedureStatus
from ._common import case_context, side_summary

SECTION = "procedures"


def _page_url(case, anchor: str = "") -> str:
    return reverse("procedures:case", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _render_page(request, case, access, *, add_form=None, template_form=None, placement_form=None, stale=None,
                 errors=None, waiting_question=None, status=200):
    today = timezone.localdate()
    procedures = selectors.procedures_of(case=case)
    refs = services.reference_dates_of(case)
    templates = services.templates_for(request.user)
    context = case_context(
        case, access, tab="procedures", today=today, refs=refs,
        open_procedures=[p for p in procedures if p.is_open],
        closed_procedures=[p for p in procedures if not p.is_open],
        overdue_count=sum(1 for p in procedures if p.is_open and p.due_date and p.due_date < today),
        stale_count=services.stale_reference_count(case, procedures, refs),
        add_form=add_form or ProcedureForm(user=request.user, case=case),
        template_form=template_form or ApplyTemplateForm(
            templates=templates, default=services.default_template_for(case, request.user)),
        placement_form=placement_form or PlacementDateForm(
            initial={"placement_date": refs.placement_date if refs else None}),
        stale=stale, action_errors=errors or [], statuses=ProcedureStatus, waiting_question=waiting_question,
        proposal_pending=services.proposal_pending(case=case, actor=request.user, refs=refs),
        **side_summary(case, today),
    )
    return render(request, "procedures/case_procedures.html", context, status=status)


@rule("procedures.view")
def case_procedures(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "view", section=SECTION)
    return _render_page(request, case, access)


@rule("procedures.write")
def procedure_add(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if request.method != "POST":
        return redirect(_page_url(case, "add"))
    form = ProcedureForm(request.POST, user=request.user, case=case)
    if form.is_valid():
        try:
            procedure = services.add_case_procedure(actor=request.user, case=case, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"手続き「{procedure.title}」を追加しました。")
            return redirect(_page_url(case, f"procedure-{procedure.pk}"))
    return _render_page(request, case, access, add_form=form)


@rule("procedures.write")
def apply_template(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if request.method != "POST":
        return redirect(_page_url(case, "templates"))
    form = ApplyTemplateForm(request.POST, templates=services.templates_for(request.user))
    if form.is_valid():
        try:
            added = services.apply_case_template(case=case, actor=request.user, template=form.cleaned_data["template"],
                                                 request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if added:
                messages.success(request, f"テンプレート「{form.cleaned_data['template'].name}」から"
                                          f"{len(added)}件の手続きを追加しました。")
            else:
                messages.info(request, "このテンプレートの手続きはすべて追加済みです。")
            return redirect(_page_url(case))
    return _render_page(request, case, access, template_form=form)


@rule("procedures.write")
def propose(request, case_pk: int):
    """The procedures proposed for this person (fitting.py): fitting ones ticked, each with its reason; the
    worker confirms (ticked ones are added, unticked ones not begun become 不要)."""
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if not case.is_open:
        messages.info(request, "終結したケースには手続きを追加できません。")
        return redirect(_page_url(case))
    templates = services.templates_for(request.user)
    chooser = ApplyTemplateForm(request.GET or None, templates=templates,
                                default=services.default_template_for(case, request.user))
    template = services.default_template_for(case, request.user)
    if request.method == "POST":
        template_id = request.POST.get("template", "")
        template = templates.filter(pk=int(template_id)).first() if template_id.isdigit() else None
    elif request.GET and chooser.is_valid():
        template = chooser.cleaned_data["template"]
    if template is None:
        messages.info(request, "この種別のケースに使えるテンプレートがありません。")
        return redirect(_page_url(case, "add"))
    proposals = services.proposals_for(case=case, actor=request.user, template=template)
    form = ProposalForm(request.POST or None, templates=templates, proposals=proposals,
                        initial={"template": template.pk, "items": [p.item.pk for p in proposals if p.ticked]})
    if request.method == "POST" and form.is_valid():
        try:
            added, cancelled = services.confirm_proposals(actor=request.user, case=case, template=template,
                                                          item_ids=form.cleaned_data["items"], request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"手続きの提案を確認しました（追加 {len(added)}件・不要 {len(cancelled)}件）。")
            return redirect(_page_url(case))
    ticked = set(form["items"].value() or [])
    groups = [
        ("fits", "この人に合う手続き", [p for p in proposals if p.fit.fits and not p.item.proposal_only]),
        ("check", "確かめて選ぶ手続き", [p for p in proposals if p.fit.fits is None
                                         or (p.fit.fits and p.item.proposal_only)]),
        ("unfit", "この人には合わない手続き", [p for p in proposals if p.fit.fits is False]),
    ]
    context = case_context(case, access, tab="procedures", page_title="手続きの提案", template=template, form=form,
                           chooser=chooser, groups=[g for g in groups if g[2]],
                           ticked={int(v) for v in ticked if str(v).isdigit()},
                           facts=fitting.facts_for(case), today=timezone.localdate())
    return render(request, "procedures/proposal.html", context)


@rule("procedures.write")
def set_placement_date(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if request.method != "POST":
        return redirect(_page_url(case, "reference"))
    form = PlacementDateForm(request.POST)
    if form.is_valid():
        services.on_reference_date_changed(case=case, actor=request.user, request=request,
                                           placement_date=form.cleaned_data["placement_date"])
        messages.success(request, "一時受入の開始日を保存し、手続きの期限を計算し直しました。")
        return redirect(_page_url(case))
    return _render_page(request, case, access, placement_form=form)


@rule("procedures.write")
def recompute(request, case_pk: int):
    case, _access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if request.method == "POST":
        changed = services.recompute_due_dates(case=case, actor=request.user, request=request)
        messages.success(request, f"基準日に合わせて{len(changed)}件の期限を計算し直しました。" if changed
                         else "期限は基準日どおりです。変更はありません。")
    return redirect(_page_url(case))


@rule("procedures.write")
def procedure_status(request, case_pk: int, pk: int):
    """The quick buttons of the list (着手・完了・不要・再開). A stale version answers 409 with the changes."""
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    procedure = selectors.get_procedure_or_404(case, pk)
    if request.method != "POST":
        return redirect(_page_url(case, f"procedure-{procedure.pk}"))
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_page(request, case, access, errors=[e for errs in form.errors.values() for e in errs])
    try:
        updated = services.change_procedure_status(
            actor=request.user, procedure=procedure, expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"], on=form.cleaned_data["on"],
            waiting=form.cleaned_data["waiting"] or None, request=request)
    except StaleEditError as error:
        return _render_page(request, case, access, stale=error, status=409)
    except services.WaitingProceduresError as error:
        # ask, on the page, whether the procedures waiting for this one go too
        return _render_page(request, case, access, waiting_question={
            "procedure": procedure, "chain": error.chain, "version": form.cleaned_data["version"]})
    except ValidationError as error:
        return _render_page(request, case, access, errors=error.messages)
    messages.success(request, f"「{updated.title}」を「{updated.get_status_display()}」にしました。")
    return redirect(_page_url(case, f"procedure-{updated.pk}"))


def _render_edit(request, case, access, procedure, form, *, document_form=None, stale=None, status=200):
    documents = list(procedure.documents.select_related("uploaded_by"))
    context = case_context(case, access, tab="procedures", page_title="手続きの編集", procedure=procedure, form=form,
                           document_form=document_form or DocumentForm(), documents=documents, stale=stale,
                           today=timezone.localdate(),
                           dependents=list(procedure.dependents.order_by("id")))
    return render(request, "procedures/caseprocedure_edit.html", context, status=status)


@rule("procedures.write")
def procedure_edit(request, case_pk: int, pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    procedure = selectors.get_procedure_or_404(case, pk)
    if request.method == "POST":
        form = ProcedureEditForm(request.POST, user=request.user, case=case, procedure=procedure)
        if form.is_valid():
            try:
                updated = services.update_case_procedure(actor=request.user, procedure=procedure,
                                                         expected_version=form.cleaned_data["version"],
                                                         request=request, **form.values())
            except StaleEditError as error:
                procedure = selectors.get_procedure_or_404(case, pk)
                form = ProcedureEditForm(merged_form_data(form, error), user=request.user,
                                         case=case, procedure=procedure)
                form.is_valid()
                return _render_edit(request, case, access, procedure, form, stale=error, status=409)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"手続き「{updated.title}」を保存しました。")
                return redirect(_page_url(case, f"procedure-{updated.pk}"))
    else:
        form = ProcedureEditForm(initial=ProcedureEditForm.initial_for(procedure), user=request.user, case=case,
                                 procedure=procedure)
    return _render_edit(request, case, access, procedure, form)


@rule("procedures.write")
def document_upload(request, case_pk: int, pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section="procedure_document")
    procedure = selectors.get_procedure_or_404(case, pk)
    edit_url = reverse("procedures:edit", args=[case.pk, procedure.pk]) + "#documents"
    if request.method != "POST":
        return redirect(edit_url)
    document_form = DocumentForm(request.POST, request.FILES)
    if document_form.is_valid():
        try:
            document = services.add_procedure_document(actor=request.user, procedure=procedure,
                                                       upload=document_form.cleaned_data["file"], request=request)
        except ValidationError as error:
            add_service_errors(document_form, error)
        else:
            messages.success(request, f"書類「{document.original_name}」を添付しました。")
            return redirect(edit_url)
    form = ProcedureEditForm(initial=ProcedureEditForm.initial_for(procedure), user=request.user, case=case,
                             procedure=procedure)
    return _render_edit(request, case, access, procedure, form, document_form=document_form)


@rule("procedures.view")
def document_download(request, case_pk: int, pk: int):
    """Served only here: the case must be visible to the user (policy), and each download is logged."""
    case, _access = policy.get_case_or_404(request, case_pk, "view", section="procedure_document")
    document = selectors.get_document_or_404(case, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("書類のファイルが見つかりません。") from None
    log_access(request=request, action=AccessAction.DOWNLOAD, obj=document, person_id=case.person_id,
               section="procedure_document")
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@rule("procedures.write")
def document_delete(request, case_pk: int, pk: int):
    case, _access = policy.get_case_or_404(request, case_pk, "edit", section="procedure_document")
    document = selectors.get_document_or_404(case, pk)
    edit_url = reverse("procedures:edit", args=[case.pk, document.procedure_id]) + "#documents"
    if request.method == "POST":
        services.delete_procedure_document(actor=request.user, document=document, request=request)
        messages.success(request, f"書類「{document.original_name}」を削除しました。")
    return redirect(edit_url)
