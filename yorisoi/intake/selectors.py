"""Reads for intake: who may do what, scoped querysets, lists, counts and the organization picker.

Rules (on top of `policy.access_for`):
- the phone referral opens a case: directors and workers (`policy.may_open_case`);
- pre-consultations name a person together with the fact that a justice agency asked about them
  (要配慮個人情報): only roles that see justice information read them (directors, workers, auditors);
  directors and workers write. Every detail view is logged. They are the center's shared agenda (the
  liaison meeting), so in the ASSIGNED case-visibility mode they stay visible to every worker;
- consultation-only contacts name nobody: every role of the center reads them (clerks without the
  text of the advice), directors and workers write.
Another center's entries answer 404 exactly like missing ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case as Conditional
from django.db.models import Count, IntegerField, QuerySet, Sum, Value, When
from django.http import Http404

from yorisoi.cases.models import OPEN_PHASES, Phase
from yorisoi.common.dates import format_checked, in_range
from yorisoi.common.eras import fiscal_year
from yorisoi.partners.models import KindGroup
from yorisoi.partners.selectors import organizations_for
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import areas

from .models import Consultation, ConsultationTopic, PreConsultation, PreConsultationStatus

# Who may do what here: the rules live in the policy (privacy/policy/areas.py).
IntakeAccess = areas.IntakeAccess
intake_access = areas.intake_access


# --- scoped querysets and single objects ------------------------------------------------------------


def pre_consultations_for(user) -> QuerySet:
    if not intake_access(user).can_view_pre_consultations:
        return PreConsultation.objects.none()
    return policy.of_center(PreConsultation, user)


def consultations_for(user) -> QuerySet:
    if not intake_access(user).can_view_consultations:
        return Consultation.objects.none()
    return policy.of_center(Consultation, user)


def get_pre_consultation_or_404(request, pk, *, log: bool = True) -> PreConsultation:
    """The entry if it is the user's center's (404 otherwise); the caller checks the role first. Logs the view."""
    entry = (policy.of_center(PreConsultation, request.user).filter(pk=pk)
             .select_related("organization", "person", "staff", "case", "created_by").first())
    if entry is None:
        raise Http404("事前相談が見つかりません。")
    if log:
        log_access(request=request, action=AccessAction.VIEW, obj=entry, person_id=entry.person_id,
                   section="pre_consultation")
    return entry


def get_consultation_or_404(request, pk) -> Consultation:
    entry = (policy.of_center(Consultation, request.user).filter(pk=pk)
             .select_related("organization", "staff", "created_by").first())
    if entry is None:
        raise Http404("相談支援の記録が見つかりません。")
    return entry


# --- the exact-name check ------------------------------------------------------------------------------


@dataclass
class Candidate:
    person: object
    open_cases: list = field(default_factory=list)  # (pk, number, phase label) of the person's open cases


def same_name_results(*, user, family_name: str, given_name: str, request=None) -> list[Candidate]:
    """Registered persons whose name matches (kana, width and variant kanji folded), with their open cases.

    Uses people.services.same_name_candidates (at most 10) and one more query for the open cases. A check
    that finds someone is logged as a search (the count only: the name stays out of the log).
    """
    from yorisoi.people.services import same_name_candidates

    if not (family_name or "").strip():
        return []
    persons = list(same_name_candidates(actor=user, family_name=family_name, given_name=given_name or ""))
    if not persons:
        return []
    by_person = {p.pk: Candidate(p) for p in persons}
    for pk, number, phase, person_id in (policy.cases_for(user).filter(person_id__in=by_person,
                                                                        phase__in=OPEN_PHASES)
                                         .order_by("id").values_list("pk", "number", "phase", "person_id")):
        by_person[person_id].open_cases.append((pk, number, Phase(phase).label))
    log_access(request=request, actor=user, action=AccessAction.SEARCH, section="intake_name_check",
               detail=f"{len(persons)}件")
    return list(by_person.values())


# --- lists -----------------------------------------------------------------------------------------------


def pre_consultation_list(*, user, status: str = "", for_meeting: bool = False) -> QuerySet:
    qs = pre_consultations_for(user).select_related("organization", "staff", "case", "person")
    if status:
        qs = qs.filter(status=status)
    if for_meeting:
        qs = qs.filter(for_liaison_meeting=True)
    return qs.order_by("-consulted_on", "-id")


def meeting_agenda(*, user) -> QuerySet:
    """The entries to discuss at the liaison meeting: flagged and still open, oldest first by source."""
    return (pre_consultations_for(user).filter(for_liaison_meeting=True,
                                               status=PreConsultationStatus.CONSIDERING)
            .select_related("organization", "staff").order_by("source_kind", "consulted_on", "id"))


def consultation_list(*, user, fy: int | None = None, topic: str = "") -> QuerySet:
    qs = consultations_for(user).select_related("organization", "staff")
    if fy is not None:
        start, end = fiscal_year_bounds(fy)
        qs = qs.filter(consulted_on__gte=start, consulted_on__lte=end)
    if topic:
        qs = qs.filter(topic=topic)
    return qs.order_by("-consulted_on", "-id")


# --- consultation counts per month and fiscal year (年度) ----------------------------------------------

FISCAL_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def fiscal_year_bounds(fy: int) -> tuple[dt.date, dt.date]:
    return dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)


def fiscal_year_label(fy: int) -> str:
    """令和8年度（2026年度）"""
    return f"{format_checked(dt.date(fy, 4, 1), style='year')}度（{fy}年度）"


@dataclass
class MonthCount:
    year: int
    month: int
    count: int
    minutes: int


@dataclass
class ConsultationSummary:
    fy: int
    months: list[MonthCount]
    total: int
    total_minutes: int
    about_person: int
    by_topic: list[tuple[str, str, int]]
    years: list[tuple[int, str, int]]  # (fiscal year, label, count), newest first

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fy)


def consultation_summary(*, user, fy: int) -> ConsultationSummary:
    """Counts of one fiscal year by month and by topic, and the totals of every fiscal year (3 queries)."""
    start, end = fiscal_year_bounds(fy)
    year_qs = consultations_for(user).filter(consulted_on__gte=start, consulted_on__lte=end).order_by()
    per_day = {}
    for day, n, minutes in (year_qs.values_list("consulted_on").annotate(n=Count("id"), m=Sum("minutes"))
                            .values_list("consulted_on", "n", "m")):
        count, total = per_day.get((day.year, day.month), (0, 0))
        per_day[(day.year, day.month)] = (count + n, total + (minutes or 0))
    months = []
    for month in FISCAL_MONTHS:
        year = fy if month >= 4 else fy + 1
        count, minutes = per_day.get((year, month), (0, 0))
        months.append(MonthCount(year, month, count, minutes))
    topics = dict(year_qs.values_list("topic").annotate(n=Count("id")).values_list("topic", "n"))
    about = year_qs.filter(about_person=True).count()
    years: dict[int, int] = {}
    for day, n in (consultations_for(user).order_by().values_list("consulted_on").annotate(n=Count("id"))
                   .values_list("consulted_on", "n")):
        if not in_range(day):
            continue  # a date outside the date rule has no fiscal year to count in (the director's 日付の確認 lists it)
        years[fiscal_year(day)] = years.get(fiscal_year(day), 0) + n
    years.setdefault(fy, 0)
    return ConsultationSummary(
        fy=fy, months=months, total=sum(m.count for m in months), total_minutes=sum(m.minutes for m in months),
        about_person=about,
        by_topic=[(code, label, topics.get(code, 0)) for code, label in ConsultationTopic.choices],
        years=[(year, fiscal_year_label(year), n) for year, n in sorted(years.items(), reverse=True)],
    )


# --- the organization picker: justice agencies first ---------------------------------------------------


def organization_choices(user) -> list:
    """Choices for a <select> with optgroups: 司法関係 first, then the rest of the directory (one query)."""
    orgs = (organizations_for(user).filter(active=True).select_related("kind")
            .annotate(justice_first=Conditional(When(kind__group=KindGroup.JUSTICE, then=Value(0)), default=Value(1),
                                          output_field=IntegerField()))
            .order_by("justice_first", "kind__sort_order", "name_kana", "name", "id"))
    justice, others = [], []
    for org in orgs:
        label = f"{org}（{org.kind.short_label}）"
        (justice if org.kind.group == KindGroup.JUSTICE else others).append((str(org.pk), label))
    choices = [("", "一覧から選ばない（下の欄に入力）")]
    if justice:
        choices.append(("司法関係（検察庁・保護観察所・矯正施設など）", justice))
    if others:
        choices.append(("その他の関係機関", others))
    return choices
