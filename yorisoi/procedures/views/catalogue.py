"""The catalogue of procedure types and the templates per case kind. Everyone reads; directors change.

Objects are looked up first (another center's row answers 404), then the director check (403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from yorisoi.common.forms import add_service_errors
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import ProcedureTypeForm, TemplateForm, TemplateItemForm
from ..services._common import may_manage_catalogue


def _context(request, **extra) -> dict:
    return {"nav": "cases", "may_manage": may_manage_catalogue(request.user), **extra}


def _require_manager(request) -> None:
    if not may_manage_catalogue(request.user):
        raise PermissionDenied


# --- procedure types -------------------------------------------------------------------------------------


@rule("procedures.view")
def type_list(request):
    form = ProcedureTypeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require_manager(request)
        if form.is_valid():
            try:
                added = services.add_procedure_type(actor=request.user, request=request, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"手続きの種類「{added.name}」を追加しました。")
                return redirect("procedures:types")
    return render(request, "procedures/proceduretype_list.html", _context(
        request, form=form, types=list(selectors.types_for(request.user)),
        hidden_ids=selectors.hidden_type_ids(request.user)))


@rule("procedures.catalogue")
def type_edit(request, pk: int):
    procedure_type = selectors.get_type_or_404(request.user, pk, own_only=True)
    _require_manager(request)
    if request.method == "POST":
        form = ProcedureTypeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.update_procedure_type(actor=request.user, procedure_type=procedure_type, request=request,
                                               **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"手続きの種類「{form.cleaned_data['name']}」を保存しました。")
                return redirect("procedures:types")
    else:
        form = ProcedureTypeForm(initial=ProcedureTypeForm.initial_for(procedure_type), user=request.user)
    return render(request, "procedures/proceduretype_form.html",
                  _context(request, form=form, procedure_type=procedure_type))


@rule("procedures.catalogue")
def type_hidden(request, pk: int):
    """このセンターでは使わない / 使う, for a shared type."""
    procedure_type = selectors.get_type_or_404(request.user, pk)
    if procedure_type.center_id is not None:
        raise PermissionDenied
    _require_manager(request)
    if request.method == "POST":
        hidden = request.POST.get("hidden") == "1"
        services.set_procedure_type_hidden(actor=request.user, procedure_type=procedure_type, hidden=hidden,
                                           request=request)
        messages.success(request, f"「{procedure_type.name}」を" + ("このセンターでは使わないようにしました。" if hidden
                                                                  else "再び使うようにしました。"))
    return redirect("procedures:types")


# --- templates ----------------------------------------------------------------------------------------------


@rule("procedures.view")
def template_list(request):
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        _require_manager(request)
        if form.is_valid():
            template = services.add_template(actor=request.user, request=request, **form.values())
            messages.success(request, f"テンプレート「{template.name}」を作りました。手続きを追加してください。")
            return redirect("procedures:template_detail", template.pk)
    return render(request, "procedures/casetemplate_list.html",
                  _context(request, form=form, templates=list(selectors.templates_list(request.user))))


def _render_template(request, template, *, item_form=None, status=200):
    item_form = item_form or TemplateItemForm(user=request.user, template=template)
    return render(request, "procedures/casetemplate_detail.html", _context(
        request, template=template, items=selectors.template_items(template), item_form=item_form,
        editable=may_manage_catalogue(request.user) and template.center_id == request.user.center_id),
        status=status)


@rule("procedures.view")
def template_detail(request, pk: int):
    template = selectors.get_template_or_404(request.user, pk)
    return _render_template(request, template)


@rule("procedures.catalogue")
def template_edit(request, pk: int):
    template = selectors.get_template_or_404(request.user, pk, own_only=True)
    _require_manager(request)
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            services.update_template(actor=request.user, template=template, request=request, **form.values())
            messages.success(request, f"テンプレート「{form.cleaned_data['name']}」を保存しました。")
            return redirect("procedures:template_detail", template.pk)
    else:
        form = TemplateForm(initial={"name": template.name, "case_kind": template.case_kind,
                                     "description": template.description, "active": template.active})
    return render(request, "procedures/casetemplate_form.html", _context(request, form=form, template=template))


@rule("procedures.catalogue")
def template_copy(request, pk: int):
    template = selectors.get_template_or_404(request.user, pk)
    _require_manager(request)
    if request.method != "POST":
        return redirect("procedures:template_detail", template.pk)
    copy = services.copy_template(actor=request.user, template=template, request=request)
    messages.success(request, f"「{template.name}」を複製しました。このセンター用に変更できます。")
    return redirect("procedures:template_detail", copy.pk)


@rule("procedures.catalogue")
def template_item_add(request, pk: int):
    template = selectors.get_template_or_404(request.user, pk, own_only=True)
    _require_manager(request)
    if request.method != "POST":
        return redirect("procedures:template_detail", template.pk)
    form = TemplateItemForm(request.POST, user=request.user, template=template)
    if form.is_valid():
        try:
            services.add_template_item(actor=request.user, template=template, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "手続きを追加しました。")
            return redirect("procedures:template_detail", template.pk)
    return _render_template(request, template, item_form=form)


def _own_item(request, pk: int, item_pk: int):
    from django.http import Http404

    template = selectors.get_template_or_404(request.user, pk, own_only=True)
    item = template.items.select_related("procedure_type").filter(pk=item_pk).first()
    if item is None:
        raise Http404("テンプレートの手続きが見つかりません。")
    return template, item


@rule("procedures.catalogue")
def template_item_edit(request, pk: int, item_pk: int):
    template, item = _own_item(request, pk, item_pk)
    _require_manager(request)
    if request.method == "POST":
        form = TemplateItemForm(request.POST, user=request.user, template=template, item=item)
        if form.is_valid():
            try:
                services.update_template_item(actor=request.user, item=item, request=request, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "テンプレートの手続きを保存しました。")
                return redirect("procedures:template_detail", template.pk)
    else:
        form = TemplateItemForm(initial=TemplateItemForm.initial_for(item), user=request.user, template=template,
                                item=item)
    return render(request, "procedures/casetemplateitem_form.html",
                  _context(request, form=form, template=template, item=item))


@rule("procedures.catalogue")
def template_item_delete(request, pk: int, item_pk: int):
    template, item = _own_item(request, pk, item_pk)
    _require_manager(request)
    if request.method == "POST":
        try:
            services.delete_template_item(actor=request.user, item=item, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"「{item.display_title}」をテンプレートから外しました。")
    return redirect("procedures:template_detail", template.pk)
