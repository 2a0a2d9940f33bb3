"""Concerns (悩み・課題): raised on a case in the worker's own words, ideas from colleagues, resolved with a
decision recorded as the organisation's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from yorisoi.cases import selectors as case_selectors
from yorisoi.common.concurrency import StaleEditError, with_their_version
from yorisoi.privacy import policy
from yorisoi.privacy.policy import log_listed, rule

from .. import selectors, services
from ..forms import ConcernForm, IdeaForm, ResolveForm
from ._common import add_errors, context, require


def _render_case(request, case, access, *, form=None, idea_forms=None, resolve_forms=None, stale=None, status=200):
    user = request.user
    concerns = selectors.concerns_of_case(user=user, case=case)
    ma = selectors.meeting_access(user)
    for concern in concerns:
        concern.idea_form = (idea_forms or {}).get(concern.pk) or IdeaForm(prefix=f"idea-{concern.pk}")
        concern.resolve_form = ((resolve_forms or {}).get(concern.pk)
                                or ResolveForm(prefix=f"resolve-{concern.pk}", user=user,
                                               initial={"version": concern.version}))
    return render(request, "meetings/case_concerns.html", context(
        request, concerns=concerns, form=form or (ConcernForm() if ma.can_write else None), access=access,
        stale=stale, **case_selectors.header_context(case=case)), status=status)


@rule("meetings.view")
def case_concerns(request, case_pk: int):
    """The concerns of one case; POST raises a new one."""
    case, access = policy.get_case_or_404(request, case_pk, "view", section="concern")
    form = None
    if request.method == "POST":
        require(selectors.meeting_access(request.user).can_write)
        form = ConcernForm(request.POST)
        if form.is_valid():
            try:
                services.raise_concern(actor=request.user, case=case, request=request, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "悩み・課題を共有しました。同僚がアイデアや視点を書き足せます。")
                return redirect(reverse("meetings:case_concerns", args=[case.pk]) + "#concerns")
    return _render_case(request, case, access, form=form)


@rule("meetings.write")
def concern_idea(request, pk: int):
    concern = selectors.get_concern_or_404(request, pk)
    case, access = policy.get_case_or_404(request, concern.case_id, "add_record", section="concern")
    back = reverse("meetings:case_concerns", args=[case.pk]) + f"#concern-{concern.pk}"
    if request.method != "POST":
        return redirect(back)
    form = IdeaForm(request.POST, prefix=f"idea-{concern.pk}")
    if form.is_valid():
        try:
            services.add_idea(actor=request.user, concern=concern, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "アイデア・視点を書き足しました。")
            return redirect(back)
    return _render_case(request, case, access, idea_forms={concern.pk: form})


@rule("meetings.write")
def concern_resolve(request, pk: int):
    concern = selectors.get_concern_or_404(request, pk)
    case, access = policy.get_case_or_404(request, concern.case_id, "add_record", section="concern")
    back = reverse("meetings:case_concerns", args=[case.pk]) + f"#concern-{concern.pk}"
    if request.method != "POST":
        return redirect(back)
    form = ResolveForm(request.POST, prefix=f"resolve-{concern.pk}", user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resolve_concern(actor=request.user, concern=concern, expected_version=data["version"],
                                     resolution=data["resolution"], meeting=data["meeting"], request=request)
        except StaleEditError as stale:
            form = ResolveForm(with_their_version(form, stale), prefix=f"resolve-{concern.pk}", user=request.user)
            form.is_valid()
            return _render_case(request, case, access, resolve_forms={concern.pk: form}, stale=stale, status=409)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "組織としての決定を記録し、悩み・課題を解決にしました。")
            return redirect(back)
    return _render_case(request, case, access, resolve_forms={concern.pk: form})


@rule("meetings.view")
def concern_list(request):
    """Every open concern of the cases the user may open, oldest first."""
    concerns = selectors.open_concerns(user=request.user)
    log_listed(request, [c.case for c in concerns], section="concern")
    return render(request, "meetings/concern_list.html", context(request, concerns=concerns))
