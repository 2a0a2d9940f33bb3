"""The morning board (朝礼・ミーティング): today's and tomorrow's visits, accompaniments, releases, meetings and who
is out, per staff member, from the calendar and the records. Seven queries whatever the number of cases.

What a clerk sees: who is out, the meetings' kinds and times (not their titles or cases), follow-up visits and
procedures; never releases (justice information) nor anything read from a narrative."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.models import OPEN_PHASES
from yorisoi.privacy import policy
from yorisoi.procedures.models import OPEN_STATUSES, CaseProcedure, FollowUp, FollowUpStatus, FollowUpTarget
from yorisoi.records.models import ActivityKind

from .models import Absence, Meeting, MeetingKind
from .rules import meeting_access


@dataclass(frozen=True)
class Entry:
    kind: str         # meeting / visit / accompany / follow_up / procedure / release
    label: str        # the badge
    text: str
    time: dt.time | None = None
    url: str = ""
    case_number: str = ""
    person_id: int | None = None
    person_name: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.time is None, self.time or dt.time(0), self.kind, self.case_number)


@dataclass
class StaffColumn:
    staff: object
    absences: list = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


@dataclass
class DayBoard:
    date: dt.date
    columns: list[StaffColumn]
    unassigned: list[Entry] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [e for c in self.columns for e in c.entries] + self.unassigned

    @property
    def out(self) -> list[StaffColumn]:
        return [c for c in self.columns if c.absences]


def _name(family, given) -> str:
    return f"{family or ''} {given or ''}".strip()


def morning_board(user, *, today: dt.date | None = None) -> list[DayBoard]:
    today = today or timezone.localdate()
    days = [today, today + dt.timedelta(days=1)]
    ma = meeting_access(user)
    staff = list(policy.staff_for(user))
    boards = {d: DayBoard(date=d, columns=[StaffColumn(s) for s in staff]) for d in days}
    columns = {d: {c.staff.pk: c for c in boards[d].columns} for d in days}

    def put(day, staff_id, entry):
        column = columns[day].get(staff_id)
        (column.entries if column else boards[day].unassigned).append(entry)

    for absence in policy.of_center(Absence, user).filter(date__in=days):
        column = columns[absence.date].get(absence.staff_id)
        if column:
            column.absences.append(absence)

    labels = dict(MeetingKind.choices)
    through = Meeting.staff.through.objects.filter(
        meeting__in=policy.of_center(Meeting, user).filter(date__in=days, cancelled_at__isnull=True).values("pk"))
    for r in through.values("staff_id", "meeting_id", "meeting__date", "meeting__start_time", "meeting__kind",
                            "meeting__title", "meeting__place", "meeting__online"):
        place = "オンライン" if r["meeting__online"] else r["meeting__place"]
        text = r["meeting__title"] if ma.can_read else str(labels.get(r["meeting__kind"], ""))
        put(r["meeting__date"], r["staff_id"],
            Entry("meeting", "会議", text + (f"（{place}）" if place else ""), time=r["meeting__start_time"],
                  url=reverse("meetings:detail", args=[r["meeting_id"]]) if ma.can_read else ""))

    cases = policy.cases_for(user).filter(phase__in=OPEN_PHASES)
    case_values = ("case_id", "case__number", "case__main_staff_id", "case__person_id", "case__person__family_name",
                   "case__person__given_name")

    def case_entry(kind, label, text, r, url):
        return Entry(kind, label, text, url=url, case_number=r["case__number"], person_id=r["case__person_id"],
                     person_name=_name(r["case__person__family_name"], r["case__person__given_name"]))

    for r in (FollowUp.objects.filter(case__in=cases.values("pk"), status=FollowUpStatus.SCHEDULED, due_date__in=days)
              .values("due_date", "target", "interval_label", *case_values)):
        text = f"フォローアップ（{FollowUpTarget(r['target']).label}）" + (f"・{r['interval_label']}"
                                                                        if r["interval_label"] else "")
        put(r["due_date"], r["case__main_staff_id"],
            case_entry("follow_up", "訪問・連絡", text, r, reverse("procedures:follow_ups", args=[r["case_id"]])))

    for r in (policy.of_center(CaseProcedure, user).filter(case__in=cases.values("pk"), status__in=OPEN_STATUSES,
                                                           due_date__in=days)
              .values("due_date", "title", *case_values)):
        put(r["due_date"], r["case__main_staff_id"],
            case_entry("procedure", "手続き・同行", r["title"], r, reverse("procedures:case", args=[r["case_id"]])))

    if ma.can_see_justice:
        for r in cases.filter(expected_release_date__in=days).values(
                "pk", "number", "main_staff_id", "expected_release_date", "release_place", "person_id",
                "person__family_name", "person__given_name"):
            put(r["expected_release_date"], r["main_staff_id"],
                Entry("release", "釈放予定", "釈放予定" + (f"（{r['release_place']}）" if r["release_place"] else ""),
                      url=reverse("cases:detail", args=[r["pk"]]), case_number=r["number"], person_id=r["person_id"],
                      person_name=_name(r["person__family_name"], r["person__given_name"])))

    # Visits and accompaniments already recorded today (a record is written after the fact).
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(0)))
    recorded = (policy.activities_for(user)
                .filter(kind__in=[ActivityKind.VISIT, ActivityKind.ACCOMPANY], occurred_at__gte=start,
                        occurred_at__lt=start + dt.timedelta(days=2))
                .filter(Q(author__isnull=False))
                .values("author_id", "kind", "occurred_at", "counterpart", *case_values))
    for r in recorded:
        at = timezone.localtime(r["occurred_at"])
        kind_label = ActivityKind(r["kind"]).label
        put(at.date(), r["author_id"],
            Entry(r["kind"], f"{kind_label}（記録済み）", r["counterpart"] or kind_label, time=at.time(),
                  url=reverse("cases:detail", args=[r["case_id"]]), case_number=r["case__number"],
                  person_id=r["case__person_id"],
                  person_name=_name(r["case__person__family_name"], r["case__person__given_name"])))

    for board in boards.values():
        for column in board.columns:
            column.entries.sort(key=lambda e: e.sort_key)
        board.unassigned.sort(key=lambda e: e.sort_key)
    return [boards[d] for d in days]
