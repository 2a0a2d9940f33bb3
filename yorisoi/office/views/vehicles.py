"""Vehicles: the registry, a vehicle's page (inspections, trips, accidents), the monthly trip log (運行表) and its
A4 print, recording a trip, an accident or a near miss and its follow-up."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import log_listed, rule

from .. import selectors, services
from ..forms import FollowUpForm, TripForm, TripMonthQuery, VehicleCheckForm, VehicleEventForm, VehicleForm
from ..models import Trip, Vehicle, VehicleEvent
from ..rules import may_edit_trip
from ._common import add_errors, context, require

SECTION_TRIPS = "office_trips"


@rule("office.view")
def vehicle_list(request):
    rows = selectors.vehicles(request.user, include_retired=True)
    return render(request, "office/vehicle_list.html", context(request, vehicles=rows, today=timezone.localdate()))


@rule("office.equipment")
def vehicle_create(request):
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.VEHICLE_FIELDS}
        try:
            vehicle = services.register_vehicle(actor=request.user, request=request, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "車両を登録しました。")
            return redirect("office:vehicle_detail", pk=vehicle.pk)
    return render(request, "office/form.html", context(request, form=form, title="車両の登録",
                                                       back="office:vehicles"))


@rule("office.equipment")
def vehicle_edit(request, pk: int):
    vehicle = selectors.get_or_404(Vehicle, request.user, pk)
    form = VehicleForm(request.POST or None, instance=vehicle)
    stale = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.VEHICLE_FIELDS}
        try:
            services.update_vehicle(actor=request.user, vehicle=vehicle, request=request,
                                    expected_version=form.cleaned_data["version"], **values)
        except StaleEditError as error:
            stale, form.data = error, merged_form_data(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "車両の情報を保存しました。")
            return redirect("office:vehicle_detail", pk=vehicle.pk)
    return render(request, "office/form.html", context(request, form=form, title=f"車両の編集：{vehicle.name}",
                                                       back="office:vehicles", stale=stale),
                  status=409 if stale else 200)


def _trip_rows(request, trips) -> list[dict]:
    """Trips with the accompaniment's case as the user may see it; the page logs the persons it names."""
    rows = [{"trip": t, "case": selectors.shown_case(request.user, t), "editable": may_edit_trip(request.user, t)}
            for t in trips]
    log_listed(request, [r["case"] for r in rows if r["case"] is not None], section=SECTION_TRIPS)
    return rows


@rule("office.view")
def vehicle_detail(request, pk: int):
    vehicle = selectors.get_or_404(Vehicle, request.user, pk)
    trips = selectors.trips(request.user).filter(vehicle=vehicle)[:20]
    return render(request, "office/vehicle_detail.html", context(
        request, vehicle=vehicle, checks=vehicle.checks.select_related("recorded_by")[:20],
        rows=_trip_rows(request, trips), events=selectors.vehicle_events(request.user).filter(vehicle=vehicle),
        check_form=VehicleCheckForm(), event_form=VehicleEventForm(),
        last_odometer=selectors.last_odometer(vehicle), today=timezone.localdate()))


@rule("office.equipment")
def check_create(request, pk: int):
    vehicle = selectors.get_or_404(Vehicle, request.user, pk)
    form = VehicleCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_vehicle_check(actor=request.user, vehicle=vehicle, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "点検を記録しました。")
            return redirect("office:vehicle_detail", pk=vehicle.pk)
    return render(request, "office/form.html", context(request, form=form, title=f"点検の記録：{vehicle.name}",
                                                       back="office:vehicles"))


def _month(request) -> tuple[dt.date, Vehicle | None]:
    values = TripMonthQuery.read(request).values
    today = timezone.localdate()
    month = dt.date(values["year"] or today.year, values["month"] or today.month, 1)
    vehicle = None
    if values["vehicle"]:
        vehicle = selectors.vehicles(request.user, include_retired=True).filter(pk=values["vehicle"]).first()
    return month, vehicle


def _month_context(request) -> dict:
    month, vehicle = _month(request)
    trips = selectors.month_trips(request.user, month=month, vehicle=vehicle)
    rows = _trip_rows(request, trips)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    query = f"&vehicle={vehicle.pk}" if vehicle else ""
    return {"month": month, "vehicle": vehicle, "rows": rows, "total_distance": sum(t.distance for t in trips),
            "missing_checks": sum(1 for t in trips if t.vehicle.business_use and not t.checks_complete),
            "vehicles": selectors.vehicles(request.user, include_retired=True),
            "previous_query": f"?year={previous.year}&month={previous.month}{query}",
            "next_query": f"?year={following.year}&month={following.month}{query}",
            "this_query": f"?year={month.year}&month={month.month}{query}"}


@rule("office.view")
def trip_list(request):
    """The 運行表 of a month (all vehicles, or one)."""
    return render(request, "office/trip_list.html", context(request, **_month_context(request)))


@rule("office.view")
def trip_print(request):
    """The month's 運行表 on A4 landscape sheets (print CSS); the print is logged."""
    data = _month_context(request)
    log_access(request=request, action=AccessAction.PRINT, section=SECTION_TRIPS, detail="print")
    return render(request, "office/trip_print.html", context(request, **data))


@rule("office.trips")
def trip_create(request):
    user = request.user
    initial = {"date": timezone.localdate(), "driver": user.pk, "pre_checker": user.pk, "post_checker": user.pk}
    vehicle_id = TripMonthQuery.read(request).values["vehicle"]
    vehicle = selectors.vehicles(user).filter(pk=vehicle_id).first() if vehicle_id else None
    if vehicle is not None:
        initial["vehicle"] = vehicle.pk
        last = selectors.last_odometer(vehicle)
        if last is not None:
            initial["odometer_start"] = last
    form = TripForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.TRIP_FIELDS}
        try:
            trip = services.record_trip(actor=user, request=request, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"運行を記録しました（走行距離 {trip.distance:,} km）。")
            return redirect(reverse("office:trips") + f"?year={trip.date.year}&month={trip.date.month}")
    log_listed(request, list(form.fields["case"].queryset), section=SECTION_TRIPS)
    return render(request, "office/trip_form.html", context(request, form=form,
                                                            form_action=reverse("office:trip_create")))


@rule("office.trips")
def trip_edit(request, pk: int):
    """Correct a line of the 運行表 (workers: their own trips), under the odometer and alcohol-check rules."""
    user = request.user
    trip = selectors.get_or_404(Trip, user, pk)
    require(may_edit_trip(user, trip))
    form = TripForm(request.POST or None, user=user, trip=trip)
    stale, status = None, 200
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.TRIP_FIELDS}
        try:
            trip = services.update_trip(actor=user, trip=trip, request=request,
                                        expected_version=form.cleaned_data["version"], **values)
        except StaleEditError as error:
            stale, status = error, 409
            form.data = merged_form_data(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"運行の記録を保存しました（走行距離 {trip.distance:,} km）。")
            return redirect(reverse("office:trips") + f"?year={trip.date.year}&month={trip.date.month}")
    log_listed(request, list(form.fields["case"].queryset), section=SECTION_TRIPS)
    return render(request, "office/trip_form.html", context(
        request, form=form, trip=trip, stale=stale, title=f"運行の記録の修正（{trip.vehicle.name}）",
        form_action=reverse("office:trip_edit", args=[trip.pk])), status=status)


@rule("office.trips")
def event_create(request, pk: int):
    vehicle = selectors.get_or_404(Vehicle, request.user, pk)
    form = VehicleEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_vehicle_event(actor=request.user, vehicle=vehicle, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "事故・ヒヤリハットを記録しました。")
            return redirect(reverse("office:vehicle_detail", args=[vehicle.pk]) + "#events")
    return render(request, "office/form.html", context(
        request, form=form, title=f"事故・ヒヤリハットの報告：{vehicle.name}", back="office:vehicles"))


@rule("office.equipment")
def event_follow_up(request, pk: int):
    event = selectors.get_or_404(VehicleEvent, request.user, pk)
    form = FollowUpForm(request.POST or None, initial={"follow_up": event.follow_up,
                                                       "follow_up_done_on": event.follow_up_done_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_event_follow_up(actor=request.user, event=event, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "その後の対応を記録しました。")
            return redirect(reverse("office:vehicle_detail", args=[event.vehicle_id]) + "#events")
    return render(request, "office/form.html", context(
        request, form=form, title=f"{event.get_kind_display()}のその後の対応", back="office:vehicles",
        intro=event.description))
