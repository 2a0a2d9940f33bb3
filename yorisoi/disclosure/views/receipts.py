"""Receipts of personal data from other organizations (受領記録, 法30条)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from yorisoi.common.forms import page_of
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from .. import selectors, services
from ..forms import ReceiptFilterForm, ReceiptForm
from ._common import (
    PAGE_SIZE,
    add_errors,
    context,
    open_person,
    person_in_center,
    person_url,
    querystring,
    require,
    rights,
)


@rule("disclosure.view")
def receipt_list(request):
    require(request, rights(request).can_read, section="receipt")
    form = ReceiptFilterForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = selectors.receipts(request.user, date_from=data["date_from"], date_to=data["date_to"],
                                  person=data["person"])
    elif form.is_bound:
        rows = selectors.receipts_for(request.user).none()
    else:
        rows = selectors.receipts(request.user)
    page = page_of(request, rows, PAGE_SIZE)
    log_access(request=request, action=AccessAction.VIEW, section="receipt",
               detail=form.summary() if form.is_bound else "条件なし")
    return render(request, "disclosure/receipt_list.html", context(
        request, form=form, page=page, querystring=querystring(request), tab="receipts"))


@rule("disclosure.write")
def receipt_create(request, pk: int):
    person_in_center(request, pk)
    require(request, rights(request).can_record, section="receipt")
    person, _access = open_person(request, pk, section="receipt")
    form = ReceiptForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_receipt(actor=request.user, person=person, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "受領記録を登録しました。")
            return redirect(person_url(person.pk))
    return render(request, "disclosure/receipt_form.html", context(request, person=person, form=form, nav="people"))
