"""Pages of the partner network. Every query goes through selectors (scoped to the user's center); every
write through services (role check, validation, access log)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import add_service_errors, page_of
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import log_listed, rule

from . import selectors, services, transfer
from .forms import (
    DORMANT_PERIODS,
    ContactEndForm,
    ContactForm,
    ExportFormatQuery,
    ImportUploadForm,
    KindForm,
    NotContactedQuery,
    OrganizationForm,
    OrganizationListQuery,
    OutreachForm,
    OutreachListQuery,
)
from .models import MEDICAL_FEATURES

PAGE_SIZE = 50
HISTORY_LIMIT = 100  # entries of the relationship history on an organization's page
IMPORT_SESSION_KEY = "partners_import"


def _context(request, **extra) -> dict:
    access = selectors.directory_access(request.user)
    return {"nav": "partners", "access": access, "directory_access": access, **extra}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _stale_response(request, template: str, form, stale: StaleEditError, context: dict):
    """Re-render the form merged with what the other person changed (their version; the next save keeps both)."""
    form.data = merged_form_data(form, stale)
    return render(request, template, {**context, "form": form, "stale": stale}, status=409)


# --- organizations ------------------------------------------------------------------------------------


def _list_filters(request, *, page: bool = True) -> dict:
    """The list's filters; on the page (not in a downloaded file) a parameter that cannot be read is named."""
    return (OrganizationListQuery.read(request) if page else OrganizationListQuery(request.GET)).filters()


@rule("directory.view")
def organization_list(request):
    filters = _list_filters(request)
    qs = selectors.organization_list(user=request.user, **filters)
    page = page_of(request, qs, PAGE_SIZE)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = _context(request, page=page, filters=filters, kinds=selectors.kinds_for(request.user),
                       municipalities=selectors.municipalities_for(request.user),
                       care_choices=MEDICAL_FEATURES, query_string=query_string.urlencode())
    template = "partners/organization_list.html"
    if request.htmx:
        template += "#organization-results"
    return render(request, template, context)


@rule("directory.view")
def organization_detail(request, pk: int):
    organization = selectors.get_organization_or_404(request, pk)
    current, past = selectors.contacts_of(user=request.user, organization=organization)
    last_contact = selectors.last_contact_date(user=request.user, organization=organization)
    history = selectors.relationship_history(user=request.user, organization=organization, limit=HISTORY_LIMIT)
    log_listed(request, history, section="partners", obj=organization)  # entries name cases
    return render(request, "partners/organization_detail.html", _context(
        request, organization=organization, current_contacts=current, past_contacts=past,
        history=history, history_limit=HISTORY_LIMIT, last_contact=last_contact,
        days_since=(timezone.localdate() - last_contact).days if last_contact else None,
    ))


@rule("directory.edit")
def organization_create(request):
    _require(selectors.directory_access(request.user).can_edit_directory)
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_organization(actor=request.user, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"「{organization.name}」を登録しました。")
            return redirect("partners:detail", organization.pk)
    return render(request, "partners/organization_form.html", _context(request, form=form))


@rule("directory.edit")
def organization_edit(request, pk: int):
    organization = selectors.get_organization_or_404(request, pk)
    _require(selectors.directory_access(request.user).can_edit_directory)
    form = OrganizationForm(request.POST or None, instance=organization, user=request.user)
    context = _context(request, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(actor=request.user, organization=organization, request=request,
                                         expected_version=form.cleaned_data["version"], **form.values())
        except StaleEditError as stale:
            return _stale_response(request, "partners/organization_form.html", form, stale, context)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"「{form.cleaned_data['name']}」を保存しました。")
            return redirect("partners:detail", organization.pk)
    return render(request, "partners/organization_form.html", {**context, "form": form})


@rule("directory.view")
def organizations_not_contacted(request):
    query = NotContactedQuery.read(request).values
    days, kind_id = query["days"], query["kind"]
    include_never = query["never"] == "1"
    today = timezone.localdate()
    rows = selectors.organizations_not_contacted(user=request.user, days=days, today=today, kind_id=kind_id,
                                                 include_never=include_never)
    page = page_of(request, rows, PAGE_SIZE)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "partners/organization_not_contacted.html", _context(
        request, page=page, days=days, periods=DORMANT_PERIODS, kind_id=kind_id, include_never=include_never,
        kinds=selectors.kinds_for(request.user), today=today, query_string=query_string.urlencode(),
    ))


# --- contacts -----------------------------------------------------------------------------------------


@rule("directory.edit")
def contact_create(request, pk: int):
    organization = selectors.get_organization_or_404(request, pk)
    _require(selectors.directory_access(request.user).can_edit_directory)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.add_contact(actor=request.user, organization=organization, request=request,
                                           **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"担当者「{contact.name}」を登録しました。")
            return redirect(reverse("partners:detail", args=[organization.pk]) + "#contacts")
    return render(request, "partners/contact_form.html", _context(request, form=form, organization=organization))


@rule("directory.edit")
def contact_edit(request, pk: int):
    contact = selectors.get_contact_or_404(request, pk)
    _require(selectors.directory_access(request.user).can_edit_directory)
    form = ContactForm(request.POST or None, instance=contact)
    context = _context(request, contact=contact, organization=contact.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(actor=request.user, contact=contact, request=request,
                                    expected_version=form.cleaned_data["version"], **form.values())
        except StaleEditError as stale:
            return _stale_response(request, "partners/contact_form.html", form, stale, context)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"担当者「{form.cleaned_data['name']}」を保存しました。")
            return redirect(reverse("partners:detail", args=[contact.organization_id]) + "#contacts")
    return render(request, "partners/contact_form.html", {**context, "form": form})


@rule("directory.edit")
def contact_end(request, pk: int):
    """異動・退職: end the post, keep the row, optionally add the successor and the new post."""
    contact = selectors.get_contact_or_404(request, pk)
    _require(selectors.directory_access(request.user).can_edit_directory)
    if contact.ended_on is not None:
        messages.warning(request, f"「{contact.name}」さんはすでに離任しています。")
        return redirect(reverse("partners:detail", args=[contact.organization_id]) + "#contacts")
    form = ContactEndForm(request.POST or None, user=request.user, contact=contact)
    context = _context(request, contact=contact, organization=contact.organization)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.end_contact_post(
                actor=request.user, contact=contact, ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
                successor=form.successor(), moved_to=form.cleaned_data["moved_to"], request=request,
            )
        except StaleEditError as stale:
            return _stale_response(request, "partners/contact_end_form.html", form, stale, context)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = f"「{contact.name}」さんの離任を記録しました。"
            if change.successor:
                text += f"後任の「{change.successor.name}」さんを登録しました。"
            if change.new_post:
                text += f"異動先「{change.new_post.organization.name}」にも登録しました。"
            messages.success(request, text)
            return redirect(reverse("partners:detail", args=[contact.organization_id]) + "#contacts")
    return render(request, "partners/contact_end_form.html", {**context, "form": form})


# --- outreach -----------------------------------------------------------------------------------------


@rule("outreach.view")
def outreach_list(request):
    organization_id = OutreachListQuery.read(request).values["organization"]
    organization = (selectors.organizations_for(request.user).filter(pk=organization_id).first()
                    if organization_id else None)
    qs = selectors.outreach_list(user=request.user, organization_id=organization.pk if organization else None)
    page = page_of(request, qs, PAGE_SIZE)
    return render(request, "partners/outreach_list.html", _context(request, page=page, organization=organization))


@rule("outreach.write")
def outreach_create(request):
    _require(selectors.directory_access(request.user).can_edit_outreach)
    initial = {"staff": [request.user.pk]}
    preselected = OutreachListQuery.read(request).values["organization"]
    if preselected and selectors.organizations_for(request.user).filter(pk=preselected).exists():
        initial["organizations"] = [preselected]
    form = OutreachForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outreach(actor=request.user, request=request,
                                     organizations=form.cleaned_data["organizations"],
                                     staff=form.cleaned_data["staff"], **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "周知啓発の記録を登録しました。")
            return redirect("partners:outreach_list")
    return render(request, "partners/outreach_form.html", _context(request, form=form))


@rule("outreach.write")
def outreach_edit(request, pk: int):
    outreach = selectors.get_outreach_or_404(request, pk)
    _require(selectors.directory_access(request.user).can_edit_outreach)
    form = OutreachForm(request.POST or None, instance=outreach, user=request.user)
    context = _context(request, outreach=outreach)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_outreach(actor=request.user, outreach=outreach, request=request,
                                     expected_version=form.cleaned_data["version"],
                                     organizations=form.cleaned_data["organizations"],
                                     staff=form.cleaned_data["staff"], **form.values())
        except StaleEditError as stale:
            return _stale_response(request, "partners/outreach_form.html", form, stale, context)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "周知啓発の記録を保存しました。")
            return redirect("partners:outreach_list")
    return render(request, "partners/outreach_form.html", {**context, "form": form})


@rule("outreach.view")
def outreach_detail(request, pk: int):
    outreach = selectors.get_outreach_or_404(request, pk)
    return render(request, "partners/outreach_detail.html", _context(request, outreach=outreach))


# --- kinds --------------------------------------------------------------------------------------------


@rule("directory.view")
def kind_list(request):
    access = selectors.directory_access(request.user)
    form = KindForm(request.POST or None)
    if request.method == "POST":
        _require(access.can_manage_kinds)
        if form.is_valid():
            try:
                kind = services.add_organization_kind(actor=request.user, request=request, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"種別「{kind.label}」を追加しました。")
                return redirect("partners:kinds")
    return render(request, "partners/kind_list.html", _context(request, form=form,
                                                               kinds=selectors.kinds_for(request.user)))


@rule("directory.kinds")
def kind_edit(request, pk: int):
    kind = selectors.get_kind_or_404(request, pk)
    _require(selectors.directory_access(request.user).can_manage_kinds)
    form = KindForm(request.POST or None, instance=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization_kind(actor=request.user, kind=kind, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"種別「{form.cleaned_data['label']}」を保存しました。")
            return redirect("partners:kinds")
    return render(request, "partners/kind_form.html", _context(request, form=form, kind=kind))


# --- import and export --------------------------------------------------------------------------------


@rule("directory.edit")
def directory_import(request):
    """Upload → preview (nothing is written). The parsed rows wait in the session for the confirm step."""
    _require(selectors.directory_access(request.user).can_import)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        request.session.pop(IMPORT_SESSION_KEY, None)
        upload = form.cleaned_data["file"]
        try:
            table = transfer.read_table(upload)
        except transfer.DirectoryImportError as error:
            return render(request, "partners/import_upload.html",
                          _context(request, form=form, file_errors=error.errors), status=200)
        result = transfer.check_rows(user=request.user, rows=table.rows)
        token = ""
        if not result.errors:
            token = uuid.uuid4().hex
            request.session[IMPORT_SESSION_KEY] = {
                "token": token, "filename": upload.name[:100],
                "rows": transfer.preview_rows(table, result),
            }
        return render(request, "partners/import_preview.html", _context(
            request, result=result, table=table, token=token, filename=upload.name,
            headings=[transfer.COLUMN_BY_KEY[k].heading for k in table.columns],
        ))
    return render(request, "partners/import_upload.html", _context(request, form=form))


@rule("directory.edit")
@require_POST
def directory_import_confirm(request):
    _require(selectors.directory_access(request.user).can_import)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if request.POST.get("cancel"):
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.info(request, "取り込みを取りやめました。何も変更していません。")
        return redirect("partners:import")
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, "確認画面の有効期限が切れました。もう一度ファイルを選んでください。")
        return redirect("partners:import")
    try:
        outcome = services.import_directory(actor=request.user, rows=pending["rows"], request=request)
    except transfer.DirectoryImportError as error:
        request.session.pop(IMPORT_SESSION_KEY, None)
        return render(request, "partners/import_upload.html",
                      _context(request, form=ImportUploadForm(), file_errors=error.errors))
    except StaleEditError as stale:
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.error(request, f"確認画面を表示した後に「{stale.current.name}」が更新されたため、"
                                "何も取り込みませんでした。もう一度ファイルを選んでください。")
        return redirect("partners:import")
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(request, f"取り込みました：新規 {len(outcome.created)}件、更新 {len(outcome.updated)}件、"
                              f"変更なし {outcome.unchanged}件。")
    return redirect("partners:list")


@rule("directory.view")
def directory_export(request):
    _require(selectors.directory_access(request.user).can_export)
    file_format = ExportFormatQuery(request.GET).values["format"]
    filters = _list_filters(request, page=False)
    organizations = list(selectors.organization_list(user=request.user, **filters))
    log_access(request=request, action=AccessAction.EXPORT, section="partners",
               detail=f"directory {file_format} rows={len(organizations)}")
    now = timezone.localtime()
    filename = f"関係機関一覧_{now:%Y%m%d}.{'xlsx' if file_format == 'xlsx' else 'csv'}"
    if file_format == "csv_sjis":
        body = transfer.export_csv(organizations, encoding="cp932")
        content_type = "text/csv; charset=shift_jis"
    elif file_format == "csv":
        body = transfer.export_csv(organizations)
        content_type = "text/csv; charset=utf-8"
    else:
        body = transfer.export_xlsx(organizations, kinds=selectors.kinds_for(request.user, active_only=True),
                                    exported_by=str(request.user), now=lambda: now)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response
