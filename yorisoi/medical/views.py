"""医療連携: a person's medication, appointments, health checks and urgent route (a page of its own beside the face
sheet, and the forms), and the center's list of persons whose medication or next visit is not secured."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.forms import add_service_errors
from yorisoi.common.text import clean_text
from yorisoi.privacy import policy
from yorisoi.privacy.policy import rule
from yorisoi.privacy.policy.areas import medical_access

from . import conf, selectors, services
from .forms import AppointmentForm, BackQuery, ContinuityQuery, HealthCheckForm, MedicationForm, UrgentRouteForm

SECTION = services.SECTION
LIST_SECTION = "medical_list"


def _person(request, pk, action: str = "view"):
    """The person through the policy (404 for another center, break-the-glass in ASSIGNED mode, the access-log row),
    then the health rule: a user who may not see health gets 403 and a DENIED row."""
    person, access = policy.get_person_or_404(request, pk, action, section=SECTION)
    rights = medical_access(request.user, access)
    allowed = rights.can_write if action == "edit" else rights.can_read
    policy.deny_unless(request, allowed, section=SECTION, obj=person, person_id=person.pk, detail="health")
    return person, access, rights


@rule("medical.view")
def person_medical(request, pk: int):
    """Everything of the person's medical continuity, past included (the face sheet shows what is current)."""
    person, access, rights = _person(request, pk)
    today = timezone.localdate()
    return render(request, "medical/person_medical.html", {
        "person": person, "access": access, "rights": rights, "today": today, "nav": "people",
        "medical": selectors.person_medical(person=person, today=today, include_past=True),
    })


@dataclass(frozen=True)
class Kind:
    form: type
    add: object
    update: object
    remove: object
    item_arg: str
    title: str
    anchor: str


KINDS = {
    "medication": Kind(MedicationForm, services.add_medication, services.update_medication,
                       services.remove_medication, "medication", "常用薬", "medical-medications"),
    "appointment": Kind(AppointmentForm, services.add_appointment, services.update_appointment,
                        services.remove_appointment, "appointment", "受診予定", "medical-appointments"),
    "check": Kind(HealthCheckForm, services.add_health_check, services.update_health_check,
                  services.remove_health_check, "check", "健診", "medical-checks"),
    "route": Kind(UrgentRouteForm, services.add_urgent_route, services.update_urgent_route,
                  services.remove_urgent_route, "route", "緊急時の受診先", "medical-routes"),
}


def _item_or_404(kind: str, person, item_pk):
    item = selectors.item_of(selectors.KIND_MODELS[kind], person=person, pk=item_pk)
    if item is None:
        raise Http404("見つかりません。")
    return item


def _back_to(request) -> str:
    """Where a form returns: "medical" (the person's 医療 page) or "" (the face sheet)."""
    if request.method == "POST":
        return BackQuery(request.POST).values["back"]
    return BackQuery.read(request).values["back"]  # a value it cannot read is named on the page


def _back(request, person, kind: Kind):
    if _back_to(request) == "medical":
        return redirect(f"{reverse('medical:person', args=[person.pk])}#{kind.anchor}")
    return redirect(f"{person.get_absolute_url()}#{kind.anchor}")


def _form_page(request, person, access, kind_name: str, form, item):
    return render(request, "medical/item_form.html", {
        "person": person, "access": access, "kind": KINDS[kind_name], "kind_name": kind_name, "form": form,
        "item": item, "back": _back_to(request), "nav": "people",
    })


@rule("medical.write")
def item_add(request, pk: int, kind: str):
    sub = KINDS[kind]
    person, access, _ = _person(request, pk, "edit")
    form = sub.form(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sub.add(actor=request.user, person=person, request=request, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{sub.title}を追加しました。")
            return _back(request, person, sub)
    return _form_page(request, person, access, kind, form, None)


@rule("medical.write")
def item_edit(request, pk: int, item_pk: int, kind: str):
    sub = KINDS[kind]
    person, access, _ = _person(request, pk, "edit")
    item = _item_or_404(kind, person, item_pk)
    if request.method == "POST":
        form = sub.form(request.POST, user=request.user, editing=True)
        if form.is_valid():
            try:
                sub.update(actor=request.user, request=request, change_reason=form.cleaned_data["change_reason"],
                           **{sub.item_arg: item}, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{sub.title}を保存しました。")
                return _back(request, person, sub)
    else:
        form = sub.form(initial=sub.form.initial_of(item), user=request.user, editing=True)
    return _form_page(request, person, access, kind, form, item)


@rule("medical.write")
def item_delete(request, pk: int, item_pk: int, kind: str):
    sub = KINDS[kind]
    person, access, _ = _person(request, pk, "edit")
    item = _item_or_404(kind, person, item_pk)
    if request.method == "POST":
        reason = clean_text(request.POST.get("change_reason", "")).strip()[:200]
        sub.remove(actor=request.user, request=request, change_reason=reason, **{sub.item_arg: item})
        messages.success(request, f"{sub.title}を削除しました（変更履歴には残ります）。")
        return _back(request, person, sub)
    return render(request, "medical/item_confirm_delete.html", {
        "person": person, "access": access, "kind": sub, "item": item, "back": _back_to(request),
        "nav": "people",
    })


@rule("medical.view")
def continuity(request):
    """医療の確認: medicines running out within ?days= (default conf.supply_days()), persons on medication with no
    visit booked, health checks due or overdue. The user's center and, in ASSIGNED mode, the worker's own persons."""
    query = ContinuityQuery.read(request, initial={"days": conf.supply_days()})
    days = query.values["days"]
    if days is None:
        days = conf.supply_days()
    result = selectors.continuity_list(user=request.user, today=timezone.localdate(), days=days,
                                       check_days=conf.check_days())
    policy.log_listed(request, result.persons, section=LIST_SECTION, always=True)
    return render(request, "medical/continuity.html", {
        "result": result, "days": days, "rights": medical_access(request.user), "nav": "medical",
    })
