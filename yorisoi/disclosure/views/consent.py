"""A person's consent and disclosure page, recording and withdrawing consent, the consent wording (versions)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, with_their_version
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import ConsentRecordForm, ConsentTemplateForm, WithdrawForm
from ._common import add_errors, context, open_person, person_in_center, person_url, require, rights, serve_file

# --- the person's page --------------------------------------------------------------------------------


@rule("disclosure.view")
def person(request, pk: int):
    """同意と情報提供: the person's consents, provisions, receipts (and requests for directors and auditors)."""
    person_in_center(request, pk)
    require(request, rights(request).can_read, section="consent")
    person, access = open_person(request, pk, section="consent")
    consents = selectors.consents_of(person)
    r = rights(request)
    return render(request, "disclosure/person_detail.html", context(
        request, person=person, access=access, consents=consents,
        status=selectors.consent_status(person, consents=consents),
        records=selectors.person_records(request.user, person),
        receipts=selectors.person_receipts(request.user, person),
        requests=selectors.person_requests(request.user, person) if r.can_read_requests else [],
        nav="people"))


# --- consent --------------------------------------------------------------------------------------------


@rule("disclosure.write")
def consent_create(request, pk: int):
    person_in_center(request, pk)
    require(request, rights(request).can_record, section="consent")
    person, _access = open_person(request, pk, section="consent")
    form = ConsentRecordForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_consent(actor=request.user, person=person, template=data["template"],
                                    purposes=data["purposes"], agency_kinds=data["agency_kinds"],
                                    consented_on=data["consented_on"], form=data["form"], taken_by=data["taken_by"],
                                    note=data["note"], upload=data.get("file"),
                                    capacity_concern=data["capacity_concern"],
                                    decision_supporters=data["decision_supporters"],
                                    decision_support_note=data["decision_support_note"], request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{person.full_name}さんの同意を記録しました。")
            return redirect(person_url(person.pk))
    return render(request, "disclosure/consent_form.html", context(
        request, person=person, form=form, has_template=selectors.latest_template(request.user) is not None,
        nav="people"))


def _consent(request, pk, *, allowed: bool):
    consent = selectors.get_consent_or_404(request.user, pk)
    require(request, allowed, section="consent", obj=consent, person_id=consent.person_id)
    person, access = open_person(request, consent.person_id, section="consent")
    return consent, person, access


@rule("disclosure.view")
def consent_detail(request, pk: int):
    consent, person, _access = _consent(request, pk, allowed=rights(request).can_read)
    return render(request, "disclosure/consent_detail.html", context(
        request, consent=consent, person=person, today=timezone.localdate(), nav="people"))


@rule("disclosure.write")
def consent_withdraw(request, pk: int):
    consent, person, _access = _consent(request, pk, allowed=rights(request).can_record)
    if consent.withdrawn_on is not None:
        messages.info(request, "この同意はすでに撤回されています。")
        return redirect("disclosure:consent_detail", pk=consent.pk)
    form = WithdrawForm(request.POST or None, initial={"version": consent.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.withdraw_consent(actor=request.user, consent=consent, expected_version=data["version"],
                                      withdrawn_on=data["withdrawn_on"], method=data["method"], note=data["note"],
                                      request=request)
        except StaleEditError as error:
            stale = error
            form.data = with_their_version(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "同意の撤回を記録しました。撤回日以降、この同意に基づく情報提供はできません。")
            return redirect(person_url(person.pk))
    return render(request, "disclosure/consent_withdraw.html", context(
        request, consent=consent, person=person, form=form, stale=stale, nav="people"), status=409 if stale else 200)


@rule("disclosure.view")
def consent_file(request, pk: int):
    """The scanned consent form: only through this view, for users who may open the person; logged."""
    consent = selectors.get_consent_or_404(request.user, pk)
    require(request, rights(request).can_read, section="consent", obj=consent, person_id=consent.person_id)
    open_person(request, consent.person_id, section="consent_file")
    return serve_file(request, consent.file, filename=consent.file_name or "consent", content_type=consent.file_type,
                      obj=consent, person_id=consent.person_id, section="consent_file")


# --- the consent wording -----------------------------------------------------------------------------------


@rule("disclosure.view")
def template_list(request):
    require(request, rights(request).can_read, section="consent_template")
    return render(request, "disclosure/template_list.html", context(
        request, templates=list(selectors.templates_for(request.user).order_by("-version")), tab="templates"))


@rule("disclosure.view")
def template_detail(request, pk: int):
    """One version of the wording, printable (the form the person signs)."""
    template = selectors.get_template_or_404(request.user, pk)
    require(request, rights(request).can_read, section="consent_template")
    return render(request, "disclosure/template_detail.html", context(
        request, template=template, used=template.consents.count(), tab="templates"))


@rule("disclosure.manage")
def template_create(request):
    require(request, rights(request).can_manage, section="consent_template")
    latest = selectors.latest_template(request.user)
    initial = {"title": latest.title, "body": latest.body} if latest else {}
    form = ConsentTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.create_consent_template(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"同意書の文面 第{template.version}版を作成しました。")
            return redirect("disclosure:template_detail", pk=template.pk)
    return render(request, "disclosure/template_form.html", context(
        request, form=form, template=None, latest=latest, tab="templates"))


@rule("disclosure.manage")
def template_edit(request, pk: int):
    """Correct a version before anyone agreed to it. A frozen version shows why it cannot be changed."""
    template = selectors.get_template_or_404(request.user, pk)
    require(request, rights(request).can_manage, section="consent_template")
    form = ConsentTemplateForm(request.POST or None, initial={"title": template.title, "body": template.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_consent_template(actor=request.user, template=template, request=request,
                                             **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            log_access(request=request, action=AccessAction.DENIED, obj=template, section="consent_template",
                       detail="frozen")
        else:
            messages.success(request, f"第{template.version}版を修正しました。")
            return redirect("disclosure:template_detail", pk=template.pk)
    return render(request, "disclosure/template_form.html", context(
        request, form=form, template=template, tab="templates"))
