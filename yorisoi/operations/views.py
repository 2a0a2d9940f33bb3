"""保存期間: the center's retention periods per kind of record (directors change them, auditors read them), what
the next run of `manage.py anonymise_expired` would anonymise, and what earlier runs did. 定期処理: how the nightly
jobs ended (nightly.py), failures with their reason."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.common import nightly as nightly_jobs
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, Anonymisation, RetentionRule
from yorisoi.privacy.policy import rule

from . import date_check, nightly
from .forms import RetentionForm
from .models import RunStatus
from .retention import anonymise
from .retention.kinds import KINDS
from .retention.rules import rules_for, set_retention_rules

HISTORY_LIMIT = 20


def _preview(center_id: int) -> dict:
    """What a run today would do in this center: persons per kind, and names kept for a provision record."""
    plan = anonymise.plan(center_ids=[center_id])
    per_kind = {kind.code: sum(1 for item in plan.people if kind.code in item.kinds) for kind in KINDS}
    return {"today": plan.today, "persons": sum(1 for item in plan.people if item.kinds),
            "held": sum(1 for item in plan.people if item.held), "per_kind": per_kind}


@rule("operations.review")
def retention(request):
    user = request.user
    if not policy.may_view_retention(user):
        log_access(request=request, action=AccessAction.DENIED, section="retention")
        raise PermissionDenied
    can_edit = policy.may_manage_retention(user)
    years = rules_for(user.center_id)
    form = RetentionForm(request.POST if request.method == "POST" else None, years=years)
    if request.method == "POST":
        if not can_edit:
            log_access(request=request, action=AccessAction.DENIED, section="retention", detail="保存期間の変更")
            raise PermissionDenied
        if form.is_valid():
            try:
                changed = set_retention_rules(actor=user, years={k.code: form.cleaned_data[k.code] for k in KINDS},
                                              request=request)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"保存期間を変更しました（{len(changed)}件）。" if changed
                                 else "変更はありませんでした。")
                return redirect("operations:retention")
    preview = _preview(user.center_id)
    rows = [{"kind": kind, "years": years[kind.code], "field": form[kind.code], "due": preview["per_kind"][kind.code],
             "minimum": kind.min_years()} for kind in KINDS]
    runs = (policy.of_center(Anonymisation, user).values("kind")
            .annotate(persons=Count("person_id", distinct=True), last=Max("done_at")).order_by("kind"))
    done = {row["kind"]: row for row in runs}
    for row in rows:
        row["done"] = done.get(row["kind"].code)
    changes = (policy.of_center(RetentionRule.history, user).select_related("history_user")
               .order_by("-history_date")[:HISTORY_LIMIT])
    labels = {kind.code: kind.label for kind in KINDS}
    for change in changes:
        change.kind_label = labels.get(change.kind, change.kind)
    log_access(request=request, action=AccessAction.VIEW, section="retention")
    return render(request, "privacy/retention.html", {
        "nav": "audit", "form": form, "rows": rows, "can_edit": can_edit, "preview": preview,
        "changes": changes})


@rule("operations.review")
def nightly_runs(request):
    """定期処理: the last two weeks of nightly runs, for directors and auditors (the jobs serve every center; a
    failure's reason names no person and no center)."""
    user = request.user
    if not policy.may_view_retention(user):
        log_access(request=request, action=AccessAction.DENIED, section="nightly")
        raise PermissionDenied
    runs = list(nightly.recent_runs())
    labels = {job.code: job.label for job in nightly_jobs.jobs()}
    for run in runs:
        run.label = labels.get(run.job, "（現在の版にない処理）")
    now = timezone.localtime()
    at = nightly.nightly_time()
    # An hour after the nightly time with nothing enqueued today: the scheduler is not running.
    late = dt.datetime.combine(now.date(), at, tzinfo=now.tzinfo) + dt.timedelta(hours=1)
    missing_today = now >= late and not any(run.night == now.date() for run in runs)
    waiting = [run for run in runs if run.status == RunStatus.QUEUED and run.enqueued_at <= now - dt.timedelta(hours=1)]
    return render(request, "operations/nightlyrun_list.html", {
        "nav": "audit", "runs": runs, "failed": [run for run in runs if run.status == RunStatus.FAILED],
        "at": at, "missing_today": missing_today, "waiting": waiting,
        "jobs": [job for job in nightly_jobs.jobs() if job.enabled()],
        "date_findings": date_check.out_of_range(center_id=user.center_id)})
