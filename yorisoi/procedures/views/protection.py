"""The 更生緊急保護 page of a case: register the written application, edit, extend; the end-date warning."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data, with_their_version
from yorisoi.common.dates import format_checked
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import conf, selectors, services
from ..forms import ExtensionForm, ProtectionEditForm, ProtectionForm
from ..models import ProtectionStatus
from ._common import case_context

SECTION = "urgent_protection"


def _page_url(case, anchor: str = "") -> str:
    return reverse("procedures:protection", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _may_extend(access) -> bool:
    return access.can_edit and access.can_see_narrative


def _render(request, case, access, protection, *, form=None, extension_form=None, stale=None, status=200):
    today = timezone.localdate()
    if protection is None and form is None and access.can_edit:
        form = ProtectionForm(user=request.user, initial={"application_date": today})
    if protection is not None and extension_form is None:
        extension_form = ExtensionForm(initial={"version": protection.version, "application_date": today})
    context = case_context(
        case, access, tab="protection", today=today, protection=protection, form=form,
        extension_form=extension_form, stale=stale, may_extend=_may_extend(access),
        can_extend_now=protection is not None and protection.status == ProtectionStatus.ACTIVE
        and protection.end_date is not None
        and (protection.guidance_limit_date is None or protection.end_date < protection.guidance_limit_date),
        protection_state=selectors.protection_state(protection, today),
        extensions=list(protection.extensions.all()) if protection else [],
        periods={"months": conf.urgent_protection_months(), "extension": conf.urgent_protection_extension_months(),
                 "years": conf.urgent_protection_max_guidance_years(), "warnings": conf.protection_warning_days()},
    )
    return render(request, "procedures/urgentprotection_detail.html", context, status=status)


@rule("procedures.view")
def protection(request, case_pk: int):
    """GET: the section. POST: register the protection (the written application)."""
    case, access = policy.get_case_or_404(request, case_pk, "edit" if request.method == "POST" else "view",
                                          section=SECTION)
    current = selectors.protection_of(case=case)
    if request.method != "POST":
        return _render(request, case, access, current)
    if current is not None:
        return redirect(reverse("procedures:protection_edit", args=[case.pk]))
    form = ProtectionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.register_protection(actor=request.user, case=case, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "更生緊急保護を登録しました。")
            return redirect(_page_url(case))
    return _render(request, case, access, None, form=form)


@rule("procedures.write")
def protection_edit(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    current = selectors.protection_of(case=case)
    if current is None:
        return redirect(_page_url(case))
    stale, status = None, 200
    if request.method == "POST":
        form = ProtectionEditForm(request.POST, user=request.user, protection=current)
        if form.is_valid():
            try:
                services.update_protection(actor=request.user, protection=current,
                                           expected_version=form.cleaned_data["version"], request=request,
                                           **form.values())
            except StaleEditError as error:
                stale, status = error, 409
                current = selectors.protection_of(case=case)
                form = ProtectionEditForm(merged_form_data(form, error), user=request.user,
                                          protection=current)
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "更生緊急保護を保存しました。")
                return redirect(_page_url(case))
    else:
        form = ProtectionEditForm(initial=ProtectionEditForm.initial_for(current), user=request.user,
                                  protection=current)
    context = case_context(case, access, tab="protection", page_title="更生緊急保護の編集", protection=current,
                           form=form, stale=stale)
    return render(request, "procedures/urgentprotection_edit.html", context, status=status)


@rule("procedures.protection_extend")
def protection_extend(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section=SECTION)
    if not _may_extend(access):
        log_access(request=request, action=AccessAction.DENIED, obj=case, person_id=case.person_id,
                   section=SECTION, detail="extend")
        raise PermissionDenied
    current = selectors.protection_of(case=case)
    if current is None or request.method != "POST":
        return redirect(_page_url(case, "extension"))
    form = ExtensionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            extension = services.extend_protection(
                actor=request.user, protection=current, expected_version=data["version"],
                written_request=data["written_request"], application_date=data["application_date"],
                reason=data["reason"], request=request)
        except StaleEditError as error:
            current = selectors.protection_of(case=case)
            form = ExtensionForm(with_their_version(form, error))
            form.is_valid()
            return _render(request, case, access, current, extension_form=form, stale=error, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"期間を延長しました（終了日：{format_checked(extension.new_end_date)}）。")
            return redirect(_page_url(case))
    return _render(request, case, access, current, extension_form=form)
