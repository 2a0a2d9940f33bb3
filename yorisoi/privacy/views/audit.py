"""Screens of the privacy app: the audit screen, a person's access history, break-the-glass, the list of deleted
records with restore. Reads through selectors and policy; writes through services. The access log leaves yorisoi
through the export control (views/exports.py), like every other list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from yorisoi.common.forms import local_path, page_of
from yorisoi.common.replica import replica_reads

from .. import policy, selectors, services
from ..audit import log_access
from ..forms import AuditFilterForm, ReasonForm
from ..models import AccessAction
from ..policy import BreakGlassRequired, rule
from ..roles import subject_model

PAGE_SIZE = 50


def _require(allowed: bool, request, *, section: str) -> None:
    policy.deny_unless(request, allowed, section=section)


def _annotate(request, page, *, with_names: bool) -> dict[int, str]:
    """Labels for one page of log rows: the record type's name, how many persons a list row names (「一覧で表示」)
    and (on the audit screen) the person's name. Returns the names shown."""
    names = selectors.person_names(user=request.user, ids=[r.person_id_value for r in page]) if with_names else {}
    listed = selectors.listed_counts(page)
    labels: dict[str, str] = {}
    for row in page:
        row.object_label = labels.setdefault(row.object_type, selectors.object_label(row.object_type))
        row.person_name = names.get(row.person_id_value, "")
        row.listed_count = listed.get(row.pk, 0)
        row.section_label = selectors.section_label(row.section)
        row.detail_label = selectors.detail_label(row.detail, row.object_type)
    return names


def _querystring(request, *, drop: tuple[str, ...] = ("page",)) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])


# --- audit screen ----------------------------------------------------------------------------------


def _filter_summary(form: AuditFilterForm) -> str:
    data = form.cleaned_data if form.is_valid() else {}
    parts = []
    if data.get("staff"):
        parts.append(f"職員={data['staff'].get_username()}")
    if data.get("person"):
        parts.append(f"対象者={data['person']}")
    if data.get("date_from") or data.get("date_to"):
        parts.append(f"期間={data.get('date_from') or ''}〜{data.get('date_to') or ''}")
    if data.get("action"):
        parts.append(f"操作={AccessAction(data['action']).label}")
    return "、".join(parts) or "条件なし"


def _filtered_rows(request, form: AuditFilterForm):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return selectors.audit_rows(user=request.user, staff=data["staff"], person=data["person"],
                                date_from=data["date_from"], date_to=data["date_to"], action=data["action"])


@rule("audit.review")
@replica_reads()  # a lag of a second or two is harmless here (yorisoi/common/replica.py)
def audit(request):
    """アクセスログ: who did what to which record, when and from where, for the user's center."""
    _require(policy.may_review_audit(request.user), request, section="audit")
    form = AuditFilterForm(request.GET, user=request.user)
    rows = _filtered_rows(request, form)
    page = page_of(request, rows if rows is not None else selectors.center_log(user=request.user).none(), PAGE_SIZE)
    names = _annotate(request, page, with_names=True)
    # the screen names the persons of its rows: its own row lists them (「一覧で表示」)
    log_access(request=request, action=AccessAction.VIEW, section="audit", detail=_filter_summary(form),
               listed=names)
    context = {"nav": "audit", "form": form, "page": page, "querystring": _querystring(request)}
    return render(request, "privacy/accesslog_list.html", context)


# --- a person's access history ----------------------------------------------------------------------


def _person_in_center(request, pk):
    Person = subject_model("person")
    person = policy.of_center(Person, request.user).filter(pk=pk, deleted_at__isnull=True).first()
    if person is None:
        raise Http404("対象者が見つかりません。")
    return person


@rule("audit.person_access")
def person_access(request, pk: int):
    """「この記録を見た人」: every logged access to one person (directors, auditors, workers in charge)."""
    person = _person_in_center(request, pk)
    if not policy.may_see_access_history(request.user, person):
        log_access(request=request, action=AccessAction.DENIED, obj=person, person_id=person.pk,
                   section="access_history")
        raise PermissionDenied
    log_access(request=request, action=AccessAction.VIEW, obj=person, person_id=person.pk, section="access_history")
    page = page_of(request, selectors.person_access_rows(user=request.user, person=person), PAGE_SIZE)
    _annotate(request, page, with_names=False)
    context = {"nav": "people", "person": person, "page": page,
               "can_review_audit": policy.may_review_audit(request.user)}
    return render(request, "privacy/accesslog_person.html", context)


# --- break-the-glass -------------------------------------------------------------------------------


def _break_glass_target(user, kind: str, pk: int):
    Case, Person = subject_model("case"), subject_model("person")
    model = {"case": Case, "person": Person}.get(kind)
    if model is None:
        return None
    qs = policy.of_center(model, user).filter(deleted_at__isnull=True)
    if model is Case:
        qs = qs.select_related("main_staff", "sub_staff")
    return qs.filter(pk=pk).first()


def _detail_url(kind: str, pk: int) -> str:
    try:
        return reverse("cases:detail" if kind == "case" else "people:detail", args=[pk])
    except NoReverseMatch:
        return reverse("home")


def _safe_next(request, fallback: str) -> str:
    target = local_path(request.POST.get("next") or request.GET.get("next"))
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _in_charge(target, kind: str) -> list:
    """Who to ask instead: the staff in charge of the case, or of the person's open cases."""
    if kind == "case":
        return [s for s in (target.main_staff, target.sub_staff) if s is not None]
    Case = subject_model("case")
    staff = []
    for case in Case.objects.filter(person=target, deleted_at__isnull=True).select_related("main_staff", "sub_staff"):
        staff += [s for s in (case.main_staff, case.sub_staff) if s is not None and s not in staff]
    return staff


def _render_break_glass(request, *, kind: str, target, next_url: str, form: ReasonForm):
    context = {"kind": kind, "target": target, "next": next_url, "form": form,
               "hours": policy.break_glass_hours(), "in_charge": _in_charge(target, kind)}
    return render(request, "privacy/breakglassgrant_form.html", context, status=403)


def _break_glass_form(data=None) -> ReasonForm:
    return ReasonForm(data, label="閲覧が必要な理由",
                      help_text="例：担当者不在中に本人から緊急の連絡があり、支援経過の確認が必要なため。"
                                "理由は管理者が確認します。")


def break_glass_page(request, needed: BreakGlassRequired):
    """The 403 page shown instead of a case or person the worker is not assigned to (see policy.rule)."""
    target = _break_glass_target(request.user, needed.kind, needed.pk)
    if target is None:  # cannot happen through the policy; answer as for a missing record
        raise Http404
    next_url = request.get_full_path() if request.method == "GET" else _detail_url(needed.kind, needed.pk)
    return _render_break_glass(request, kind=needed.kind, target=target, next_url=next_url,
                               form=_break_glass_form())


@rule("audit.break_glass")
def break_glass(request, kind: str, pk: int):
    """GET: the break-the-glass page for one case or person; POST: record the reason and open it."""
    target = _break_glass_target(request.user, kind, pk)
    if target is None:
        raise Http404("見つかりません。")
    next_url = _safe_next(request, _detail_url(kind, pk))
    visible = (policy.cases_for if kind == "case" else policy.persons_for)(request.user).filter(pk=pk).exists()
    if visible:
        return redirect(next_url)
    if not policy.may_break_glass(request.user):
        raise PermissionDenied
    form = _break_glass_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        grant = services.grant_break_glass(actor=request.user, reason=form.cleaned_data["reason"],
                                           request=request, **{kind: target})
        until = timezone.localtime(grant.expires_at)
        messages.warning(request, f"緊急閲覧として記録しました。{until:%m月%d日 %H:%M}まで閲覧できます。"
                                  "閲覧の記録と理由は管理者に表示されます。")
        return redirect(next_url)
    return _render_break_glass(request, kind=kind, target=target, next_url=next_url, form=form)


@rule("audit.review")
def break_glass_list(request):
    """緊急閲覧の一覧: who opened what, why and when (directors and auditors)."""
    _require(policy.may_review_audit(request.user), request, section="break_glass_list")
    page = page_of(request, selectors.break_glass_grants(user=request.user), PAGE_SIZE)
    policy.log_listed(request, page, section="break_glass_list", always=True)
    return render(request, "privacy/breakglassgrant_list.html",
                  {"nav": "audit", "page": page, "now": timezone.now()})


# --- deleted records -------------------------------------------------------------------------------


@rule("records.delete")
def deleted_list(request):
    """削除済み: soft-deleted records of the center, each with a restore button (director only)."""
    groups = selectors.deleted_groups(user=request.user)
    policy.log_listed(request, [row.obj for group in groups for row in group.rows], section="deleted_list",
                      always=True)
    return render(request, "privacy/deleted_list.html", {"nav": "audit", "groups": groups})


def _soft_deletable(request, kind: str, pk: int, *, deleted: bool):
    """The center's record named by kind and pk, deleted or not as asked; 404 otherwise (other centers too)."""
    model = services.soft_deletable_model(kind)
    if model is None:
        raise Http404("見つかりません。")
    obj = policy.of_center(model._base_manager, request.user).filter(pk=pk, deleted_at__isnull=not deleted).first()
    if obj is None:
        raise Http404("見つかりません。")
    return obj


@rule("records.delete")
def soft_delete(request, kind: str, pk: int):
    """Confirm and soft-delete one record (director only, reason required)."""
    obj = _soft_deletable(request, kind, pk, deleted=False)
    if not policy.may_delete(request.user):
        log_access(request=request, action=AccessAction.DENIED, obj=obj, person_id=services.person_id_of(obj),
                   section="soft_delete")
        raise PermissionDenied
    form = ReasonForm(request.POST if request.method == "POST" else None, label="削除の理由",
                      help_text="変更履歴とアクセスログに残ります。")
    if request.method == "POST" and form.is_valid():
        try:
            services.soft_delete(actor=request.user, obj=obj, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{obj._meta.verbose_name}を削除しました。削除済みの一覧から復元できます。")
            return redirect("privacy:deleted")
    log_access(request=request, action=AccessAction.VIEW, obj=obj, person_id=services.person_id_of(obj),
               section="soft_delete")
    return render(request, "privacy/soft_delete_confirm.html",
                  {"obj": obj, "kind": kind, "form": form, "preview": services.deletion_preview(obj),
                   "model_label": obj._meta.verbose_name})


@rule("records.delete")
def restore(request, kind: str, pk: int):
    """Confirm and restore one soft-deleted record with what was deleted together with it (director only)."""
    obj = _soft_deletable(request, kind, pk, deleted=True)
    if not policy.may_restore(request.user):
        log_access(request=request, action=AccessAction.DENIED, obj=obj, person_id=services.person_id_of(obj),
                   section="restore")
        raise PermissionDenied
    form = ReasonForm(request.POST if request.method == "POST" else None, required=False, label="復元の理由（任意）")
    if request.method == "POST" and form.is_valid():
        try:
            services.restore(actor=request.user, obj=obj, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{obj._meta.verbose_name}を復元しました。")
            return redirect("privacy:deleted")
    log_access(request=request, action=AccessAction.VIEW, obj=obj, person_id=services.person_id_of(obj),
               section="restore")
    return render(request, "privacy/restore_confirm.html", {"obj": obj, "kind": kind, "form": form})
