from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from yorisoi.cases import selectors as case_selectors
from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import add_service_errors
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule

from . import selectors, services
from .forms import ActivityCorrectionForm, ActivityForm
from .timeline import case_timeline


def _case_of(request, activity):
    """The record's case with what its header needs (already scoped: the record was found through the policy)."""
    return (policy.cases_for(request.user).select_related("person", "main_staff", "sub_staff")
            .get(pk=activity.case_id))


@rule("records.write")
def activity_add(request, case_pk: int):
    """記録を追加. On the case page the form posts with htmx and gets back only the #timeline partial."""
    case, access = policy.get_case_or_404(request, case_pk, "add_record")
    form = ActivityForm(request.POST or None)
    added = None
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_activity(actor=request.user, case=case, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, "記録を追加しました。")
                return redirect(reverse("cases:detail", args=[case.pk]) + f"#activity-{added.pk}")
            form = ActivityForm()
    activities, timeline_entries = case_timeline(request, case=case, first_page=True)
    context = {**case_selectors.header_context(case=case), "access": access, "nav": "cases",
               "record_form": form, "activities": activities, "timeline_entries": timeline_entries, "added": added,
               "open_form": not request.htmx}
    template = "records/activity_add.html"
    if request.htmx:
        template += "#timeline"
    return render(request, template, context)


@rule("records.write")
def activity_edit(request, pk: int):
    """訂正: the earlier text stays in the history with who corrected it, when and why."""
    activity, access = policy.get_activity_or_404(request, pk, "edit")
    if not access.can_add_records:
        raise PermissionDenied
    stale, status = None, 200
    if request.method == "POST":
        form = ActivityCorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.correct_activity(actor=request.user, activity=activity,
                                          expected_version=form.cleaned_data["version"],
                                          change_reason=form.cleaned_data["change_reason"], request=request,
                                          **form.values())
            except StaleEditError as error:
                stale, status = error, 409
                form = ActivityCorrectionForm(merged_form_data(form, error))
                form.is_valid()
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "記録を訂正しました。訂正前の内容は履歴に残っています。")
                return redirect(reverse("cases:detail", args=[activity.case_id]) + f"#activity-{activity.pk}")
    else:
        form = ActivityCorrectionForm(initial=ActivityCorrectionForm.initial_for(activity))
    context = {**case_selectors.header_context(case=_case_of(request, activity)), "access": access, "nav": "cases",
               "activity": activity, "form": form, "stale": stale}
    return render(request, "records/activity_edit.html", context, status=status)


@rule("records.history")
def activity_history(request, pk: int):
    """Earlier texts of a record: every saved version with who saved it, when and why."""
    activity, access = policy.get_activity_or_404(request, pk, "history")
    context = {**case_selectors.header_context(case=_case_of(request, activity)), "access": access, "nav": "cases",
               "activity": activity, "versions": selectors.versions_of(activity=activity)}
    return render(request, "records/activity_history.html", context)
