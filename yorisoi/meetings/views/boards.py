"""The morning board, printable, and the absences it shows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from yorisoi.privacy import policy
from yorisoi.privacy.policy import log_listed, rule

from .. import board, services
from ..forms import AbsenceForm
from ..models import Absence
from ._common import add_errors, context, require


def _render(request, form=None, status=200):
    days = board.morning_board(request.user)
    log_listed(request, [e for day in days for e in day.entries], section="morning_board")
    ma = context(request)["ma"]
    if form is None and ma.can_record_absence:
        form = AbsenceForm(user=request.user, initial={"staff": request.user.pk, "date": timezone.localdate()})
    return render(request, "meetings/morning_board.html", context(request, days=days, form=form,
                                                                  now=timezone.localtime()), status=status)


@rule("meetings.board")
def morning_board(request):
    return _render(request)


@rule("meetings.absence")
def absence_add(request):
    if request.method != "POST":
        return redirect("meetings:morning")
    require(context(request)["ma"].can_record_absence)
    form = AbsenceForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.add_absence(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "不在の予定を登録しました。")
            return redirect("meetings:morning")
    return _render(request, form=form)


@rule("meetings.absence")
def absence_delete(request, pk: int):
    absence = policy.of_center(Absence, request.user).filter(pk=pk).first()
    if absence is None:
        raise Http404("不在の予定が見つかりません。")
    if request.method == "POST":
        services.remove_absence(actor=request.user, absence=absence, request=request)
        messages.success(request, "不在の予定を取り消しました。")
    return redirect("meetings:morning")
