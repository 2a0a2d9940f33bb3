"""アセスメント: history per case, detail, create, edit (versioned), side-by-side comparison."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import AssessmentCompareQuery, AssessmentEditForm, AssessmentForm, AssessmentStartQuery
from ..models import AssessmentKind
from ._common import context, load_case, no_write, require

SECTION = "assessment"


@rule("planning.view")
def assessment_list(request, case_pk: int):
    case, access, pa = load_case(request, case_pk, section=SECTION)
    assessments = selectors.assessments_of(case=case, pa=pa)
    return render(request, "planning/assessment_list.html", context(
        case, access, pa, assessments=assessments, tab="assessments",
        compare_a=assessments[1].pk if len(assessments) > 1 else None,
        compare_b=assessments[0].pk if assessments else None))


@rule("planning.view")
def assessment_detail(request, case_pk: int, pk: int):
    case, access, pa = load_case(request, case_pk, section=SECTION)
    assessment = selectors.get_assessment_or_404(case=case, pk=pk)
    rows = selectors.domain_rows(assessments=[assessment], pa=pa)
    return render(request, "planning/assessment_detail.html", context(
        case, access, pa, assessment=assessment, rows=rows, tab="assessments"))


@rule("planning.write")
def assessment_create(request, case_pk: int):
    case, access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    domains = selectors.visible_domains(pa)
    previous = selectors.assessments_of(case=case, pa=pa)
    chosen = AssessmentStartQuery.read(request).values
    source = None
    if chosen["source"] is not None:
        source = selectors.get_assessment_or_404(case=case, pk=chosen["source"])
    if request.method == "POST":
        form = AssessmentForm(request.POST, user=request.user, domains=domains)
        if form.is_valid():
            try:
                created = services.create_assessment(actor=request.user, case=case, entries=form.entries(),
                                                     request=request, **form.head())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{created.get_kind_display()}を登録しました。")
                return redirect("planning:assessment_detail", case.pk, created.pk)
    else:
        kind = chosen["kind"] or (AssessmentKind.FULL if previous else AssessmentKind.MINIMAL)
        initial = {}
        if source is not None:
            initial = AssessmentForm.initial_for(source, source.entries.all())
        initial.update({"kind": kind, "assessed_on": timezone.localdate(), "assessor": request.user.pk})
        initial.pop("version", None)
        form = AssessmentForm(initial=initial, user=request.user, domains=domains)
    return render(request, "planning/assessment_form.html", context(
        case, access, pa, form=form, source=source, previous=previous[:1], tab="assessments"))


@rule("planning.write")
def assessment_edit(request, case_pk: int, pk: int):
    case, access, pa = load_case(request, case_pk, "edit", section=SECTION)
    no_write(request, case, pa, SECTION)
    assessment = selectors.get_assessment_or_404(case=case, pk=pk)
    domains = selectors.visible_domains(pa, used_ids=set(assessment.entries.values_list("domain_id", flat=True)))
    stale, status = None, 200
    if request.method == "POST":
        form = AssessmentEditForm(request.POST, user=request.user, domains=domains, assessment=assessment)
        if form.is_valid():
            try:
                services.update_assessment(actor=request.user, assessment=assessment, entries=form.entries(),
                                           expected_version=form.cleaned_data["version"], request=request,
                                           **form.head())
            except StaleEditError as error:
                stale, status = error, 409
                blank = {f"d{d.pk}_{part}": "" for d in domains for part in ("findings", "needs", "level")}
                data = merged_form_data(form, error, initial=lambda row: blank | AssessmentForm.initial_for(
                    row, selectors.entries_at(assessment_id=row.id, version=row.version)))
                form = AssessmentEditForm(data, user=request.user, domains=domains, assessment=assessment)
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "アセスメントを保存しました。")
                return redirect("planning:assessment_detail", case.pk, assessment.pk)
    else:
        form = AssessmentEditForm(initial=AssessmentForm.initial_for(assessment, assessment.entries.all()),
                                  user=request.user, domains=domains, assessment=assessment)
    return render(request, "planning/assessment_form.html", context(
        case, access, pa, form=form, assessment=assessment, stale=stale, tab="assessments"), status=status)


@rule("planning.compare")
def assessment_compare(request, case_pk: int):
    """Two assessments side by side, domain by domain; domains whose content changed are marked."""
    case, access, pa = load_case(request, case_pk, section=SECTION)
    require(request, case, pa.can_read_content, section=SECTION, detail="compare")
    all_assessments = selectors.assessments_of(case=case, pa=pa)
    by_pk = {a.pk: a for a in all_assessments}
    chosen = AssessmentCompareQuery.read(request).values
    a_pk, b_pk = chosen["a"], chosen["b"]
    older, newer = by_pk.get(a_pk), by_pk.get(b_pk)
    if (a_pk and older is None) or (b_pk and newer is None):
        from django.http import Http404

        raise Http404("アセスメントが見つかりません。")
    if older is None and newer is None and len(all_assessments) >= 2:
        newer, older = all_assessments[0], all_assessments[1]
    pair = [a for a in (older, newer) if a is not None]
    if len(pair) == 2 and (pair[0].assessed_on, pair[0].pk) > (pair[1].assessed_on, pair[1].pk):
        pair.reverse()
    rows = selectors.domain_rows(assessments=pair, pa=pa) if len(pair) == 2 else []
    return render(request, "planning/assessment_compare.html", context(
        case, access, pa, assessments=all_assessments, pair=pair, rows=rows,
        changed_count=sum(1 for r in rows if r.changed), tab="assessments",
        summary_changed=len(pair) == 2 and pair[0].summary != pair[1].summary))
