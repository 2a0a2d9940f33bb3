"""Reads of the inbox: everything dated that a staff member must do, gathered from the other apps' selectors
(procedures, follow-ups) and from read-only queries of their models where no selector fits (protection end
dates for any range, releases with a configurable window, certificate renewals, plan actions and reviews,
決裁). Every query starts from the policy (`cases_for`, `persons_for`); each costs one query whatever the
number of rows, so the inbox, the calendar and the feed cost a fixed number of queries.

Who sees what (`kinds_for`, `scope_for`):
- directors: everything; 「自分の担当」 by default, 「センター全体」 on request;
- workers: everything on the cases where they are main or sub staff, and the plan actions they own;
- clerks (事務): procedures and certificate renewals of the whole center (they run those procedures);
  nothing that tells a justice or health story (no releases, protections, plan actions or reviews);
- auditors (閲覧): the whole center, read only (no 決裁).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.models import OPEN_PHASES, CasePause, Phase
from yorisoi.medical.models import CheckKind, HealthCheck, Medication
from yorisoi.meetings import selectors as meeting_selectors
from yorisoi.office import selectors as office_selectors
from yorisoi.people.models import CertificateKind, DisabilityCertificate
from yorisoi.planning.models import (
    ActionStatus,
    ApprovalStatus,
    ClosureItem,
    ClosureRequest,
    PlanAction,
    SupportPlan,
)
from yorisoi.planning.rules import may_approve
from yorisoi.privacy import policy
from yorisoi.privacy.policy import areas
from yorisoi.procedures import conf as procedure_conf
from yorisoi.procedures import selectors as procedure_selectors
from yorisoi.procedures.models import FollowUp, FollowUpStatus, FollowUpTarget, ProtectionStatus, UrgentProtection
from yorisoi.workflow.choices import Handling, ItemKind

from . import conf
from .rules import CENTER, MINE, scope_for

try:  # the disclosure app is being built alongside this one; its selector is used when it is there
    from yorisoi.disclosure.selectors import agreements_expiring
except ImportError:  # pragma: no cover - only while the disclosure app lacks it
    agreements_expiring = None


@dataclass(frozen=True)
class Kind:
    label: str        # the badge in the inbox and the calendar
    feed_label: str   # the calendar feed's summary: neutral words, no health or justice detail
    order: int        # among the items of one day


KINDS: dict[str, Kind] = {
    "meeting": Kind("会議", "会議", -1),
    "meeting_action": Kind("会議で決めた対応", "会議で決めた対応の期限", 3),
    "protection": Kind("更生緊急保護", "保護期間の終了", 0),
    "release": Kind("釈放予定", "受入れ予定日", 1),
    "procedure": Kind("手続き", "手続き期限", 2),
    "plan_action": Kind("計画の行動", "支援計画の行動期限", 3),
    "follow_up": Kind("フォローアップ", "フォローアップ予定", 4),
    "carried_follow_up": Kind("フォローアップ", "フォローアップ予定", 4),
    "recontact": Kind("再連絡", "再連絡の予定", 4),
    "plan_review": Kind("計画の見直し", "支援計画の見直し", 5),
    "certificate": Kind("手帳の更新", "更新手続きの期限", 6),
    "agreement": Kind("取り決め", "取り決めの終了", 7),
    "approval": Kind("決裁", "決裁", 8),
    "medication": Kind("常用薬", "通院・服薬の確認", 2),
    "health_check": Kind("健診", "健診の期限", 6),
    "vehicle": Kind("車両の点検", "車両の点検・保険の期限", 6),
    "incident": Kind("漏えい等の報告", "報告の期限", 0),
}
CASE_KINDS = ("protection", "release", "procedure", "plan_action", "follow_up", "carried_follow_up", "recontact",
              "plan_review", "certificate", "meeting", "meeting_action", "medication", "health_check")
# Kinds that are events on a day (a meeting), not deadlines: never overdue, listed from a given day on.
EVENT_KINDS = ("meeting",)
CLERK_KINDS = ("procedure", "certificate")
# Phases in which a passed release date means the case has not moved on since (no placement recorded yet).
BEFORE_RELEASE_PHASES = (Phase.INTAKE, Phase.COORDINATING)


@dataclass(frozen=True)
class Item:
    """One dated thing to do. `days_left` is negative when overdue; `level` (protection only) is the warning
    threshold reached (30 / 14 / 7 by default); `key` identifies the item across fetches (the feed's UID)."""

    date: dt.date
    kind: str
    title: str
    days_left: int
    url: str
    key: str
    case_id: int | None = None
    case_number: str = ""
    person_id: int | None = None
    person_name: str = ""
    level: int | None = None
    note: str = ""
    comment: str = ""  # 決裁: the approver's comment, shown to the submitter
    notice: bool = False  # 決裁: an approval to read, nothing left to do
    event: bool = False  # a meeting: it happens on its day, it is never overdue
    close_url: str = ""  # an action item the user may close from the inbox (POST)
    feed_text: str = ""  # what the calendar feed says instead of the case number (neutral words only)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind].label

    @property
    def feed_label(self) -> str:
        return KINDS[self.kind].feed_label

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and not self.event

    @property
    def is_today(self) -> bool:
        return self.days_left == 0

    @property
    def sort_key(self) -> tuple:
        return (self.date, KINDS[self.kind].order, self.case_number, self.key)


# --- who sees what (the scope rules are in rules.py) -------------------------------------------------


def _office_kinds(user) -> tuple[str, ...]:
    """センター運営: vehicle inspections for those who keep the vehicles, report deadlines for those who handle
    incidents."""
    return ((("vehicle",) if areas.sees_office_reminders(user) else ())
            + (("incident",) if areas.sees_incident_deadlines(user) else ()))


def kinds_for(user) -> tuple[str, ...]:
    if not user.is_authenticated or user.center_id is None:
        return ()
    if areas.sees_clerical_items_only(user):
        return CLERK_KINDS + _office_kinds(user)
    kinds = CASE_KINDS
    if areas.sees_agreements(user) and agreements_expiring is not None:
        kinds += ("agreement",)
    return kinds + _office_kinds(user)


def shows_approvals(user) -> bool:
    return areas.has_own_cases(user)


# --- one query per kind ------------------------------------------------------------------------------------


def _name(family: str | None, given: str | None) -> str:
    return f"{family or ''} {given or ''}".strip()


def _open_cases(user, mine: bool) -> QuerySet:
    cases = policy.cases_for(user).filter(phase__in=OPEN_PHASES)
    if mine:
        cases = cases.filter(Q(main_staff=user) | Q(sub_staff=user))
    return cases


def _from_due_rows(rows) -> list[Item]:
    return [Item(date=r.date, kind=r.kind, title=r.title, days_left=r.days_left, url=r.url, key=r.url,
                 case_id=r.case_id, case_number=r.case_number, person_id=r.person_id, person_name=r.person_name,
                 level=r.level) for r in rows]


def _procedures(user, today, until, mine) -> list[Item]:
    return _from_due_rows(procedure_selectors.procedures_due(user, today, (until - today).days, mine_only=mine))


def _follow_ups(user, today, until, mine) -> list[Item]:
    return _from_due_rows(procedure_selectors.follow_ups_due(user, today, (until - today).days, mine_only=mine))


def _carried_follow_ups(user, today, until, mine) -> list[Item]:
    """Follow-ups kept on purpose after the case closed (the closure checklist's 終結後も継続): still to do,
    marked so. One query."""
    cases = policy.cases_for(user).filter(phase=Phase.CLOSED)
    if mine:
        cases = cases.filter(Q(main_staff=user) | Q(sub_staff=user))
    carried = ClosureItem.objects.filter(request__status=ApprovalStatus.APPROVED, request__case__in=cases.values("pk"),
                                         kind=ItemKind.FOLLOW_UP, handling=Handling.CARRY_OVER)
    rows = (FollowUp.objects.filter(case__in=cases.values("pk"), status=FollowUpStatus.SCHEDULED, due_date__lte=until,
                                    pk__in=carried.values("object_id"))
            .order_by("due_date", "case_id", "id")
            .values("pk", "due_date", "target", "interval_label", "case_id", "case__number", "case__person_id",
                    "case__person__family_name", "case__person__given_name"))
    items = []
    for r in rows:
        title = (f"フォローアップ：{FollowUpTarget(r['target']).label}"
                 + (f"・{r['interval_label']}" if r["interval_label"] else "") + "（終結後も継続）")
        items.append(Item(date=r["due_date"], kind="carried_follow_up", title=title,
                          days_left=(r["due_date"] - today).days,
                          url=reverse("procedures:follow_ups", args=[r["case_id"]]) + f"#follow-up-{r['pk']}",
                          key=f"follow-up-carried-{r['pk']}", case_id=r["case_id"], case_number=r["case__number"],
                          person_id=r["case__person_id"],
                          person_name=_name(r["case__person__family_name"], r["case__person__given_name"])))
    return items


def _recontacts(user, today, until, mine) -> list[Item]:
    """Paused cases (休止): the next try to reach the person. One query."""
    rows = (CasePause.objects.filter(case__in=_open_cases(user, mine).filter(phase=Phase.PAUSED).values("pk"),
                                     ended_at__isnull=True, next_attempt_on__lte=until)
            .order_by("next_attempt_on", "case_id")
            .values("pk", "next_attempt_on", "reason_kind", "case_id", "case__number", "case__person_id",
                    "case__person__family_name", "case__person__given_name"))
    items = []
    for r in rows:
        reason = CasePause._meta.get_field("reason_kind").choices
        label = dict(reason).get(r["reason_kind"], "")
        items.append(Item(date=r["next_attempt_on"], kind="recontact", title=f"休止中のケースに連絡を試みる（{label}）",
                          days_left=(r["next_attempt_on"] - today).days,
                          url=reverse("cases:detail", args=[r["case_id"]]) + "#pause", key=f"recontact-{r['pk']}",
                          case_id=r["case_id"], case_number=r["case__number"], person_id=r["case__person_id"],
                          person_name=_name(r["case__person__family_name"], r["case__person__given_name"])))
    return items


def _protections(user, today, until, mine) -> list[Item]:
    """Like procedures.selectors.protection_warnings (same thresholds and levels), but up to any date: the
    inbox asks as far as its window or the largest threshold, the calendar as far as the month it shows."""
    thresholds = procedure_conf.protection_warning_days()
    until = max(until, today + dt.timedelta(days=thresholds[0]))
    rows = (policy.of_center(UrgentProtection, user).filter(case__in=_open_cases(user, mine).values("pk"),
                                                            status=ProtectionStatus.ACTIVE, end_date__isnull=False,
                                                            end_date__lte=until)
            .order_by("end_date", "case_id")
            .values("pk", "end_date", "case_id", "case__number", "case__person_id", "case__person__family_name",
                    "case__person__given_name"))
    items = []
    for r in rows:
        days_left = (r["end_date"] - today).days
        title = "更生緊急保護の期間が終わっています" if days_left < 0 else "更生緊急保護の期間が終わります"
        items.append(Item(date=r["end_date"], kind="protection", title=title, days_left=days_left,
                          url=reverse("procedures:protection", args=[r["case_id"]]), key=f"protection-{r['pk']}",
                          case_id=r["case_id"], case_number=r["case__number"], person_id=r["case__person_id"],
                          person_name=_name(r["case__person__family_name"], r["case__person__given_name"]),
                          level=procedure_selectors.warning_level(days_left, thresholds)))
    return items


def _releases(user, today, until, mine) -> list[Item]:
    """Expected releases up to `until` (cases.selectors.upcoming_releases has a fixed window); a passed date is
    kept only while the case is still in 相談受付 or 調整中, i.e. nothing was recorded after the release."""
    rows = (_open_cases(user, mine)
            .filter(expected_release_date__isnull=False, expected_release_date__lte=until)
            .filter(Q(expected_release_date__gte=today) | Q(phase__in=BEFORE_RELEASE_PHASES))
            .order_by("expected_release_date", "id")
            .values("pk", "number", "phase", "expected_release_date", "release_place", "person_id",
                    "person__family_name", "person__given_name"))
    items = []
    for r in rows:
        days_left = (r["expected_release_date"] - today).days
        if days_left < 0:
            title = f"釈放予定日を過ぎています（段階が「{Phase(r['phase']).label}」のままです）"
        else:
            title = "釈放予定日" + (f"（{r['release_place']}）" if r["release_place"] else "")
        items.append(Item(date=r["expected_release_date"], kind="release", title=title, days_left=days_left,
                          url=reverse("cases:detail", args=[r["pk"]]), key=f"release-{r['pk']}", case_id=r["pk"],
                          case_number=r["number"], person_id=r["person_id"],
                          person_name=_name(r["person__family_name"], r["person__given_name"])))
    return items


def _certificates(user, today, until, mine) -> list[Item]:
    """Certificate renewals of the persons the user may open who have an open case (in scope); the row names
    the person's most recent open case."""
    open_cases = _open_cases(user, mine)
    latest_case = open_cases.filter(person_id=OuterRef("person_id")).order_by("-referral_date", "-id")
    rows = (DisabilityCertificate.objects
            .filter(person__in=policy.persons_for(user).values("pk"),
                    person_id__in=open_cases.values("person_id"),
                    renewal_due__isnull=False, renewal_due__lte=until)
            .annotate(case_id=Subquery(latest_case.values("pk")[:1]),
                      case_number=Subquery(latest_case.values("number")[:1]))
            .order_by("renewal_due", "id")
            .values("pk", "kind", "renewal_due", "person_id", "person__family_name", "person__given_name",
                    "case_id", "case_number"))
    items = []
    for r in rows:
        days_left = (r["renewal_due"] - today).days
        items.append(Item(date=r["renewal_due"], kind="certificate",
                          title=f"{CertificateKind(r['kind']).label}の更新・再判定", days_left=days_left,
                          url=reverse("people:detail", args=[r["person_id"]]) + "#certificates",
                          key=f"certificate-{r['pk']}", case_id=r["case_id"], case_number=r["case_number"] or "",
                          person_id=r["person_id"],
                          person_name=_name(r["person__family_name"], r["person__given_name"])))
    return items


def _medical_rows(model, user, today, until, mine, date_field: str, **filters):
    """Rows of a medical model (医療連携) on the persons the user may open who have an open case in scope, dated
    on or before `until`; each names the person's most recent open case. One query."""
    open_cases = _open_cases(user, mine)
    latest_case = open_cases.filter(person_id=OuterRef("person_id")).order_by("-referral_date", "-id")
    return (policy.of_center(model, user)
            .filter(person__in=policy.persons_for(user).values("pk"), person_id__in=open_cases.values("person_id"),
                    **{f"{date_field}__isnull": False, f"{date_field}__lte": until}, **filters)
            .annotate(case_id=Subquery(latest_case.values("pk")[:1]),
                      case_number=Subquery(latest_case.values("number")[:1]))
            .order_by(date_field, "id")
            .values("pk", date_field, "person_id", "person__family_name", "person__given_name", "case_id",
                    "case_number", *(("kind",) if model is HealthCheck else ())))


def _medical_item(r, *, kind: str, day: dt.date, title: str, today: dt.date, anchor: str) -> Item:
    return Item(date=day, kind=kind, title=title, days_left=(day - today).days,
                url=reverse("medical:person", args=[r["person_id"]]) + anchor, key=f"{kind}-{r['pk']}",
                case_id=r["case_id"], case_number=r["case_number"] or "", person_id=r["person_id"],
                person_name=_name(r["person__family_name"], r["person__given_name"]))


def _medications(user, today, until, mine) -> list[Item]:
    """The last day of a regular medicine's supply (no drug name: the title stays neutral)."""
    rows = _medical_rows(Medication, user, today, until, mine, "supply_until", ended_on__isnull=True)
    return [_medical_item(r, kind="medication", day=r["supply_until"], title="常用薬の手持ちが切れる日",
                          today=today, anchor="#medical-medications") for r in rows]


def _health_checks(user, today, until, mine) -> list[Item]:
    rows = _medical_rows(HealthCheck, user, today, until, mine, "due_on", done_on__isnull=True)
    return [_medical_item(r, kind="health_check", day=r["due_on"], title=f"{CheckKind(r['kind']).label}の期限",
                          today=today, anchor="#medical-checks") for r in rows]


def _latest_revision() -> Subquery:
    """The newest revision of the plan's case: the version in force or being written (older ones are history)."""
    return Subquery(SupportPlan.objects.filter(case_id=OuterRef("case_id")).order_by("-revision")
                    .values("revision")[:1])


def _plan_actions(user, today, until, mine) -> list[Item]:
    """Open actions (未着手・実施中) with a due date in the newest version of each open case's plan. Mine: on the
    user's cases, and the actions the user owns on any case they may open."""
    cases = _open_cases(user, False)
    actions = PlanAction.objects.filter(
        plan__case__in=cases.values("pk"), status__in=[ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS],
        due_date__isnull=False, due_date__lte=until,
        plan__revision=Subquery(SupportPlan.objects.filter(case_id=OuterRef("plan__case_id")).order_by("-revision")
                                .values("revision")[:1]))
    if mine:
        actions = actions.filter(Q(plan__case__main_staff=user) | Q(plan__case__sub_staff=user) | Q(owner_staff=user))
    rows = (actions.order_by("due_date", "plan__case_id", "position", "id")
            .values("pk", "description", "due_date", "plan_id", "plan__case_id", "plan__case__number",
                    "plan__case__person_id", "plan__case__person__family_name", "plan__case__person__given_name",
                    "owner_staff_id", "owner_staff__display_name", "owner_staff__last_name",
                    "owner_staff__first_name", "owner_staff__username", "owner_organization__name"))
    items = []
    for r in rows:
        if r["owner_staff_id"]:
            owner = (r["owner_staff__display_name"] or _name(r["owner_staff__last_name"], r["owner_staff__first_name"])
                     or r["owner_staff__username"])
            owner = "自分" if r["owner_staff_id"] == user.pk else owner
        else:
            owner = r["owner_organization__name"] or ""
        case_id = r["plan__case_id"]
        items.append(Item(date=r["due_date"], kind="plan_action", title=r["description"],
                          days_left=(r["due_date"] - today).days,
                          url=reverse("planning:plan_version", args=[case_id, r["plan_id"]]) + f"#action-{r['pk']}",
                          key=f"plan-action-{r['pk']}", case_id=case_id, case_number=r["plan__case__number"],
                          person_id=r["plan__case__person_id"],
                          person_name=_name(r["plan__case__person__family_name"],
                                            r["plan__case__person__given_name"]),
                          note=f"担当：{owner}" if owner else ""))
    return items


def _plan_reviews(user, today, until, mine) -> list[Item]:
    rows = (SupportPlan.objects.filter(case__in=_open_cases(user, mine).values("pk"), review_date__isnull=False,
                                       review_date__lte=until, revision=_latest_revision())
            .exclude(status=ApprovalStatus.WITHDRAWN)
            .order_by("review_date", "case_id")
            .values("pk", "revision", "review_date", "case_id", "case__number", "case__person_id",
                    "case__person__family_name", "case__person__given_name"))
    return [Item(date=r["review_date"], kind="plan_review", title=f"支援計画の見直し（第{r['revision']}版）",
                 days_left=(r["review_date"] - today).days, url=reverse("planning:plan", args=[r["case_id"]]),
                 key=f"plan-review-{r['pk']}", case_id=r["case_id"], case_number=r["case__number"],
                 person_id=r["case__person_id"],
                 person_name=_name(r["case__person__family_name"], r["case__person__given_name"]))
            for r in rows]


def _agreements(user, today, until, mine) -> list[Item]:
    if agreements_expiring is None:  # pragma: no cover
        return []
    rows = agreements_expiring(user, today, days=max((until - today).days, 0))
    return [Item(date=r.agreement.valid_to, kind="agreement",
                 title=f"取り決めの有効期間が終わります：{r.agreement.organization}（{r.agreement.title}）",
                 days_left=r.days_left, url=reverse("disclosure:agreement_detail", args=[r.agreement.pk]),
                 key=f"agreement-{r.agreement.pk}", note=str(r.agreement.organization)) for r in rows]


def _meetings(user, today, until, mine, since=None) -> list[Item]:
    """Meetings the user takes part in (mine) or all of the center, from `since` (default today). One query."""
    rows = meeting_selectors.meetings_between(user, since=since or today, until=until, mine=mine)
    return [Item(date=r.date, kind="meeting", title=f"{r.start_time:%H:%M} {r.kind_label}：{r.title}",
                 days_left=(r.date - today).days, url=reverse("meetings:detail", args=[r.pk]), key=f"meeting-{r.pk}",
                 note=("オンライン" if r.online else "") + ("・" if r.online and r.place else "") + r.place,
                 event=True, feed_text=f"{r.start_time:%H:%M} {r.kind_label}")
            for r in rows]


def _meeting_actions(user, today, until, mine) -> list[Item]:
    """Open action items decided at meetings: the user's own (mine) or all of the center. One query."""
    may_close = meeting_selectors.meeting_access(user).can_write
    items = []
    for action in meeting_selectors.open_actions(user, until=until, mine=mine):
        case = action.case
        owner = "自分" if action.owner_id == user.pk else str(action.owner)
        items.append(Item(date=action.due_date, kind="meeting_action", title=action.description,
                          days_left=(action.due_date - today).days,
                          url=reverse("meetings:detail", args=[action.meeting_id]) + f"#action-{action.pk}",
                          key=f"meeting-action-{action.pk}", case_id=case.pk if case else None,
                          case_number=case.number if case else "", person_id=case.person_id if case else None,
                          person_name=case.person.full_name if case else "", note=f"担当：{owner}",
                          close_url=reverse("meetings:action_status", args=[action.pk]) if may_close else ""))
    return items


def _office_items(kind: str):
    """Vehicle reminders or incident deadlines (office.selectors.office_reminders, the center's: never "mine")."""

    def read(user, today, until, mine) -> list[Item]:
        return [Item(date=r.date, kind=r.kind, title=r.title, days_left=(r.date - today).days, url=r.url, key=r.key,
                     feed_text=KINDS[kind].feed_label)
                for r in office_selectors.office_reminders(user, today=today, until=until, kinds=(kind,))]

    return read


_READERS = {
    "meeting": _meetings, "meeting_action": _meeting_actions,
    "procedure": _procedures, "follow_up": _follow_ups, "carried_follow_up": _carried_follow_ups,
    "recontact": _recontacts, "protection": _protections,
    "release": _releases,
    "certificate": _certificates, "plan_action": _plan_actions, "plan_review": _plan_reviews,
    "agreement": _agreements, "medication": _medications, "health_check": _health_checks,
    "vehicle": _office_items("vehicle"), "incident": _office_items("incident"),
}


def items_for(user, *, today: dt.date, until: dt.date, scope: str, since: dt.date | None = None,
              shown_from: dt.date | None = None) -> list[Item]:
    """Every item of the user's kinds due on or before `until` (overdue ones included; from `since` when given),
    in date order. Events (meetings) are listed from `shown_from` (default today). One query per kind."""
    mine = scope != CENTER
    items: list[Item] = []
    for kind in kinds_for(user):
        if kind in EVENT_KINDS:
            items += _READERS[kind](user, today, until, mine, since=shown_from)
        else:
            items += _READERS[kind](user, today, until, mine)
    if since is not None:
        items = [i for i in items if i.date >= since]
    return sorted(items, key=lambda i: i.sort_key)


# --- 決裁 -----------------------------------------------------------------------------------------------------


def approval_items(user, *, today: dt.date) -> list[Item]:
    """Plans and closures waiting for this approver (not their own); the user's own returned ones (until they are
    submitted again) and approved ones (for YORISOI_INBOX_APPROVED_DAYS), with the approver's comment.
    Two queries (plus one for the approver check); the date is the submission (pending) or the decision."""
    if not shows_approvals(user):
        return []
    since = timezone.now() - dt.timedelta(days=conf.approved_days())
    wanted = (Q(status=ApprovalStatus.RETURNED, submitted_by=user)
              | Q(status=ApprovalStatus.APPROVED, submitted_by=user, decided_at__gte=since))
    if may_approve(user):
        wanted |= Q(status=ApprovalStatus.PENDING) & ~Q(submitted_by=user)
    cases = policy.cases_for(user).values("pk")
    values = ("pk", "status", "submitted_at", "decided_at", "decision_comment", "case_id", "case__number",
              "case__person_id", "case__person__family_name", "case__person__given_name")
    items = []
    for model in (SupportPlan, ClosureRequest):
        extra = ("revision",) if model is SupportPlan else ()
        for r in model.objects.filter(wanted, case__in=cases).order_by("submitted_at", "pk").values(*values, *extra):
            status = r["status"]
            pending = status == ApprovalStatus.PENDING
            when = r["submitted_at"] if pending else (r["decided_at"] or r["submitted_at"])
            day = timezone.localtime(when).date() if when else today
            if model is SupportPlan:
                subject = f"支援計画 第{r['revision']}版"
                url = reverse("planning:plan_version", args=[r["case_id"], r["pk"]])
            else:
                subject = "支援の終結"
                url = reverse("planning:closure_detail", args=[r["case_id"], r["pk"]])
            if pending:
                title, note = f"{subject}の決裁", "決裁待ち"
            elif status == ApprovalStatus.RETURNED:
                title, note = f"{subject}が差し戻されました", "直して再申請してください"
            else:
                title, note = f"{subject}が承認されました", ""
            items.append(Item(date=day, kind="approval", title=title, days_left=(day - today).days, url=url,
                              key=f"approval-{model._meta.model_name}-{r['pk']}", case_id=r["case_id"],
                              case_number=r["case__number"], person_id=r["case__person_id"],
                              person_name=_name(r["case__person__family_name"], r["case__person__given_name"]),
                              note=note, comment="" if pending else (r["decision_comment"] or ""),
                              notice=status == ApprovalStatus.APPROVED))
    return sorted(items, key=lambda i: i.sort_key)


# --- the inbox page -----------------------------------------------------------------------------------------


@dataclass
class Inbox:
    today: dt.date
    days: int
    scope: str
    overdue: list[Item] = field(default_factory=list)
    due_today: list[Item] = field(default_factory=list)
    coming: list[Item] = field(default_factory=list)
    approvals: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.coming) + len(self.approvals)

    @property
    def approvals_open(self) -> int:
        """決裁 still to act on (to decide, or returned to the user); approvals to read are not counted."""
        return sum(1 for i in self.approvals if not i.notice)

    @property
    def approval_notices(self) -> int:
        """Decisions to read (承認されました): shown under 決裁 but not counted as work."""
        return len(self.approvals) - self.approvals_open


def inbox(user, *, today: dt.date | None = None, days: int = 14, scope: str = MINE) -> Inbox:
    """The inbox: overdue, today, and the next `days` days (protection ends from their first warning on)."""
    today = today or timezone.localdate()
    result = Inbox(today=today, days=days, scope=scope)
    for item in items_for(user, today=today, until=today + dt.timedelta(days=days), scope=scope):
        if item.overdue:
            result.overdue.append(item)
        elif item.is_today:
            result.due_today.append(item)
        else:
            result.coming.append(item)
    result.approvals = approval_items(user, today=today)
    return result


@dataclass(frozen=True)
class Summary:
    overdue: int
    today: int
    soon: int
    approvals: int
    days: int


def summary(user, *, today: dt.date | None = None, days: int = 7) -> Summary:
    """Counts for the home screen, in the user's default scope."""
    today = today or timezone.localdate()
    items = items_for(user, today=today, until=today + dt.timedelta(days=days), scope=scope_for(user))
    return Summary(overdue=sum(1 for i in items if i.overdue), today=sum(1 for i in items if i.is_today),
                   soon=sum(1 for i in items if 0 < i.days_left <= days),
                   approvals=sum(1 for i in approval_items(user, today=today) if not i.notice), days=days)
