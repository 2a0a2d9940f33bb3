"""支援計画: the plan page (latest or a given version), create, edit a draft, revise, print, action progress,
and submitting to / deciding by the approver."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merge_form_into, merged_form_data
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import ActionForm, ActionStatusForm, DecisionForm, PlanEditForm, PlanForm, action_formset
from ..models import ActionStatus
from ..services.plans import latest_plan
from ._common import context, error_text, load_case, no_write, post_only, require

SECTION = "support_plan"


def _plan_page(request, case, access, pa, plan, *, decision_form=None, status=200):
    plans = selectors.plans_of(case=case)
    latest = plans[0] if plans else None
    actions = selectors.actions_of(plan=plan) if plan is not None and pa.can_read_content else []
    today = timezone.localdate()
    for action in actions:
        open_action = action.due_date and action.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
        action.days_left = (action.due_date - today).days if open_action else None
        action.overdue_days = -action.days_left if action.days_left is not None and action.days_left < 0 else 0
    return render(request, "planning/plan_detail.html", context(
        case, access, pa, plan=plan, plans=plans, latest=latest, actions=actions,
        is_latest=plan is not None and latest is not None and plan.pk == latest.pk,
        current=selectors.current_approved(plans), events=[e for e in selectors.events_of(case=case)
                                                           if plan is not None and e.plan_id == plan.pk],
        face_sheet_wishes=case.person.wishes, decision_form=decision_form or DecisionForm(),
        action_statuses=ActionStatus.choices, tab="plan"), status=status)


@rule("planning.view")
def plan_detail(request, case_pk: int):
    """The case's plan: its latest version (the one being written or the one in force)."""
    case, access, pa = load_case(request, case_pk, section=SECTION)
    return _plan_page(request, case, access, pa, latest_plan(case))


@rule("planning.view")
def plan_version(request, case_pk: int, pk: int):
    case, access, pa = load_case(request, case_pk, section=SECTION)
    return _plan_page(request, case, access, pa, selectors.get_plan_or_404(case=case, pk=pk))


@rule("planning.write")
def plan_create(request, case_pk: int):
    case, access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    if latest_plan(case) is not None:
        messages.info(request, "この支援ケースにはすでに支援計画があります。")
        return redirect("planning:plan", case.pk)
    form = PlanForm(request.POST or None, initial={"plan_date": timezone.localdate(),
                                                   "person_wishes": case.person.wishes})
    formset = action_formset(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            plan = services.create_plan(actor=request.user, case=case, actions=formset.actions(), request=request,
                                        **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"支援計画 第{plan.revision}版を下書きとして保存しました。")
            return redirect("planning:plan_version", case.pk, plan.pk)
    return render(request, "planning/plan_form.html", context(
        case, access, pa, form=form, formset=formset, plan=None, face_sheet_wishes=case.person.wishes, tab="plan"))


def _merged_plan_data(form, formset, error: StaleEditError):
    """The plan and its action rows merged with what the other person saved (rows matched by id)."""
    data = merged_form_data(form, error)
    if error.base is None:
        return data
    before = selectors.actions_at(plan_id=error.current.pk, version=error.base.version)
    now = selectors.actions_at(plan_id=error.current.pk, version=error.current.version)
    for row in formset.forms:
        pk = row.cleaned_data.get("id")
        if pk in before and pk in now:
            error.conflicts += merge_form_into(data, row, before=ActionForm.initial_for(before[pk]),
                                               now=ActionForm.initial_for(now[pk]))
    return data


@rule("planning.write")
def plan_edit(request, case_pk: int, pk: int):
    case, access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    plan = selectors.get_plan_or_404(case=case, pk=pk)
    if not plan.is_editable:
        messages.error(request, f"第{plan.revision}版は{plan.get_status_display()}のため変更できません。"
                                "変更するときは改訂して新しい版を作ってください。")
        return redirect("planning:plan_version", case.pk, plan.pk)
    actions = selectors.actions_of(plan=plan)
    stale, status = None, 200
    if request.method == "POST":
        form = PlanEditForm(request.POST, revision=plan.revision)
        formset = action_formset(request.POST, user=request.user, actions=actions)
        if form.is_valid() and formset.is_valid():
            values = {k: v for k, v in form.values().items() if k != "version"}
            try:
                services.update_plan(actor=request.user, plan=plan, expected_version=form.cleaned_data["version"],
                                     actions=formset.actions(), request=request, **values)
            except StaleEditError as error:
                stale, status = error, 409
                data = _merged_plan_data(form, formset, error)
                form = PlanEditForm(data, revision=plan.revision)
                formset = action_formset(data, user=request.user, actions=actions)
                form.is_valid()
                formset.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"支援計画 第{plan.revision}版を保存しました。")
                return redirect("planning:plan_version", case.pk, plan.pk)
    else:
        form = PlanEditForm(initial=PlanForm.initial_for(plan), revision=plan.revision)
        formset = action_formset(user=request.user, actions=actions)
    return render(request, "planning/plan_form.html", context(
        case, access, pa, form=form, formset=formset, plan=plan, stale=stale, face_sheet_wishes=case.person.wishes,
        tab="plan"), status=status)


@rule("planning.write")
def plan_revise(request, case_pk: int, pk: int):
    case, _access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    plan = selectors.get_plan_or_404(case=case, pk=pk)
    if (back := post_only(request, reverse("planning:plan_version", args=[case.pk, plan.pk]))) is not None:
        return back
    try:
        new = services.revise_plan(actor=request.user, plan=plan, request=request)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("planning:plan_version", case.pk, plan.pk)
    messages.success(request, f"第{plan.revision}版をもとに第{new.revision}版（下書き）を作りました。"
                              f"第{plan.revision}版は承認されたまま残ります。")
    return redirect("planning:plan_edit", case.pk, new.pk)


@rule("planning.write")
def plan_submit(request, case_pk: int, pk: int):
    case, _access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    plan = selectors.get_plan_or_404(case=case, pk=pk)
    if (back := post_only(request, reverse("planning:plan_version", args=[case.pk, plan.pk]))) is not None:
        return back
    try:
        services.submit(actor=request.user, subject=plan, request=request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"支援計画 第{plan.revision}版の決裁を申請しました。")
    return redirect("planning:plan_version", case.pk, plan.pk)


@rule("planning.write")
def plan_withdraw(request, case_pk: int, pk: int):
    case, _access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    plan = selectors.get_plan_or_404(case=case, pk=pk)
    if (back := post_only(request, reverse("planning:plan_version", args=[case.pk, plan.pk]))) is not None:
        return back
    try:
        services.withdraw(actor=request.user, subject=plan, request=request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"第{plan.revision}版の申請を取り下げました（下書きに戻りました）。")
    return redirect("planning:plan_version", case.pk, plan.pk)


@rule("planning.approve")
def plan_decide(request, case_pk: int, pk: int):
    case, access, pa = load_case(request, case_pk, section=SECTION)
    require(request, case, pa.can_approve, section=SECTION, detail="approve")
    plan = selectors.get_plan_or_404(case=case, pk=pk)
    if (back := post_only(request, reverse("planning:plan_version", args=[case.pk, plan.pk]))) is not None:
        return back
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.approve(actor=request.user, subject=plan, comment=data["comment"], request=request)
            else:
                services.return_for_revision(actor=request.user, subject=plan, comment=data["comment"],
                                             request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "承認しました" if data["decision"] == "approve" else "差し戻しました"
            messages.success(request, f"支援計画 第{plan.revision}版を{done}。")
            return redirect("planning:plan_version", case.pk, plan.pk)
    return _plan_page(request, case, access, pa, plan, decision_form=form)


@rule("planning.write")
def action_status(request, case_pk: int, pk: int):
    case, _access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    action = selectors.get_action_or_404(case=case, pk=pk)
    url = reverse("planning:plan_version", args=[case.pk, action.plan_id]) + f"#action-{action.pk}"
    if (back := post_only(request, url)) is not None:
        return back
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "状況を選び直してください。")
        return redirect(url)
    try:
        updated = services.set_action_status(actor=request.user, action=action, status=form.cleaned_data["status"],
                                             expected_version=form.cleaned_data["version"], request=request)
    except StaleEditError as error:
        messages.error(request, f"保存できませんでした。この画面を開いた後に{error.editor or '別の職員'}さんが"
                                "この行動の状況を更新しました。現在の状況を確認してください。")
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"行動の状況を「{updated.get_status_display()}」にしました。")
    return redirect(url)


@rule("planning.print")
def plan_print(request, case_pk: int, pk: int):
    """A4 print of one version; the print is logged (action PRINT) by get_case_or_404."""
    case, access, pa = load_case(request, case_pk, "print", section=SECTION)
    require(request, case, pa.can_read_content, section=SECTION, detail="print")
    plan = selectors.get_plan_or_404(case=case, pk=pk)
    return render(request, "planning/plan_print.html", context(
        case, access, pa, plan=plan, actions=selectors.actions_of(plan=plan), printed_at=timezone.localtime()))


@rule("planning.print")
def plan_pdf(request, case_pk: int, pk: int):
    """The same sheet as the print view, as an A4 PDF with an embedded Japanese font; logged as PRINT."""
    case, access, pa = load_case(request, case_pk, "print", section="support_plan_pdf")
    require(request, case, pa.can_read_content, section=SECTION, detail="pdf")
    plan = selectors.get_plan_or_404(case=case, pk=pk)
    html = render_to_string("planning/plan_pdf.html", context(
        case, access, pa, plan=plan, actions=selectors.actions_of(plan=plan), printed_at=timezone.localtime()),
        request=request)
    from ..pdf import html_to_pdf

    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    # ids only in the file name: no personal data in URLs, headers or download folders' listings.
    response["Content-Disposition"] = f'inline; filename="support-plan-{case.pk}-{plan.revision}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
