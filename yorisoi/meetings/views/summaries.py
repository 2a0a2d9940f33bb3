"""The one-page case summary for a case conference: the internal version, the version for each external agency
(only what consent and the 取り決め allow), and handing it over (a 第三者提供記録 per agency)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.disclosure.rules import disclosure_access
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule

from .. import selectors, services, summary
from ..forms import SummaryQuery
from ..models import Handout
from ._common import context


def _load(request, pk, case_pk):
    meeting = selectors.get_meeting_or_404(request, pk)
    case, access = policy.get_case_or_404(request, case_pk, "view", section="case_summary")
    if case not in meeting.shown_cases:
        raise Http404("この会議で扱うケースではありません。")
    return meeting, case, access


@rule("meetings.view")
def case_summary(request, pk: int, case_pk: int):
    """The summary as the center reads it, or (?for=<agency>) as that agency would get it. Printable."""
    meeting, case, access = _load(request, pk, case_pk)
    organizations = summary.external_organizations(meeting)
    allowances = [summary.allowed_for(request.user, case, org) for org in organizations]
    for_id = SummaryQuery.read(request).values["for"]
    chosen = next((a for a in allowances if a.organization.pk == for_id), None) if for_id else None
    if for_id and chosen is None:
        raise Http404("この会議の外部の参加者の機関ではありません。")
    groups = chosen.groups if chosen else summary.internal_groups(request.user)
    return render(request, "meetings/case_summary.html", context(
        request, meeting=meeting, case=case, access=access, sheet=summary.build(case, groups=groups),
        chosen=chosen, allowances=allowances, printed_at=timezone.localtime(), center=request.user.center,
        may_hand=disclosure_access(request.user).can_provide and selectors.meeting_access(request.user).can_write,
        handouts=Handout.objects.filter(meeting=meeting, case=case).select_related(
            "organization", "disclosure_record", "handed_by")))


@rule("disclosure.write")
def hand_summary(request, pk: int, case_pk: int):
    """POST: hand the summary to the external participants' agencies (one 第三者提供記録 each)."""
    meeting, case, _access = _load(request, pk, case_pk)
    back = reverse("meetings:case_summary", args=[meeting.pk, case.pk])
    if request.method == "POST":
        try:
            handed, refused = services.hand_summary(actor=request.user, meeting=meeting, case=case, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if handed:
                messages.success(request, f"{len(handed)}機関に会議資料を渡し、第三者提供記録を作成しました。")
            for allowance in refused:
                messages.warning(request, f"{allowance.organization}には渡していません："
                                 + " ".join(allowance.problems or ("渡せる項目がありません。",)))
    return redirect(back)
