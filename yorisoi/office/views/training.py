"""Staff development: the year's training plan against what was done, trainings attended and run for partners."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.privacy.policy import rule

from .. import training
from ..forms import PlanItemForm, TrainingForm, TrainingYearQuery
from ._common import add_errors, context


@rule("office.view")
def trainings(request):
    year = TrainingYearQuery.read(request).values["year"] or training.fiscal_year_of(timezone.localdate())
    return render(request, "office/training_list.html", context(
        request, data=training.training_year(request.user, year=year), year=year,
        plan_form=PlanItemForm(initial={"fiscal_year": year})))


@rule("office.training")
def training_create(request):
    form = TrainingForm(request.POST or None, user=request.user, initial={"start_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("organizations", "participants")}
        try:
            done = training.record_training(actor=request.user, request=request, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "研修を記録しました。")
            return redirect(reverse("office:trainings") + f"?year={training.fiscal_year_of(done.start_on)}")
    return render(request, "office/form.html", context(request, form=form, title="研修の記録",
                                                       back="office:trainings"))


@rule("office.training_plan")
def plan_item_create(request):
    form = PlanItemForm(request.POST or None, initial={"fiscal_year": training.fiscal_year_of(timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        try:
            item = training.add_plan_item(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "研修計画に加えました。")
            return redirect(reverse("office:trainings") + f"?year={item.fiscal_year}")
    return render(request, "office/form.html", context(request, form=form, title="研修計画の項目の追加",
                                                       back="office:trainings"))
