"""Providing information (情報提供), the provision record and its document, the ledger. The ledger leaves yorisoi
through the export control of the privacy app (reports:export_create, target disclosure_ledger)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import conf, selectors, services
from ..forms import LedgerFilterForm, ProvisionForm
from ..models import Basis
from ..services import ProvisionRefused
from ._common import (
    PAGE_SIZE,
    add_errors,
    context,
    open_person,
    person_in_center,
    person_visible,
    querystring,
    require,
    require_sensitive,
    rights,
    serve_file,
)


@rule("staff")
def provide(request, pk: int):
    """The provision form: recipient, purpose, the ticked items and records, the basis. 「内容を確認」 shows the
    document as it will be given; 「提供して記録する」 gives it and writes the record. Clerks never reach it."""
    person_in_center(request, pk)
    require(request, rights(request).can_provide, section="disclosure")
    person, access = open_person(request, pk, section="disclosure")
    form = ProvisionForm(request.POST or None, user=request.user, person=person)
    preview = check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = dict(actor=request.user, person=person, recipient=data["recipient"], purpose=data["purpose"],
                         item_codes=data["items"], activities=list(data.get("activities") or []),
                         basis=data["basis"], legal_reason=data["legal_reason"])
        try:
            if "provide" in request.POST:
                record = services.provide_information(note=data["note"], request=request, **arguments)
                messages.success(request, f"情報提供書を作成し、第三者提供記録（{record.number}）に記録しました。")
                return redirect("disclosure:record_detail", pk=record.pk)
            check, preview = services.prepare_provision(**arguments)
        except ProvisionRefused as refusal:
            form.add_error(None, refusal.messages)
            log_access(request=request, action=AccessAction.DENIED, obj=person, person_id=person.pk,
                       section="disclosure",
                       detail=f"提供先ID={data['recipient'].pk} 根拠={Basis(data['basis']).label} 提供を拒否")
        except ValidationError as error:
            add_errors(form, error)
    return render(request, "disclosure/provision_form.html", context(
        request, person=person, access=access, form=form, preview=preview, check=check,
        basis_label=Basis(check.basis).label if check else "",
        today=timezone.localdate(), status=selectors.consent_status(person), nav="people"))


def _record(request, pk):
    record = selectors.get_record_or_404(request.user, pk)
    require(request, rights(request).can_read, section="disclosure", obj=record, person_id=record.person_id)
    if not person_visible(request, record.person_id):
        raise Http404("提供記録が見つかりません。")
    require_sensitive(request, record, item_codes=record.items, with_records=bool(record.activity_ids))
    return record


@rule("staff")
def record_detail(request, pk: int):
    """One provision: the facts of the record and the document exactly as given (printable)."""
    record = _record(request, pk)
    log_access(request=request, action=AccessAction.VIEW, obj=record, person_id=record.person_id,
               section="disclosure")
    return render(request, "disclosure/record_detail.html", context(
        request, record=record, content=json.loads(record.content or "{}"), center=record.center,
        retention_until=_retention_until(record.provided_on), tab="ledger"))


def _retention_until(day):
    years = conf.retention_years()
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@rule("staff")
def record_pdf(request, pk: int):
    """The information-provision document (PDF) as it was given; logged as DOWNLOAD."""
    record = _record(request, pk)
    return serve_file(request, record.document, filename=f"情報提供書-{record.number}.pdf",
                      content_type="application/pdf", obj=record, person_id=record.person_id,
                      section="disclosure_document")


# --- ledger ----------------------------------------------------------------------------------------------


def _filtered(request, form: LedgerFilterForm):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return selectors.ledger(request.user, date_from=data["date_from"], date_to=data["date_to"],
                            recipient=data["recipient"], person=data["person"], basis=data["basis"])


@rule("staff")
def ledger(request):
    """第三者提供記録簿: every provision of the center (workers: of the persons they may open)."""
    require(request, rights(request).can_read, section="disclosure_ledger")
    form = LedgerFilterForm(request.GET or None, user=request.user)
    rows = _filtered(request, form) if form.is_bound else selectors.ledger(request.user)
    page = Paginator(rows if rows is not None else selectors.records_for(request.user).none(),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(request=request, action=AccessAction.VIEW, section="disclosure_ledger",
               detail=form.summary() if form.is_bound else "条件なし")
    return render(request, "disclosure/ledger.html", context(
        request, form=form, page=page, querystring=querystring(request), retention_years=conf.retention_years(),
        tab="ledger"))
