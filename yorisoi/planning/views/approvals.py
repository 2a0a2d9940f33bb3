"""The 決裁 list (pending items for approvers, returned items for submitters), the 決裁代行 settings,
and the case's planning overview with its 決裁の記録."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from yorisoi.common.forms import add_service_errors
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule

from .. import rules, selectors, services
from ..forms import DelegationForm
from ..models import ApproverDelegation
from ._common import context, load_case, post_only


@rule("planning.view")
def approval_list(request):
    user = request.user
    pa = rules.planning_access(user)
    lists = selectors.approval_lists(user=user, may_approve=pa.can_approve)
    policy.log_listed(request, [*lists.to_decide, *lists.returned, *lists.waiting, *lists.recent],
                      section="approvals")
    return render(request, "planning/approval_list.html", {
        "lists": lists, "pa": pa, "access": policy.access_for(user), "nav": "approvals",
        "delegations": list(policy.of_center(ApproverDelegation, user)
                            .select_related("staff").order_by("id")),
    })


@rule("planning.delegate")
def approver_list(request):
    """決裁代行: the director names the workers who may approve in their place."""
    form = DelegationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            delegation = services.grant_delegation(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{delegation.staff}さんを決裁代行に指定しました。")
            return redirect("planning:approvers")
    delegations = list(policy.of_center(ApproverDelegation, request.user)
                       .select_related("staff", "granted_by").order_by("id"))
    return render(request, "planning/approver_list.html", {
        "form": form, "delegations": delegations, "access": policy.access_for(request.user), "nav": "approvals",
    })


@rule("planning.delegate")
def approver_revoke(request, pk: int):
    delegation = policy.of_center(ApproverDelegation, request.user).filter(pk=pk).select_related(
        "staff").first()
    if delegation is None:
        raise Http404("決裁代行の指定が見つかりません。")
    if (back := post_only(request, reverse("planning:approvers"))) is not None:
        return back
    name = str(delegation.staff)
    services.revoke_delegation(actor=request.user, delegation=delegation, request=request)
    messages.success(request, f"{name}さんの決裁代行の指定を解除しました。")
    return redirect("planning:approvers")


@rule("planning.view")
def case_overview(request, case_pk: int):
    """アセスメント・支援計画・終結 of one case at a glance, with the 決裁の記録."""
    case, access, pa = load_case(request, case_pk, section="planning")
    plans = selectors.plans_of(case=case)
    closures = selectors.closures_of(case=case)
    return render(request, "planning/case_overview.html", context(
        case, access, pa, assessments=selectors.assessments_of(case=case, pa=pa)[:5], plans=plans,
        latest=plans[0] if plans else None, current=selectors.current_approved(plans), closures=closures,
        events=selectors.events_of(case=case), tab="overview"))
