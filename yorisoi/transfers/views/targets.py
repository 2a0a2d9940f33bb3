"""Which directory entries (他の地域生活定着支援センター) are centers of this deployment: transfers to them arrive
in that center's 受入待ち list. Everyone who reads transfers sees the list; directors link and unlink."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import TargetForm
from ._common import context, require, rights

SECTION = "transfer_target"


@rule("transfers.view")
def targets(request):
    require(request, rights(request).can_read, section=SECTION)
    rows = list(selectors.other_center_organizations(request.user))
    forms = {}
    if rights(request).can_manage_targets:
        for organization in rows:
            target = getattr(organization, "transfer_target", None)
            forms[organization.pk] = TargetForm(user=request.user, prefix=f"o{organization.pk}",
                                                initial={"target_center": target.target_center_id if target else None})
    log_access(request=request, action=AccessAction.VIEW, section=SECTION)
    return render(request, "transfers/targets.html", context(
        request, rows=[(o, getattr(o, "transfer_target", None), forms.get(o.pk)) for o in rows], tab="targets",
        pending_incoming=selectors.pending_incoming_count(request.user)))


@rule("transfers.targets")
def target_edit(request, pk: int):
    """Link a directory entry to a center of this deployment, or unlink it (POST; a GET goes back to the list)."""
    organization = selectors.other_center_organizations(request.user).filter(pk=pk).first()
    if organization is None:
        raise Http404("関係機関が見つかりません。")
    require(request, rights(request).can_manage_targets, section=SECTION, obj=organization)
    if request.method != "POST":
        return redirect("transfers:targets")
    form = TargetForm(request.POST, user=request.user, prefix=f"o{organization.pk}")
    if form.is_valid():
        try:
            linked = services.link_target(actor=request.user, organization=organization,
                                          target_center=form.cleaned_data["target_center"], request=request)
        except ValidationError as error:
            messages.error(request, "　".join(error.messages))
        else:
            messages.success(request, f"「{organization}」を「{linked.target_center}」に対応づけました。" if linked
                             else f"「{organization}」の対応づけを解除しました（紙で送付します）。")
    else:
        messages.error(request, "センターの選択肢から選んでください。")
    return redirect("transfers:targets")
