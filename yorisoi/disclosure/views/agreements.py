"""Sharing agreements (取り決め) with partner organizations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.privacy.policy import rule

from .. import conf, selectors, services
from ..forms import AgreementForm, OrganizationQuery
from ..models import AgreementStatus
from ._common import add_errors, context, require, rights, serve_file


@rule("disclosure.view")
def agreement_list(request):
    require(request, rights(request).can_read, section="agreement")
    today = timezone.localdate()
    expiring = {e.agreement.pk: e for e in selectors.agreements_expiring(request.user, today)}
    agreements = list(selectors.agreements_for(request.user).order_by("organization__name_kana", "valid_from", "id"))
    for agreement in agreements:
        agreement.warning = expiring.get(agreement.pk)
        agreement.in_force = agreement.valid_on(today)
    return render(request, "disclosure/agreement_list.html", context(
        request, agreements=agreements, expiring=list(expiring.values()), warning_days=conf.agreement_warning_days(),
        tab="agreements", today=today))


def _values(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("version", "file")}


@rule("disclosure.draft_agreement")
def agreement_create(request):
    """Directors register an agreement; a worker drafts one (締結準備中) for the director's 決裁. The
    organization may come from the provision that was refused for want of one (?organization=)."""
    may_manage = rights(request).can_manage
    require(request, may_manage or rights(request).can_draft_agreement, section="agreement")
    chosen = OrganizationQuery.read(request).values["organization"]
    initial = {"status": AgreementStatus.ACTIVE if may_manage else AgreementStatus.DRAFT}
    if chosen:
        initial["organization"] = chosen
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user, initial=initial,
                         draft_only=not may_manage)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.save_agreement(actor=request.user, upload=form.cleaned_data.get("file"),
                                                request=request, **_values(form))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"「{agreement.organization}」との取り決めを登録しました。" if may_manage else
                             f"「{agreement.organization}」との取り決めを締結準備中として登録しました。"
                             "管理者の決裁（締結済みへの変更）を待ちます。")
            return redirect("disclosure:agreement_detail", pk=agreement.pk)
    return render(request, "disclosure/agreement_form.html", context(request, form=form, agreement=None,
                                                                     tab="agreements"))


@rule("disclosure.view")
def agreement_detail(request, pk: int):
    agreement = selectors.get_agreement_or_404(request.user, pk)
    require(request, rights(request).can_read, section="agreement")
    today = timezone.localdate()
    warning = next((e for e in selectors.agreements_expiring(request.user, today) if e.agreement.pk == agreement.pk),
                   None)
    return render(request, "disclosure/agreement_detail.html", context(
        request, agreement=agreement, warning=warning, in_force=agreement.valid_on(today), tab="agreements"))


@rule("disclosure.manage")
def agreement_edit(request, pk: int):
    agreement = selectors.get_agreement_or_404(request.user, pk)
    require(request, rights(request).can_manage, section="agreement")
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user, instance=agreement)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_agreement(actor=request.user, agreement=agreement,
                                    expected_version=form.cleaned_data["version"],
                                    upload=form.cleaned_data.get("file"), request=request, **_values(form))
        except StaleEditError as error:
            stale = error
            form.data = merged_form_data(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "取り決めを更新しました。")
            return redirect("disclosure:agreement_detail", pk=agreement.pk)
    return render(request, "disclosure/agreement_form.html", context(
        request, form=form, agreement=agreement, stale=stale, tab="agreements"), status=409 if stale else 200)


@rule("disclosure.view")
def agreement_file(request, pk: int):
    agreement = selectors.get_agreement_or_404(request.user, pk)
    require(request, rights(request).can_read, section="agreement")
    return serve_file(request, agreement.file, filename=agreement.file_name or "agreement",
                      content_type=agreement.file_type, obj=agreement, person_id=None, section="agreement_file")
