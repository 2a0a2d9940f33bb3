"""The detailed part of the demo: what the first persons' cases hold beyond records, written through the apps'
own services, so that every screen of a small demo (`make run`) has something to show.

The bulk generator (generator.py) writes persons, cases and support records fast; for the latest case of each
of the first `generator.DETAILED_PERSONS` persons it leaves a `CaseHint` (the directory agencies its narrative
names, its timeline). Here, for those cases, as a worker or the director would have done it:

- consent to share information (every open case), one sharing agreement, and one provision record (法29条);
- placement inquiries (受入照会), placements in the directory's facilities, 更生緊急保護 (one ending in 9 days);
- the procedures of the case kind's template, done, under way or overdue as their due dates fall;
- a minimal assessment and a re-assessment; support plans (approved, draft, one awaiting 決裁);
- service connections (つなぎ) and follow-ups (done with a record, due, one overdue);
- center-wide: pre-consultations, consultation-only contacts, vacancy reports.

Deterministic for a seed and a day (each case draws from its own Random). Every step runs in its own savepoint:
a step a service refuses (for example after another app changed its rules) is reported and skipped, so `make run`
still starts; the tests require an empty report.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Center, Role, Staff
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case, Phase
from yorisoi.common.dates import format_checked
from yorisoi.partners.models import Organization, OrganizationKind
from yorisoi.procedures.dates import add_months
from yorisoi.workflow import services as workflow

from . import names, texts
from .directory import RESIDENTIAL, Agency
from .generator import JST_OFFSET, CaseHint
from .medical import describe_medical
from .office import describe_office

# Directory kinds the persons' consent covers (partners.OrganizationKind codes).
CONSENT_KINDS = ("municipality", "consultation_support", "community_support_center", "hospital", "health_center",
                 "welfare_provider", "rehabilitation_facility", "self_reliance_home", "free_low_cost_lodging",
                 "relief_facility", "probation_office", "hello_work")
URGENT_KINDS = ("rehabilitation_facility", "self_reliance_home")


@dataclass
class FeatureReport:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


# The consultation's requester kind (統計) from the kind of the asking agency.
REQUESTER_FOR_KIND = {"prosecutors_office": "prosecutor", "probation_office": "probation", "police": "police",
                      "lawyer": "lawyer", "correctional_facility": "correctional", "municipality": "municipality",
                      "hospital": "hospital"}


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """That time of day in Japan, but never later than a minute ago (the services refuse future times)."""
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC) - JST_OFFSET
    return min(moment, timezone.now() - dt.timedelta(minutes=1))


class CaseDescriber:
    def __init__(self, *, center: Center, hints: list[CaseHint], seed: int, today: dt.date):
        self.center = center
        self.hints = sorted(hints, key=lambda h: h.index)
        self.seed = seed
        self.today = today
        self.report = FeatureReport()
        staff = Staff.objects.filter(center=center, is_active=True).order_by("username")
        self.director = staff.filter(role=Role.DIRECTOR).first()
        self.worker = staff.filter(role=Role.WORKER).first() or self.director
        ids = {a.id for h in self.hints for a in h.agencies.values() if a.id}
        self.orgs = Organization.objects.select_related("kind").in_bulk(ids)
        self.directory = list(Organization.objects.filter(center=center, active=True).select_related("kind")
                              .order_by("id"))
        self.kinds = {k.code: k for k in OrganizationKind.objects.filter(center__isnull=True)}
        self.cases = Case.objects.select_related("person", "main_staff").in_bulk([h.case_id for h in self.hints])

    # --- plumbing --------------------------------------------------------------------------------------
    def step(self, label: str, fn: Callable, *args, **kwargs):
        """Run one service call in a savepoint; a refusal is reported, not raised."""
        try:
            with transaction.atomic():
                result = fn(*args, **kwargs)
        except Exception as error:  # reported to the command (and failed by the tests)
            message = getattr(error, "message_dict", None) or getattr(error, "messages", None) or error
            self.report.problems.append(f"{label}: {type(error).__name__}: {message}")
            return None
        self.report.counts[label] += 1
        return result

    def org(self, agency: Agency | None) -> Organization | None:
        return self.orgs.get(agency.id) if agency is not None and agency.id else None

    def of_kind(self, *codes: str) -> list[Organization]:
        return [o for o in self.directory if o.kind.code in codes]

    def past(self, day: dt.date) -> dt.date:
        return min(day, self.today)

    # --- the run ----------------------------------------------------------------------------------------
    def run(self) -> FeatureReport:
        if self.worker is None:
            self.report.problems.append("職員がいないため、詳しいデモデータは作成しませんでした。")
            return self.report
        template = self._consent_template()
        for hint in self.hints:
            case = self.cases.get(hint.case_id)
            if case is None or not case.is_open:
                continue
            rng = random.Random(self.seed * 1_000_003 + hint.index)
            actor = case.main_staff if case.main_staff is not None and case.main_staff.is_active else self.worker
            self._describe(hint, case, actor, rng, template)
        self._pause_one()
        self._reoffences()
        self._center_wide()
        return self.report

    def _reoffences(self) -> None:
        """Two reoffences known during follow-up (再犯の把握), for the outcomes dashboard."""
        from yorisoi.people import services as people

        open_later = [c for c in self.cases.values() if c.phase in ("follow_up", "settlement")]
        for n, case in enumerate(sorted(open_later, key=lambda c: c.pk)[:2]):
            actor = case.main_staff if case.main_staff is not None and case.main_staff.is_active else self.worker
            self.step("再犯の把握", people.record_reoffence, actor=actor, case=case,
                      occurred_on=self.past(self.today - dt.timedelta(days=20 + 30 * n)),
                      offence_category=("theft", "fraud")[n], disposition="", source=("justice", "facility")[n],
                      note="（架空）受入先から連絡があり、警察で事情を聴かれたと分かった。")

    def _pause_one(self) -> None:
        """休止: the last detailed case in 定着支援 or フォローアップ lost contact; one try to reach the person."""
        case = next((self.cases[h.case_id] for h in reversed(self.hints) if h.case_id in self.cases
                     and self.cases[h.case_id].phase in (Phase.SETTLEMENT, Phase.FOLLOW_UP)), None)
        if case is None:
            return
        case.refresh_from_db()
        actor = case.main_staff if case.main_staff is not None and case.main_staff.is_active else self.worker
        today = timezone.localdate()
        pause = self.step("休止", workflow.pause_case, actor=actor, case=case, expected_version=case.version,
                          reason_kind="lost_contact", reason="携帯電話が解約され、アパートにも不在が続く（架空）",
                          next_attempt_on=today + dt.timedelta(days=3))
        if pause is not None:
            self.step("再連絡", case_services.record_contact_attempt, actor=actor, case=case, attempted_on=today,
                      method="visit", note="アパートを訪問したが不在。置き手紙を残した（架空）")

    def _describe(self, hint: CaseHint, case: Case, actor: Staff, rng: random.Random, template) -> None:
        from yorisoi.procedures import services as procedures

        if template is not None:
            self._consent(hint, case, actor, rng, template)
        phase = case.phase
        if phase == Phase.COORDINATING or Phase.TEMPORARY_PLACEMENT in hint.path:
            self._inquiries(hint, case, actor, rng)
        if phase != Phase.INTAKE:
            self._assessment(hint, case, actor, rng, "minimal", hint.started(Phase.COORDINATING))
        placement = None
        if phase in (Phase.TEMPORARY_PLACEMENT, Phase.SETTLEMENT, Phase.FOLLOW_UP):
            placement = self._placements(hint, case, actor, rng)
            later = hint.started(Phase.TEMPORARY_PLACEMENT) or hint.started(Phase.SETTLEMENT)
            self._assessment(hint, case, actor, rng, "full", later + dt.timedelta(days=14) if later else None)
            self._plan(hint, case, actor, rng)
        if phase in (Phase.SETTLEMENT, Phase.FOLLOW_UP):
            self._connections(hint, case, actor, rng)
            self._follow_ups(hint, case, actor, rng, placement)
        added = self.step("手続き（テンプレート）", procedures.apply_case_template, case=case, actor=actor) or []
        if added:
            self._progress_procedures(case, actor, rng)

    # --- consent and provision -----------------------------------------------------------------------------
    def _consent_template(self):
        from yorisoi.disclosure import services as disclosure
        from yorisoi.disclosure.models import ConsentTemplate

        existing = ConsentTemplate.objects.filter(center=self.center).order_by("-version").first()
        if existing is not None or self.director is None:
            return existing
        return self.step(
            "同意書の文面", disclosure.create_consent_template, actor=self.director,
            title="個人情報の取扱いと関係機関への情報提供についての同意書",
            body="私は、地域生活定着支援センターが私の支援のために、私の個人情報（心身の状況や司法手続きに関する"
                 "情報を含みます）を、下に記した目的の範囲で、下に記した種類の関係機関に提供することに同意します。\n"
                 "同意はいつでも撤回できます。撤回しても、それまでに行われた提供は取り消されません。")

    def _consent(self, hint, case, actor, rng, template) -> None:
        from yorisoi.disclosure import services as disclosure

        kinds = [self.kinds[code] for code in CONSENT_KINDS if code in self.kinds]
        purposes = ["welfare", "medical", "housing"] + (["justice"] if rng.random() < 0.5 else [])
        self.step("同意", disclosure.record_consent, actor=actor, person=case.person, template=template,
                  purposes=purposes, agency_kinds=kinds,
                  consented_on=self.past(case.referral_date + dt.timedelta(days=rng.randint(0, 3))),
                  form="written" if rng.random() < 0.85 else "oral", taken_by=actor,
                  note="初回面接で同意書を読み上げて説明し、署名を得た。", **_decision_support(case.person))

    # --- placements ---------------------------------------------------------------------------------------
    def _inquiries(self, hint, case, actor, rng) -> None:
        """Calls to facilities during coordination: refusals first, then the facility that took the person
        (still 検討中 while the case is in coordination)."""
        from yorisoi.placements import services as placements

        begin = hint.started(Phase.COORDINATING)
        end = hint.started(Phase.TEMPORARY_PLACEMENT) or hint.started(Phase.SETTLEMENT) or self.today
        if begin is None:
            return
        facility = self.org(hint.agencies["facility"])
        others = [o for o in self.of_kind(*RESIDENTIAL) if facility is None or o.pk != facility.pk]
        span = max(0, (self.past(end) - begin).days)
        refusals = rng.sample(others, k=min(len(others), rng.randint(1, 2)))
        calls = [(o, "refused", reason) for o, reason in zip(refusals, ("full", "out_of_scope"), strict=False)]
        if facility is not None:
            calls.append((facility, "considering" if case.phase == Phase.COORDINATING else "accepted", ""))
        for n, (organization, result, reason) in enumerate(calls):
            day = begin + dt.timedelta(days=min(span, n * max(1, span // max(1, len(calls)))))
            self.step("受入照会", placements.record_inquiry, actor=actor, case=case,
                      inquired_at=_at(self.past(day), 10 + n, 15), result=result, organization=organization,
                      answered_by=f"{rng.choice(names.FAMILY_NAMES)[0]}（施設職員）", refusal_reason=reason,
                      refusal_detail=texts.REFUSAL_DETAILS.get(reason, ""), notes=rng.choice(texts.INQUIRY_NOTES),
                      staff=actor)

    def _placements(self, hint, case, actor, rng):
        """The stay in the facility after release and, once settled, the lasting home (the stay ends the day the
        person moves). The facility's 更生緊急保護 is registered with the stay. Returns the current placement."""
        from yorisoi.placements import services as placements
        from yorisoi.procedures import services as procedures

        facility_agency = hint.agencies["facility"]
        facility = self.org(facility_agency)
        temporary_from = hint.started(Phase.TEMPORARY_PLACEMENT)
        settled_from = hint.started(Phase.SETTLEMENT)
        current = None
        if temporary_from is not None:
            kind, funding = RESIDENTIAL.get(facility_agency.kind, ("other", "other"))
            current = self.step(
                "居所（一時受入）", placements.record_placement, actor=actor, case=case, kind=kind, funding=funding,
                entered_on=temporary_from, organization=facility,
                facility_name="" if facility else facility_agency.name,
                planned_exit_on=add_months(temporary_from, 6) if funding == "urgent_protection" else None,
                notes="釈放の日に同行して入所。")
            self.step("一時受入の開始日", procedures.set_placement_date, case=case, actor=actor,
                      placement_date=temporary_from)
            if facility_agency.kind in URGENT_KINDS:
                self._protection(hint, case, actor, temporary_from, settled_from)
        if settled_from is not None:
            group_home = facility_agency.kind == "group_home" and facility is not None
            values = dict(kind="group_home", funding="disability_welfare", organization=facility) if group_home \
                else dict(kind="apartment", funding="public_assistance" if rng.random() < 0.8 else "self_pay",
                          facility_name=f"アパート（{hint.home}）" if hint.home else "アパート（自宅）")
            if current is not None and group_home:
                return current  # stays on in the group home as a lasting home
            current = self.step("居所（地域生活）", placements.record_placement, actor=actor, case=case, term="lasting",
                                entered_on=settled_from, close_previous_on=settled_from if current else None,
                                notes="本人の希望した地域で生活を始めた。", **values)
            if temporary_from is None:
                self.step("一時受入の開始日", procedures.set_placement_date, case=case, actor=actor,
                          placement_date=settled_from)
        return current

    def _protection(self, hint, case, actor, start: dt.date, ended: dt.date | None) -> None:
        """更生緊急保護 from release: applied in writing (from custody since the 2023 reform), decided on the day of
        release; ended when the person moved on, else running (extended once when the period has passed)."""
        from yorisoi.procedures import conf
        from yorisoi.procedures import services as procedures

        in_custody = start - dt.timedelta(days=3) >= conf.custody_application_since()
        values = dict(written_request=True, application_date=start - dt.timedelta(days=3) if in_custody else start,
                      applied_in_custody=in_custody, probation_office=self.org(hint.agencies["po"]),
                      approval_date=start, start_date=start, status="ended" if ended else "active", ended_on=ended,
                      notes="保護観察所で本人が申出書を記入。期間中の生活指導は施設に委託。")
        protection = self.step("更生緊急保護", procedures.register_protection, actor=actor, case=case, **values)
        if protection is not None and not ended and protection.end_date and protection.end_date < self.today:
            self.step("更生緊急保護の延長", procedures.extend_protection, actor=actor, protection=protection,
                      expected_version=protection.version, written_request=True,
                      application_date=protection.end_date - dt.timedelta(days=10),
                      reason="退所後の住まいが決まっていないため、期間の延長を申し出た。")

    # --- assessments and plans -------------------------------------------------------------------------
    def _assessment(self, hint, case, actor, rng, kind: str, day: dt.date | None) -> None:
        from yorisoi.planning import services as planning
        from yorisoi.planning.models import AssessmentDomain
        from yorisoi.planning.services.assessments import DomainInput

        if day is None or day > self.today:
            return
        entries = {}
        for domain in AssessmentDomain.objects.filter(active=True).order_by("sort_order", "id"):
            choices = texts.ASSESSMENT_ENTRIES.get(domain.code)
            if choices and (kind == "full" or rng.random() < 0.6):
                findings, needs, level = rng.choice(choices)
                entries[domain.pk] = DomainInput(findings=findings, needs=needs, level=level)
        self.step("アセスメント", planning.create_assessment, actor=actor, case=case, kind=kind, assessed_on=day,
                  assessor=actor, summary=rng.choice(texts.ASSESSMENT_SUMMARIES), entries=entries)

    def _plan(self, hint, case, actor, rng) -> None:
        """The first plan: approved, except the third person's (awaiting 決裁) and some drafts in placement."""
        from yorisoi.planning import services as planning
        from yorisoi.planning.services.plans import ActionInput

        begin = hint.started(Phase.TEMPORARY_PLACEMENT) or hint.started(Phase.SETTLEMENT)
        plan_date = self.past(begin + dt.timedelta(days=21))
        slots = {"consult": hint.agencies["consult"].name, "hospital": hint.agencies["hospital"].name,
                 "facility": hint.agencies["facility"].name}
        consult = self.org(hint.agencies["consult"])
        actions = []
        for n, (text, owner) in enumerate(rng.sample(texts.PLAN_ACTIONS, 3)):
            due = plan_date + dt.timedelta(days=14 * (n + 1))
            organization = consult if owner == "consult" else None
            actions.append(ActionInput(description=text.format(**slots), owner_staff=None if organization else actor,
                                       owner_organization=organization, due_date=due,
                                       status="done" if due < self.today - dt.timedelta(days=7) else "not_started"))
        review = add_months(plan_date, 3)
        while review < self.today:
            review = add_months(review, 3)
        plan = self.step("支援計画", planning.create_plan, actor=actor, case=case, actions=actions,
                         plan_date=plan_date, review_date=review, person_goals=hint.goal,
                         staff_goals=rng.choice(texts.PLAN_STAFF_GOALS).format(**slots), person_wishes=hint.wish,
                         agreement_date=plan_date, agreement_method="signature",
                         **_decision_support(case.person))
        if plan is None or (case.phase == Phase.TEMPORARY_PLACEMENT and hint.index != 2 and rng.random() < 0.4):
            return  # a draft
        if self.step("支援計画の決裁申請", planning.submit, actor=actor, subject=plan) is None:
            return
        approved = False
        if hint.index != 2 and self.director is not None and self.director.pk != actor.pk:
            plan.refresh_from_db()
            approved = self.step("支援計画の承認", planning.approve, actor=self.director, subject=plan,
                                 comment="本人の意向が目標に反映されている。承認します。") is not None
        self._date_the_decision(plan, submitted=_at(self.past(plan_date + dt.timedelta(days=1)), 16),
                                decided=_at(self.past(plan_date + dt.timedelta(days=rng.randint(2, 6))), 11)
                                if approved else None)

    @staticmethod
    def _date_the_decision(plan, *, submitted, decided) -> None:
        """The services stamp a 決裁 with the moment they run; the demo's plans were written months ago, so
        their request and approval move to days after the plan (the history shows plausible dates)."""
        from yorisoi.planning.models import ApprovalAction, ApprovalEvent, SupportPlan

        SupportPlan.objects.filter(pk=plan.pk).update(submitted_at=submitted, **({"decided_at": decided} if decided
                                                                                   else {}))
        ApprovalEvent.objects.filter(plan=plan, action=ApprovalAction.SUBMITTED).update(at=submitted)
        if decided:
            ApprovalEvent.objects.filter(plan=plan, action=ApprovalAction.APPROVED).update(at=decided)

    # --- connections and follow-ups ------------------------------------------------------------------------
    def _connections(self, hint, case, actor, rng) -> None:
        from yorisoi.placements import services as placements

        settled = hint.started(Phase.SETTLEMENT) or hint.started(Phase.FOLLOW_UP)
        consult = hint.agencies["consult"]
        plan_kind = "service_plan" if consult.kind == "consultation_support" else "community_support"
        employer = hint.agencies["employer"]
        work_kind = "hello_work" if employer.kind == "hello_work" else "cooperating_employer"
        wanted = [(plan_kind, consult, 5, ("coordinating", "started")),
                  ("medical", hint.agencies["hospital"], 2, ("started",)),
                  (work_kind, employer, 40, ("coordinating",) if hint.index in (3, 4) or rng.random() < 0.3
                   else ("coordinating", "failed" if rng.random() < 0.5 else "started"))]
        for kind, agency, after, moves in wanted:
            requested = settled + dt.timedelta(days=after)
            if requested > self.today:
                continue
            organization = self.org(agency)
            connection = self.step("つなぎ", placements.request_connection, actor=actor, case=case, service_kind=kind,
                                   requested_on=requested, organization=organization,
                                   organization_name="" if organization else agency.name, staff=actor)
            day = requested
            for status in moves:
                day = day + dt.timedelta(days=rng.randint(5, 20))
                if connection is None or day > self.today:
                    break
                note = texts.CONNECTION_OUTCOMES.get(kind, "") if status in ("started", "failed") else ""
                connection = self.step("つなぎの状況", placements.change_connection_status, actor=actor,
                                       connection=connection, to_status=status, on=day,
                                       expected_version=connection.version, note=note)

    def _follow_ups(self, hint, case, actor, rng, placement) -> None:
        """Follow-ups at the configured intervals from the start of the current phase; those already due were
        done with a support record, but for one overdue contact with the facility."""
        from yorisoi.procedures import services as procedures
        from yorisoi.procedures.models import FollowUp

        start = hint.started(case.phase)
        facility = placement.organization if placement is not None and placement.organization_id else None
        if self.step("フォローアップの予定", procedures.schedule_follow_ups, case=case, actor=actor, start=start,
                     facility=facility, include_facility=facility is not None) is None:
            return
        due = list(FollowUp.objects.filter(case=case, due_date__lt=self.today).order_by("due_date", "id"))
        for n, follow_up in enumerate(due):
            if follow_up.target == "facility" and n >= len(due) - 2 and rng.random() < 0.5:
                continue  # left undone: an overdue contact
            kind, counterpart, narrative = texts.FOLLOW_UP_RECORDS[follow_up.target]
            place = facility.name if facility is not None else hint.agencies["facility"].name
            self.step("フォローアップの記録", procedures.complete_follow_up_with_record, actor=actor,
                      follow_up=follow_up, expected_version=follow_up.version,
                      occurred_at=_at(follow_up.due_date, 10 + n % 6), kind=kind,
                      counterpart=counterpart.format(facility=place), narrative=narrative, minutes=15)

    # --- procedures ------------------------------------------------------------------------------------
    def _progress_procedures(self, case, actor, rng) -> None:
        """Procedures whose due date has passed were mostly done around it; those due soon are under way."""
        from yorisoi.procedures import services as procedures
        from yorisoi.procedures.models import CaseProcedure

        for pk in CaseProcedure.objects.filter(case=case).order_by("id").values_list("pk", flat=True):
            procedure = CaseProcedure.objects.select_related("case").get(pk=pk)  # a predecessor may have moved it
            if procedure.due_date is None:
                continue
            if procedure.due_date < self.today - dt.timedelta(days=2):
                if rng.random() < 0.12:
                    continue  # overdue
                done = self.past(max(case.referral_date, procedure.due_date - dt.timedelta(days=rng.randint(0, 5))))
                self.step("手続きの完了", procedures.change_procedure_status, actor=actor, procedure=procedure,
                          expected_version=procedure.version, status="done", on=done)
            elif procedure.due_date <= self.today + dt.timedelta(days=14):
                started = self.past(max(case.referral_date, procedure.due_date - dt.timedelta(days=10)))
                self.step("手続きの着手", procedures.change_procedure_status, actor=actor, procedure=procedure,
                          expected_version=procedure.version, status="in_progress", on=started)
        # the offices' decisions on what was done (開始決定・交付…), mostly granted, for the outcomes dashboard
        for procedure in CaseProcedure.objects.filter(case=case, status="done").order_by("id"):
            result = "granted" if rng.random() < 0.85 else "rejected"
            self.step("手続きの結果", procedures.update_case_procedure, actor=actor, procedure=procedure,
                      expected_version=procedure.version, result=result, decided_on=procedure.completed_on)

    # --- center-wide ---------------------------------------------------------------------------------------
    def _center_wide(self) -> None:
        rng = random.Random(self.seed * 1_000_003 - 1)
        self._provision(rng)
        self._pre_consultations(rng)
        self._consultations(rng)
        self._vacancies(rng)
        self._meetings(rng)
        self._registered_twice()
        describe_office(center=self.center, today=self.today, seed=self.seed, step=self.step)
        describe_medical(cases=self.cases.values(), hospitals=self.of_kind("hospital"), today=self.today,
                         seed=self.seed, step=self.step, fallback_actor=self.worker)

    def _provision(self, rng) -> None:
        """Sharing agreements with a consultation office (used once) and a hospital (ending soon), and one
        provision of the settled person's face sheet to that office, on their consent."""
        from yorisoi.disclosure import services as disclosure

        if self.director is None:
            return
        offices = self.of_kind("consultation_support")
        hospitals = self.of_kind("hospital")
        if not offices:
            return
        office = offices[0]
        self.step("取り決め", disclosure.save_agreement, actor=self.director, organization=office,
                  title="個人情報の提供に関する覚書", purposes=["welfare", "housing"],
                  item_groups=["basic", "contact", "welfare", "certificates", "wishes"],
                  scope_note="サービス等利用計画の作成と見直しに必要な範囲。",
                  valid_from=self.today - dt.timedelta(days=420), valid_to=None, status="active")
        if hospitals:
            self.step("取り決め", disclosure.save_agreement, actor=self.director, organization=hospitals[0],
                      title="医療連携に関する個人情報の取扱いについての協定", purposes=["medical"],
                      item_groups=["basic", "contact", "health"], valid_from=add_months(self.today, -23),
                      valid_to=self.today + dt.timedelta(days=12), status="active")
        settled = [h for h in self.hints if self.cases.get(h.case_id) is not None
                   and self.cases[h.case_id].phase == Phase.SETTLEMENT]
        if not settled:
            return
        case = self.cases[settled[0].case_id]
        actor = case.main_staff or self.worker
        self.step("第三者提供", disclosure.provide_information, actor=actor, person=case.person, recipient=office,
                  purpose="welfare", item_codes=["kana", "sex", "birth_date", "phone", "address", "public_assistance",
                                                 "disability_support_level", "wishes"],
                  basis="consent", note="サービス等利用計画の作成のため、相談支援専門員に提供。")

    # Standard form → an old or variant form that the strict fold maps back (common.names): 斎藤 → 齋藤.
    _VARIANT_OF = str.maketrans({"斎": "齋", "高": "髙", "崎": "﨑", "辺": "邊", "沢": "澤", "吉": "𠮷", "浜": "濱",
                                 "桜": "櫻", "広": "廣", "島": "嶋", "富": "冨"})

    def _registered_twice(self) -> None:
        """Two persons registered a second time, as happens when a new referral comes years later under another
        spelling: the worker at intake stated that the proposed match was someone else (the statement is kept), so
        the director has two real pairs to review and merge (「この人と統合」). One pair differs by a variant kanji
        (or not at all), the other by the birth date's day and month typed the other way round."""
        from yorisoi.people import services as people

        persons = sorted({c.person for c in self.cases.values()}, key=lambda p: p.pk)
        for n, person in enumerate(persons[1:3]):
            day = person.birth_date
            if n == 1 and day and day.day <= 12 and day.day != day.month:
                day = day.replace(month=day.day, day=day.month)
            values = {"family_name": person.family_name.translate(self._VARIANT_OF), "given_name": person.given_name,
                      "family_name_kana": person.family_name_kana, "given_name_kana": person.given_name_kana,
                      "sex": person.sex, "birth_date": day}
            seen = [c.pk for c in people.same_name_candidates(actor=self.worker, **{
                k: values[k] for k in ("family_name", "given_name", "family_name_kana", "given_name_kana",
                                       "birth_date")})]
            self.step("二重登録（統合の例）", people.register_person, actor=self.worker, same_name_seen=seen,
                      **values)

    def _pre_consultations(self, rng) -> None:
        from yorisoi.intake import services as intake

        sources = {"probation": self.of_kind("probation_office"), "prosecutor": self.of_kind("prosecutors_office")}
        for n, (source, summary, status) in enumerate(texts.PRE_CONSULTATIONS):
            organization = (sources.get(source) or [None])[0]
            family, family_kana = rng.choice(names.FAMILY_NAMES)
            given, given_kana = rng.choice(names.MALE_OLDER)
            expected = add_months(self.today, 4 + n)
            self.step("事前相談", intake.create_pre_consultation, actor=self.worker,
                      consulted_on=self.today - dt.timedelta(days=12 + 20 * n), source_kind=source,
                      organization=organization, agency_name="" if organization else "保護観察所",
                      officer=f"{rng.choice(names.FAMILY_NAMES)[0]} {'保護観察官' if n == 0 else '検察事務官'}",
                      family_name=family, given_name=given, family_name_kana=family_kana, given_name_kana=given_kana,
                      summary=summary, expected_timing=f"{format_checked(expected)}頃の見込み", expected_date=expected,
                      status=status, for_liaison_meeting=n == 0, staff=self.worker)

    def _meetings(self, rng) -> None:
        """A weekly case review (last week's with outcomes, the next ones scheduled), a daily-style morning meeting,
        a case conference with two external participants and its minutes, a concern with an idea, an absence."""
        from yorisoi.meetings import services as meetings
        from yorisoi.partners.models import OrganizationContact

        staff = list(Staff.objects.filter(center=self.center, is_active=True).order_by("username"))
        open_cases = [self.cases[h.case_id] for h in self.hints
                      if h.case_id in self.cases and self.cases[h.case_id].is_open]
        last_week = self.today - dt.timedelta(days=7)
        review = self.step("ケース検討", meetings.schedule_meeting, actor=self.worker, kind="weekly_review",
                           title="ケース検討（週次の振り返り）", date=last_week, start_time=dt.time(16, 0),
                           end_time=dt.time(17, 30), place="センター相談室", recurrence="weekly", staff=staff)
        if review is not None:
            for case, text in zip(open_cases[:2], texts.REVIEW_OUTCOMES, strict=False):
                self.step("ケース検討の結果", meetings.record_review_outcome, actor=self.worker, meeting=review,
                          case=case, outcome=text)
        self.step("朝礼", meetings.schedule_meeting, actor=self.worker, kind="morning", title="朝礼・ミーティング",
                  date=self.today, start_time=dt.time(9, 0), end_time=dt.time(9, 15), place="事務所",
                  recurrence="weekly", staff=staff)
        if not open_cases:
            return
        case = open_cases[0]
        contacts = []
        for contact in (OrganizationContact.objects.filter(center=self.center, ended_on__isnull=True)
                        .select_related("organization").order_by("organization_id", "id")):
            if all(c.organization_id != contact.organization_id for c in contacts):
                contacts.append(contact)
            if len(contacts) == 2:
                break
        conference = self.step("個別ケース会議", meetings.schedule_meeting, actor=self.worker,
                               kind="case_conference", title="個別ケース会議（居所と生活保護）",
                               date=self.today - dt.timedelta(days=3), start_time=dt.time(14, 0),
                               end_time=dt.time(15, 0), place="市役所 第2会議室", staff=staff[:2],
                               contacts=contacts, cases=[case], agenda="一時受入後の居所、生活保護の申請、通院先")
        if conference is None:
            return
        conference = self.step("議事録", meetings.record_minutes, actor=self.worker, meeting=conference,
                               expected_version=conference.version, discussion=texts.CONFERENCE_MINUTES)
        if conference is None:
            return
        self.step("決定事項", meetings.add_decision, actor=self.worker, meeting=conference, case=case,
                  text="生活保護の申請に同行し、結果が出るまで週1回訪問する（架空）", decided_by=self.director)
        self.step("決定事項", meetings.add_decision, actor=self.worker, meeting=conference, case=case,
                  text="通院先は本人の希望を聞いてから決める（架空）", is_team_decision=False)
        owners = [self.worker, self.director or self.worker]
        for n, text in enumerate(("福祉事務所に申請日を確認する（架空）", "受入先に最近の様子を聞く（架空）")):
            self.step("会議で決めた対応", meetings.add_action, actor=self.worker, meeting=conference, case=case,
                      description=text, owner=owners[n], due_date=self.today + dt.timedelta(days=2 + 3 * n))
        concern = self.step("悩み・課題", meetings.raise_concern, actor=self.worker, case=case,
                            text="本人が約束の時間に来ないことが続き、関わり方に迷っている（架空）")
        if concern is not None and self.director is not None:
            self.step("悩み・課題へのアイデア", meetings.add_idea, actor=self.director, concern=concern,
                      text="訪問の時間を本人の生活のリズムに合わせて午後にしてみては（架空）")
        study_case = open_cases[1] if len(open_cases) > 1 else case
        study = self.step("事例検討会", meetings.schedule_meeting, actor=self.worker, kind="case_study",
                          title="事例検討会（弁護士を招いて）", date=self.today + dt.timedelta(days=10),
                          start_time=dt.time(18, 0), end_time=dt.time(19, 30), place="センター相談室",
                          staff=staff, cases=[study_case])
        material = study and self.step("事例検討の資料", meetings.draft_case_study, actor=self.worker,
                                       case=study_case, meeting=study)
        if material is not None:
            self.step("事例検討の資料の公開", meetings.save_case_study, actor=self.worker, material=material,
                      expected_version=material.version, release=True,
                      text=material.text.replace("（ここに書いてください）",
                                                 "約束の時間に来られない本人との関わり方（架空）"))
        if len(staff) > 1:
            self.step("不在の予定", meetings.add_absence, actor=self.worker, staff=staff[-1],
                      date=self.today + dt.timedelta(days=1), kind="trip", note="研修（終日）")

    def _consultations(self, rng) -> None:
        from yorisoi.intake import services as intake

        for n, (kind, topic, method, summary, about_person) in enumerate(texts.CONSULTATIONS):
            organization = (self.of_kind(kind) or [None])[0]
            self.step("相談支援", intake.create_consultation, actor=self.worker,
                      consulted_on=self.today - dt.timedelta(days=5 + 9 * n), method=method,
                      organization=organization, agency_name="" if organization else "地域包括支援センター",
                      officer=f"{rng.choice(names.FAMILY_NAMES)[0]} 社会福祉士", topic=topic, summary=summary,
                      minutes=30 + 15 * n, staff=self.worker, about_person=about_person,
                      requester_kind=REQUESTER_FOR_KIND.get(kind, "other"),
                      person_initials="K.S." if about_person else "")

    def _vacancies(self, rng) -> None:
        from yorisoi.placements import services as placements

        if self.director is None:
            return  # directory data: kept by the director
        actor = self.director
        for n, organization in enumerate(self.of_kind("rehabilitation_facility", "self_reliance_home")[:3]):
            self.step("空き状況", placements.report_vacancy, actor=actor, organization=organization,
                      vacancies=rng.randint(0, 3), reported_at=_at(self.today - dt.timedelta(days=n), 9, 30),
                      answered_by=f"{rng.choice(names.FAMILY_NAMES)[0]}（補導主任）", note="来週の見込みも確認した。")


def describe_cases(*, center: Center, hints: list[CaseHint], seed: int, today: dt.date) -> FeatureReport:
    return CaseDescriber(center=center, hints=hints, seed=seed, today=today).run()


def _decision_support(person) -> dict:
    """意思決定支援 for persons whose certificates or care level suggest it (no random draw: the stream of the
    other demo values stays as it was)."""
    kinds = set(person.certificates.values_list("kind", flat=True))
    if "intellectual" in kinds:
        return {"capacity_concern": "some", "decision_supporters": ["person", "supporter"],
                "decision_support_note": "ふりがなを振った短い文と絵で説明し、本人の言葉で言い直してもらって確かめた。"}
    if person.care_level.startswith("c"):
        return {"capacity_concern": "some", "decision_supporters": ["person", "family"],
                "decision_support_note": "家族の同席のもとで、日を改めてもう一度説明し、本人の気持ちが同じか確かめた。"}
    return {}
