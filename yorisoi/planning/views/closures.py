"""終結の決裁: request the closure of a case, correct a returned request, withdraw, decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy.policy import rule
from yorisoi.workflow import closure as checklist

from .. import selectors, services
from ..forms import ClosureEditForm, ClosureForm, DecisionForm
from ..models import ApprovalStatus
from ..services.closures import OPEN_STATUSES
from ._common import context, error_text, load_case, no_write, post_only, require

SECTION = "closure"


def _detail(request, case, access, pa, closure, *, decision_form=None, status=200):
    events = [e for e in selectors.events_of(case=case) if e.closure_id == closure.pk]
    items = list(closure.items.all())
    # Items opened after the request have no choice yet: the approver sees them and returns the request.
    unhandled = []
    if closure.status in OPEN_STATUSES and case.is_open:
        unhandled = checklist.unhandled(checklist.open_items_of(case),
                                        {row.key: (row.handling, row.reason) for row in items})
    return render(request, "planning/closure_detail.html", context(
        case, access, pa, closure=closure, events=events, decision_form=decision_form or DecisionForm(),
        items=items, unhandled=unhandled,
        earlier=[c for c in selectors.closures_of(case=case) if c.pk != closure.pk], tab="closure"), status=status)


@rule("planning.view")
def closure(request, case_pk: int):
    """The closure tab: the request in progress if there is one, else the form to submit one."""
    case, access, pa = load_case(request, case_pk, section=SECTION)
    closures = selectors.closures_of(case=case)
    in_progress = next((c for c in closures if c.status in OPEN_STATUSES), None)
    if in_progress is not None:
        return redirect("planning:closure_detail", case.pk, in_progress.pk)
    form = ClosureForm(request.POST or None, open_items=checklist.open_items_of(case))
    if request.method == "POST":
        no_write(request, case, pa, SECTION)
        if form.is_valid():
            try:
                created = services.request_closure(actor=request.user, case=case, request=request,
                                                   **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "支援の終結について決裁を申請しました。承認されるとケースが終結します。")
                return redirect("planning:closure_detail", case.pk, created.pk)
    return render(request, "planning/closure_form.html", context(
        case, access, pa, form=form, closures=closures, closure=None, tab="closure"))


@rule("planning.view")
def closure_detail(request, case_pk: int, pk: int):
    case, access, pa = load_case(request, case_pk, section=SECTION)
    return _detail(request, case, access, pa, selectors.get_closure_or_404(case=case, pk=pk))


@rule("planning.write")
def closure_edit(request, case_pk: int, pk: int):
    """A returned request: correct it and submit it again."""
    case, access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    item = selectors.get_closure_or_404(case=case, pk=pk)
    if item.status != ApprovalStatus.RETURNED:
        messages.error(request, f"{item.get_status_display()}の申請は修正できません。")
        return redirect("planning:closure_detail", case.pk, item.pk)
    stale, status = None, 200
    if request.method == "POST":
        form = ClosureEditForm(request.POST, open_items=checklist.open_items_of(case))
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.revise_closure_request(actor=request.user, closure=item, request=request,
                                                expected_version=form.cleaned_data["version"], **values)
            except StaleEditError as error:
                stale, status = error, 409
                form = ClosureEditForm(merged_form_data(form, error), open_items=checklist.open_items_of(case))
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "終結の申請を修正して、もう一度決裁を申請しました。")
                return redirect("planning:closure_detail", case.pk, item.pk)
    else:
        initial = {"outcome": item.outcome, "residence": item.residence,
                   "services": [s.service for s in item.services.all()], "summary": item.summary,
                   "version": item.version}
        for row in item.items.all():
            initial[f"item_{row.kind}_{row.object_id}"] = row.handling
            initial[f"reason_{row.kind}_{row.object_id}"] = row.reason
        form = ClosureEditForm(initial=initial, open_items=checklist.open_items_of(case))
    return render(request, "planning/closure_form.html", context(
        case, access, pa, form=form, closure=item, stale=stale, tab="closure"), status=status)


@rule("planning.write")
def closure_withdraw(request, case_pk: int, pk: int):
    case, _access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    item = selectors.get_closure_or_404(case=case, pk=pk)
    if (back := post_only(request, reverse("planning:closure_detail", args=[case.pk, item.pk]))) is not None:
        return back
    try:
        services.withdraw(actor=request.user, subject=item, request=request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "終結の申請を取り下げました。ケースは継続します。")
    return redirect("planning:closure_detail", case.pk, item.pk)


@rule("planning.approve")
def closure_decide(request, case_pk: int, pk: int):
    case, access, pa = load_case(request, case_pk, section=SECTION)
    require(request, case, pa.can_approve, section=SECTION, detail="approve")
    item = selectors.get_closure_or_404(case=case, pk=pk)
    if (back := post_only(request, reverse("planning:closure_detail", args=[case.pk, item.pk]))) is not None:
        return back
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.approve(actor=request.user, subject=item, comment=data["comment"], request=request)
            else:
                services.return_for_revision(actor=request.user, subject=item, comment=data["comment"],
                                             request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEditError:
            form.add_error(None, "ケースが同時に更新されました。内容を確認して、もう一度決裁してください。")
        else:
            if data["decision"] == "approve":
                messages.success(request, "終結を承認しました。ケースを終結しました。")
            else:
                messages.success(request, "終結の申請を差し戻しました。ケースは継続します。")
            return redirect("planning:closure_detail", case.pk, item.pk)
    return _detail(request, case, access, pa, selectors.get_closure_or_404(case=case, pk=pk), decision_form=form)
