"""Reads of the procedures app. Every query of case data starts from policy.cases_for(user); each function
costs a fixed number of queries whatever the number of rows.

Inbox contract (for the home screen and the inbox): `procedures_due`, `protection_warnings`, `follow_ups_due`
return lists of `DueRow` (plain values, one query each, ordered by date then case), only for open cases the user
may see; `mine_only=True` keeps the cases where the user is main or sub staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.models import OPEN_PHASES, Case
from yorisoi.partners import selectors as partner_selectors
from yorisoi.privacy import policy

from . import conf
from .models import (
    OPEN_STATUSES,
    CaseProcedure,
    CaseTemplate,
    FollowUp,
    FollowUpStatus,
    FollowUpTarget,
    ProcedureDocument,
    ProcedureType,
    ProtectionStatus,
    UrgentProtection,
)

DEFAULT_HORIZON_DAYS = 14


# --- rows for the inbox and the home screen ----------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    """One dated thing to do. `kind` is "procedure", "protection" or "follow_up"; `days_left` is negative when
    overdue; `level` (protection only) is the warning threshold reached (30, 14, 7 by default)."""

    date: dt.date
    kind: str
    kind_label: str
    case_id: int
    case_number: str
    person_id: int
    person_name: str
    title: str
    days_left: int
    url: str
    level: int | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def _open_cases(user, mine_only: bool) -> QuerySet:
    cases = policy.cases_for(user).filter(phase__in=OPEN_PHASES)
    if mine_only:
        cases = cases.filter(Q(main_staff=user) | Q(sub_staff=user))
    return cases.values("pk")


def _name(family: str, given: str) -> str:
    return f"{family} {given}".strip()


_CASE_VALUES = ("case_id", "case__number", "case__person_id", "case__person__family_name",
                "case__person__given_name")


def procedures_due(user, today: dt.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS, *,
                   mine_only: bool = False) -> list[DueRow]:
    """Procedures not done (未着手・進行中) due on or before today + horizon_days, overdue ones included."""
    today = today or timezone.localdate()
    rows = (policy.of_center(CaseProcedure, user).filter(case__in=_open_cases(user, mine_only),
                                                         status__in=OPEN_STATUSES,
                                                         due_date__lte=today + dt.timedelta(horizon_days))
            .order_by("due_date", "case_id", "id").values("pk", "title", "due_date", *_CASE_VALUES))
    return [DueRow(date=r["due_date"], kind="procedure", kind_label="手続き", case_id=r["case_id"],
                   case_number=r["case__number"], person_id=r["case__person_id"],
                   person_name=_name(r["case__person__family_name"], r["case__person__given_name"]),
                   title=r["title"], days_left=(r["due_date"] - today).days,
                   url=reverse("procedures:case", args=[r["case_id"]]) + f"#procedure-{r['pk']}")
            for r in rows]


def warning_level(days_left: int, thresholds: tuple[int, ...] | None = None) -> int | None:
    """The smallest threshold that `days_left` is within (30 → 14 → 7); past the end: the smallest one."""
    thresholds = thresholds or conf.protection_warning_days()
    reached = [t for t in thresholds if days_left <= t]
    return min(reached) if reached else None


def protection_warnings(user, today: dt.date | None = None, *, mine_only: bool = False) -> list[DueRow]:
    """Protections in progress (実施中) whose period ends within the largest warning threshold
    (YORISOI_PROTECTION_WARNING_DAYS, default 30/14/7), and those whose end has passed while still marked in
    progress (days_left < 0). `level` is the threshold reached."""
    today = today or timezone.localdate()
    thresholds = conf.protection_warning_days()
    rows = (policy.of_center(UrgentProtection, user).filter(case__in=_open_cases(user, mine_only),
                                                            status=ProtectionStatus.ACTIVE, end_date__isnull=False,
                                                            end_date__lte=today + dt.timedelta(thresholds[0]))
            .order_by("end_date", "case_id").values("end_date", *_CASE_VALUES))
    result = []
    for r in rows:
        days_left = (r["end_date"] - today).days
        title = "更生緊急保護の期間が終わっています" if days_left < 0 else "更生緊急保護の期間が終わります"
        result.append(DueRow(date=r["end_date"], kind="protection", kind_label="更生緊急保護", case_id=r["case_id"],
                             case_number=r["case__number"], person_id=r["case__person_id"],
                             person_name=_name(r["case__person__family_name"], r["case__person__given_name"]),
                             title=title, days_left=days_left, level=warning_level(days_left, thresholds),
                             url=reverse("procedures:protection", args=[r["case_id"]])))
    return result


def follow_ups_due(user, today: dt.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS, *,
                   mine_only: bool = False) -> list[DueRow]:
    """Scheduled follow-ups due on or before today + horizon_days, overdue ones included."""
    today = today or timezone.localdate()
    rows = (policy.of_center(FollowUp, user).filter(case__in=_open_cases(user, mine_only),
                                                    status=FollowUpStatus.SCHEDULED,
                                                    due_date__lte=today + dt.timedelta(horizon_days))
            .order_by("due_date", "case_id", "id")
            .values("pk", "due_date", "target", "interval_label", "organization__name", *_CASE_VALUES))
    result = []
    for r in rows:
        who = FollowUpTarget(r["target"]).label
        if r["target"] == FollowUpTarget.FACILITY and r["organization__name"]:
            who = f"{who}（{r['organization__name']}）"
        title = f"フォローアップ：{who}" + (f"・{r['interval_label']}" if r["interval_label"] else "")
        result.append(DueRow(date=r["due_date"], kind="follow_up", kind_label="フォローアップ", case_id=r["case_id"],
                             case_number=r["case__number"], person_id=r["case__person_id"],
                             person_name=_name(r["case__person__family_name"], r["case__person__given_name"]),
                             title=title, days_left=(r["due_date"] - today).days,
                             url=reverse("procedures:follow_ups", args=[r["case_id"]]) + f"#follow-up-{r['pk']}"))
    return result


# --- the center's list of procedures due ---------------------------------------------------------------------

# The filters of the list: (key, label). "open" is every procedure not done, the others narrow it.
DUE_FILTERS = (
    ("open", "未完了すべて"),
    ("overdue", "期限切れ"),
    ("week", "7日以内（期限切れを含む）"),
    ("undated", "期限が未定"),
)


def due_list(user, *, today: dt.date, show: str = "open", procedure_type_id: int | None = None,
             mine: bool = False) -> QuerySet:
    """Procedures not done (未着手・進行中) of the open cases the user may see, by due date (undated last), with
    the case, the person, the type and the organization joined: one query for a page whatever its rows."""
    qs = policy.of_center(CaseProcedure, user).filter(case__in=_open_cases(user, mine), status__in=OPEN_STATUSES)
    if show == "overdue":
        qs = qs.filter(due_date__lt=today)
    elif show == "week":
        qs = qs.filter(due_date__lte=today + dt.timedelta(days=7))
    elif show == "undated":
        qs = qs.filter(due_date__isnull=True)
    if procedure_type_id:
        qs = qs.filter(procedure_type_id=procedure_type_id)
    return (qs.select_related("case", "case__person", "procedure_type", "organization", "depends_on")
            .order_by(F("due_date").asc(nulls_last=True), "case__number", "id"))


def overdue_count(user, *, today: dt.date, mine: bool = False) -> int:
    return policy.of_center(CaseProcedure, user).filter(case__in=_open_cases(user, mine), status__in=OPEN_STATUSES,
                                                        due_date__lt=today).count()


# --- the pages of a case ----------------------------------------------------------------------------------


def procedures_of(*, case: Case) -> list[CaseProcedure]:
    """The case's procedures with what the list shows (three queries): open ones by due date (those without a
    date last), then done and cancelled ones."""
    procedures = list(
        CaseProcedure.objects.filter(case=case)
        .select_related("procedure_type", "organization", "depends_on", "updated_by")
        .prefetch_related(Prefetch("documents", queryset=ProcedureDocument.objects.select_related("uploaded_by")))
        .order_by(F("due_date").asc(nulls_last=True), "id"))
    open_ = [p for p in procedures if p.is_open]
    closed = sorted((p for p in procedures if not p.is_open),
                    key=lambda p: (p.completed_on or dt.date.min, p.pk), reverse=True)
    return open_ + closed


def get_procedure_or_404(case: Case, pk) -> CaseProcedure:
    from django.http import Http404

    procedure = CaseProcedure.objects.select_related("procedure_type", "case", "case__person").filter(
        case=case, pk=pk).first()
    if procedure is None:
        raise Http404("手続きが見つかりません。")
    return procedure


def get_document_or_404(case: Case, pk) -> ProcedureDocument:
    from django.http import Http404

    document = ProcedureDocument.objects.select_related("procedure", "procedure__case").filter(
        procedure__case=case, pk=pk).first()
    if document is None:
        raise Http404("書類が見つかりません。")
    return document


def protection_of(*, case: Case) -> UrgentProtection | None:
    return (UrgentProtection.objects.filter(case=case).select_related("probation_office", "updated_by")
            .prefetch_related("extensions__created_by").first())


def protection_state(protection: UrgentProtection | None, today: dt.date) -> dict:
    """What the protection section shows about the end: days left and the warning level reached."""
    if protection is None or protection.end_date is None:
        return {"days_left": None, "level": None}
    days_left = (protection.end_date - today).days
    level = warning_level(days_left) if protection.status == ProtectionStatus.ACTIVE else None
    return {"days_left": days_left, "level": level}


def follow_ups_of(*, case: Case) -> list[FollowUp]:
    return list(FollowUp.objects.filter(case=case).select_related("organization", "activity", "updated_by")
                .order_by("due_date", "-target", "id"))


def get_follow_up_or_404(case: Case, pk) -> FollowUp:
    from django.http import Http404

    follow_up = FollowUp.objects.select_related("case", "case__person", "organization").filter(
        case=case, pk=pk).first()
    if follow_up is None:
        raise Http404("フォローアップが見つかりません。")
    return follow_up


def next_follow_up(*, case: Case) -> FollowUp | None:
    return (FollowUp.objects.filter(case=case, status=FollowUpStatus.SCHEDULED)
            .select_related("organization").order_by("due_date", "id").first())


def organizations_for(user, *, kind_code: str | None = None, including: int | None = None) -> QuerySet:
    """Organizations of the user's center for the pickers (active ones, with their kind), optionally of one kind;
    `including`: the one a record already names, kept choosable even when it was stopped or is of another kind.
    One filter, not a union of querysets (a union of a distinct and a plain queryset raises)."""
    wanted = Q(active=True) if kind_code is None else Q(active=True, kind__code=kind_code)
    if including:
        wanted |= Q(pk=including)
    return partner_selectors.organizations_for(user).filter(wanted).select_related("kind").order_by(
        "kind__sort_order", "name_kana", "name", "id")


def current_facility(*, user, case):
    """Where the case's person lives now (the 受入先 a follow-up defaults to), if it is a directory facility and
    its placement is in a case the user may open. Read through the organization's reverse relation to the
    placements app's rows (the floor above): one query, no import of that app."""
    return (partner_selectors.facilities_for(user)
            .filter(placements__person_id=case.person_id, placements__exited_on__isnull=True,
                    placements__case__in=policy.cases_for(user))
            .select_related("kind").first())


# --- catalogue --------------------------------------------------------------------------------------------


def types_for(user, *, usable_only: bool = False) -> QuerySet:
    """Shared types and the center's own. usable_only: without those the center hid or stopped using."""
    center_id = user.center_id if user.is_authenticated else None
    if center_id is None:
        return ProcedureType.objects.none()
    qs = ProcedureType.objects.filter(Q(center__isnull=True) | Q(center_id=center_id))
    if usable_only:
        qs = qs.filter(active=True).exclude(hidden_by=center_id)
    return qs.select_related("responsible_kind").order_by("sort_order", "id")


def hidden_type_ids(user) -> set[int]:
    return set(ProcedureType.objects.filter(hidden_by=user.center_id).values_list("pk", flat=True))


def get_type_or_404(user, pk, *, own_only: bool = False) -> ProcedureType:
    from django.http import Http404

    procedure_type = types_for(user).filter(pk=pk).first()
    if procedure_type is None or (own_only and procedure_type.center_id is None):
        raise Http404("手続きの種類が見つかりません。")
    return procedure_type


def templates_list(user) -> QuerySet:
    center_id = user.center_id if user.is_authenticated else None
    if center_id is None:
        return CaseTemplate.objects.none()
    from django.db.models import Count

    return (CaseTemplate.objects.filter(Q(center__isnull=True) | Q(center_id=center_id))
            .annotate(item_count=Count("items")).order_by("case_kind", F("center_id").asc(nulls_last=True), "id"))


def get_template_or_404(user, pk, *, own_only: bool = False) -> CaseTemplate:
    from django.http import Http404

    template = templates_list(user).filter(pk=pk).first()
    if template is None or (own_only and template.center_id is None):
        raise Http404("テンプレートが見つかりません。")
    return template


def template_items(template: CaseTemplate) -> list:
    return list(template.items.select_related("procedure_type", "after", "after__procedure_type")
                .order_by("sort_order", "id"))
