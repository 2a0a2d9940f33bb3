"""Intake pages: the phone referral, pre-consultations (事前相談) and consultation-only contacts (相談支援)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data, with_their_version
from yorisoi.common.eras import fiscal_year
from yorisoi.common.forms import add_service_errors, page_of
from yorisoi.common.locks import seen_ids, seen_token
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from . import selectors, services
from .forms import (
    NEW_PERSON,
    ConsultationEditForm,
    ConsultationForm,
    ConsultationListQuery,
    ConvertForm,
    MeetingAgendaQuery,
    PreConsultationEditForm,
    PreConsultationForm,
    PreConsultationListQuery,
    ReferralForm,
)
from .models import ConsultationTopic, PreConsultationStatus

PER_PAGE = 50


def _require(request, allowed: bool, section: str) -> None:
    """403 for a role without the right, logged as DENIED like the policy's own refusals."""
    policy.deny_unless(request, allowed, section=section)


def _page(request, template: str, context: dict, *, status: int = 200):
    """Render an intake page: the site navigation's key and the access the sub-navigation needs."""
    context = {"nav": "intake", "ia": selectors.intake_access(request.user), **context}
    return render(request, template, context, status=status)


def _same_name_context(request, data, *, mode: str, field_name: str = "existing_person", picked=None) -> dict:
    """Context of intake/_same_name.html from what was typed (POST data or an entry's name)."""
    family, given = (data.get("family_name") or "").strip(), (data.get("given_name") or "").strip()
    candidates = selectors.same_name_results(user=request.user, family_name=family, given_name=given,
                                             request=request)
    if picked is None:
        picked = (data.get(field_name) or "").strip()
    return {"candidates": candidates, "searched": bool(family), "picked": str(picked or ""), "mode": mode,
            "field_name": field_name, "new_value": NEW_PERSON,
            "seen_token": seen_token(c.person.pk for c in candidates)}


def _same_name_seen(request, confirmed: bool):
    """The candidates the page showed when the user chose 「別人として新しく登録する」 (none otherwise)."""
    return seen_ids(request.POST.get("same_name_seen")) if confirmed else ()


# --- the phone referral --------------------------------------------------------------------------------


@rule("intake.take")
def referral(request):
    _require(request, selectors.intake_access(request.user).can_take_referral, "intake_referral")
    form = ReferralForm(request.POST or None, user=request.user)
    same_name = {"candidates": [], "searched": False, "mode": "referral", "field_name": "existing_person",
                 "new_value": NEW_PERSON, "picked": ""}
    if request.method == "POST":
        same_name = _same_name_context(request, request.POST, mode="referral")
        if form.is_valid():
            person = form.picked_person
            if person is None and same_name["candidates"] and not form.registers_new_person_confirmed:
                form.add_error(None, "同じ氏名の対象者が登録されています。一覧から同じ人を選ぶか、"
                                     "「別人として新しく登録する」を選んでください。")
            else:
                try:
                    case = services.take_referral(
                        actor=request.user, person=person, request=request,
                        same_name_seen=_same_name_seen(request, form.registers_new_person_confirmed),
                        person_values=None if person else form.person_values(),
                        case_values=form.case_values(), first_note=form.cleaned_data["first_note"],
                        called_at=form.cleaned_data["called_at"])
                except ValidationError as error:
                    add_service_errors(form, error)
                    same_name = _same_name_context(request, request.POST, mode="referral")  # as it is now
                else:
                    messages.success(request, f"相談を受け付け、支援ケース {case.number} を開始しました。")
                    return redirect("cases:detail", case.pk)
    return _page(request, "intake/referral_form.html", {"form": form, "same_name": same_name, "subnav": "referral"})


@rule("intake.take")
def name_check(request):
    """The same-name results fragment for htmx (POST only: names never travel in a URL)."""
    access = selectors.intake_access(request.user)
    _require(request, access.can_take_referral or access.can_edit_pre_consultations, "intake_name_check")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    mode = "pre" if request.POST.get("name_check_mode") == "pre" else "referral"
    return render(request, "intake/_same_name.html", _same_name_context(request, request.POST, mode=mode))


# --- pre-consultations ----------------------------------------------------------------------------------


@rule("intake.preconsultations")
def preconsultation_list(request):
    _require(request, selectors.intake_access(request.user).can_view_pre_consultations, "pre_consultation_list")
    chosen = PreConsultationListQuery.read(request).values
    status, for_meeting = chosen["status"], chosen["meeting"]
    qs = selectors.pre_consultation_list(user=request.user, status=status, for_meeting=for_meeting)
    page = page_of(request, qs, PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return _page(request, "intake/preconsultation_list.html", {
        "page": page, "status": status, "for_meeting": for_meeting, "statuses": PreConsultationStatus.choices,
        "query": query.urlencode(), "access": selectors.intake_access(request.user),
        "subnav": "pre",
    })


def _pre_form_context(request, form, *, entry=None, stale=None) -> dict:
    data = form.data if form.is_bound else {
        "family_name": form.initial.get("family_name", ""), "given_name": form.initial.get("given_name", "")}
    picked = (form.data.get("existing_person", "") if form.is_bound
              else form.initial.get("existing_person", ""))
    same_name = _same_name_context(request, data, mode="pre", picked=picked)
    linked = entry.person if entry is not None and entry.person_id else None
    if linked is not None and all(c.person.pk != linked.pk for c in same_name["candidates"]):
        same_name["candidates"].insert(0, selectors.Candidate(linked))
    return {"form": form, "entry": entry, "stale": stale, "same_name": same_name, "subnav": "pre"}


@rule("intake.take")
def preconsultation_create(request):
    _require(request, selectors.intake_access(request.user).can_edit_pre_consultations, "pre_consultation")
    form = PreConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_pre_consultation(actor=request.user, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "事前相談を登録しました。")
            return redirect("intake:preconsultation_detail", entry.pk)
    return _page(request, "intake/preconsultation_form.html", _pre_form_context(request, form))


@rule("intake.preconsultations")
def preconsultation_detail(request, pk: int):
    access = selectors.intake_access(request.user)
    _require(request, access.can_view_pre_consultations, "pre_consultation")
    entry = selectors.get_pre_consultation_or_404(request, pk)
    return _render_pre_detail(request, entry, access)


def _render_pre_detail(request, entry, access, *, convert_form=None, stale=None, status=200):
    context = {"entry": entry, "access": access, "stale": stale, "subnav": "pre",
               "convert_form": convert_form or ConvertForm(initial={"version": entry.version}, user=request.user)}
    if access.can_edit_pre_consultations and not entry.case_id and not entry.person_id:
        picked = context["convert_form"].data.get("convert-existing_person", "") if convert_form else ""
        context["same_name"] = _same_name_context(
            request, {"family_name": entry.family_name, "given_name": entry.given_name}, mode="convert",
            field_name="convert-existing_person", picked=picked)
    return _page(request, "intake/preconsultation_detail.html", context, status=status)


@rule("intake.take")
def preconsultation_edit(request, pk: int):
    _require(request, selectors.intake_access(request.user).can_edit_pre_consultations, "pre_consultation")
    entry = selectors.get_pre_consultation_or_404(request, pk)
    stale, status = None, 200
    if request.method == "POST":
        form = PreConsultationEditForm(request.POST, user=request.user, entry=entry)
        if form.is_valid():
            values = form.values()
            if entry.case_id:
                values.pop("status", None)
            try:
                services.update_pre_consultation(actor=request.user, entry=entry, request=request,
                                                 expected_version=form.cleaned_data["version"], **values)
            except StaleEditError as error:
                stale, status = error, 409
                form = PreConsultationEditForm(merged_form_data(form, error), user=request.user,
                                               entry=error.current)
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "事前相談を保存しました。")
                return redirect("intake:preconsultation_detail", entry.pk)
    else:
        form = PreConsultationEditForm(initial=PreConsultationForm.initial_for(entry), user=request.user, entry=entry)
    return _page(request, "intake/preconsultation_form.html",
                 _pre_form_context(request, form, entry=entry, stale=stale), status=status)


@rule("intake.take")
def preconsultation_convert(request, pk: int):
    access = selectors.intake_access(request.user)
    _require(request, access.can_edit_pre_consultations, "pre_consultation")
    entry = selectors.get_pre_consultation_or_404(request, pk, log=request.method != "POST")
    if request.method != "POST":
        return redirect(reverse("intake:preconsultation_detail", args=[entry.pk]) + "#convert")
    form = ConvertForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            case = services.convert_to_case(
                actor=request.user, entry=entry, expected_version=form.cleaned_data["version"],
                person=form.picked_person, register_new=form.cleaned_data["existing_person"] == NEW_PERSON,
                same_name_seen=_same_name_seen(request, form.cleaned_data["existing_person"] == NEW_PERSON),
                request=request)
        except StaleEditError as error:
            entry = selectors.get_pre_consultation_or_404(request, pk, log=False)
            form = ConvertForm(with_their_version(form, error), user=request.user)
            form.is_valid()
            return _render_pre_detail(request, entry, access, convert_form=form, stale=error, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"事前相談から支援ケース {case.number} を開始しました（相談受付）。")
            return redirect("cases:detail", case.pk)
    return _render_pre_detail(request, entry, access, convert_form=form)


@rule("intake.preconsultations")
def preconsultation_meeting(request):
    """The printable agenda of the liaison meeting (意見交換会): flagged entries still under consideration."""
    _require(request, selectors.intake_access(request.user).can_view_pre_consultations, "pre_consultation_meeting")
    entries = list(selectors.meeting_agenda(user=request.user))
    show_names = MeetingAgendaQuery.read(request).values["names"]
    log_access(request=request, action=AccessAction.PRINT, section="pre_consultation_meeting",
               detail=f"{len(entries)}件{'（氏名あり）' if show_names else '（イニシャル）'}")
    return _page(request, "intake/preconsultation_meeting.html", {
        "entries": entries, "show_names": show_names, "today": timezone.localdate(),
        "subnav": "meeting",
    })


# --- consultation-only contacts --------------------------------------------------------------------------


@rule("consultations.view")
def consultation_list(request):
    access = selectors.intake_access(request.user)
    _require(request, access.can_view_consultations, "consultation_list")
    chosen = ConsultationListQuery.read(request).values
    fy, topic = chosen["fy"], chosen["topic"]
    page = page_of(request, selectors.consultation_list(user=request.user, fy=fy, topic=topic), PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return _page(request, "intake/consultation_list.html", {
        "page": page, "fy": fy, "topic": topic, "topics": ConsultationTopic.choices, "query": query.urlencode(),
        "access": access, "subnav": "consultations",
        "fiscal_years": range(fiscal_year(timezone.localdate()), fiscal_year(timezone.localdate()) - 5, -1),
    })


@rule("intake.take")
def consultation_create(request):
    _require(request, selectors.intake_access(request.user).can_edit_consultations, "consultation")
    form = ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_consultation(actor=request.user, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "相談支援を記録しました。")
            return redirect("intake:consultation_list")
    return _page(request, "intake/consultation_form.html", {"form": form, "subnav": "consultations"})


@rule("consultations.view")
def consultation_detail(request, pk: int):
    access = selectors.intake_access(request.user)
    _require(request, access.can_view_consultations, "consultation")
    entry = selectors.get_consultation_or_404(request, pk)
    return _page(request, "intake/consultation_detail.html",
                 {"entry": entry, "access": access, "subnav": "consultations"})


@rule("intake.take")
def consultation_edit(request, pk: int):
    _require(request, selectors.intake_access(request.user).can_edit_consultations, "consultation")
    entry = selectors.get_consultation_or_404(request, pk)
    stale, status = None, 200
    if request.method == "POST":
        form = ConsultationEditForm(request.POST, user=request.user, editing=True)
        if form.is_valid():
            try:
                services.update_consultation(actor=request.user, entry=entry, request=request,
                                             expected_version=form.cleaned_data["version"], **form.values())
            except StaleEditError as error:
                stale, status = error, 409
                form = ConsultationEditForm(merged_form_data(form, error), user=request.user,
                                            editing=True)
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "相談支援の記録を保存しました。")
                return redirect("intake:consultation_detail", entry.pk)
    else:
        form = ConsultationEditForm(initial=ConsultationForm.initial_for(entry), user=request.user, editing=True)
    return _page(request, "intake/consultation_form.html",
                 {"form": form, "entry": entry, "stale": stale, "subnav": "consultations"}, status=status)


@rule("consultations.view")
def consultation_summary(request):
    _require(request, selectors.intake_access(request.user).can_view_consultations, "consultation_summary")
    fy = ConsultationListQuery.read(request).values["fy"] or fiscal_year(timezone.localdate())
    summary = selectors.consultation_summary(user=request.user, fy=fy)
    return _page(request, "intake/consultation_summary.html", {"summary": summary, "subnav": "summary"})
