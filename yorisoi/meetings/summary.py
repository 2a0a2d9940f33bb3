"""The one-page case summary for a case conference: face sheet essentials, phase, the plan's goals in the person's
words, open procedures and the next deadlines.

Every section belongs to one item group of the disclosure app (basic, contact, welfare, certificates, health,
justice, wishes): the internal summary shows the groups the user may see; the summary for an external agency
holds only the groups that the person's consent and the 取り決め with that agency allow (`allowed_for`), and
handing it over writes the 第三者提供記録 through disclosure.services.provide_information, one per agency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from yorisoi.common.dates import format_checked
from yorisoi.disclosure import items as disclosure_items
from yorisoi.disclosure import selectors as disclosure_selectors
from yorisoi.disclosure.models import Basis, Purpose
from yorisoi.planning.models import SupportPlan
from yorisoi.privacy import policy
from yorisoi.procedures.models import OPEN_STATUSES, CaseProcedure, ProtectionStatus, UrgentProtection

# What a summary for a case conference is given for (the consent and the 取り決め must cover it).
PURPOSE = Purpose.WELFARE


@dataclass
class Section:
    group: str
    label: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Summary:
    name: str
    case_number: str
    sections: list[Section]
    groups: list[str]
    item_codes: list[str]

    @property
    def text(self) -> str:
        """Everything the summary says, as one string (tests search it for what must not be there)."""
        parts = [self.name, self.case_number]
        for section in self.sections:
            parts += [section.label, *(f"{label} {value}" for label, value in section.rows)]
        return "\n".join(parts)


def _plan_goals(case) -> str:
    plan = SupportPlan.objects.filter(case=case).order_by("-revision").first()
    return (plan.person_goals or "—") if plan else "支援計画はまだありません"


def _deadlines(case, groups: set[str], today: dt.date) -> list[tuple[str, str]]:
    rows = []
    if "justice" in groups:
        if case.expected_release_date:
            rows.append(("釈放予定日", format_checked(case.expected_release_date)))
        protection = UrgentProtection.objects.filter(case=case, status=ProtectionStatus.ACTIVE).first()
        if protection and protection.end_date:
            rows.append(("更生緊急保護の終了日", format_checked(protection.end_date)))
    if "welfare" in groups:
        for p in CaseProcedure.objects.filter(case=case, status__in=OPEN_STATUSES, due_date__isnull=False) \
                .order_by("due_date")[:5]:
            late = "（期限切れ）" if p.due_date < today else ""
            rows.append((p.title, f"{format_checked(p.due_date)}{late}"))
    return rows


def build(case, *, groups, today: dt.date | None = None) -> Summary:
    """The summary of `case` holding only the item groups `groups`."""
    today = today or timezone.localdate()
    groups = set(groups)
    person = case.person
    codes = [i.code for i in disclosure_items.ITEMS if i.group in groups and i.group in _FACE_SHEET_GROUPS]
    sections = []
    for group in disclosure_items.GROUPS:
        if group.code not in groups or group.code not in _FACE_SHEET_GROUPS:
            continue
        rows = [(i.label, str(i.value(person))) for i in disclosure_items.ITEMS
                if i.group == group.code and i.code in codes]
        if group.code == "basic":
            rows.append(("支援の段階", case.get_phase_display()))
        if group.code == "wishes":
            rows.append(("支援計画の本人の目標（本人の言葉で）", _plan_goals(case)))
        if group.code == "welfare":
            procedures = list(CaseProcedure.objects.filter(case=case, status__in=OPEN_STATUSES)
                              .order_by("due_date", "id").values_list("title", flat=True)[:10])
            rows.append(("進行中の手続き", "、".join(procedures) or "なし"))
        if rows:
            sections.append(Section(group.code, group.label, rows))
    deadlines = _deadlines(case, groups, today)
    if deadlines:
        sections.append(Section("deadlines", "次の期限", deadlines))
    return Summary(name=person.full_name, case_number=case.number, sections=sections,
                   groups=[g.code for g in disclosure_items.GROUPS if g.code in groups], item_codes=codes)


# The groups a summary draws from (assessments and support records are not part of a one-page summary).
_FACE_SHEET_GROUPS = ("basic", "contact", "welfare", "certificates", "health", "justice", "wishes")


def internal_groups(user) -> set[str]:
    return {g.code for g in disclosure_items.visible_groups(policy.access_for(user))} & set(_FACE_SHEET_GROUPS)


@dataclass(frozen=True)
class Allowance:
    organization: object
    groups: frozenset
    problems: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return bool(self.groups)


def allowed_for(user, case, organization, *, today: dt.date | None = None) -> Allowance:
    """The item groups a summary for `organization` may hold: none unless the person's consent covers giving it to
    an agency of that kind for the purpose; then those of the 取り決め in force (all when it lists none), within
    what the user may see."""
    today = today or timezone.localdate()
    consent = disclosure_selectors.covering_consent(case.person, kind=organization.kind, purpose=PURPOSE, day=today)
    if consent.consent is None:
        return Allowance(organization, frozenset(), (consent.problem,))
    agreement = disclosure_selectors.valid_agreement(organization=organization, day=today, purpose=PURPOSE, groups=[])
    if agreement.agreement is None:
        return Allowance(organization, frozenset(), (agreement.problem,))
    groups = internal_groups(user)
    if agreement.agreement.item_groups:
        groups &= set(agreement.agreement.item_groups)
    return Allowance(organization, frozenset(groups))


def external_organizations(meeting) -> list:
    """The agencies of the meeting's external participants, once each."""
    seen, result = set(), []
    for contact in meeting.contacts.all():
        if contact.organization_id not in seen:
            seen.add(contact.organization_id)
            result.append(contact.organization)
    return result


BASIS = Basis.CONSENT
