"""The receiving center's pages: transfers that other centers sent to it (受入待ち), one of them with its package,
accepting it into a new case of its own (a new person, or a person already registered with the same name and
birth date) or declining it.

These pages read a row of ANOTHER center (the transfer, selected by `receiving_center`) and only that row: the
package frozen in it. A withdrawn or declined transfer no longer shows its package. Once accepted, the package is
part of the receiving case: it is shown to those who may open that case (get_case_or_404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from yorisoi.common.forms import page_of
from yorisoi.common.locks import seen_ids, seen_token
from yorisoi.people.services import SameNameError
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import package, selectors, services
from ..forms import AcceptForm, DeclineForm, TransferListQuery
from ..models import TransferStatus
from ..services import INCOMING_SECTION
from ._common import PAGE_SIZE, add_errors, context, not_found, package_context, pdf_response, require, rights

PACKAGE_STATUSES = (TransferStatus.PENDING, TransferStatus.ACCEPTED)
SAME_NAME_TO_LINK = ("同じ名前の対象者が当センターに登録されています。同じ方ならその対象者に紐づけてください。"
                     "別の方なら「新しい対象者として登録する」を選んだまま、もう一度受け入れてください。")


@rule("transfers.view")
def incoming_list(request):
    """他センターからの引継ぎ: what other centers sent to this one, waiting first."""
    require(request, rights(request).can_read, section=INCOMING_SECTION)
    status = TransferListQuery.read(request).values["status"]
    rows = selectors.incoming_for(request.user).order_by("-sent_at", "-id")
    if status in TransferStatus.values:
        rows = rows.filter(status=status)
    page = page_of(request, rows, PAGE_SIZE)
    # the person's name: while waiting to everyone who reads transfers; once accepted, to those who may open the
    # receiving case; never after a withdrawal or a refusal
    opened = set(policy.cases_for(request.user).filter(
        pk__in=[t.receiving_case_id for t in page if t.receiving_case_id]).values_list("pk", flat=True))
    for t in page:
        t.name_shown = t.is_pending or (t.status == TransferStatus.ACCEPTED and t.receiving_case_id in opened)
    # the persons this center registered from an accepted transfer; a waiting one names the sending center's person,
    # who has no record here (the package's letter, logged with the transfer when it is opened)
    policy.log_listed(request, [t.receiving_person_id for t in page if t.name_shown and t.receiving_person_id],
                      section=INCOMING_SECTION, always=True, detail=f"他センターからの引継ぎ 状態={status or 'すべて'}")
    return render(request, "transfers/incoming_list.html", context(
        request, page=page, status=status, statuses=TransferStatus.choices, tab="incoming",
        querystring=f"status={status}" if status in TransferStatus.values else "",
        pending_incoming=selectors.pending_incoming_count(request.user)))


def _incoming(request, pk, *, needs_receive: bool = False):
    """A transfer sent to the user's center; once accepted, only for users who may open the receiving case."""
    transfer = selectors.get_incoming(request.user, pk)
    if transfer is None:
        raise not_found(request, pk)
    allowed = rights(request).can_receive if needs_receive else rights(request).can_read
    require(request, allowed, section=INCOMING_SECTION, obj=transfer, person_id=transfer.receiving_person_id)
    if transfer.status == TransferStatus.ACCEPTED and transfer.receiving_case_id:
        policy.get_case_or_404(request, transfer.receiving_case_id, "view", section=INCOMING_SECTION)
    return transfer


def _detail(request, transfer, *, accept_form=None, decline_form=None, status: int = 200, same_name: bool = False):
    can_answer = transfer.is_pending and rights(request).can_receive
    candidates = selectors.matching_persons(request.user, transfer) if can_answer else []
    if accept_form is not None:
        candidates = list(accept_form.candidates.values())  # also those a same-name check named
    if can_answer and accept_form is None:
        letter = transfer.data.get("letter") or {}
        accept_form = AcceptForm(user=request.user, candidates=candidates,
                                 initial_names=package.name_initial(transfer.data),
                                 case_kind=letter.get("case_kind", ""))
    shows_package = transfer.status in PACKAGE_STATUSES
    return render(request, "transfers/incoming_detail.html", context(
        request, transfer=transfer, shows_package=shows_package,
        **(package_context(transfer.data) if shows_package else {}),
        accept_form=accept_form, decline_form=decline_form or (DeclineForm() if can_answer else None),
        candidates=candidates, same_name=same_name, tab="incoming"), status=status)


@rule("transfers.view")
def incoming_detail(request, pk: int):
    """One incoming transfer: the letter and the package, and (while waiting) accept or decline."""
    transfer = _incoming(request, pk)
    log_access(request=request, action=AccessAction.VIEW, obj=transfer, person_id=transfer.receiving_person_id,
               section=INCOMING_SECTION)
    return _detail(request, transfer)


@rule("transfers.view")
def incoming_pdf(request, pk: int):
    transfer = _incoming(request, pk)
    if transfer.status not in PACKAGE_STATUSES:
        raise Http404("引継ぎ資料はありません。")
    log_access(request=request, action=AccessAction.DOWNLOAD, obj=transfer, person_id=transfer.receiving_person_id,
               section="transfer_document")
    return pdf_response(transfer)


@rule("transfers.write")
def incoming_accept(request, pk: int):
    """Accept into a new case of this center (POST; a GET goes back to the transfer)."""
    transfer = _incoming(request, pk, needs_receive=True)
    if request.method != "POST":
        return redirect("transfers:incoming_detail", pk=transfer.pk)
    if not transfer.is_pending:
        messages.error(request, f"この引継ぎはすでに「{transfer.get_status_display()}」です。")
        return redirect("transfers:incoming_detail", pk=transfer.pk)
    letter = transfer.data.get("letter") or {}

    def accept_form(data):
        shown = seen_ids(data.get("same_name_seen"))
        return AcceptForm(data, user=request.user, candidates=selectors.accept_candidates(request.user, transfer,
                                                                                          shown=shown),
                          initial_names=package.name_initial(transfer.data), case_kind=letter.get("case_kind", ""))

    form = accept_form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            accepted = services.accept_transfer(
                actor=request.user, transfer=transfer, kind=data["kind"], person=form.chosen_person(),
                family_name=data["family_name"], given_name=data["given_name"],
                family_name_kana=data["family_name_kana"], given_name_kana=data["given_name_kana"],
                main_staff=data["main_staff"], same_name_seen=form.seen_persons(), request=request)
        except SameNameError as error:
            # Asked as person registration asks: the persons of the same name are offered to link, and choosing a
            # new person again (the token names exactly those now shown) registers them as someone else.
            again = request.POST.copy()
            again["same_name_seen"] = seen_token([*form.candidates, *(c.pk for c in error.candidates)])
            form = accept_form(again)
            form.is_valid()
            form.add_error("person", SAME_NAME_TO_LINK)
            return _detail(request, transfer, accept_form=form, same_name=True)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"「{transfer.center}」からの引継ぎ（{transfer.number}）を受け入れ、支援ケース"
                                      f"{accepted.receiving_case.number}を開始しました。")
            return redirect("cases:detail", pk=accepted.receiving_case_id)
    return _detail(request, transfer, accept_form=form)


@rule("transfers.write")
def incoming_decline(request, pk: int):
    """Decline, with the reason that goes back to the sender (POST; a GET goes back to the transfer)."""
    transfer = _incoming(request, pk, needs_receive=True)
    if request.method != "POST":
        return redirect("transfers:incoming_detail", pk=transfer.pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_transfer(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"],
                                      request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"引継ぎ（{transfer.number}）を受入不可として回答しました。")
            return redirect("transfers:incoming")
    return _detail(request, transfer, decline_form=form)
