"""Reads of the meetings app. Every query starts from the policy (`of_center`, `cases_for`); the lists, the boards
and the inbox readers cost a fixed number of queries whatever the number of meetings or cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from yorisoi.cases.models import OPEN_PHASES, Case
from yorisoi.intake import selectors as intake_selectors
from yorisoi.partners.models import OrganizationContact
from yorisoi.privacy import policy
from yorisoi.procedures.models import OPEN_STATUSES, CaseProcedure, ProtectionStatus, UrgentProtection
from yorisoi.records.models import Activity

from . import conf
from .models import (
    ActionStatus,
    CaseStudyMaterial,
    Concern,
    ConcernIdea,
    ConcernStatus,
    Decision,
    MaterialStatus,
    Meeting,
    MeetingAction,
    MeetingKind,
    MinutesAttachment,
    ReviewOutcome,
)
from .rules import meeting_access

# --- meetings ---------------------------------------------------------------------------------------------------


def meetings_for(user) -> QuerySet:
    """The center's meetings, for those who may read them (not clerks: meetings speak of cases)."""
    if not meeting_access(user).can_read:
        return Meeting.objects.none()
    return policy.of_center(Meeting, user).filter(cancelled_at__isnull=True)


def visible_cases(user) -> Prefetch:
    """The cases of a meeting that the user may open (ASSIGNED mode hides the others), with their persons."""
    return Prefetch("cases", queryset=policy.cases_for(user).select_related("person").order_by("number"),
                    to_attr="shown_cases")


def meeting_list(*, user, kind: str = "", upcoming: bool = False, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    qs = meetings_for(user).prefetch_related(visible_cases(user), "staff")
    if kind:
        qs = qs.filter(kind=kind)
    if upcoming:
        qs = qs.filter(date__gte=today).order_by("date", "start_time", "id")
    return qs


def get_meeting_or_404(request, pk) -> Meeting:
    meeting = (meetings_for(request.user).select_related("minutes_by", "series", "created_by")
               .prefetch_related(visible_cases(request.user), "staff",
                                 Prefetch("contacts", queryset=_contacts()))
               .filter(pk=pk).first())
    if meeting is None:
        raise Http404("会議が見つかりません。")
    return meeting


def _contacts():
    return OrganizationContact.objects.select_related("organization", "organization__kind").order_by(
        "organization__name", "name")


def get_attachment_or_404(meeting: Meeting, pk: int) -> MinutesAttachment:
    """An attachment of a meeting already found through the policy (get_meeting_or_404)."""
    attachment = meeting.attachments.select_related("meeting").filter(pk=pk).first()
    if attachment is None:
        raise Http404("添付ファイルが見つかりません。")
    return attachment


def minutes_of(*, user, meeting: Meeting) -> dict:
    """Decisions and actions of a meeting; those about a case the user may not open are left out."""
    cases = policy.cases_for(user).values("pk")
    reachable = Q(case__isnull=True) | Q(case__in=cases)
    decisions = list(meeting.decisions.filter(reachable).select_related("decided_by", "case", "organization"))
    actions = list(meeting.actions.filter(reachable).select_related("owner", "case", "closed_by"))
    attachments = list(meeting.attachments.select_related("uploaded_by"))
    return {"decisions": decisions, "actions": actions, "attachments": attachments}


def minutes_versions(*, meeting: Meeting) -> list:
    """The saved states of the discussion, newest first, with who saved them and why."""
    versions = list(meeting.history.select_related("history_user").order_by("-history_date", "-history_id"))
    kept, previous = [], object()
    for row in reversed(versions):
        if row.discussion != previous:
            kept.append(row)
            previous = row.discussion
    return list(reversed(kept))


@dataclass(frozen=True)
class CaseMinutes:
    """A meeting that discussed a case, as an entry of the case's timeline (records.timeline)."""

    meeting: Meeting
    decisions: list
    actions: list
    outcome: ReviewOutcome | None
    timeline_template = "meetings/_timeline_minutes.html"

    @property
    def occurred_at(self) -> dt.datetime:
        return _starts_at(self.meeting.date, self.meeting.start_time)


def _starts_at(date: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, time))


def _from(moment: dt.datetime) -> Q:
    local = timezone.localtime(moment)
    return Q(date__gt=local.date()) | Q(date=local.date(), start_time__gte=local.time())


def minutes_for_case(*, user, case: Case, since: dt.datetime | None = None, until: dt.datetime | None = None,
                     limit: int = 50) -> list[CaseMinutes]:
    """The meetings held so far that discussed a case, newest first, each with its decisions, actions and review
    outcome about that case: those starting from `since` (inclusive) and before `until` (exclusive) when given.
    Nothing for users who may not read meetings (clerks). Four queries."""
    qs = meetings_for(user).filter(cases=case, date__lte=timezone.localdate())
    if since is not None:
        qs = qs.filter(_from(since))
    if until is not None:
        qs = qs.exclude(_from(until))
    meetings = list(qs.select_related("minutes_by").annotate(attachment_count=Count("attachments"))
                    .order_by("-date", "-start_time", "-id")[:limit])
    if not meetings:
        return []
    ids = [m.pk for m in meetings]
    decisions, actions, outcomes = {}, {}, {}
    for d in Decision.objects.filter(meeting_id__in=ids).filter(Q(case=case) | Q(case__isnull=True)) \
            .select_related("decided_by"):
        decisions.setdefault(d.meeting_id, []).append(d)
    for a in MeetingAction.objects.filter(meeting_id__in=ids, case=case).select_related("owner"):
        actions.setdefault(a.meeting_id, []).append(a)
    for o in ReviewOutcome.objects.filter(meeting_id__in=ids, case=case).select_related("recorded_by"):
        outcomes[o.meeting_id] = o
    return [CaseMinutes(m, decisions.get(m.pk, []), actions.get(m.pk, []), outcomes.get(m.pk)) for m in meetings]


def case_timeline_source(*, user, case: Case, since, until) -> list[CaseMinutes]:
    """records.timeline's source: the minutes of the meetings in the window of a page of the case's records."""
    return minutes_for_case(user=user, case=case, since=since, until=until)


# --- the inbox and the calendar ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    pk: int
    date: dt.date
    start_time: dt.time
    end_time: dt.time | None
    kind: str
    kind_label: str
    title: str
    place: str
    online: bool


def meetings_between(user, *, since: dt.date, until: dt.date, mine: bool) -> list[MeetingRow]:
    """Meetings from `since` to `until`: those the user takes part in (mine), or all of the center. One query."""
    qs = meetings_for(user).filter(date__gte=since, date__lte=until)
    if mine:
        qs = qs.filter(staff=user)
    labels = dict(MeetingKind.choices)
    return [MeetingRow(pk=r["pk"], date=r["date"], start_time=r["start_time"], end_time=r["end_time"],
                       kind=r["kind"], kind_label=str(labels.get(r["kind"], "")), title=r["title"], place=r["place"],
                       online=r["online"])
            for r in qs.order_by("date", "start_time", "id").distinct()
            .values("pk", "date", "start_time", "end_time", "kind", "title", "place", "online")]


def open_actions(user, *, until: dt.date, mine: bool) -> QuerySet:
    """Open action items due by `until` (overdue included): the user's own, or all of the center. One query."""
    if not meeting_access(user).can_read:
        return MeetingAction.objects.none()
    qs = MeetingAction.objects.filter(meeting__in=meetings_for(user).values("pk"), status=ActionStatus.OPEN,
                                      due_date__lte=until)
    qs = qs.filter(owner=user) if mine else qs.filter(Q(case__isnull=True)
                                                      | Q(case__in=policy.cases_for(user).values("pk")))
    return qs.select_related("owner", "case", "case__person", "meeting").order_by("due_date", "id")


def get_action_or_404(request, pk) -> MeetingAction:
    action = (MeetingAction.objects.filter(meeting__in=meetings_for(request.user).values("pk"))
              .select_related("meeting", "case").filter(pk=pk).first())
    if action is None or (action.case is not None and not policy.may_reach(request.user, action.case)):
        raise Http404("対応が見つかりません。")
    return action


# --- concerns ---------------------------------------------------------------------------------------------------


def concerns_for(user) -> QuerySet:
    if not meeting_access(user).can_read:
        return Concern.objects.none()
    return Concern.objects.filter(case__in=policy.cases_for(user).values("pk"))


def concerns_of_case(*, user, case: Case) -> list[Concern]:
    return list(concerns_for(user).filter(case=case).select_related("raised_by", "resolved_by", "resolved_in")
                .prefetch_related(Prefetch("ideas", queryset=ConcernIdea.objects.select_related("author")))
                .order_by("status", "-created_at", "-id"))


def open_concerns(*, user) -> list[Concern]:
    return list(concerns_for(user).filter(status=ConcernStatus.OPEN)
                .select_related("case", "case__person", "raised_by")
                .annotate(idea_count=Count("ideas")).order_by("created_at", "id"))


def get_concern_or_404(request, pk) -> Concern:
    concern = (policy.of_center(Concern, request.user).filter(pk=pk).select_related("case").first()
               if meeting_access(request.user).can_read else None)
    if concern is None:
        raise Http404("悩み・課題が見つかりません。")
    policy.get_case_or_404(request, concern.case_id, "view", section="concern")
    return concern


# --- the review board -------------------------------------------------------------------------------------------


@dataclass
class BoardRow:
    case: Case
    last_contact: dt.datetime | None
    days_since_contact: int | None
    open_concerns: int
    last_discussed: dt.date | None
    weeks_since_discussed: int | None
    protection_end: dt.date | None
    next_procedure_due: dt.date | None
    overdue_procedures: int
    stalled_procedures: int
    first: bool  # not discussed for N weeks (or never): comes first
    outcome: ReviewOutcome | None = None

    @property
    def next_deadline(self) -> tuple[dt.date, str] | None:
        """The nearest of the expected release, the end of 更生緊急保護 and the next procedure's due date."""
        dates = []
        if self.case.expected_release_date:
            dates.append((self.case.expected_release_date, "釈放予定日"))
        if self.protection_end:
            dates.append((self.protection_end, "更生緊急保護の終了"))
        if self.next_procedure_due:
            dates.append((self.next_procedure_due, "手続きの期限"))
        return min(dates) if dates else None

    @property
    def stalled(self) -> list[str]:
        items = []
        if self.stalled_procedures:
            items.append(f"{self.stalled_procedures}件の手続きが{conf.stalled_days()}日以上動いていません")
        if self.days_since_contact is None:
            items.append("支援経過記録がありません")
        elif self.days_since_contact >= conf.stalled_days():
            items.append(f"{self.days_since_contact}日連絡の記録がありません")
        return items


def _count(qs: QuerySet) -> Coalesce:
    return Coalesce(Subquery(qs.order_by().values("case_id").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), 0)


def review_board(*, user, today: dt.date | None = None, meeting: Meeting | None = None) -> list[BoardRow]:
    """Every open case the user may open, with what the weekly review looks at; the cases not discussed for
    YORISOI_REVIEW_STALE_WEEKS weeks (or never) first, then the longest undiscussed. Two queries (three with the
    outcomes of `meeting`), whatever the number of cases."""
    today = today or timezone.localdate()
    stalled_since = timezone.now() - dt.timedelta(days=conf.stalled_days())
    case = OuterRef("pk")
    procedures = CaseProcedure.objects.filter(case_id=case, status__in=OPEN_STATUSES)
    discussed = (Meeting.cases.through.objects.filter(case_id=case, meeting__date__lte=today,
                                                      meeting__cancelled_at__isnull=True)
                 .exclude(meeting_id=meeting.pk if meeting else None)
                 .order_by("-meeting__date").values("meeting__date")[:1])
    qs = (policy.cases_for(user).filter(phase__in=OPEN_PHASES).select_related("person", "main_staff")
          .annotate(
              last_contact=Subquery(Activity.objects.filter(case_id=case, deleted_at__isnull=True)
                                    .order_by("-occurred_at").values("occurred_at")[:1]),
              open_concerns=_count(Concern.objects.filter(case_id=case, status=ConcernStatus.OPEN)),
              last_discussed=Subquery(discussed),
              protection_end=Subquery(UrgentProtection.objects.filter(case_id=case, status=ProtectionStatus.ACTIVE)
                                      .values("end_date")[:1]),
              next_procedure_due=Subquery(procedures.filter(due_date__isnull=False).order_by("due_date")
                                          .values("due_date")[:1]),
              overdue_procedures=_count(procedures.filter(due_date__lt=today)),
              stalled_procedures=_count(procedures.filter(updated_at__lt=stalled_since)),
          ))
    stale_weeks = conf.review_stale_weeks()
    rows = []
    for c in qs:
        contact_day = timezone.localtime(c.last_contact).date() if c.last_contact else None
        weeks = (today - c.last_discussed).days // 7 if c.last_discussed else None
        rows.append(BoardRow(
            case=c, last_contact=c.last_contact,
            days_since_contact=(today - contact_day).days if contact_day else None,
            open_concerns=c.open_concerns, last_discussed=c.last_discussed, weeks_since_discussed=weeks,
            protection_end=c.protection_end, next_procedure_due=c.next_procedure_due,
            overdue_procedures=c.overdue_procedures, stalled_procedures=c.stalled_procedures,
            first=weeks is None or weeks >= stale_weeks))
    if meeting is not None:
        outcomes = {o.case_id: o for o in ReviewOutcome.objects.filter(meeting=meeting).select_related("recorded_by")}
        for row in rows:
            row.outcome = outcomes.get(row.case.pk)
    rows.sort(key=lambda r: (not r.first, r.last_discussed or dt.date.min, r.case.number))
    return rows


# --- opinion exchanges (意見交換会) --------------------------------------------------------------------------------


@dataclass
class ExchangeAgenda:
    since: dt.date | None  # the previous exchange (None: the first one)
    pre_consultations: list
    closed_cases: list
    opened_cases: list


def exchange_agenda(*, user, meeting: Meeting) -> ExchangeAgenda:
    """What an opinion exchange with the justice agencies looks at: the pre-consultations flagged for it and still
    open, and the cases closed or opened since the previous exchange (to look back on together). Four queries."""
    since = (meetings_for(user).filter(kind=MeetingKind.EXCHANGE, date__lt=meeting.date)
             .order_by("-date").values_list("date", flat=True).first())
    start = since or meeting.date - dt.timedelta(days=183)
    cases = policy.cases_for(user).select_related("person", "main_staff")
    pre = (list(intake_selectors.meeting_agenda(user=user))
           if intake_selectors.intake_access(user).can_view_pre_consultations else [])
    return ExchangeAgenda(
        since=since, pre_consultations=pre,
        closed_cases=list(cases.filter(end_date__gte=start, end_date__lte=meeting.date).order_by("end_date")),
        opened_cases=list(cases.filter(referral_date__gte=start, referral_date__lte=meeting.date)
                          .order_by("referral_date")))


# --- case-study material (事例検討会) ------------------------------------------------------------------------------


def materials_for(user) -> QuerySet:
    """Case-study material the user may read: every released one of the center (anonymised: that is what it is
    for), and the user's own drafts. Others' drafts are not shown: their author has not reviewed them yet."""
    if not meeting_access(user).can_read:
        return CaseStudyMaterial.objects.none()
    return (policy.of_center(CaseStudyMaterial, user)
            .filter(Q(status=MaterialStatus.RELEASED) | Q(author_id=user.pk)))


def materials_of(*, user, meeting: Meeting) -> list[CaseStudyMaterial]:
    """The material of a 事例検討会, released first, then drafts. One query."""
    return list(materials_for(user).filter(meeting=meeting).select_related("author")
                .order_by("-status", "created_at", "id"))


def get_material_or_404(request, pk) -> CaseStudyMaterial:
    material = materials_for(request.user).select_related("author", "meeting", "case").filter(pk=pk).first()
    if material is None:
        raise Http404("事例検討の資料が見つかりません。")
    return material
