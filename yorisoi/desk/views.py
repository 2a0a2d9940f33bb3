"""The desk: the home screen and the case pages, which gather what many areas hold (support records, planning's
closure and 決裁, procedures and follow-ups). Cases are opened and moved through workflow.services, so the
procedures and follow-ups follow in the same transaction. The URLs keep the "cases" namespace (case_urls.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases import selectors, services
from yorisoi.cases.forms import (
    CaseEditForm,
    CaseForm,
    FlagForm,
    PhaseChangeForm,
    ReopenForm,
    add_service_errors,
    typed_with_version,
)
from yorisoi.cases.models import CaseFlag, Phase
from yorisoi.common.concurrency import StaleEditError
from yorisoi.planning import rules as planning_rules
from yorisoi.planning import selectors as planning_selectors
from yorisoi.planning.models import ApprovalStatus
from yorisoi.planning.services.closures import OPEN_STATUSES as OPEN_CLOSURE_STATUSES
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule
from yorisoi.procedures import selectors as procedure_selectors
from yorisoi.records import selectors as record_selectors
from yorisoi.records.forms import ActivityForm
from yorisoi.workflow import services as workflow

TIMELINE_PAGE_SIZE = 30


# --- home ------------------------------------------------------------------------------------------


HOME_DUE_DAYS = 7     # procedures and follow-ups due within a week are listed on the home screen
HOME_LIST_LIMIT = 5   # rows per list; the inbox has the rest


def _due_lists(user, today, *, mine_only: bool) -> dict:
    """The dated work of the home screen (one query each): protection ends, procedures, follow-ups."""
    protections = procedure_selectors.protection_warnings(user, today, mine_only=mine_only)
    procedures = procedure_selectors.procedures_due(user, today, HOME_DUE_DAYS, mine_only=mine_only)
    follow_ups = procedure_selectors.follow_ups_due(user, today, HOME_DUE_DAYS, mine_only=mine_only)
    return {
        "protections": protections[:HOME_LIST_LIMIT], "protections_total": len(protections),
        "procedures": procedures[:HOME_LIST_LIMIT], "procedures_total": len(procedures),
        "follow_ups": follow_ups[:HOME_LIST_LIMIT], "follow_ups_total": len(follow_ups),
    }


@rule("staff")
def home(request):
    user = request.user
    access = policy.access_for(user)
    today = timezone.localdate()
    my_groups = selectors.my_open_cases_by_phase(user=user)
    may_open_case = policy.may_open_case(user)
    context = {
        "nav": "home",
        "today": today,
        "access": access,
        "my_groups": my_groups,
        "my_open_total": sum(len(g.cases) for g in my_groups),
        "my_releases": list(selectors.upcoming_releases(user=user, today=today)),
        "my_records": list(record_selectors.recent_records(user=user, author=user, limit=10)),
        "may_open_case": may_open_case,
        "home_due_days": HOME_DUE_DAYS,
        "my_due": _due_lists(user, today, mine_only=True) if may_open_case else None,
    }
    if policy.may_see_center_overview(user):
        phase_counts = selectors.center_phase_counts(user=user)
        may_approve = planning_rules.may_approve(user)
        center_protections = procedure_selectors.protection_warnings(user, today)
        context["center_view"] = {
            "phase_counts": phase_counts,
            "open_total": sum(n for p, _label, n in phase_counts if p != Phase.CLOSED),
            "releases": list(selectors.upcoming_releases(user=user, today=today, mine_only=False)),
            "protections": center_protections[:HOME_LIST_LIMIT],
            "protections_total": len(center_protections),
            "workload": list(selectors.staff_workload(user=user)),
            "records": list(record_selectors.recent_records(user=user, limit=15)),
            "may_approve": may_approve,
            "approvals_pending": planning_selectors.pending_count(user=user) if may_approve else 0,
            "may_review_audit": policy.may_review_audit(user),
        }
    return render(request, "cases/home.html", context)


# --- list --------------------------------------------------------------------------------------------


@rule("staff")
def case_list(request):
    phase = request.GET.get("phase", "")
    if phase not in Phase.values and phase != selectors.OPEN_FILTER:
        phase = ""
    mine = request.GET.get("mine") == "1"
    qs = selectors.case_list(user=request.user, phase=phase, mine=mine)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_list.html", {
        "page": page, "phase": phase, "mine": mine, "phases": Phase.choices, "open_filter": selectors.OPEN_FILTER,
        "query": query.urlencode(), "today": timezone.localdate(), "nav": "cases",
    })


# --- open and edit -----------------------------------------------------------------------------------


@rule("staff")
def case_create(request):
    if not policy.may_open_case(request.user):
        raise PermissionDenied
    person_pk = request.GET.get("person", "")
    if not person_pk.isdigit():
        raise Http404("対象者が見つかりません。")
    person, access = policy.get_person_or_404(request, int(person_pk), "view", section="case_open")
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = workflow.open_case(actor=request.user, person=person, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"支援ケース {case.number} を開始しました（相談受付）。")
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_form.html", {"form": form, "person": person, "access": access,
                                                    "nav": "cases"})


@rule("staff")
def case_edit(request, pk: int):
    case, access = policy.get_case_or_404(request, pk, "edit")
    stale, status = None, 200
    if request.method == "POST":
        form = CaseEditForm(request.POST, user=request.user, case=case)
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                workflow.update_case(actor=request.user, case=case, expected_version=form.cleaned_data["version"],
                                     request=request, **values)
            except StaleEditError as error:
                stale, status = error, 409
                form = CaseEditForm(typed_with_version(request, error.current.version), user=request.user, case=case)
                form.is_valid()
                case = error.current
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "ケース情報を保存しました。")
                return redirect("cases:detail", case.pk)
    else:
        form = CaseEditForm(initial=CaseEditForm.initial_for(case), user=request.user, case=case)
    context = {"form": form, "stale": stale, "access": access, "nav": "cases", **selectors.header_context(case=case)}
    return render(request, "cases/case_form.html", context, status=status)


# --- the case page and its actions -----------------------------------------------------------------------


def _render_case(request, case, access, *, phase_form=None, flag_form=None, record_form=None, reopen_form=None,
                 stale=None, status=200):
    activities = Paginator(record_selectors.timeline_for_case(user=request.user, case=case),
                           TIMELINE_PAGE_SIZE).get_page(request.GET.get("tpage"))
    closures = planning_selectors.closures_of(case=case)
    context = {
        **selectors.header_context(case=case),
        "access": access,
        "nav": "cases",
        "transitions": selectors.transitions(case=case),
        "flags": selectors.all_flags(case=case),
        "activities": activities,
        "phase_form": phase_form or PhaseChangeForm(case=case),
        "flag_form": flag_form or FlagForm(),
        "record_form": record_form or ActivityForm(),
        "reopen_form": reopen_form or ReopenForm(),
        "stale": stale,
        "may_open_case": policy.may_open_case(request.user),
        **selectors.reopening_links(user=request.user, case=case),
        # 決裁: the closure goes through a request the director approves (planning app)
        "pa": planning_rules.planning_access(request.user, access),
        "events": planning_selectors.events_of(case=case),
        "closure_in_progress": next((c for c in closures if c.status in OPEN_CLOSURE_STATUSES), None),
        "closure_approved": next((c for c in closures if c.status == ApprovalStatus.APPROVED), None),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@rule("staff")
def case_detail(request, pk: int):
    case, access = policy.get_case_or_404(request, pk, "view")
    return _render_case(request, case, access)


@rule("staff")
def case_change_phase(request, pk: int):
    case, access = policy.get_case_or_404(request, pk, "change_phase")
    if request.method != "POST":
        return redirect(reverse("cases:detail", args=[case.pk]) + "#phase")
    form = PhaseChangeForm(request.POST, case=case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = workflow.change_case_phase(
                actor=request.user, case=case, to_phase=data["to_phase"], reason=data["reason"],
                expected_version=data["version"], request=request)
        except StaleEditError as error:
            current = policy.cases_for(request.user).select_related("person", "main_staff", "sub_staff").get(pk=pk)
            form = PhaseChangeForm(typed_with_version(request, current.version, "phase"), case=current)
            form.is_valid()
            return _render_case(request, current, access, phase_form=form, stale=error, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"段階を「{updated.get_phase_display()}」に変更しました。")
            return redirect(reverse("cases:detail", args=[case.pk]) + "#main")
    return _render_case(request, case, access, phase_form=form)


@rule("staff")
def case_reopen(request, pk: int):
    case, access = policy.get_case_or_404(request, pk, "edit", section="reopen")
    if not policy.may_open_case(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(reverse("cases:detail", args=[case.pk]) + "#phase")
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            new_case = workflow.reopen_case(actor=request.user, closed_case=case,
                                            reason=form.cleaned_data["reopen_reason"], request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"ケース {case.number} を再開し、新しい支援ケース {new_case.number} を"
                                      "開始しました（相談受付）。")
            return redirect("cases:detail", new_case.pk)
    return _render_case(request, case, access, reopen_form=form)


@rule("staff")
def case_add_flag(request, pk: int):
    case, access = policy.get_case_or_404(request, pk, "edit", section="flag")
    if request.method != "POST":
        return redirect(reverse("cases:detail", args=[case.pk]) + "#flags")
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            flag = services.add_case_flag(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"注意事項「{flag.label}」を登録しました。")
            return redirect(reverse("cases:detail", args=[case.pk]) + "#main")
    return _render_case(request, case, access, flag_form=form)


@rule("staff")
def case_flag_active(request, pk: int, flag_pk: int):
    case, _access = policy.get_case_or_404(request, pk, "edit", section="flag")
    flag = CaseFlag.objects.filter(pk=flag_pk, case=case).first()
    if flag is None:
        raise Http404("注意事項が見つかりません。")
    if request.method != "POST":
        return redirect(reverse("cases:detail", args=[case.pk]) + "#flags")
    active = request.POST.get("active") == "1"
    try:
        services.set_case_flag_active(actor=request.user, flag=flag, active=active, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, f"注意事項「{flag.label}」を再び有効にしました。")
        else:
            messages.success(request, f"注意事項「{flag.label}」を解除しました（履歴には残ります）。")
    return redirect(reverse("cases:detail", args=[case.pk]) + "#flags")
