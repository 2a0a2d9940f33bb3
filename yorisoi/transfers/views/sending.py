"""The sending center's pages: start a transfer from a case (preview, then send through disclosure), the list of
transfers sent, one transfer with its package (printable, PDF), withdrawing it, and recording the answer of a
center that does not use yorisoi. Reads go through the policy (the case is opened by get_case_or_404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from yorisoi.cases import selectors as case_selectors
from yorisoi.cases.models import Case
from yorisoi.common.forms import page_of
from yorisoi.disclosure import selectors as disclosure_selectors
from yorisoi.disclosure.models import Basis
from yorisoi.disclosure.services import ProvisionRefused
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import AnswerForm, TransferForm, TransferListQuery, WithdrawForm
from ..models import TransferStatus
from ..services import SECTION
from ._common import PAGE_SIZE, add_errors, context, not_found, package_context, pdf_response, require, rights


def _case_context(request, case, access, **extra) -> dict:
    return context(request, **case_selectors.header_context(case=case), access=access, nav="cases", **extra)


def _case_in_center(request, pk) -> None:
    """404 for a case of another center (or none), before any role check: an outsider learns nothing."""
    if not policy.of_center(Case, request.user).filter(pk=pk, deleted_at__isnull=True).exists():
        raise Http404("支援ケースが見つかりません。")


@rule("transfers.write")
def transfer_create(request, case_pk: int):
    """Hand a case to another center: the receiving center (a directory entry of kind 他の地域生活定着支援センター),
    the 支援業務協力依頼書, the ticked items and records, and the basis. 「内容を確認」 shows the package as it will
    be sent; 「送付して記録する」 provides it through disclosure (consent or legal basis, agreement, provision
    record) and freezes it in the transfer."""
    _case_in_center(request, case_pk)
    require(request, rights(request).can_send, section=SECTION)
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    active = selectors.active_transfer(case)
    form = TransferForm(request.POST or None, user=request.user, case=case)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = dict(actor=request.user, case=case, organization=data["recipient"], purpose=data["purpose"],
                         item_codes=data["items"], activities=list(data.get("activities") or []),
                         basis=data["basis"], legal_reason=data["legal_reason"], letter=form.letter())
        try:
            if "send" in request.POST:
                transfer = services.send_transfer(request=request, **arguments)
                where = (f"「{transfer.receiving_center}」の受入待ちに届きました" if transfer.on_yorisoi
                         else "印刷またはPDFで先方に送付してください")
                messages.success(request, f"引継ぎ（{transfer.number}）を送付し、第三者提供記録"
                                          f"（{transfer.provision_number}）に記録しました。{where}。")
                return redirect("transfers:detail", pk=transfer.pk)
            preview = package_context(services.prepare_transfer(**arguments), provision_number="（送付時に付番）")
        except ProvisionRefused as refusal:
            form.add_error(None, refusal.messages)
            log_access(request=request, action=AccessAction.DENIED, obj=case, person_id=case.person_id,
                       section=SECTION,
                       detail=f"引継ぎ先ID={data['recipient'].pk} 根拠={Basis(data['basis']).label} 提供を拒否")
        except ValidationError as error:
            add_errors(form, error)
    return render(request, "transfers/transfer_form.html", _case_context(
        request, case, access, form=form, preview=preview, active=active,
        status=disclosure_selectors.consent_status(case.person), page_title="他センターへの引継ぎ（広域調整）"))


@rule("transfers.view")
def sent_list(request):
    """送付した引継ぎ: the center's transfers (a worker limited to assigned cases: those of their cases)."""
    require(request, rights(request).can_read, section=SECTION)
    status = TransferListQuery.read(request).values["status"]
    rows = selectors.sent_for(request.user)
    if status in TransferStatus.values:
        rows = rows.filter(status=status)
    page = page_of(request, rows, PAGE_SIZE)
    policy.log_listed(request, page, section=SECTION, always=True, detail=f"送付した引継ぎ 状態={status or 'すべて'}")
    return render(request, "transfers/sent_list.html", context(
        request, page=page, status=status, statuses=TransferStatus.choices, tab="sent",
        querystring=f"status={status}" if status in TransferStatus.values else "",
        pending_incoming=selectors.pending_incoming_count(request.user)))


def _sent(request, pk, action: str = "view", *, needs_send: bool = False):
    """A transfer the user's center sent, and its case opened through the policy (404 / break-the-glass)."""
    transfer = selectors.sent_in_center(request.user, pk)
    if transfer is None:
        raise not_found(request, pk)
    allowed = rights(request).can_send if needs_send else rights(request).can_read
    require(request, allowed, section=SECTION, obj=transfer)
    case, access = policy.get_case_or_404(request, transfer.case_id, action, section=SECTION)
    return transfer, case, access


def _detail(request, transfer, case, access, *, withdraw_form=None, answer_form=None, status: int = 200):
    pending = transfer.is_pending and rights(request).can_send and access.can_edit
    return render(request, "transfers/transfer_detail.html", _case_context(
        request, case, access, transfer=transfer, **package_context(transfer.data),
        withdraw_form=withdraw_form or (WithdrawForm() if pending else None),
        answer_form=answer_form or (AnswerForm() if pending and not transfer.on_yorisoi else None),
        page_title=f"他センターへの引継ぎ {transfer.number}"), status=status)


@rule("transfers.view")
def transfer_detail(request, pk: int):
    """One transfer: where it went and what became of it, and the package exactly as sent (printable)."""
    transfer, case, access = _sent(request, pk)
    log_access(request=request, action=AccessAction.VIEW, obj=transfer, person_id=case.person_id, section=SECTION)
    return _detail(request, transfer, case, access)


@rule("transfers.view")
def transfer_pdf(request, pk: int):
    """The package (支援業務協力依頼書 and 情報提供書) as a PDF, for a center outside yorisoi or the file."""
    transfer, case, _access = _sent(request, pk)
    log_access(request=request, action=AccessAction.DOWNLOAD, obj=transfer, person_id=case.person_id,
               section="transfer_document")
    return pdf_response(transfer)


@rule("transfers.write")
def transfer_withdraw(request, pk: int):
    """Take back a transfer nobody answered yet (POST; a GET goes back to the transfer)."""
    transfer, case, access = _sent(request, pk, "edit", needs_send=True)
    if request.method != "POST":
        return redirect("transfers:detail", pk=transfer.pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_transfer(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"],
                                       request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"引継ぎ（{transfer.number}）を取り消しました。")
            return redirect("transfers:detail", pk=transfer.pk)
    return _detail(request, transfer, case, access, withdraw_form=form)


@rule("transfers.write")
def transfer_answer(request, pk: int):
    """Record the answer of a center that does not use yorisoi (POST; a GET goes back to the transfer)."""
    transfer, case, access = _sent(request, pk, "edit", needs_send=True)
    if request.method != "POST":
        return redirect("transfers:detail", pk=transfer.pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_answer(actor=request.user, transfer=transfer, accepted=data["accepted"],
                                   answered_on=data["answered_on"], note=data["note"], request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "先方の回答を記録しました。")
            return redirect("transfers:detail", pk=transfer.pk)
    return _detail(request, transfer, case, access, answer_form=form)
