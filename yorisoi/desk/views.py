"""The desk: the home screen and the case pages, which gather what many areas hold (support records, planning's
closure and 決裁, procedures and follow-ups). Cases are opened and moved through workflow.services, so the
procedures and follow-ups follow in the same transaction. The URLs keep the "cases" namespace (case_urls.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases import selectors, services
from yorisoi.cases.forms import (
    CaseEditForm,
    CaseForm,
    CaseListQuery,
    CaseOpenQuery,
    ContactAttemptForm,
    FlagForm,
    PauseForm,
    PhaseChangeForm,
    ReopenForm,
    ResumeForm,
)
from yorisoi.cases.models import CaseFlag, Phase
from yorisoi.common.concurrency import StaleEditError, merged_form_data, with_their_version
from yorisoi.common.forms import add_service_errors, page_of
from yorisoi.common.replica import replica_reads
from yorisoi.common.text import clean_text
from yorisoi.disclosure import selectors as disclosure_selectors
from yorisoi.disclosure.rules import disclosure_access
from yorisoi.partners import selectors as partner_selectors
from yorisoi.people import selectors as people_selectors
from yorisoi.people import services as people_services
from yorisoi.people.forms import ReoffenceForm
from yorisoi.planning import rules as planning_rules
from yorisoi.planning import selectors as planning_selectors
from yorisoi.planning.models import ApprovalStatus
from yorisoi.planning.services.closures import OPEN_STATUSES as OPEN_CLOSURE_STATUSES
from yorisoi.privacy import policy
from yorisoi.privacy import selectors as privacy_selectors
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule
from yorisoi.procedures import selectors as procedure_selectors
from yorisoi.procedures import services as procedure_services
from yorisoi.records import selectors as record_selectors
from yorisoi.records.forms import ActivityForm
from yorisoi.records.timeline import case_timeline
from yorisoi.workflow import services as workflow

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


@rule("home.view")
def home(request):
    user = request.user
    if policy.is_trainee(user):
        return _trainee_home(request)
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
            "may_decide_exports": policy.may_decide_exports(user),
            "exports_pending": privacy_selectors.pending_export_count(user),
            "may_conclude_agreements": disclosure_access(user).can_manage,
            "agreement_drafts": disclosure_selectors.draft_agreement_count(user),
        }
    policy.log_listed(request, _persons_on_home(context), section="home")
    return render(request, "cases/home.html", context)


def _trainee_home(request):
    """A hosted trainee's home: the cases the director assigned (nothing else of the center), and the last day."""
    cases = list(policy.cases_for(request.user).select_related("person").order_by("number"))
    policy.log_listed(request, cases, section="home")
    return render(request, "desk/trainee_home.html", {"nav": "home", "cases": cases,
                                                      "trainee": getattr(request.user, "trainee_record", None)})


def _persons_on_home(context: dict) -> list:
    """Every row of the home screen that names a person (cases, releases, records, due work)."""
    shown = [case for group in context["my_groups"] for case in group.cases]
    shown += context["my_releases"] + context["my_records"]
    for lists in (context["my_due"], context.get("center_view")):
        for key in ("protections", "procedures", "follow_ups", "releases", "records"):
            shown += list((lists or {}).get(key, ()))
    return shown


# --- list --------------------------------------------------------------------------------------------


@rule("cases.view")
def case_list(request):
    chosen = CaseListQuery.read(request, open_filter=selectors.OPEN_FILTER).values
    phase, mine = chosen["phase"], chosen["mine"]
    qs = selectors.case_list(user=request.user, phase=phase, mine=mine)
    page = page_of(request, qs, 50)
    policy.log_listed(request, page, section="case_list")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_list.html", {
        "page": page, "phase": phase, "mine": mine, "phases": Phase.choices, "open_filter": selectors.OPEN_FILTER,
        "paused_count": selectors.paused_count(user=request.user, mine=mine),
        "query": query.urlencode(), "today": timezone.localdate(), "nav": "cases",
    })


# --- open and edit -----------------------------------------------------------------------------------


def _after_opening(request, case):
    """A new case goes on to the procedures proposed for its person (to confirm), when its kind has some."""
    if procedure_services.proposal_pending(case=case, actor=request.user, refs=None):
        return redirect("procedures:propose", case.pk)
    return redirect("cases:detail", case.pk)


@rule("cases.open")
def case_create(request):
    if not policy.may_open_case(request.user):
        raise PermissionDenied
    person_pk = CaseOpenQuery(request.GET).values["person"]
    if person_pk is None:
        raise Http404("対象者が見つかりません。")
    person, access = policy.get_person_or_404(request, person_pk, "view", section="case_open")
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = workflow.open_case(actor=request.user, person=person, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"支援ケース {case.number} を開始しました（相談受付）。")
            return _after_opening(request, case)
    return render(request, "cases/case_form.html", {"form": form, "person": person, "access": access,
                                                    "nav": "cases"})


@rule("cases.edit")
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
                form = CaseEditForm(merged_form_data(form, error), user=request.user, case=case)
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
                 pause_form=None, attempt_form=None, resume_form=None, stale=None, status=200):
    # the records with the minutes of the meetings that discussed the case between them
    activities, timeline_entries = case_timeline(request, case=case, param="tpage")
    closures = planning_selectors.closures_of(case=case)
    context = {
        **selectors.header_context(case=case),
        "access": access,
        "nav": "cases",
        "transitions": selectors.transitions(case=case),
        "flags": selectors.all_flags(case=case),
        "activities": activities,
        "timeline_entries": timeline_entries,
        "phase_form": phase_form or PhaseChangeForm(case=case),
        "flag_form": flag_form or FlagForm(),
        "record_form": record_form or ActivityForm(),
        "reopen_form": reopen_form or ReopenForm(),
        "pause": services.open_pause_of(case) if case.phase == Phase.PAUSED else None,
        "pause_form": pause_form or PauseForm(case=case),
        "attempt_form": attempt_form or ContactAttemptForm(),
        "resume_form": resume_form or ResumeForm(case=case),
        "stale": stale,
        "may_open_case": policy.may_open_case(request.user),
        **selectors.reopening_links(user=request.user, case=case),
        # 決裁: the closure goes through a request the director approves (planning app)
        "pa": planning_rules.planning_access(request.user, access),
        "events": planning_selectors.events_of(case=case),
        "closure_in_progress": next((c for c in closures if c.status in OPEN_CLOSURE_STATUSES), None),
        "closure_approved": next((c for c in closures if c.status == ApprovalStatus.APPROVED), None),
        "proposal_pending": access.can_edit and procedure_services.proposal_pending(
            case=case, actor=request.user, refs=procedure_services.reference_dates_of(case)),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@rule("cases.view")
def case_detail(request, pk: int):
    case, access = policy.get_case_or_404(request, pk, "view")
    return _render_case(request, case, access)


@rule("cases.change_phase")
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
            form = PhaseChangeForm(with_their_version(form, error), case=current)
            form.is_valid()
            return _render_case(request, current, access, phase_form=form, stale=error, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"段階を「{updated.get_phase_display()}」に変更しました。")
            return redirect(reverse("cases:detail", args=[case.pk]) + "#main")
    return _render_case(request, case, access, phase_form=form)


def _phase_action(request, pk: int, form_class, form_name: str, write, done: str, *, action: str = "change_phase",
                  versioned: bool = True):
    """The 休止 forms of the case page: POST only; a stale version shows both versions (409), bad input the
    form again with what was typed."""
    case, access = policy.get_case_or_404(request, pk, action, section="pause")
    if request.method != "POST":
        return redirect(reverse("cases:detail", args=[case.pk]) + "#phase")
    kwargs = {"case": case} if versioned else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if versioned:
                data["expected_version"] = data.pop("version")
            write(actor=request.user, case=case, request=request, **data)
        except StaleEditError as error:
            current = policy.cases_for(request.user).select_related("person", "main_staff", "sub_staff").get(pk=pk)
            form = form_class(with_their_version(form, error), case=current)
            form.is_valid()
            return _render_case(request, current, access, stale=error, status=409, **{form_name: form})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("cases:detail", args=[case.pk]) + "#phase")
    return _render_case(request, case, access, **{form_name: form})


@rule("cases.change_phase")
def case_pause(request, pk: int):
    return _phase_action(request, pk, PauseForm, "pause_form", workflow.pause_case,
                         "ケースを休止にしました。次に連絡を試みる日はやることに表示されます。")


@rule("cases.change_phase")
def case_resume(request, pk: int):
    return _phase_action(request, pk, ResumeForm, "resume_form", workflow.resume_case,
                         "休止を終えて、支援を再開しました。")


@rule("records.write")
def case_contact_attempt(request, pk: int):
    return _phase_action(request, pk, ContactAttemptForm, "attempt_form", services.record_contact_attempt,
                         "再連絡の記録を保存しました。", action="add_record", versioned=False)


@rule("cases.change_phase")
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
            return _after_opening(request, new_case)
    return _render_case(request, case, access, reopen_form=form)


@rule("cases.edit")
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


@rule("cases.edit")
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


# --- the header search -------------------------------------------------------------------------------

HEADER_PERSON_LIMIT = 10
HEADER_DIRECTORY_LIMIT = 5


@rule("search.header")
@replica_reads()  # a lag of a second or two is harmless here (yorisoi/common/replica.py)
def header_search(request):
    """The header's search box: persons (people.search_persons) and the directory's organizations and contacts,
    ranked, with the reason of each hit; only what the user may see. POST (the text is personal data and stays out
    of URLs); htmx asks for the results fragment as the user types, the form works without JavaScript."""
    query = clean_text(request.POST.get("q", "") if request.method == "POST" else "").strip()[:100]
    persons, directory = [], []
    if query:
        persons = people_selectors.search_persons(user=request.user, query=query, limit=HEADER_PERSON_LIMIT)
        directory = partner_selectors.search_directory(user=request.user, query=query, limit=HEADER_DIRECTORY_LIMIT)
        # That a search happened and whom it showed; never the text typed.
        log_access(request=request, action=AccessAction.SEARCH, section="header_search")
        policy.log_listed(request, [hit.person for hit in persons], section="header_search")
    template = "desk/search.html"
    if request.htmx:
        template += "#search-results"
    return render(request, template, {"query": query, "persons": persons, "directory": directory,
                                      "searched": bool(query)})


# --- 再犯の把握 (reoffences known): any phase, also after closure ------------------------------------------


@rule("cases.reoffences")
def case_reoffences(request, pk: int):
    case, access = policy.get_case_or_404(request, pk, "view", section="reoffences")
    if not access.can_see_justice:
        policy.deny_unless(request, False, section="reoffences", obj=case)
    form = ReoffenceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not access.can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                people_services.record_reoffence(actor=request.user, case=case, request=request,
                                                 **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "再犯の把握を記録しました。")
                return redirect("cases:reoffences", case.pk)
        status = 400
    events = people_selectors.reoffences_of(case=case)
    return render(request, "desk/case_reoffences.html", {
        **selectors.header_context(case=case), "access": access, "form": form, "events": events, "nav": "cases",
    }, status=status)
