"""Providing information (情報提供), the provision record and its document, the ledger. The ledger leaves yorisoi
through the export control of the privacy app (reports:export_create, target disclosure_ledger)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.common.dates import DateArithmeticError, add_years
from yorisoi.common.forms import page_of
from yorisoi.placements.models import PlacementInquiry, ServiceConnection
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import log_listed, rule

from .. import conf, selectors, services
from ..forms import LedgerFilterForm, ProvisionForm, ProvisionSourceQuery
from ..models import Basis, Purpose
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


@rule("disclosure.write")
def provide(request, pk: int):
    """The provision form: recipient, purpose, the ticked items and records, the basis. 「内容を確認」 shows the
    document as it will be given; 「提供して記録する」 gives it and writes the record. Clerks never reach it."""
    person_in_center(request, pk)
    require(request, rights(request).can_provide, section="disclosure")
    person, access = open_person(request, pk, section="disclosure")
    during = _during(request, person)
    form = ProvisionForm(request.POST or None, user=request.user, person=person,
                         initial=_initial_during(during) if during else None)
    preview = check = refused_recipient = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = dict(actor=request.user, person=person, recipient=data["recipient"], purpose=data["purpose"],
                         item_codes=data["items"], activities=list(data.get("activities") or []),
                         basis=data["basis"], legal_reason=data["legal_reason"])
        try:
            if "provide" in request.POST:
                source = {during["kind"]: during["object"]} if during else {}
                record = services.provide_information(note=data["note"], request=request, **source, **arguments)
                messages.success(request, f"情報提供書を作成し、第三者提供記録（{record.number}）に記録しました。")
                return redirect("disclosure:record_detail", pk=record.pk)
            check, preview = services.prepare_provision(**arguments)
        except ProvisionRefused as refusal:
            form.add_error(None, refusal.messages)
            refused_recipient = data["recipient"]
            log_access(request=request, action=AccessAction.DENIED, obj=person, person_id=person.pk,
                       section="disclosure",
                       detail=f"提供先ID={data['recipient'].pk} 根拠={Basis(data['basis']).label} 提供を拒否")
        except ValidationError as error:
            add_errors(form, error)
    return render(request, "disclosure/provision_form.html", context(
        request, person=person, access=access, form=form, preview=preview, check=check, during=during,
        refused_recipient=refused_recipient,
        basis_label=Basis(check.basis).label if check else "",
        today=timezone.localdate(), status=selectors.consent_status(person), nav="people"))


# What a facility or service usually needs to decide on an inquiry: who, age, disability and care needs.
ITEMS_FOR_AN_INQUIRY = ["kana", "sex", "birth_date", "care_level", "disability_support_level", "certificates"]
PURPOSE_OF_SERVICE = {"medical": Purpose.MEDICAL, "hello_work": Purpose.EMPLOYMENT,
                      "cooperating_employer": Purpose.EMPLOYMENT}


def _during(request, person) -> dict | None:
    """The person's 受入照会 or つなぎ named by ?inquiry= / ?connection= (or the hidden fields of the POST)."""
    if request.method == "POST":
        query = ProvisionSourceQuery(request.POST)
        values = query.values
    else:
        values = ProvisionSourceQuery.read(request).values  # a parameter it cannot read is named on the page
    for kind, model, label in (("inquiry", PlacementInquiry, "受入照会"), ("connection", ServiceConnection, "つなぎ")):
        pk = values[kind]
        if pk:
            found = (policy.of_center(model, request.user).filter(pk=pk, case__person_id=person.pk)
                     .select_related("organization", "case").first())
            if found is None:
                raise Http404("受入照会・つなぎが見つかりません。")
            return {"kind": kind, "object": found, "label": label}
    return None


def _initial_during(during: dict) -> dict:
    found = during["object"]
    if during["kind"] == "inquiry":
        purpose = Purpose.HOUSING
    else:
        purpose = PURPOSE_OF_SERVICE.get(found.service_kind, Purpose.WELFARE)
    return {"recipient": found.organization_id, "purpose": purpose, "items": ITEMS_FOR_AN_INQUIRY,
            during["kind"]: found.pk}


def _record(request, pk):
    record = selectors.get_record_or_404(request.user, pk)
    require(request, rights(request).can_read, section="disclosure", obj=record, person_id=record.person_id)
    if not person_visible(request, record.person_id):
        raise Http404("提供記録が見つかりません。")
    require_sensitive(request, record, item_codes=record.items, with_records=bool(record.activity_ids))
    return record


@rule("disclosure.view")
def record_detail(request, pk: int):
    """One provision: the facts of the record and the document exactly as given (printable)."""
    record = _record(request, pk)
    log_access(request=request, action=AccessAction.VIEW, obj=record, person_id=record.person_id,
               section="disclosure")
    return render(request, "disclosure/record_detail.html", context(
        request, record=record, content=json.loads(record.content or "{}"), center=record.center,
        retention_until=_retention_until(record.provided_on), tab="ledger"))


def _retention_until(day):
    try:
        return add_years(day, conf.retention_years())
    except DateArithmeticError:
        return None  # a provision date outside the date rule (shown as 「日付を確認してください」): no end to show


@rule("disclosure.view")
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


@rule("disclosure.view")
def ledger(request):
    """第三者提供記録簿: every provision of the center (workers: of the persons they may open)."""
    require(request, rights(request).can_read, section="disclosure_ledger")
    form = LedgerFilterForm(request.GET or None, user=request.user)
    rows = _filtered(request, form) if form.is_bound else selectors.ledger(request.user)
    page = page_of(request, rows if rows is not None else selectors.records_for(request.user).none(), PAGE_SIZE)
    log_listed(request, page, section="disclosure_ledger", always=True,
               detail=form.summary() if form.is_bound else "条件なし")
    return render(request, "disclosure/ledger.html", context(
        request, form=form, page=page, querystring=querystring(request), retention_years=conf.retention_years(),
        tab="ledger"))
