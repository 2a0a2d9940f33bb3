"""Who may do what in each area, inside the user's own center: the directory, the disclosure ledger, transfers,
planning and 決裁, procedures' catalogue, the inbox, and which colleagues a form offers.

These are the role rules of the areas, kept beside the record rules of `policy` so that every access rule is
read in one place. The areas' own modules (disclosure/rules.py, planning/rules.py…) import them from here;
templates receive the access objects and never decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ..roles import Actor, Role, subject_model
from . import Access, access_for, is_trainee, may_open_case, staff_for


def _in_center(user: Actor) -> bool:
    return user.is_authenticated and user.center_id is not None


# --- colleagues a form offers -----------------------------------------------------------------------------


def case_staff_for(user: Actor) -> QuerySet:
    """Colleagues who may be in charge of a case (main or sub staff, assessors): directors and workers."""
    return staff_for(user).filter(role__in=[Role.DIRECTOR, Role.WORKER])


def acting_staff_for(user: Actor) -> QuerySet:
    """Colleagues who may act for the center (who made a call, who answered): everyone but auditors."""
    return staff_for(user).exclude(role=Role.AUDITOR)


def delegable_staff_for(user: Actor) -> QuerySet:
    """Colleagues a director may name 決裁代行: workers of the center."""
    return staff_for(user).filter(role=Role.WORKER)


def may_be_delegate(staff: Actor) -> bool:
    return staff.role == Role.WORKER and staff.is_active


# --- the partner directory ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryAccess:
    can_view: bool = False
    can_edit_directory: bool = False  # organizations and their contacts (clerks keep the directory)
    can_edit_outreach: bool = False
    can_manage_kinds: bool = False
    can_import: bool = False
    can_export: bool = False


def directory_access(user: Actor) -> DirectoryAccess:
    """Directors and workers write everything; clerks write organizations and contacts (they keep the
    directory) but not outreach; auditors read (and may export the directory, which is no client data)."""
    if not _in_center(user):
        return DirectoryAccess()
    return {
        Role.DIRECTOR: DirectoryAccess(True, True, True, True, True, True),
        Role.WORKER: DirectoryAccess(True, True, True, False, True, True),
        Role.CLERK: DirectoryAccess(True, True, False, False, True, True),
        Role.AUDITOR: DirectoryAccess(can_view=True, can_export=True),
    }.get(user.role, DirectoryAccess())


# --- the disclosure ledger (consents, provisions, receipts, agreements, the person's requests) -------------


@dataclass(frozen=True)
class DisclosureAccess:
    can_read: bool = False
    can_provide: bool = False
    can_record: bool = False
    can_manage: bool = False
    can_export: bool = False
    can_read_requests: bool = False
    can_handle_requests: bool = False
    can_draft_agreement: bool = False  # a 取り決め 締結準備中, for the director's 決裁


def disclosure_access(user: Actor) -> DisclosureAccess:
    """Directors: everything; workers: read, record consents and receipts, provide information, draft an
    agreement (締結準備中) for the director to conclude; clerks:
    nothing (a provision carries health and justice data); auditors: read and export the ledger, never write."""
    if not _in_center(user):
        return DisclosureAccess()
    return {
        Role.DIRECTOR: DisclosureAccess(True, True, True, True, True, True, True, True),
        Role.WORKER: DisclosureAccess(can_read=True, can_provide=True, can_record=True, can_draft_agreement=True),
        Role.AUDITOR: DisclosureAccess(can_read=True, can_export=True, can_read_requests=True),
    }.get(user.role, DisclosureAccess())


def sees_whole_ledger(user: Actor) -> bool:
    """Directors and auditors read every provision of the center, also of persons outside their cases."""
    return _in_center(user) and user.role in (Role.DIRECTOR, Role.AUDITOR)


# --- transfers (広域調整) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferAccess:
    can_read: bool = False
    can_send: bool = False
    can_receive: bool = False
    can_manage_targets: bool = False


def transfer_access(user: Actor) -> TransferAccess:
    """Directors: everything and the link of directory entries to centers; workers: send and answer; auditors:
    read; clerks: nothing (a package carries health, justice and narratives)."""
    if not _in_center(user):
        return TransferAccess()
    return {
        Role.DIRECTOR: TransferAccess(True, True, True, True),
        Role.WORKER: TransferAccess(can_read=True, can_send=True, can_receive=True),
        Role.AUDITOR: TransferAccess(can_read=True),
    }.get(user.role, TransferAccess())


# --- intake (phone referrals, pre-consultations, consultations) ---------------------------------------------


@dataclass(frozen=True)
class IntakeAccess:
    can_take_referral: bool = False
    can_view_pre_consultations: bool = False
    can_edit_pre_consultations: bool = False
    can_view_consultations: bool = False
    can_see_consultation_text: bool = False
    can_edit_consultations: bool = False


def intake_access(user: Actor) -> IntakeAccess:
    """Referrals are taken by those who open cases (directors, workers); pre-consultations name a suspect, so
    they need sight of justice data; a consultation's text is a narrative."""
    access = access_for(user)
    if not access.can_view or is_trainee(user):
        return IntakeAccess()
    writer = may_open_case(user) and access.can_edit
    return IntakeAccess(
        can_take_referral=writer,
        can_view_pre_consultations=access.can_see_justice,
        can_edit_pre_consultations=writer and access.can_see_justice,
        can_view_consultations=True,
        can_see_consultation_text=access.can_see_narrative,
        can_edit_consultations=writer,
    )


# --- planning and 決裁 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanningAccess:
    can_read_content: bool = False  # findings, goals, wishes, comments (clerks: no)
    can_write: bool = False
    can_approve: bool = False
    can_see_health: bool = False
    can_see_justice: bool = False

    def sees_sensitivity(self, sensitivity: str) -> bool:
        """An assessment domain's findings by its sensitivity ("normal", "health", "justice")."""
        if not self.can_read_content:
            return False
        return {"health": self.can_see_health, "justice": self.can_see_justice}.get(sensitivity, True)

    def sees_domain(self, domain) -> bool:
        return self.sees_sensitivity(domain.sensitivity)


def planning_access(user: Actor, access: Access | None = None) -> PlanningAccess:
    """Writing needs edit rights and sight of narratives; health and justice domains need their own sight too."""
    access = access or access_for(user)
    return PlanningAccess(
        can_read_content=access.can_see_narrative,
        can_write=access.can_edit and access.can_see_narrative,
        can_approve=may_approve(user),
        can_see_health=access.can_see_health and access.can_see_narrative,
        can_see_justice=access.can_see_justice and access.can_see_narrative,
    )


def may_approve(user: Actor) -> bool:
    """The director, or a worker the director named 決裁代行 (same center)."""
    if not _in_center(user):
        return False
    if user.role == Role.DIRECTOR:
        return True
    if user.role != Role.WORKER:
        return False
    delegations = subject_model("approver_delegation")._default_manager
    return delegations.filter(staff_id=user.pk, center_id=user.center_id).exists()


def may_manage_delegations(user: Actor) -> bool:
    return _in_center(user) and user.role == Role.DIRECTOR


def may_write_plans(user: Actor) -> bool:
    """Assessments, plans and closure requests: edit rights and sight of narratives (directors, workers)."""
    access = access_for(user)
    return access.can_edit and access.can_see_narrative


# --- procedures' catalogue -----------------------------------------------------------------------------------


def may_manage_catalogue(user: Actor) -> bool:
    """The catalogue of procedure types and the templates: directors of the center."""
    return _in_center(user) and user.role == Role.DIRECTOR


def works_own_cases(user: Actor) -> bool:
    """A worker: lists may be narrowed to the cases they are in charge of (「自分の担当」)."""
    return _in_center(user) and user.role == Role.WORKER


# --- the inbox and the calendar ----------------------------------------------------------------------------

MINE = "mine"
CENTER = "center"


def may_choose_scope(user: Actor) -> bool:
    """「センター全体」: directors choose it; clerks and auditors always have it (they are assigned no cases)."""
    return _in_center(user) and user.role == Role.DIRECTOR


def scope_for(user: Actor, requested: str = "") -> str:
    if user.role == Role.DIRECTOR:
        return CENTER if requested == CENTER else MINE
    if user.role in (Role.CLERK, Role.AUDITOR):
        return CENTER
    return MINE


def may_use_feed(user: Actor) -> bool:
    """The calendar feed: directors, workers and clerks. Auditors only read, at their desk: no feed."""
    return (_in_center(user) and user.is_active
            and user.role in (Role.DIRECTOR, Role.WORKER, Role.CLERK))


def sees_clerical_items_only(user: Actor) -> bool:
    """Clerks' やること: dates and documents, never narratives, health or justice."""
    return user.role == Role.CLERK


def sees_agreements(user: Actor) -> bool:
    return user.role in (Role.DIRECTOR, Role.AUDITOR)


def has_own_cases(user: Actor) -> bool:
    """Directors and workers are put in charge of cases (「自分の担当」 lists exist for them)."""
    return _in_center(user) and user.role in (Role.DIRECTOR, Role.WORKER)


# --- meetings and team practice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingAccess:
    can_read: bool = False  # meetings, minutes, concerns, the review board (narratives of cases)
    can_write: bool = False
    can_see_board: bool = False  # the morning board (clerks: without justice and narratives)
    can_record_absence: bool = False
    can_see_justice: bool = False  # releases and justice agencies on the morning board


def meeting_access(user: Actor) -> MeetingAccess:
    """Meetings speak of cases in narrative form: directors and workers read and write, auditors read, clerks
    see only the morning board (who is out, visits, meetings' times) and write absences."""
    if not _in_center(user) or is_trainee(user):  # a trainee's presence is recorded by the host (office.trainees)
        return MeetingAccess()
    access = access_for(user)
    return MeetingAccess(
        can_read=access.can_see_narrative,
        can_write=access.can_edit and access.can_see_narrative,
        can_see_board=access.can_view,
        can_record_absence=access.can_edit,
        can_see_justice=access.can_see_justice,
    )


# --- exports ----------------------------------------------------------------------------------------------------


def sees_every_export_request(user: Actor) -> bool:
    """Directors and auditors see every export request of the center; others their own."""
    return user.role in (Role.DIRECTOR, Role.AUDITOR)


def other_directors(actor: Actor) -> QuerySet:
    """The center's other active directors (who may approve the actor's export request)."""
    return staff_for(actor).filter(role=Role.DIRECTOR).exclude(pk=actor.pk)


# --- center operations (センター運営: staffing, vehicles and trips, devices, paper files, incidents) -----------


@dataclass(frozen=True)
class OfficeAccess:
    can_view: bool = False  # the operations pages: vehicles, trip logs, devices, paper files, lock checks
    can_read_staffing: bool = False  # the center profile and the staffing table (qualifications, numbers)
    can_edit_staffing: bool = False
    can_edit_profile: bool = False  # 運営主体・契約
    can_manage_equipment: bool = False  # vehicles, their inspections, devices, paper files
    can_record_trips: bool = False
    can_record_any_driver: bool = False  # a trip driven by a colleague (workers record their own)
    can_use_files: bool = False  # check a paper file out and back in
    can_check_office: bool = False  # the lock and cabinet checklist
    can_report_incidents: bool = False
    can_read_all_incidents: bool = False  # others read the incidents they reported
    can_handle_incidents: bool = False  # remote wipe, notifications, the report to the authority
    can_record_training: bool = False  # trainings attended and trainings run for partners
    can_plan_training: bool = False  # the annual training plan
    can_manage_trainees: bool = False  # hosted trainees: accounts, pledges, assigned cases, their access log


def office_access(user: Actor) -> OfficeAccess:
    """Directors: everything; workers: record their own trips and accidents, report incidents, use paper files,
    see vehicles and devices; clerks (事務): vehicles, devices, paper files and the staffing table; auditors: read
    everything, write nothing."""
    if not _in_center(user):
        return OfficeAccess()
    return {
        Role.DIRECTOR: OfficeAccess(*([True] * 15)),
        Role.WORKER: OfficeAccess(can_view=True, can_record_trips=True, can_use_files=True, can_check_office=True,
                                  can_report_incidents=True, can_record_training=True),
        Role.CLERK: OfficeAccess(can_view=True, can_read_staffing=True, can_edit_staffing=True,
                                 can_manage_equipment=True, can_record_trips=True, can_record_any_driver=True,
                                 can_use_files=True, can_check_office=True, can_report_incidents=True,
                                 can_record_training=True),
        Role.AUDITOR: OfficeAccess(can_view=True, can_read_staffing=True, can_read_all_incidents=True),
    }.get(user.role, OfficeAccess())


def may_edit_trip(user: Actor, trip) -> bool:
    """Correcting a line of the 運行表: those who record any driver's trips (directors, clerks), and a worker their
    own trips (as driver)."""
    access = office_access(user)
    if not access.can_record_trips or trip.center_id != user.center_id:
        return False
    return access.can_record_any_driver or trip.driver_id == user.pk


def sees_office_reminders(user: Actor) -> bool:
    """Vehicle inspections and insurance in やること: those who keep the vehicles (directors, clerks)."""
    return office_access(user).can_manage_equipment


def sees_incident_deadlines(user: Actor) -> bool:
    """The 個人情報保護委員会 report deadlines in やること: those who handle incidents (directors)."""
    return office_access(user).can_handle_incidents


def may_manage_trainees(user: Actor) -> bool:
    """Hosting trainees from other centers (accounts, pledges, assigned cases, their access log): directors."""
    return office_access(user).can_manage_trainees


def may_use_api(user: Actor) -> bool:
    """The REST API (lists of persons and cases, with or without a token): the center's staff, never a trainee,
    who reads the assigned cases on the pages only."""
    return not is_trainee(user)


def may_revoke_token(user: Actor, token) -> bool:
    """An API token: its owner revokes it; a director revokes any token of the center's staff."""
    if not _in_center(user):
        return False
    return token.staff_id == user.pk or (user.role == Role.DIRECTOR and token.staff.center_id == user.center_id)


# --- medical continuity (医療連携: regular medication, appointments, health checks, the urgent route) ----------


@dataclass(frozen=True)
class MedicalAccess:
    can_read: bool = False  # a person's medication, appointments, health checks and urgent route; the center's list
    can_write: bool = False


def medical_access(user: Actor, access: Access | None = None) -> MedicalAccess:
    """Medication and appointments are health information (要配慮個人情報): the rule of the face sheet's health section.
    Directors and workers read and write; auditors read; clerks see nothing of it (their face sheet has no health)."""
    access = access if access is not None else access_for(user)
    return MedicalAccess(can_read=access.can_see_health, can_write=access.can_see_health and access.can_edit)
