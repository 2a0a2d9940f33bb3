"""The weekly review: the board of every open case, and the walk through it one case at a time, recording an
outcome per case in the review meeting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases import selectors as case_selectors
from yorisoi.privacy import policy
from yorisoi.privacy.policy import log_listed, rule

from .. import conf, selectors, services
from ..forms import OutcomeForm, ReviewQuery
from ..models import ConcernStatus, MeetingKind
from ._common import add_errors, context, require


def _review_meetings(user):
    return selectors.meetings_for(user).filter(kind=MeetingKind.WEEKLY_REVIEW)


def _current_review(user):
    """Today's weekly review, else the most recent one before today, else the next."""
    today = timezone.localdate()
    reviews = _review_meetings(user)
    return (reviews.filter(date=today).first() or reviews.filter(date__lt=today).order_by("-date").first()
            or reviews.filter(date__gt=today).order_by("date").first())


@rule("meetings.view")
def review_board(request):
    """Every open case: phase, days since the last contact, open concerns, the next deadline, stalled items;
    cases not discussed for N weeks first. With ?meeting= the outcomes recorded in that review."""
    meeting_id = ReviewQuery.read(request).values["meeting"]
    meeting = (_review_meetings(request.user).filter(pk=meeting_id).first() if meeting_id
               else _current_review(request.user))
    rows = selectors.review_board(user=request.user, meeting=meeting)
    log_listed(request, [r.case for r in rows], section="review_board")
    return render(request, "meetings/review_board.html", context(
        request, rows=rows, meeting=meeting, stale_weeks=conf.review_stale_weeks(), today=timezone.localdate(),
        done=sum(1 for r in rows if r.outcome), reviews=_review_meetings(request.user).order_by("-date")[:10]))


@rule("meetings.write")
def review_case(request, pk: int, case_pk: int):
    """One case of the walk-through: its row of the board, its open concerns, an outcome form; saving goes to the
    next case. Previous / next links follow the board's order."""
    meeting = selectors.get_meeting_or_404(request, pk)
    require(selectors.meeting_access(request.user).can_write)
    if meeting.kind != MeetingKind.WEEKLY_REVIEW:
        raise Http404("ケース検討の会議ではありません。")
    case, access = policy.get_case_or_404(request, case_pk, "view", section="review_board")
    rows = selectors.review_board(user=request.user, meeting=meeting)
    index = next((i for i, r in enumerate(rows) if r.case.pk == case.pk), None)
    if index is None:
        raise Http404("このケースはケース検討の対象ではありません。")
    row = rows[index]
    previous_row = rows[index - 1] if index > 0 else None
    next_row = rows[index + 1] if index + 1 < len(rows) else None
    form = OutcomeForm(request.POST or None,
                       initial={"outcome": row.outcome.outcome} if row.outcome else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review_outcome(actor=request.user, meeting=meeting, case=case, request=request,
                                           **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{case.number} の検討結果を記録しました。")
            if next_row is not None:
                return redirect("meetings:review_case", meeting.pk, next_row.case.pk)
            return redirect(reverse("meetings:review_board") + f"?meeting={meeting.pk}")
    concerns = [c for c in selectors.concerns_of_case(user=request.user, case=case) if c.status == ConcernStatus.OPEN]
    # the previous / next links name those cases too
    log_listed(request, [r.case for r in (previous_row, next_row) if r is not None], section="review_board")
    return render(request, "meetings/review_case.html", context(
        request, meeting=meeting, row=row, form=form, concerns=concerns, previous_row=previous_row,
        next_row=next_row, position=index + 1, total=len(rows), access=access,
        **case_selectors.header_context(case=case)))
