"""Pages about the network and its beds: an organization's residents and vacancy, the vacancy search, refusal
reasons per facility and the network map. Reads go through partners' scoped selectors and the policy."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.dates import format_checked
from yorisoi.common.forms import add_service_errors
from yorisoi.partners import selectors as partner_selectors
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule

from .. import selectors, services, vacancy
from ..forms import REFUSAL_PERIODS, CaseQuery, RefusalQuery, VacancyReportForm, VacancySearchForm
from ..models import JUSTICE_REFUSAL_REASONS

# --- an organization: residents, capacity, vacancy ---------------------------------------------------------


def _render_organization(request, organization, *, report_form=None, status=200):
    user = request.user
    residents = selectors.residents(user=user, organization=organization)
    inquiries = selectors.organization_inquiries(user=user, organization=organization)
    shown = [*residents.current, *residents.booked, *residents.recent_exits]
    # Persons' names and case numbers appear on this page: one row naming them (「一覧で表示」).
    policy.log_listed(request, [*shown, *inquiries], obj=organization, section="placements_residents",
                      detail=f"residents={len(shown)}")
    refusals = selectors.refusal_summary(user=user, organization=organization)
    return render(request, "placements/organization_detail.html", {
        "nav": "partners", "organization": organization, "today": timezone.localdate(),
        "directory_access": partner_selectors.directory_access(user),
        "access": policy.access_for(user),
        "vacancy": vacancy.vacancy_for_organization(user=user, organization=organization),
        "residential": vacancy.is_residential(organization),
        "residents": residents,
        "reports": selectors.vacancy_reports(user=user, organization=organization),
        "refusal_row": refusals[0] if refusals else None,
        "inquiries": selectors.label_reasons(inquiries, can_see_justice=policy.access_for(user).can_see_justice),
        "report_form": report_form or VacancyReportForm(),
        "justice_reasons": JUSTICE_REFUSAL_REASONS,
    }, status=status)


@rule("placements.view")
def organization_page(request, pk: int):
    organization = partner_selectors.get_organization_or_404(request, pk)
    return _render_organization(request, organization)


@rule("placements.write")
def vacancy_report(request, pk: int):
    organization = partner_selectors.get_organization_or_404(request, pk)
    if not partner_selectors.directory_access(request.user).can_edit_directory:
        raise PermissionDenied
    if request.method != "POST":
        return redirect(reverse("placements:organization", args=[organization.pk]) + "#vacancy")
    form = VacancyReportForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_vacancy(actor=request.user, organization=organization, request=request,
                                             **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"「{organization.name}」の空き（{report.vacancies}名）を記録しました。")
            return redirect(reverse("placements:organization", args=[organization.pk]) + "#vacancy")
    return _render_organization(request, organization, report_form=form)


# --- vacancy search ------------------------------------------------------------------------------------------


def _as_query(initial: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in initial.items():
        if value is None or value is False or value == "":
            continue
        data[name] = format_checked(value) if isinstance(value, dt.date) else ("on" if value is True else str(value))
    return data


@rule("placements.view")
def vacancy_search(request):
    user = request.user
    case = access = None
    case_pk = CaseQuery.read(request).values["case"]
    if case_pk is not None:
        case, access = policy.get_case_or_404(request, case_pk, "view", section="vacancy_search")
    submitted = "on" in request.GET
    initial = VacancySearchForm.initial_for(user=user, case=case)
    form = VacancySearchForm(request.GET if submitted else _as_query(initial))
    results = None
    if form.is_valid():
        data = form.cleaned_data
        criteria = vacancy.Criteria(**{name: data[name] for name in (
            "on", "sex", "age", "care_level", "physical", "intellectual", "mental", "smoking", "pets", "prefecture",
            "municipality", "include_unknown", "strict")})
        results = vacancy.search(user=user, criteria=criteria, case=case)
        for result in results:
            selectors.label_reasons(result.past_inquiries, can_see_justice=access.can_see_justice if access else False)
    context = {
        "nav": "partners", "form": form, "results": results, "case": case,
        "directory_access": partner_selectors.directory_access(user),
        "access": access or policy.access_for(user),
        "place_given": bool(form.is_valid() and (form.cleaned_data["municipality"] or form.cleaned_data["prefecture"])),
        "justice_reasons": JUSTICE_REFUSAL_REASONS,
        "may_record": case is not None and (access.can_edit if access else False),
        "from_release": case is not None and initial["on"] == case.expected_release_date,
    }
    template = "placements/vacancy_search.html"
    if request.htmx:
        template += "#vacancy-results"
    return render(request, template, context)


# --- refusal reasons per facility ----------------------------------------------------------------------------



@rule("placements.view")
def refusal_summary(request):
    query = RefusalQuery.read(request).values
    days, kind_id = query["days"], query["kind"]
    since = timezone.localdate() - dt.timedelta(days=days) if days else None
    rows = selectors.refusal_summary(user=request.user, since=since, kind_id=kind_id)
    return render(request, "placements/refusal_summary.html", {
        "nav": "partners", "rows": rows, "days": days, "periods": REFUSAL_PERIODS, "kind_id": kind_id,
        "directory_access": partner_selectors.directory_access(request.user),
        "kinds": partner_selectors.kinds_for(request.user), "reason_labels": [label for label in rows[0].reasons]
        if rows else [],
    })


# --- network map ---------------------------------------------------------------------------------------------
