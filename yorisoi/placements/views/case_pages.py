"""Pages of a case: placements (居所), placement inquiries (受入照会) and service connections (つなぎ).
Reads go through the policy (`get_case_or_404` and the selectors built on it); writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data, with_their_version
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule
from yorisoi.privacy.policy.areas import disclosure_access

from .. import selectors, services
from ..forms import (
    ConnectionForm,
    ConnectionStatusForm,
    InquiryForm,
    PlacementExitForm,
    PlacementForm,
)
from ..models import JUSTICE_REFUSAL_REASONS, KIND_FOR_ORGANIZATION_KIND, ConnectionStatusChange, ExitReason, Sharing
from ._common import _case_context, _kinds, _prefilled_organization, _section_url

# --- the case section --------------------------------------------------------------------------------------


@rule("placements.view")
def case_section(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "view", section="placements")
    section = selectors.case_placements(user=request.user, case=case)
    selectors.label_reasons(section.inquiries, can_see_justice=access.can_see_justice)
    return render(request, "placements/case_section.html", _case_context(
        case, access, section=section, page_title="居所・受入照会・つなぎ", today=timezone.localdate(),
        justice_reasons=JUSTICE_REFUSAL_REASONS, may_provide=disclosure_access(request.user).can_provide,
    ))


SHARING_HINT = ("本人の情報を伝えたときは、一覧の「第三者提供記録を作る」から記録してください"
                "（伝えていなければ「提供なし」）。")


def _no_sharing(request, subject, case, anchor: str):
    if request.method == "POST":
        try:
            services.record_sharing(actor=request.user, subject=subject, sharing=Sharing.NONE, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"「{subject.place_name}」には個人情報を提供していない"
                                      "（口頭・匿名での照会）と記録しました。")
    return redirect(_section_url(case.pk, anchor))


@rule("placements.write")
def inquiry_no_sharing(request, pk: int):
    """「提供なし（口頭・匿名での照会）」: the inquiry passed no personal data, so it needs no 第三者提供記録."""
    inquiry, case, _access = selectors.get_inquiry_or_404(request, pk, "edit")
    return _no_sharing(request, inquiry, case, f"#inquiry-{inquiry.pk}")


@rule("placements.write")
def connection_no_sharing(request, pk: int):
    connection, case, _access = selectors.get_connection_or_404(request, pk, "edit")
    return _no_sharing(request, connection, case, f"#connection-{connection.pk}")


# --- placements ---------------------------------------------------------------------------------------------


@rule("placements.write")
def placement_create(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section="placement")
    user = request.user
    previous = services.current_placement_of(case.person_id)
    previous_visible = previous is not None and selectors.placements_for(user).filter(pk=previous.pk).exists()
    if request.method == "POST":
        form = PlacementForm(request.POST, user=user, access=access, creating=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                placement = services.record_placement(
                    actor=user, case=case, request=request, **form.values(),
                    close_previous_on=data.get("close_previous_on") if previous else None,
                    close_previous_reason=data.get("close_previous_reason") or ExitReason.MOVED_ON,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                text = f"居所「{placement.place_name}」を登録しました。"
                if previous:
                    text += "前の居所は退所にしました。"
                messages.success(request, text)
                return redirect(_section_url(case.pk, f"#placement-{placement.pk}"))
    else:
        organization = _prefilled_organization(request)
        initial = {"entered_on": timezone.localdate(), **_kinds(request)}
        if organization is not None:
            initial["organization"] = organization.pk
            if organization.kind.code in KIND_FOR_ORGANIZATION_KIND:
                initial["kind"] = KIND_FOR_ORGANIZATION_KIND[organization.kind.code]
        if previous:
            initial["close_previous_on"] = initial["entered_on"]
        form = PlacementForm(initial=initial, user=user, access=access, creating=True)
    return render(request, "placements/placement_form.html", _case_context(
        case, access, form=form, previous=previous, previous_visible=previous_visible, creating=True,
        page_title="居所を登録"))


@rule("placements.write")
def placement_edit(request, pk: int):
    placement, case, access = selectors.get_placement_or_404(request, pk, "edit")
    initial = {**PlacementForm.initial_for(placement), **_kinds(request)}
    exited = placement.exited_on is not None
    stale, status = None, 200
    form = PlacementForm(request.POST or None, initial=initial, user=request.user, access=access, creating=False,
                         exited=exited)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_placement(actor=request.user, placement=placement, request=request,
                                      expected_version=form.cleaned_data["version"], **form.values())
        except StaleEditError as error:
            stale, status = error, 409
            form = PlacementForm(merged_form_data(form, error), initial=initial, user=request.user,
                                 access=access, creating=False, exited=exited)
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "居所を保存しました。")
            return redirect(_section_url(case.pk, f"#placement-{placement.pk}"))
    return render(request, "placements/placement_form.html", _case_context(
        case, access, form=form, placement=placement, stale=stale, creating=False, page_title="居所を編集"),
        status=status)


@rule("placements.write")
def placement_exit(request, pk: int):
    placement, case, access = selectors.get_placement_or_404(request, pk, "edit")
    if placement.exited_on is not None:
        messages.warning(request, "この居所はすでに退所になっています。")
        return redirect(_section_url(case.pk, f"#placement-{placement.pk}"))
    stale, status = None, 200
    initial = {"version": placement.version, "exited_on": timezone.localdate()}
    form = PlacementExitForm(request.POST or None, initial=initial, access=access)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.end_placement(actor=request.user, placement=placement, exited_on=data["exited_on"],
                                   exit_reason=data["exit_reason"], exit_notes=data.get("exit_notes", ""),
                                   expected_version=data["version"], request=request)
        except StaleEditError as error:
            stale, status = error, 409
            form = PlacementExitForm(merged_form_data(form, error), access=access)
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"「{placement.place_name}」の退所を記録しました。")
            return redirect(_section_url(case.pk, f"#placement-{placement.pk}"))
    return render(request, "placements/placement_exit.html", _case_context(
        case, access, form=form, placement=placement, stale=stale, page_title="退所を記録"), status=status)


# --- inquiries ------------------------------------------------------------------------------------------------


@rule("placements.write")
def inquiry_create(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section="placement_inquiry")
    organization = _prefilled_organization(request)
    initial = {"organization": organization.pk, **_kinds(request)} if organization else _kinds(request)
    form = InquiryForm(request.POST or None, initial=initial, user=request.user, access=access, creating=True,
                       organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = services.record_inquiry(actor=request.user, case=case, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            hint = SHARING_HINT if inquiry.organization_id else ""
            messages.success(request, f"「{inquiry.place_name}」への受入照会を記録しました"
                                      f"（{inquiry.get_result_display()}）。{hint}")
            return redirect(_section_url(case.pk, f"#inquiry-{inquiry.pk}"))
    refusals = selectors.refusal_summary(user=request.user, organization=organization) if organization else []
    return render(request, "placements/inquiry_form.html", _case_context(
        case, access, form=form, creating=True, organization=organization,
        refusal_row=refusals[0] if refusals else None, page_title="受入照会を記録"))


@rule("placements.write")
def inquiry_edit(request, pk: int):
    inquiry, case, access = selectors.get_inquiry_or_404(request, pk, "edit")
    context = _case_context(case, access, inquiry=inquiry, creating=False, page_title="受入照会を編集")
    if inquiry.refusal_reason in JUSTICE_REFUSAL_REASONS and not access.can_see_justice:
        # The reason is justice data this user may not see, so they cannot edit the row without changing it.
        return render(request, "placements/inquiry_form.html", {**context, "form": None, "locked": True})
    initial = {**InquiryForm.initial_for(inquiry), **_kinds(request)}
    stale, status = None, 200
    form = InquiryForm(request.POST or None, initial=initial, user=request.user, access=access, creating=False,
                       organization=inquiry.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_inquiry(actor=request.user, inquiry=inquiry, request=request,
                                    expected_version=form.cleaned_data["version"], **form.values())
        except StaleEditError as error:
            stale, status = error, 409
            form = InquiryForm(merged_form_data(form, error), initial=initial, user=request.user,
                               access=access, creating=False, organization=inquiry.organization_id)
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "受入照会を保存しました。")
            return redirect(_section_url(case.pk, f"#inquiry-{inquiry.pk}"))
    return render(request, "placements/inquiry_form.html", {**context, "form": form, "stale": stale},
                  status=status)


# --- service connections -----------------------------------------------------------------------------------


@rule("placements.write")
def connection_create(request, case_pk: int):
    case, access = policy.get_case_or_404(request, case_pk, "edit", section="service_connection")
    organization = _prefilled_organization(request)
    initial = {"organization": organization.pk, **_kinds(request)} if organization else _kinds(request)
    form = ConnectionForm(request.POST or None, initial=initial, user=request.user, access=access, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.request_connection(actor=request.user, case=case, request=request,
                                                     **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            hint = SHARING_HINT if connection.organization_id else ""
            messages.success(request, f"「{connection.place_name}」へのつなぎ"
                                      f"（{connection.get_service_kind_display()}）を登録しました。{hint}")
            return redirect(_section_url(case.pk, f"#connection-{connection.pk}"))
    return render(request, "placements/connection_form.html", _case_context(
        case, access, form=form, creating=True, page_title="つなぎを依頼"))


def _render_connection(request, connection, case, access, *, form=None, status_form=None, stale=None, status=200):
    started = connection.started_on is not None
    context = _case_context(
        case, access, connection=connection, creating=False, page_title="つなぎ（経過と状況）", stale=stale,
        form=form or ConnectionForm(initial={**ConnectionForm.initial_for(connection), **_kinds(request)},
                                    user=request.user, access=access, creating=False, started=started),
        status_form=status_form or ConnectionStatusForm(connection=connection, access=access),
        changes=list(ConnectionStatusChange.objects.filter(connection=connection).select_related("changed_by")),
    )
    return render(request, "placements/connection_form.html", context, status=status)


@rule("placements.connection")
def connection_edit(request, pk: int):
    # Reading the connection and its status history is open to whoever sees the case (auditors too).
    action = "edit" if request.method == "POST" else "view"
    connection, case, access = selectors.get_connection_or_404(request, pk, action)
    if request.method != "POST":
        return _render_connection(request, connection, case, access)
    initial = ConnectionForm.initial_for(connection)
    started = connection.started_on is not None
    form = ConnectionForm(request.POST, initial=initial, user=request.user, access=access, creating=False,
                          started=started)
    if form.is_valid():
        try:
            services.update_connection(actor=request.user, connection=connection, request=request,
                                       expected_version=form.cleaned_data["version"], **form.values())
        except StaleEditError as error:
            form = ConnectionForm(merged_form_data(form, error), initial=initial, user=request.user,
                                  access=access, creating=False, started=started)
            form.is_valid()
            return _render_connection(request, error.current, case, access, form=form, stale=error, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "つなぎを保存しました。")
            return redirect(_section_url(case.pk, f"#connection-{connection.pk}"))
    return _render_connection(request, connection, case, access, form=form)


@rule("placements.write")
def connection_status(request, pk: int):
    connection, case, access = selectors.get_connection_or_404(request, pk, "edit")
    if request.method != "POST":
        return redirect(reverse("placements:connection_edit", args=[connection.pk]) + "#status")
    form = ConnectionStatusForm(request.POST, connection=connection, access=access)
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.change_connection_status(
                actor=request.user, connection=connection, to_status=data["to_status"], on=data["on"],
                note=data.get("note", ""), expected_version=data["version"], request=request)
        except StaleEditError as error:
            current = error.current
            form = ConnectionStatusForm(with_their_version(form, error), connection=current, access=access)
            form.is_valid()
            return _render_connection(request, current, case, access, status_form=form, stale=error, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"つなぎの状況を「{updated.get_status_display()}」にしました。")
            return redirect(_section_url(case.pk, f"#connection-{connection.pk}"))
    return _render_connection(request, connection, case, access, status_form=form)
