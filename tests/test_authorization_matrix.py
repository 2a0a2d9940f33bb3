"""The authorization matrix, built from the URL configuration.

1. Every view reached from the URL configuration carries a policy rule (`@rule(...)` from privacy/policy.py).
2. Every named URL has a row in MATRIX below, and no row names a URL that is gone.
3. For every row, each role GETs the URL (with objects of its own center filled in) in both case-visibility
   modes of the center, and the answer must be the one in the table:

   - columns: director 管理者, worker 相談員 in charge of the case (main staff), colleague 相談員 not in charge,
     clerk 事務, auditor 閲覧 — all of the center that owns the objects;
   - outsider (相談員 of another center): always 404 for a URL naming an object of the center; for a page
     without an object, the same answer as the worker (they see their own center); 403 where the page's rule
     refuses workers anyway (the refusal comes before the object is read, so it tells nothing about it);
   - in the ASSIGNED mode everyone answers as in the table except the colleague, who gets the
     break-the-glass page (403 with its form) for a person, case or record page that the table opens to
     them in ALL_STAFF mode (override with `assigned=`);
   - trainee (実習生 hosted from another center, assigned the world's case only, within the period with the pledge
     on file): 403 on every page whose rule is for staff, the worker's answer on pages before or around log-in;
     where a rule admits trainees the row says what they get (`trainee=`). Another case of the center is 404 for
     them (yorisoi/office/tests/test_trainees.py).

Adding a URL: add one line to MATRIX. `page("…")` for a URL without an object; `on(kind)` or
`kwargs=lambda w: {...}` for a URL that names objects of the world below (add a kind to World if
needed). When a row is missing or wrong, the failure message shows the observed answers in the same
format: check that they are what you intend before pasting them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import verified_client
from yorisoi.accounts.models import Center
from yorisoi.privacy.policy import RULES

pytestmark = pytest.mark.django_db

ROLES = ("director", "worker", "colleague", "clerk", "auditor")
BG = "BG"  # 403 with the break-the-glass form
# Kinds whose pages read through get_person_or_404 / get_case_or_404 / get_activity_or_404 (directly or through the
# case they belong to): in ASSIGNED mode the colleague gets break-the-glass there by default.
OBJECT_PAGES_WITH_BREAK_GLASS = (
    "person", "case", "activity", "family", "certificate", "external_contact", "flag",
    "placement", "inquiry", "connection", "assessment", "plan", "plan_action", "closure_request", "procedure",
    "document", "follow_up", "medication", "appointment", "health_check", "urgent_route",
)

# URL namespaces not covered by the matrix, and why.
EXEMPT_NAMESPACES = {
    "admin": "Django admin: superusers past two-factor only, enforced by the AdminSite (accounts tests)",
}


# --- the world: one object of each kind in the center under test ---------------------------------


class World:
    """Objects of `center`, created on first use. The case's main staff is `worker`; nobody else is assigned."""

    def __init__(self, center, worker, director):
        self.center, self.worker, self.director = center, worker, director
        self.files = []  # uploaded files to remove after the test

    @functools.cached_property
    def case(self):
        from yorisoi.cases.tests.factories import CaseFactory
        from yorisoi.people.tests.factories import PersonFactory

        return CaseFactory(person=PersonFactory(center=self.center), main_staff=self.worker)

    @property
    def person(self):
        """The person of the case, so that the worker is in charge of them."""
        return self.case.person

    @functools.cached_property
    def activity(self):
        from yorisoi.records.tests.factories import ActivityFactory

        return ActivityFactory(case=self.case, author=self.worker)

    @functools.cached_property
    def flag(self):
        from yorisoi.cases.tests.factories import CaseFlagFactory

        return CaseFlagFactory(case=self.case)

    @functools.cached_property
    def family(self):
        from yorisoi.people.tests.factories import FamilyContactFactory

        return FamilyContactFactory(person=self.case.person)

    @functools.cached_property
    def certificate(self):
        from yorisoi.people.tests.factories import CertificateFactory

        return CertificateFactory(person=self.case.person)

    @functools.cached_property
    def external_contact(self):
        from yorisoi.people.tests.factories import ExternalContactFactory

        return ExternalContactFactory(person=self.case.person)

    # --- medical continuity ---
    @functools.cached_property
    def medication(self):
        from yorisoi.medical.tests.factories import MedicationFactory

        return MedicationFactory(person=self.case.person)

    @functools.cached_property
    def appointment(self):
        from yorisoi.medical.tests.factories import AppointmentFactory

        return AppointmentFactory(person=self.case.person)

    @functools.cached_property
    def health_check(self):
        from yorisoi.medical.tests.factories import HealthCheckFactory

        return HealthCheckFactory(person=self.case.person)

    @functools.cached_property
    def urgent_route(self):
        from yorisoi.medical.tests.factories import UrgentRouteFactory

        return UrgentRouteFactory(person=self.case.person)

    @functools.cached_property
    def twin_person(self):
        """A second record of the center, to merge with the case's person."""
        from yorisoi.people.tests.factories import PersonFactory

        return PersonFactory(center=self.center)

    @functools.cached_property
    def deleted_person(self):
        from yorisoi.people.tests.factories import PersonFactory
        from yorisoi.privacy.services import soft_delete_person

        person = PersonFactory(center=self.center)
        soft_delete_person(actor=self.director, person=person, reason="行列テスト用の削除")
        return person

    @functools.cached_property
    def organization(self):
        from yorisoi.partners.tests.factories import OrganizationFactory

        return OrganizationFactory(center=self.center)

    @functools.cached_property
    def organization_contact(self):
        from yorisoi.partners.tests.factories import ContactFactory

        return ContactFactory(organization=self.organization)

    @functools.cached_property
    def outreach(self):
        from yorisoi.partners.tests.factories import OutreachFactory

        return OutreachFactory(center=self.center, organizations=[self.organization])

    # --- intake ---
    @functools.cached_property
    def preconsultation(self):
        from yorisoi.intake.tests.factories import PreConsultationFactory

        return PreConsultationFactory(center=self.center)

    @functools.cached_property
    def consultation(self):
        from yorisoi.intake.tests.factories import ConsultationFactory

        return ConsultationFactory(center=self.center)

    # --- placements ---
    @functools.cached_property
    def placement(self):
        from yorisoi.placements.models import Funding, Placement, PlacementKind

        return Placement.objects.create(
            center=self.center, case=self.case, person=self.case.person, facility_name="架空の自立準備ホーム",
            kind=PlacementKind.values[0], funding=Funding.values[0], entered_on=dt.date(2026, 11, 1),
            occupancy_changed_at=timezone.now(), created_by=self.worker)

    @functools.cached_property
    def inquiry(self):
        from yorisoi.placements.models import InquiryResult, PlacementInquiry

        return PlacementInquiry.objects.create(
            center=self.center, case=self.case, facility_name="架空の更生保護施設", inquired_at=timezone.now(),
            result=InquiryResult.values[0], staff=self.worker, created_by=self.worker)

    @functools.cached_property
    def connection(self):
        from yorisoi.placements.models import ServiceConnection, ServiceKind

        return ServiceConnection.objects.create(
            center=self.center, case=self.case, organization_name="架空の相談支援事業所",
            service_kind=ServiceKind.values[0], requested_on=dt.date(2026, 11, 2), staff=self.worker,
            created_by=self.worker)

    # --- planning ---
    @functools.cached_property
    def assessment(self):
        from yorisoi.planning.tests.factories import AssessmentFactory

        return AssessmentFactory(case=self.case)

    @functools.cached_property
    def plan(self):
        from yorisoi.planning.tests.factories import SupportPlanFactory

        return SupportPlanFactory(case=self.case)

    @functools.cached_property
    def plan_action(self):
        from yorisoi.planning.tests.factories import PlanActionFactory

        return PlanActionFactory(plan=self.plan)

    @functools.cached_property
    def closure_request(self):
        from yorisoi.planning.tests.factories import ClosureRequestFactory

        return ClosureRequestFactory(case=self.case)

    @functools.cached_property
    def approver_delegation(self):
        from yorisoi.accounts.tests.factories import StaffFactory
        from yorisoi.planning.models import ApproverDelegation

        approver = StaffFactory(center=self.center, username="matrix-approver")
        return ApproverDelegation.objects.create(center=self.center, staff=approver, granted_by=self.director)

    # --- procedures ---
    @functools.cached_property
    def procedure_type(self):
        from yorisoi.procedures.models import ProcedureType

        return ProcedureType.objects.create(center=self.center, code="matrix-test", name="行列テスト用の手続き")

    @functools.cached_property
    def procedure(self):
        from yorisoi.procedures.models import CaseProcedure

        return CaseProcedure.objects.create(center=self.center, case=self.case, procedure_type=self.procedure_type,
                                            title="行列テスト用の手続き")

    @functools.cached_property
    def document(self):
        from django.core.files.base import ContentFile

        from yorisoi.procedures.models import ProcedureDocument

        content = b"%PDF-1.4 matrix test"
        document = ProcedureDocument(center=self.center, procedure=self.procedure, original_name="test.pdf",
                                     content_type="application/pdf", size=len(content), uploaded_by=self.worker)
        document.file.save("test.pdf", ContentFile(content), save=False)
        document.save()
        self.files.append(document.file)
        return document

    @functools.cached_property
    def follow_up(self):
        from yorisoi.procedures.models import FollowUp, FollowUpTarget

        return FollowUp.objects.create(center=self.center, case=self.case, target=FollowUpTarget.values[0],
                                       due_date=dt.date(2026, 12, 1), created_by=self.worker)

    @functools.cached_property
    def case_template(self):
        from yorisoi.procedures.models import CaseTemplate

        return CaseTemplate.objects.create(center=self.center, name="行列テスト用のテンプレート",
                                           case_kind=self.case.kind)

    @functools.cached_property
    def template_item(self):
        from yorisoi.procedures.models import CaseTemplateItem, ReferenceKind

        reference = next(v for v in ReferenceKind.values if v != "previous")
        return CaseTemplateItem.objects.create(template=self.case_template, procedure_type=self.procedure_type,
                                               reference=reference)

    # --- disclosure ---
    @functools.cached_property
    def consent(self):
        from django.core.files.base import ContentFile

        from yorisoi.disclosure.tests.factories import ConsentFactory

        consent = ConsentFactory(person=self.person, consented_on=dt.date(2026, 1, 5))
        consent.file.save("consent.pdf", ContentFile(b"%PDF-1.4 matrix test"), save=False)
        consent.file_name, consent.file_type = "consent.pdf", "application/pdf"
        consent.save()
        self.files.append(consent.file)
        return consent

    @functools.cached_property
    def consent_template(self):
        return self.consent.template

    @functools.cached_property
    def agreement(self):
        from django.core.files.base import ContentFile

        from yorisoi.disclosure.tests.factories import AgreementFactory, municipality

        agreement = AgreementFactory(organization=municipality(self.center), valid_from=dt.date(2020, 4, 1),
                                     valid_to=None)
        agreement.file.save("agreement.pdf", ContentFile(b"%PDF-1.4 matrix test"), save=False)
        agreement.file_name, agreement.file_type = "agreement.pdf", "application/pdf"
        agreement.save()
        self.files.append(agreement.file)
        return agreement

    @functools.cached_property
    def disclosure_record(self):
        from yorisoi.disclosure.models import Basis, Purpose
        from yorisoi.disclosure.services import provide_information

        assert self.consent  # the provision rests on it
        record = provide_information(actor=self.worker, person=self.person, recipient=self.agreement.organization,
                                     purpose=Purpose.WELFARE, item_codes=["phone"], basis=Basis.CONSENT)
        self.files.append(record.document)
        return record

    @functools.cached_property
    def subject_request(self):
        from yorisoi.disclosure.tests.factories import RequestFactory

        return RequestFactory(person=self.person)

    # --- meetings ---
    @functools.cached_property
    def meeting(self):
        """A case conference on the case, with the worker and one external contact."""
        from yorisoi.meetings.tests.factories import MeetingFactory

        return MeetingFactory(center=self.center, cases=[self.case], staff=[self.worker],
                              contacts=[self.organization_contact])

    @functools.cached_property
    def review_meeting(self):
        from yorisoi.meetings.models import MeetingKind
        from yorisoi.meetings.tests.factories import MeetingFactory

        return MeetingFactory(center=self.center, kind=MeetingKind.WEEKLY_REVIEW, title="ケース検討（行列テスト）")

    @functools.cached_property
    def meeting_action(self):
        from yorisoi.meetings.tests.factories import MeetingActionFactory

        return MeetingActionFactory(meeting=self.meeting, owner=self.worker, case=self.case)

    @functools.cached_property
    def concern(self):
        from yorisoi.meetings.tests.factories import ConcernFactory

        return ConcernFactory(case=self.case, raised_by=self.worker)

    @functools.cached_property
    def case_study_meeting(self):
        from yorisoi.meetings.models import MeetingKind
        from yorisoi.meetings.tests.factories import MeetingFactory

        return MeetingFactory(center=self.center, kind=MeetingKind.CASE_STUDY, title="事例検討会（行列テスト）",
                              cases=[self.case])

    @functools.cached_property
    def case_study_material(self):
        """Released material of the case (drafts are their author's only: meetings tests)."""
        from yorisoi.meetings.models import CaseStudyMaterial, MaterialStatus

        return CaseStudyMaterial.objects.create(center=self.center, case=self.case, meeting=self.case_study_meeting,
                                                author=self.worker, text="【事例の概要】対象者：Aさん",
                                                status=MaterialStatus.RELEASED, released_at=timezone.now())

    @functools.cached_property
    def absence(self):
        from yorisoi.meetings.models import Absence

        return Absence.objects.create(center=self.center, staff=self.worker, date=timezone.localdate(), kind="leave")

    # --- center operations (センター運営) ---
    @functools.cached_property
    def staff_member(self):
        from yorisoi.office.tests.factories import StaffMemberFactory

        return StaffMemberFactory(center=self.center, account=self.worker)

    @functools.cached_property
    def qualification(self):
        from yorisoi.office.tests.factories import QualificationFactory

        return QualificationFactory(staff_member=self.staff_member)

    @functools.cached_property
    def vehicle(self):
        from yorisoi.office.tests.factories import VehicleFactory

        return VehicleFactory(center=self.center)

    @functools.cached_property
    def trip(self):
        """Driven by the worker: the colleague may not correct it."""
        from yorisoi.office.tests.factories import TripFactory

        return TripFactory(vehicle=self.vehicle, driver=self.worker)

    @functools.cached_property
    def vehicle_event(self):
        from yorisoi.office.tests.factories import VehicleEventFactory

        return VehicleEventFactory(vehicle=self.vehicle, reported_by=self.worker)

    @functools.cached_property
    def device(self):
        from yorisoi.office.tests.factories import DeviceFactory

        return DeviceFactory(center=self.center, holder=self.worker)

    @functools.cached_property
    def paper_file(self):
        from yorisoi.office.tests.factories import PaperFileFactory

        return PaperFileFactory(person=self.case.person)

    @functools.cached_property
    def incident(self):
        """Reported by the director: the others see only the incidents they reported themselves."""
        from yorisoi.office.tests.factories import IncidentFactory

        return IncidentFactory(center=self.center, device=self.device, holder=self.worker, reported_by=self.director)

    @functools.cached_property
    def trainee_record(self):
        """A trainee hosted by the center, within the period, the pledge on file, assigned the world's case."""
        from yorisoi.office.tests.factories import hosted_trainee

        today = timezone.localdate()
        trainee = hosted_trainee(self.director, cases=[self.case], starts_on=today,
                                 ends_on=today + dt.timedelta(days=10), username="matrix-trainee")
        self.files.append(trainee.pledge_file)
        return trainee

    @property
    def trainee_assignment(self):
        return self.trainee_record.assignments.get()

    # --- privacy ---
    @functools.cached_property
    def export_request(self):
        from yorisoi.reports import exports

        return exports.request_export(actor=self.worker, target="persons", file_format="xlsx", filters={},
                                      reason="行列テスト用の申請")

    @functools.cached_property
    def import_batch(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from yorisoi.imports import services

        data = "氏名,フリガナ\r\n行列 テスト,ギョウレツ テスト\r\n".encode()
        return services.start_batch(actor=self.director, target="persons",
                                    uploaded=SimpleUploadedFile("matrix.csv", data))

    @functools.cached_property
    def organization_kind(self):
        from yorisoi.partners.models import OrganizationKind

        return OrganizationKind.objects.create(center=self.center, code="matrix-test", label="行列テスト用の種別")

    # --- transfers ---
    @functools.cached_property
    def transfer_entry(self):
        """The center's directory entry (他の地域生活定着支援センター) for another center of this deployment."""
        from yorisoi.accounts.tests.factories import CenterFactory
        from yorisoi.transfers.tests.factories import center_entry

        receiving = CenterFactory(name="行列テスト受入県地域生活定着支援センター", prefecture="千葉県")
        return center_entry(self.center, target_center=receiving)

    @functools.cached_property
    def transfer(self):
        """A transfer of the case to that center, waiting for its answer (sent on a legal basis)."""
        from yorisoi.disclosure.models import Basis
        from yorisoi.transfers.tests.factories import send

        transfer = send(self.worker, self.case, self.transfer_entry, basis=Basis.LAW,
                        legal_reason="行列テスト用の法令上の根拠")
        self.files.append(transfer.disclosure_record.document)
        return transfer

    @functools.cached_property
    def incoming_transfer(self):
        """A transfer that a third center sent to this one, waiting for this center's answer."""
        from yorisoi.accounts.tests.factories import CenterFactory, StaffFactory
        from yorisoi.cases.tests.factories import CaseFactory
        from yorisoi.disclosure.models import Basis
        from yorisoi.people.tests.factories import PersonFactory
        from yorisoi.transfers.tests.factories import center_entry, send

        sender_center = CenterFactory(name="行列テスト送付県地域生活定着支援センター", prefecture="群馬県")
        sender = StaffFactory(center=sender_center, username="matrix-transfer-sender")
        case = CaseFactory(person=PersonFactory(center=sender_center), main_staff=sender)
        transfer = send(sender, case, center_entry(sender_center, target_center=self.center), basis=Basis.LAW,
                        legal_reason="行列テスト用の法令上の根拠")
        self.files.append(transfer.disclosure_record.document)
        return transfer


# --- the table ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    statuses: dict[str, int]
    kind: str | None = None  # the world object the URL names (None: a page without an object)
    kwargs: Callable[[World], dict] | None = None
    query: Callable[[World], str] | None = None
    assigned: int | str | None = None  # the colleague's answer in ASSIGNED mode, when not the default
    outsider: int | None = None  # when not the default (404 for objects, the worker's answer otherwise)
    trainee: int | None = None  # where the page's rule admits trainees (default: see `expected_for_trainee`)

    def expected_for_trainee(self, rule_name: str | None) -> int:
        if self.trainee is not None:
            return self.trainee
        view_rule = RULES.get(rule_name or "")
        if view_rule is not None and view_rule.who != "staff":
            return self.statuses["worker"]  # log-in, health, one's own password: the same for every account
        return 403

    def expected(self, role: str, mode: str) -> int | str:
        if role == "outsider":
            if self.outsider is not None:
                return self.outsider
            if self.statuses["worker"] == self.statuses["colleague"] == 403:
                return 403  # the page's rule refuses workers before any object is read: it tells nothing about one
            return 404 if self.kind else self.statuses["worker"]
        if role == "colleague" and mode == Center.CaseVisibility.ASSIGNED:
            if self.assigned is not None:
                return self.assigned
            if self.kind in OBJECT_PAGES_WITH_BREAK_GLASS and self.statuses["colleague"] not in (403, 404, 405):
                return BG
        return self.statuses[role]


def _statuses(spec: str) -> dict[str, int]:
    values = spec.split()
    if len(values) != len(ROLES):
        raise ValueError(f"{spec!r}: give {len(ROLES)} statuses in the order {' '.join(ROLES)}")
    return dict(zip(ROLES, (int(v) for v in values), strict=True))


def page(spec: str, **options) -> Row:
    """A URL without an object. spec: statuses for director worker colleague clerk auditor."""
    return Row(_statuses(spec), **options)


def on(kind: str, spec: str, *, key: str = "pk", **options) -> Row:
    """A URL naming one world object by `key` (pk, case_pk…)."""
    kwargs = options.pop("kwargs", None) or (lambda w: {key: getattr(w, kind).pk})
    return Row(_statuses(spec), kind=kind, kwargs=kwargs, **options)


def privacy_on(kind: str, attr: str, spec: str, **options) -> Row:
    """privacy URLs of the form <kind>/<pk>/."""
    return on(attr, spec, kwargs=lambda w: {"kind": kind, "pk": getattr(w, attr).pk}, **options)


def item(kind: str, spec: str, **options) -> Row:
    """A person's sub-record URL: <person pk>/<kind>/<item_pk>/…"""
    return on(kind, spec, kwargs=lambda w: {"pk": getattr(w, kind).person_id, "item_pk": getattr(w, kind).pk},
              **options)


def in_case(kind: str, spec: str, **options) -> Row:
    """A URL of one object of the case: case/<case_pk>/…/<pk>/."""
    return on(kind, spec, kwargs=lambda w: {"case_pk": w.case.pk, "pk": getattr(w, kind).pk}, **options)


def template_item(spec: str, **options) -> Row:
    """procedures/templates/<template pk>/items/<item_pk>/…"""
    return on("template_item", spec,
              kwargs=lambda w: {"pk": w.template_item.template_id, "item_pk": w.template_item.pk}, **options)


# Columns: director worker colleague clerk auditor (see the module docstring for outsider and ASSIGNED mode).
# 302 on a GET is a POST-only action sending the browser back; 405 a POST-only view that refuses GET.
MATRIX: dict[str, Row] = {
    # --- log-in, health, home ---
    "healthz": page("200 200 200 200 200"),
    "accounts:login": page("302 302 302 302 302"),   # already logged in: sent on
    "accounts:logout": page("405 405 405 405 405"),  # POST only
    "accounts:otp": page("302 302 302 302 302"),     # already past two-factor: sent on
    "accounts:password_change": page("200 200 200 200 200"),
    "accounts:center_settings": page("200 403 403 403 403"),
    "home": page("200 200 200 200 200", trainee=200),
    # --- people: auditors never write; clerks see the face sheet without justice/health, no history ---
    "search": page("200 200 200 200 200"),
    "people:list": page("200 200 200 200 200", trainee=200),
    "people:create": page("200 200 200 200 403"),
    "people:postal": page("200 200 200 200 200", query=lambda w: "code=3300063"),
    "people:certificate_grades": page("200 200 200 200 200", trainee=200),
    "people:detail": on("person", "200 200 200 200 200", trainee=200),
    "people:edit": on("person", "200 200 200 200 403"),
    "people:history": on("person", "200 200 200 403 200"),
    "people:print": on("person", "200 200 200 200 403"),
    "people:merge_choose": on("person", "200 403 403 403 403"),
    "people:merge_confirm": on("person", "200 403 403 403 403",
                               kwargs=lambda w: {"pk": w.person.pk, "other_pk": w.twin_person.pk}),
    "people:merge_history": page("200 403 403 403 200"),
    # --- medical continuity: health information (no clerks); auditors read, never write ---
    "medical:continuity": page("200 200 200 403 200"),
    "medical:person": on("person", "200 200 200 403 200"),
    "medical:medication_add": on("person", "200 200 200 403 403"),
    "medical:medication_edit": item("medication", "200 200 200 403 403"),
    "medical:medication_delete": item("medication", "200 200 200 403 403"),
    "medical:appointment_add": on("person", "200 200 200 403 403"),
    "medical:appointment_edit": item("appointment", "200 200 200 403 403"),
    "medical:appointment_delete": item("appointment", "200 200 200 403 403"),
    "medical:check_add": on("person", "200 200 200 403 403"),
    "medical:check_edit": item("health_check", "200 200 200 403 403"),
    "medical:check_delete": item("health_check", "200 200 200 403 403"),
    "medical:route_add": on("person", "200 200 200 403 403"),
    "medical:route_edit": item("urgent_route", "200 200 200 403 403"),
    "medical:route_delete": item("urgent_route", "200 200 200 403 403"),
    "people:family_add": on("person", "200 200 200 200 403"),
    "people:family_edit": item("family", "200 200 200 200 403"),
    "people:family_delete": item("family", "200 200 200 200 403"),
    "people:certificate_add": on("person", "200 200 200 200 403"),
    "people:certificate_edit": item("certificate", "200 200 200 200 403"),
    "people:certificate_delete": item("certificate", "200 200 200 200 403"),
    "people:contact_add": on("person", "200 200 200 200 403"),
    # the world's contact is a 保護観察官: justice information, not there for a clerk
    "people:contact_edit": item("external_contact", "200 200 200 404 403"),
    "people:contact_delete": item("external_contact", "200 200 200 404 403"),
    # --- cases and records: clerks never reach narratives (records, phase reasons) ---
    "cases:list": page("200 200 200 200 200", trainee=200),
    "cases:create": on("person", "200 200 200 403 403", kwargs=lambda w: {}, query=lambda w: f"person={w.person.pk}"),
    "cases:detail": on("case", "200 200 200 200 200", trainee=200),
    "cases:edit": on("case", "200 200 200 200 403"),
    "cases:change_phase": on("case", "302 302 302 403 403"),
    "cases:add_flag": on("case", "302 302 302 302 403"),
    "cases:reopen": on("case", "302 302 302 403 403"),  # POST only (a closed case starts a new one)
    "cases:pause": on("case", "302 302 302 403 403"),  # POST only (休止: the form is on the case page)
    "cases:resume": on("case", "302 302 302 403 403"),  # POST only
    "cases:contact_attempt": on("case", "302 302 302 403 403"),  # POST only (再連絡の記録 writes a record)
    # 再犯の把握 is justice information: clerks are refused by the rule
    "cases:reoffences": on("case", "200 200 200 403 200"),
    "cases:flag_active": on("flag", "302 302 302 302 403",
                            kwargs=lambda w: {"pk": w.flag.case_id, "flag_pk": w.flag.pk}),
    "records:add": on("case", "200 200 200 403 403", key="case_pk"),
    "records:edit": on("activity", "200 200 200 403 403"),
    "records:history": on("activity", "200 200 200 403 200"),
    # --- partners (organizations of the center: no break-the-glass) ---
    "partners:list": page("200 200 200 200 200"),
    "partners:create": page("200 200 200 200 403"),
    "partners:detail": on("organization", "200 200 200 200 200"),
    "partners:edit": on("organization", "200 200 200 200 403"),
    "partners:contact_create": on("organization", "200 200 200 200 403"),
    "partners:contact_edit": on("organization_contact", "200 200 200 200 403"),
    "partners:contact_end": on("organization_contact", "200 200 200 200 403"),
    "partners:not_contacted": page("200 200 200 200 200"),
    "partners:outreach_list": page("200 200 200 200 200"),
    "partners:outreach_create": page("200 200 200 403 403"),
    "partners:outreach_detail": on("outreach", "200 200 200 200 200"),
    "partners:outreach_edit": on("outreach", "200 200 200 403 403"),
    "partners:kinds": page("200 200 200 200 200"),
    "partners:kind_edit": on("organization_kind", "200 403 403 403 403"),
    "partners:import": page("200 200 200 200 403"),
    "partners:import_confirm": page("405 405 405 405 403"),  # POST only; auditors refused by the rule first
    "partners:export": page("200 200 200 200 200"),
    # --- intake ---
    "intake:referral": page("200 200 200 403 403"),
    "intake:name_check": page("405 405 405 403 403"),
    "intake:preconsultation_list": page("200 200 200 403 200"),
    "intake:preconsultation_create": page("200 200 200 403 403"),
    "intake:preconsultation_meeting": page("200 200 200 403 200"),
    "intake:preconsultation_detail": on("preconsultation", "200 200 200 403 200"),
    "intake:preconsultation_edit": on("preconsultation", "200 200 200 403 403"),
    "intake:preconsultation_convert": on("preconsultation", "302 302 302 403 403"),
    "intake:consultation_list": page("200 200 200 200 200"),
    "intake:consultation_create": page("200 200 200 403 403"),
    "intake:consultation_summary": page("200 200 200 200 200"),
    "intake:consultation_detail": on("consultation", "200 200 200 200 200"),
    "intake:consultation_edit": on("consultation", "200 200 200 403 403"),
    # --- placements ---
    "placements:case": on("case", "200 200 200 200 200", key="case_pk"),
    "placements:placement_create": on("case", "200 200 200 200 403", key="case_pk"),
    "placements:placement_edit": on("placement", "200 200 200 200 403"),
    "placements:placement_exit": on("placement", "200 200 200 200 403"),
    "placements:inquiry_create": on("case", "200 200 200 200 403", key="case_pk"),
    "placements:inquiry_edit": on("inquiry", "200 200 200 200 403"),
    "placements:inquiry_no_sharing": on("inquiry", "302 302 302 302 403"),
    "placements:connection_create": on("case", "200 200 200 200 403", key="case_pk"),
    "placements:connection_edit": on("connection", "200 200 200 200 200"),
    "placements:connection_no_sharing": on("connection", "302 302 302 302 403"),
    "placements:connection_status": on("connection", "302 302 302 302 403"),
    "placements:organization": on("organization", "200 200 200 200 200"),
    "placements:vacancy_report": on("organization", "302 302 302 302 403"),
    "placements:vacancy_search": page("200 200 200 200 200"),
    "placements:refusals": page("200 200 200 200 200"),
    "network:map": page("200 200 200 200 200"),
    # --- planning ---
    "planning:approvals": page("200 200 200 200 200"),
    "planning:approvers": page("200 403 403 403 403"),
    "planning:approver_revoke": on("approver_delegation", "302 403 403 403 403", outsider=403),
    "planning:case": on("case", "200 200 200 200 200", key="case_pk"),
    "planning:assessment_list": on("case", "200 200 200 200 200", key="case_pk"),
    "planning:assessment_create": on("case", "200 200 200 403 403", key="case_pk"),
    "planning:assessment_compare": on("case", "200 200 200 403 200", key="case_pk"),
    "planning:assessment_detail": in_case("assessment", "200 200 200 200 200"),
    "planning:assessment_edit": in_case("assessment", "200 200 200 403 403"),
    "planning:plan": on("case", "200 200 200 200 200", key="case_pk"),
    "planning:plan_create": on("case", "200 200 200 403 403", key="case_pk"),
    "planning:plan_version": in_case("plan", "200 200 200 200 200"),
    "planning:plan_edit": in_case("plan", "200 200 200 403 403"),
    "planning:plan_revise": in_case("plan", "302 302 302 403 403"),
    "planning:plan_submit": in_case("plan", "302 302 302 403 403"),
    "planning:plan_withdraw": in_case("plan", "302 302 302 403 403"),
    # workers pass the rule of the two decide pages (a 決裁代行 may decide), so an outsider meets the 404
    "planning:plan_decide": in_case("plan", "302 403 403 403 403", assigned=BG, outsider=404),
    "planning:plan_print": in_case("plan", "200 200 200 403 403"),
    "planning:plan_pdf": in_case("plan", "200 200 200 403 403"),
    "planning:action_status": in_case("plan_action", "302 302 302 403 403"),
    "planning:closure": on("case", "200 200 200 200 200", key="case_pk"),
    "planning:closure_detail": in_case("closure_request", "200 200 200 200 200"),
    "planning:closure_edit": in_case("closure_request", "302 302 302 403 403"),
    "planning:closure_withdraw": in_case("closure_request", "302 302 302 403 403"),
    "planning:closure_decide": in_case("closure_request", "302 403 403 403 403", assigned=BG, outsider=404),
    # --- procedures ---
    "procedures:case": on("case", "200 200 200 200 200", key="case_pk"),
    "procedures:add": on("case", "302 302 302 302 403", key="case_pk"),
    "procedures:apply_template": on("case", "302 302 302 302 403", key="case_pk"),
    "procedures:propose": on("case", "200 200 200 200 403", key="case_pk"),
    "procedures:placement_date": on("case", "302 302 302 302 403", key="case_pk"),
    "procedures:recompute": on("case", "302 302 302 302 403", key="case_pk"),
    "procedures:edit": in_case("procedure", "200 200 200 200 403"),
    "procedures:status": in_case("procedure", "302 302 302 302 403"),
    "procedures:document_upload": in_case("procedure", "302 302 302 302 403"),
    "procedures:document_download": in_case("document", "200 200 200 200 200"),
    "procedures:document_delete": in_case("document", "302 302 302 302 403"),
    "procedures:protection": on("case", "200 200 200 200 200", key="case_pk"),
    "procedures:protection_edit": on("case", "302 302 302 302 403", key="case_pk"),
    "procedures:protection_extend": on("case", "302 302 302 403 403", key="case_pk"),
    "procedures:follow_ups": on("case", "200 200 200 200 200", key="case_pk"),
    "procedures:follow_up_schedule": on("case", "302 302 302 302 403", key="case_pk"),
    "procedures:follow_up_add": on("case", "302 302 302 302 403", key="case_pk"),
    "procedures:follow_up_edit": in_case("follow_up", "200 200 200 200 403"),
    "procedures:follow_up_record": in_case("follow_up", "200 200 200 403 403"),
    "procedures:due_list": page("200 200 200 200 200"),
    "procedures:types": page("200 200 200 200 200"),
    "procedures:type_edit": on("procedure_type", "200 403 403 403 403"),
    "procedures:type_hidden": on("procedure_type", "403 403 403 403 403"),
    "procedures:templates": page("200 200 200 200 200"),
    "procedures:template_detail": on("case_template", "200 200 200 200 200"),
    "procedures:template_edit": on("case_template", "200 403 403 403 403"),
    "procedures:template_copy": on("case_template", "302 403 403 403 403"),
    "procedures:template_item_add": on("case_template", "302 403 403 403 403"),
    "procedures:template_item_edit": template_item("200 403 403 403 403"),
    "procedures:template_item_delete": template_item("302 403 403 403 403"),
    # --- disclosure: clerks never (health/justice); auditors read; agreements, wording and requests: directors ---
    "disclosure:person": on("person", "200 200 200 403 200"),
    "disclosure:consent_create": on("person", "200 200 200 403 403"),
    "disclosure:provide": on("person", "200 200 200 403 403"),
    "disclosure:receipt_create": on("person", "200 200 200 403 403"),
    "disclosure:request_create": on("person", "200 403 403 403 403"),
    "disclosure:consent_detail": on("consent", "200 200 200 403 200", assigned=BG),
    "disclosure:consent_withdraw": on("consent", "200 200 200 403 403", assigned=BG),
    "disclosure:consent_file": on("consent", "200 200 200 403 200", assigned=BG),
    "disclosure:templates": page("200 200 200 403 200"),
    "disclosure:template_create": page("200 403 403 403 403"),
    "disclosure:template_detail": on("consent_template", "200 200 200 403 200"),
    "disclosure:template_edit": on("consent_template", "200 403 403 403 403"),
    "disclosure:agreements": page("200 200 200 403 200"),
    "disclosure:agreement_create": page("200 200 200 403 403"),
    "disclosure:agreement_detail": on("agreement", "200 200 200 403 200"),
    "disclosure:agreement_edit": on("agreement", "200 403 403 403 403"),
    "disclosure:agreement_file": on("agreement", "200 200 200 403 200"),
    "disclosure:ledger": page("200 200 200 403 200"),
    # a worker limited to assigned cases does not see the ledger rows of other persons (404, no break-the-glass)
    "disclosure:record_detail": on("disclosure_record", "200 200 200 403 200", assigned=404),
    "disclosure:record_pdf": on("disclosure_record", "200 200 200 403 200", assigned=404),
    "disclosure:receipts": page("200 200 200 403 200"),
    "disclosure:requests": page("200 403 403 403 200"),
    "disclosure:request_edit": on("subject_request", "200 403 403 403 200"),
    "disclosure:request_report": on("subject_request", "200 403 403 403 403"),
    # --- transfers (広域調整): clerks never (the package holds health and justice); auditors read; the receiving
    # center reads an incoming transfer (the outsider, of yet another center, gets 404); links: directors ---
    "transfers:list": page("200 200 200 403 200"),
    "transfers:create": on("case", "200 200 200 403 403", key="case_pk"),
    "transfers:detail": on("transfer", "200 200 200 403 200", assigned=BG),
    "transfers:pdf": on("transfer", "200 200 200 403 200", assigned=BG),
    "transfers:withdraw": on("transfer", "302 302 302 403 403", assigned=BG),  # POST only: a GET is sent back
    "transfers:answer": on("transfer", "302 302 302 403 403", assigned=BG),
    "transfers:incoming": page("200 200 200 403 200"),
    "transfers:incoming_detail": on("incoming_transfer", "200 200 200 403 200"),
    "transfers:incoming_pdf": on("incoming_transfer", "200 200 200 403 200"),
    "transfers:accept": on("incoming_transfer", "302 302 302 403 403"),
    "transfers:decline": on("incoming_transfer", "302 302 302 403 403"),
    "transfers:targets": page("200 200 200 403 200"),
    "transfers:target_edit": on("transfer_entry", "302 403 403 403 403"),
    # --- privacy: the log for directors and auditors; who looked at a person also for the worker in charge ---
    # --- inbox and calendar (each user's own items; the feed answers by its secret token only) ---
    "inbox:index": page("200 200 200 200 200"),
    "inbox:calendar": page("200 200 200 200 200"),
    "inbox:feed_settings": page("200 200 200 200 200"),
    "inbox:feed_token": page("302 302 302 302 302"),  # POST only: a GET is sent back
    "inbox:feed_revoke": page("302 302 302 302 302"),
    "inbox:feed": page("404 404 404 404 404", kwargs=lambda w: {"token": "unknown-token-" + "x" * 20}),
    # --- meetings: casework (narratives of cases); auditors read; clerks only the morning board and absences ---
    "meetings:list": page("200 200 200 403 200"),
    "meetings:create": page("200 200 200 403 403"),
    "meetings:detail": on("meeting", "200 200 200 403 200"),
    "meetings:edit": on("meeting", "200 200 200 403 403"),
    "meetings:repeat": on("meeting", "302 302 302 403 403"),  # POST only: a GET is sent back
    "meetings:attachment_add": on("meeting", "302 302 302 403 403"),  # POST only: a GET is sent back
    # an attachment the meeting does not have: 404 past the rule (the real ones: meetings/tests)
    "meetings:attachment": on("meeting", "404 404 404 403 404",
                              kwargs=lambda w: {"pk": w.meeting.pk, "attachment_pk": 999_999}),
    "meetings:attachment_delete": on("meeting", "404 404 404 403 403",
                                     kwargs=lambda w: {"pk": w.meeting.pk, "attachment_pk": 999_999}),
    "meetings:minutes": on("meeting", "302 302 302 403 403"),
    "meetings:minutes_history": on("meeting", "200 200 200 403 200"),
    "meetings:decision_add": on("meeting", "302 302 302 403 403"),
    "meetings:action_add": on("meeting", "302 302 302 403 403"),
    "meetings:print": on("meeting", "200 200 200 403 200"),
    "meetings:pdf": on("meeting", "200 200 200 403 200"),
    # an action about a case the colleague may not open (ASSIGNED mode) is not theirs to close: 404
    "meetings:case_summary": on("meeting", "200 200 200 403 200",
                                kwargs=lambda w: {"pk": w.meeting.pk, "case_pk": w.case.pk}, assigned=BG),
    "meetings:hand_summary": on("meeting", "302 302 302 403 403",
                                kwargs=lambda w: {"pk": w.meeting.pk, "case_pk": w.case.pk}, assigned=BG),
    # case-study material: drafting needs the case (break-the-glass in ASSIGNED mode); released material is
    # anonymised, for every reader of the center
    "meetings:material_draft": on("case_study_meeting", "302 302 302 403 403",
                                  kwargs=lambda w: {"pk": w.case_study_meeting.pk, "case_pk": w.case.pk},
                                  assigned=BG),
    "meetings:material": on("case_study_material", "200 200 200 403 200"),
    "meetings:material_print": on("case_study_material", "200 200 200 403 200"),
    "meetings:action_status": on("meeting_action", "302 302 302 403 403", assigned=404),
    "meetings:concerns": page("200 200 200 403 200"),
    "meetings:case_concerns": on("case", "200 200 200 403 200", key="case_pk"),
    "meetings:concern_idea": on("concern", "302 302 302 403 403", assigned=BG),
    "meetings:concern_resolve": on("concern", "302 302 302 403 403", assigned=BG),
    "meetings:review_board": page("200 200 200 403 200"),
    "meetings:review_case": on("review_meeting", "200 200 200 403 403",
                               kwargs=lambda w: {"pk": w.review_meeting.pk, "case_pk": w.case.pk}, assigned=BG),
    "meetings:morning": page("200 200 200 200 200"),
    "meetings:absence_add": page("302 302 302 302 403"),
    "meetings:absence_delete": on("absence", "302 302 302 302 403"),
    "privacy:audit": page("200 403 403 403 200"),
    "privacy:person_access": on("person", "200 200 403 403 200"),
    "privacy:break_glass_list": page("200 403 403 403 200"),
    # already visible → sent on to the record; ASSIGNED mode: the colleague gets the form
    "privacy:break_glass": privacy_on("case", "case", "302 302 302 302 302", assigned=BG),
    "privacy:deleted": page("200 403 403 403 403"),
    "privacy:delete": privacy_on("person", "person", "200 403 403 403 403"),
    "privacy:restore": privacy_on("person", "deleted_person", "200 403 403 403 403"),
    # export control: everyone sees their own requests; lists of persons for director/worker/clerk (the ledger and
    # the access log for director/auditor, privacy tests); a request is seen by its requester, directors, auditors
    "reports:exports": page("200 200 200 200 200"),
    # outcomes: aggregates of the center; the drill-down lists only the cases of the user's reach
    "reports:dashboard": page("200 200 200 403 200"),
    "reports:drill": page("200 200 200 403 200", query=lambda w: "figure=status&key=new"),
    "reports:chart": page("200 200 200 403 200", kwargs=lambda w: {"code": "status"}),
    "reports:outcome_report": page("200 403 403 403 200"),
    "reports:export_create": page("200 200 200 200 403", query=lambda w: "target=persons"),
    "reports:export_detail": on("export_request", "200 200 404 404 200"),
    "reports:export_decide": on("export_request", "302 302 404 404 302"),  # POST only: a GET shows the request
    "reports:export_download": on("export_request", "302 302 404 404 302"),
    # the import wizard: directors only
    "imports:start": page("200 403 403 403 403"),
    "imports:template": page("200 403 403 403 403", kwargs=lambda w: {"target": "persons"}),
    "imports:sheet": on("import_batch", "302 403 403 403 403"),  # a CSV has no sheets: on to the mapping
    "imports:mapping": on("import_batch", "200 403 403 403 403"),
    "imports:batch": on("import_batch", "200 403 403 403 403"),
    "imports:run": on("import_batch", "405 403 403 403 403"),  # POST only
    "operations:retention": page("200 403 403 403 200"),
    "operations:nightly": page("200 403 403 403 200"),
    # --- center operations: everyone sees vehicles, trip logs, devices, files and lock checks; directors and clerks
    # keep vehicles, devices, files and the staffing table; workers record their own trips and report incidents;
    # an incident is read by directors, auditors and whoever reported it (the world's was reported by the director)
    "office:index": page("200 200 200 200 200"),
    "office:staffing": page("200 403 403 200 200"),
    "office:staffing_print": page("200 403 403 200 200"),
    "office:staffing_pdf": page("200 403 403 200 200"),
    "office:profile_edit": page("200 403 403 403 403"),
    "office:staff_create": page("200 403 403 200 403"),
    "office:staff_edit": on("staff_member", "200 403 403 200 403"),
    "office:qualification_add": on("staff_member", "200 403 403 200 403"),
    "office:qualification_delete": on("qualification", "405 403 403 405 403"),  # POST only
    "office:vehicles": page("200 200 200 200 200"),
    "office:vehicle_create": page("200 403 403 200 403"),
    "office:vehicle_detail": on("vehicle", "200 200 200 200 200"),
    "office:vehicle_edit": on("vehicle", "200 403 403 200 403"),
    "office:check_create": on("vehicle", "200 403 403 200 403"),
    "office:event_create": on("vehicle", "200 200 200 200 403"),
    "office:event_follow_up": on("vehicle_event", "200 403 403 200 403"),
    "office:trips": page("200 200 200 200 200"),
    "office:trip_print": page("200 200 200 200 200"),
    "office:trip_create": page("200 200 200 200 403"),
    "office:trip_edit": on("trip", "200 200 403 200 403"),  # workers correct their own trips
    "office:devices": page("200 200 200 200 200"),
    "office:device_create": page("200 403 403 200 403"),
    "office:device_edit": on("device", "200 403 403 200 403"),
    "office:files": page("200 200 200 200 200"),
    "office:file_create": page("200 403 403 200 403"),
    "office:file_checkout": on("paper_file", "405 405 405 405 403", outsider=405),  # POST only
    "office:file_return": on("paper_file", "405 405 405 405 403", outsider=405),  # POST only
    "office:checks": page("200 200 200 200 200"),
    "office:check_record": page("200 200 200 200 403"),
    "office:trainings": page("200 200 200 200 200"),
    "office:training_create": page("200 200 200 200 403"),
    "office:plan_item_create": page("200 403 403 403 403"),
    # hosted trainees: the director only
    "office:trainees": page("200 403 403 403 403"),
    "office:trainee_create": page("200 403 403 403 403"),
    "office:trainee_detail": on("trainee_record", "200 403 403 403 403"),
    "office:trainee_edit": on("trainee_record", "200 403 403 403 403"),
    "office:trainee_pledge": on("trainee_record", "405 403 403 403 403"),  # POST only
    "office:trainee_pledge_download": on("trainee_record", "200 403 403 403 403"),
    "office:trainee_assign": on("trainee_record", "405 403 403 403 403"),  # POST only
    "office:trainee_revoke": on("trainee_assignment", "405 403 403 403 403"),  # POST only
    "office:trainee_presence": on("trainee_record", "405 403 403 403 403"),  # POST only
    "office:trainee_end": on("trainee_record", "405 403 403 403 403"),  # POST only
    "office:incidents": page("200 200 200 200 200"),
    "office:incident_create": page("200 200 200 200 403"),
    "office:incident_detail": on("incident", "200 404 404 404 200"),
    "office:incident_wipe": on("incident", "302 403 403 403 403"),  # POST only: a GET goes back to the incident
    "office:incident_notify": on("incident", "302 403 403 403 403"),
    "office:incident_report": on("incident", "302 403 403 403 403"),
    # --- the REST API (read here through the verified session, which may read; tokens: yorisoi/api/tests). An object
    # a worker may not open in ASSIGNED mode is a plain 403 (break-the-glass is asked for on the pages).
    "api:persons-list": page("200 200 200 200 200"),
    "api:persons-detail": on("person", "200 200 200 200 200", assigned=403),
    "api:cases-list": page("200 200 200 200 200"),
    "api:cases-detail": on("case", "200 200 200 200 200", assigned=403),
    "api:records-list": page("200 200 200 403 200"),
    "api:records-detail": on("activity", "200 200 200 403 200", assigned=403),
    "api:follow-ups-list": page("200 200 200 200 200"),
    "api:follow-ups-detail": on("follow_up", "200 200 200 200 200", assigned=403),
    "api:follow-ups-complete": on("follow_up", "405 405 405 403 403", outsider=405),  # POST only (its POST: 404)
    "api:organizations-list": page("200 200 200 200 200"),
    "api:organizations-detail": on("organization", "200 200 200 200 200"),
    "api:meetings-list": page("200 200 200 403 200"),
    "api:meetings-detail": on("meeting", "200 200 200 403 200"),
    "api:statistics": page("200 200 200 200 200"),
    "api:schema": page("200 200 200 200 200"),
    "api:docs": page("200 200 200 200 200"),
    "api:tokens": page("200 200 200 200 200"),
    "api:token_revoke": page("405 405 405 405 405", kwargs=lambda w: {"pk": 1}),  # POST only, own tokens only
}


# --- walking the URL configuration -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    callback: Callable
    namespace: str


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Route]:
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            routes += _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            routes.append(Route(name, route, entry.callback, namespace.split(":")[0] if namespace else ""))
    return routes


ROUTES = [r for r in _walk(get_resolver()) if r.namespace not in EXEMPT_NAMESPACES]
RULE_OF_ROUTE = {r.name: getattr(r.callback, "_policy_rule", None) for r in ROUTES}


def test_every_view_has_a_policy_rule():
    unmarked = sorted(f"{r.name} ({r.route}) → {r.callback.__module__}.{r.callback.__qualname__}"
                      for r in ROUTES if not hasattr(r.callback, "_policy_rule"))
    assert not unmarked, (
        "These views have no access rule. Mark each with @rule('area.action') from yorisoi.privacy.policy (the "
        "outermost decorator; the rules are listed in yorisoi/privacy/policy/view_rules.py):\n  "
        + "\n  ".join(unmarked)
    )


def test_every_rule_marks_a_page_and_means_one_thing():
    used = {r.callback._policy_rule for r in ROUTES if hasattr(r.callback, "_policy_rule")}
    assert set(RULES) - used == set(), "rules that no page uses; remove them from view_rules.RULES"


# Where the matrix refuses a role on every page of a rule although the rule admits the role, and why.
ADMITTED_BUT_REFUSED_HERE = {
    # a worker decides only when the director named them 決裁代行; nobody is named in the matrix's world
    ("planning:plan_decide", "worker"), ("planning:closure_decide", "worker"),
    # shared procedure types (of no center) are read-only even for the director; the world's type is shared
    ("procedures:type_hidden", "director"),
    # auditors export the access log only; the matrix asks for the persons list (target=persons)
    ("reports:export_create", "auditor"),
    # trainees read the assigned cases on the pages; the API (lists of persons and cases) refuses them
    ("api:persons-list", "trainee"), ("api:persons-detail", "trainee"), ("api:cases-list", "trainee"),
    ("api:cases-detail", "trainee"),
}


def test_rules_read_as_the_matrix():
    """A role that a page's rule does not admit is refused in the matrix (403), and a role the rule admits is
    not refused on that page for a reason of role alone (an exception above names why)."""
    from yorisoi.accounts.models import Staff

    users = {role: Staff(role=role, center_id=1) for role in ("director", "worker", "clerk", "auditor")}
    trainee = Staff(role="trainee", center_id=1)
    wrong = []
    for route in ROUTES:
        view_rule = RULES.get(getattr(route.callback, "_policy_rule", ""))
        row = MATRIX.get(route.name)
        if view_rule is None or row is None or view_rule.who != "staff":
            continue
        for role, user in users.items():
            columns = ("worker", "colleague") if role == "worker" else (role,)
            refused = all(row.statuses[c] == 403 for c in columns)
            if view_rule.admits(user) == refused and (route.name, role) not in ADMITTED_BUT_REFUSED_HERE:
                wrong.append(f"{route.name}: rule {route.callback._policy_rule} "
                             f"{'admits' if view_rule.admits(user) else 'refuses'} {role}, the matrix says "
                             f"{' '.join(str(row.statuses[c]) for c in columns)}")
        refused = row.expected_for_trainee(route.callback._policy_rule) == 403
        if view_rule.admits(trainee) == refused and (route.name, "trainee") not in ADMITTED_BUT_REFUSED_HERE:
            wrong.append(f"{route.name}: rule {route.callback._policy_rule} "
                         f"{'admits' if view_rule.admits(trainee) else 'refuses'} trainee, the matrix says "
                         f"{row.expected_for_trainee(route.callback._policy_rule)}")
    assert not wrong, "rules and matrix disagree:\n  " + "\n  ".join(wrong)


def test_every_url_has_a_row_in_the_matrix():
    names = {r.name for r in ROUTES}
    missing = sorted(f"{r.name} ({r.route}, rule {getattr(r.callback, '_policy_rule', '?')})"
                     for r in ROUTES if r.name not in MATRIX)
    gone = sorted(set(MATRIX) - names)
    message = []
    if missing:
        message.append("URLs without a row in MATRIX (tests/test_authorization_matrix.py); add one per URL, e.g.\n"
                       "    \"app:name\": page(\"200 200 200 403 200\"),  or  on(\"case\", \"200 200 200 403 200\"),\n"
                       "  (columns: director worker colleague clerk auditor):\n  " + "\n  ".join(missing))
    if gone:
        message.append("Rows in MATRIX for URLs that no longer exist; remove them:\n  " + "\n  ".join(gone))
    assert not message, "\n".join(message)


# --- asking every role -----------------------------------------------------------------------------------


def _answer(response) -> int | str:
    if response.status_code == 403 and b"data-break-glass" in response.content:
        return BG
    return response.status_code


def _observed_row(observed: dict, row: Row) -> str:
    """The observed answers written as a MATRIX row (with assigned=/outsider= where they differ from the
    defaults), to paste after checking that they are what the page should answer."""
    statuses = {role: observed[(role, Center.CaseVisibility.ALL_STAFF)] for role in ROLES}
    if any(isinstance(v, str) for v in statuses.values()):
        return "(break-the-glass in ALL_STAFF mode: check the page)"
    spec = " ".join(str(statuses[role]) for role in ROLES)
    guess = Row(statuses, kind=row.kind, kwargs=row.kwargs)
    extras = []
    colleague = observed[("colleague", Center.CaseVisibility.ASSIGNED)]
    if colleague != guess.expected("colleague", Center.CaseVisibility.ASSIGNED):
        extras.append(f"assigned={colleague!r}" if colleague != BG else "assigned=BG")
    outsider = observed[("outsider", Center.CaseVisibility.ALL_STAFF)]
    if outsider != guess.expected("outsider", Center.CaseVisibility.ALL_STAFF):
        extras.append(f"outsider={outsider}")
    args = (f'"{row.kind}", ' if row.kind else "") + f'"{spec}"' + "".join(f", {e}" for e in extras)
    return f"on({args})" if row.kind else f"page({args})"


@pytest.fixture
def trainee(world):
    return world.trainee_record.account


@pytest.fixture
def clients(director, worker, colleague, clerk, auditor, outsider, trainee):
    users = {"director": director, "worker": worker, "colleague": colleague, "clerk": clerk, "auditor": auditor,
             "outsider": outsider, "trainee": trainee}
    return {role: verified_client(user) for role, user in users.items()}


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if n in {r.name for r in ROUTES}))
def test_matrix(name, center, world, clients):
    row = MATRIX[name]
    rule_name = RULE_OF_ROUTE.get(name)
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    if row.query:
        url += "?" + row.query(world)
    observed, wrong = {}, []
    for mode in (Center.CaseVisibility.ALL_STAFF, Center.CaseVisibility.ASSIGNED):
        center.case_visibility = mode
        center.save()
        for role, client in clients.items():
            got = _answer(client.get(url))
            observed[(role, mode)] = got
            want = row.expected_for_trainee(rule_name) if role == "trainee" else row.expected(role, mode)
            if got != want:
                wrong.append(f"{role:9} {mode:9} expected {want}, got {got}")
    assert not wrong, (f"{name} ({url}) answers differently from MATRIX:\n  " + "\n  ".join(wrong)
                       + f"\nobserved: {_observed_row(observed, row)}")
