"""Writes of placements, placement inquiries, service connections and vacancy reports.

Each function checks the role and the center, validates (`full_clean`), writes, and logs in the same
transaction. Errors the user can fix are ValidationErrors keyed by form field names.

Who writes what: directors, workers and clerks record placements, inquiries and connections (clerks do
the administration of a stay) but clerks never write or read the free-text narratives (notes, reasons,
outcomes) nor a refusal given because of the offence (justice data); auditors never write. Vacancy reports
are directory data: whoever keeps the directory (partners' `can_edit_directory`) records them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.models import Organization, OrganizationContact
from yorisoi.people.models import Person
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.procedures import services as procedure_services
from yorisoi.procedures.models import ReferenceDates

from .models import (
    CONNECTION_MOVES,
    EXIT_NEEDS_REASON,
    JUSTICE_REFUSAL_REASONS,
    ConnectionStatus,
    ConnectionStatusChange,
    ExitReason,
    InquiryResult,
    Placement,
    PlacementInquiry,
    ReportMethod,
    ServiceConnection,
    Sharing,
    VacancyReport,
)

PLACEMENT_FIELDS = ["organization", "facility_name", "kind", "funding", "term", "entered_on", "planned_exit_on",
                    "notes"]
PLACEMENT_EXIT_FIELDS = ["exited_on", "exit_reason", "exit_notes"]
INQUIRY_FIELDS = ["organization", "facility_name", "inquired_at", "answered_by_contact", "answered_by", "result",
                  "refusal_reason", "refusal_detail", "notes", "staff"]
CONNECTION_FIELDS = ["organization", "organization_name", "service_kind", "requested_on", "started_on", "ended_on",
                     "outcome", "staff"]

# Free text about the person: never written or shown to staff without `can_see_narrative` (clerks).
NARRATIVE_FIELDS = {"notes", "exit_notes", "refusal_detail", "outcome"}

# Fields whose change moves a person in or out of a facility (vacancy.py compares reports with this moment).
OCCUPANCY_FIELDS = {"organization", "entered_on", "exited_on"}


# --- checks ------------------------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _check_case(actor: Staff, case: Case) -> None:
    policy.require(actor, "edit", case)


def _check_fields(values: dict, allowed: list[str]) -> None:
    if set(values) - set(allowed):
        raise PermissionDenied


def _check_narratives(actor: Staff, values: dict) -> None:
    """Clerks may not write free text about a person; empty values are fine (the form has no such field)."""
    if policy.access_for(actor).can_see_narrative:
        return
    if any((values.get(name) or "").strip() for name in NARRATIVE_FIELDS & set(values)):
        raise PermissionDenied


def _check_organization(actor: Staff, organization: Organization | None) -> None:
    policy.require_same_center(actor, organization)


def _check_contact(actor: Staff, contact: OrganizationContact | None, organization: Organization | None) -> None:
    if contact is None:
        return
    if contact.center_id != actor.center_id:
        raise PermissionDenied
    if organization is None or contact.organization_id != organization.pk:
        raise ValidationError({"answered_by_contact": "回答者には照会先の機関の担当者を選んでください。"})


def _check_staff(actor: Staff, staff: Staff | None) -> None:
    policy.require_same_center(actor, staff)


def _strip(values: dict, names: set[str]) -> None:
    for name in names & set(values):
        if isinstance(values[name], str):
            values[name] = values[name].strip()


def _log(request, actor, action, obj, person_id, section, detail: str = "") -> None:
    log_access(request=request, actor=actor, action=action, obj=obj, person_id=person_id, section=section,
               detail=detail)


# --- placements ------------------------------------------------------------------------------------------


def current_placement_of(person_id: int, *, lock: bool = False) -> Placement | None:
    qs = Placement.objects.filter(person_id=person_id, exited_on__isnull=True)
    if lock:
        qs = qs.select_for_update(of=("self",))  # PostgreSQL locks no row of the outer-joined organization
    return qs.select_related("organization").first()


def _save_new_placement(placement: Placement) -> None:
    """Save inside a savepoint: a concurrent placement of the same person hits the partial unique index."""
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError:
        raise ValidationError({"close_previous": "この対象者には現在の居所があります。前の居所を退所にしてから"
                                                 "登録してください。"}) from None


@transaction.atomic
def record_placement(*, actor: Staff, case: Case, kind: str, funding: str, entered_on: dt.date,
                     organization: Organization | None = None, facility_name: str = "", term: str = "temporary",
                     planned_exit_on: dt.date | None = None, notes: str = "",
                     close_previous_on: dt.date | None = None, close_previous_reason: str = "",
                     request=None) -> Placement:
    """Record where the person of `case` now lives.

    A person has one current placement at most. If they have one, `close_previous_on` must give its exit
    date (between its entry and the new entry; the reason defaults to 「次の居所へ移った」), and both rows are
    written together; without it a ValidationError keyed `close_previous` asks the user to close it.
    """
    _check_case(actor, case)
    _check_organization(actor, organization)
    values = {"notes": notes}
    _check_narratives(actor, values)
    # The person's row is the lock that orders two workers placing the same person at the same moment.
    Person.objects.select_for_update().filter(pk=case.person_id).first()
    now = timezone.now()
    previous = current_placement_of(case.person_id, lock=True)
    if previous is not None:
        if close_previous_on is None:
            raise ValidationError({"close_previous": "この対象者には現在の居所があります。新しい居所を登録するには、"
                                                     "前の居所の退所日を入力して退所にしてください。"})
        if close_previous_on < previous.entered_on or close_previous_on > entered_on:
            raise ValidationError({"close_previous_on": "前の居所の退所日は、前の居所の入所日から新しい居所の入所日"
                                                        "までの日付にしてください。"})
        previous.exited_on = close_previous_on
        previous.exit_reason = close_previous_reason or ExitReason.MOVED_ON
        previous.occupancy_changed_at = now
        previous.version += 1
        previous.updated_by = actor
        previous.full_clean()
        previous._history_user = actor
        previous.save()
        _log(request, actor, AccessAction.UPDATE, previous, previous.person_id, "placement", "exit,moved")
    placement = Placement(
        center_id=actor.center_id, case=case, person_id=case.person_id, organization=organization,
        facility_name="" if organization else facility_name.strip(), kind=kind, funding=funding, term=term,
        entered_on=entered_on, planned_exit_on=planned_exit_on, notes=notes.strip(), occupancy_changed_at=now,
        created_by=actor, updated_by=actor,
    )
    placement.full_clean()
    placement._history_user = actor
    _save_new_placement(placement)
    _log(request, actor, AccessAction.CREATE, placement, case.person_id, "placement")
    # The case's first placement is its 一時受入の開始日: procedures due from the placement date get due dates.
    if not ReferenceDates.objects.filter(case=case, placement_date__isnull=False).exists():
        procedure_services.on_reference_date_changed(case=case, actor=actor, placement_date=entered_on,
                                                     request=request)
    return placement


@transaction.atomic
def update_placement(*, actor: Staff, placement: Placement, expected_version: int, request=None,
                     **values) -> Placement:
    """Correct a placement (also its exit data once it has ended). StaleEditError if someone saved since."""
    _check_case(actor, placement.case)
    _check_fields(values, PLACEMENT_FIELDS + PLACEMENT_EXIT_FIELDS)
    _check_narratives(actor, values)
    _check_organization(actor, values.get("organization"))
    _strip(values, NARRATIVE_FIELDS | {"facility_name"})
    current = lock_for_edit(Placement, pk=placement.pk, expected_version=expected_version)
    if "exited_on" in values and values["exited_on"] is None:
        values["exit_reason"] = ""
    changed = {name for name, value in values.items() if getattr(current, name) != value}
    for name, value in values.items():
        setattr(current, name, value)
    if current.organization_id:
        current.facility_name = ""
    if changed & OCCUPANCY_FIELDS:
        current.occupancy_changed_at = timezone.now()
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    _log(request, actor, AccessAction.UPDATE, current, current.person_id, "placement", ",".join(sorted(changed)))
    return current


@transaction.atomic
def end_placement(*, actor: Staff, placement: Placement, exited_on: dt.date, exit_reason: str,
                  expected_version: int, exit_notes: str = "", request=None) -> Placement:
    """退所: the stay ends on `exited_on` (not before its entry) for `exit_reason`."""
    _check_case(actor, placement.case)
    _check_narratives(actor, {"exit_notes": exit_notes})
    current = lock_for_edit(Placement, pk=placement.pk, expected_version=expected_version)
    if current.exited_on is not None:
        raise ValidationError({"exited_on": "この居所はすでに退所になっています。"})
    if not exit_reason:
        raise ValidationError({"exit_reason": EXIT_NEEDS_REASON})
    if exited_on < current.entered_on:
        raise ValidationError({"exited_on": "退所日は入所日以降の日付にしてください。"})
    current.exited_on = exited_on
    current.exit_reason = exit_reason
    current.exit_notes = exit_notes.strip()
    current.occupancy_changed_at = timezone.now()
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    _log(request, actor, AccessAction.UPDATE, current, current.person_id, "placement", "exit")
    return current


# --- placement inquiries ------------------------------------------------------------------------------


def _check_inquiry(actor: Staff, values: dict) -> None:
    errors = {}
    result = values.get("result")
    reason = values.get("refusal_reason", "")
    if result == InquiryResult.REFUSED and not reason:
        errors["refusal_reason"] = "受入不可のときは、断られた理由を選んでください。"
    if result != InquiryResult.REFUSED and reason:
        errors["refusal_reason"] = "断られた理由は、結果が「受入不可」のときだけ選んでください。"
    if reason in JUSTICE_REFUSAL_REASONS and not policy.access_for(actor).can_see_justice:
        raise PermissionDenied
    inquired_at = values.get("inquired_at")
    if inquired_at and inquired_at > timezone.now() + dt.timedelta(minutes=10):
        errors["inquired_at"] = "照会日時に未来の日時は入力できません。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_inquiry(*, actor: Staff, case: Case, inquired_at: dt.datetime, result: str,
                   organization: Organization | None = None, facility_name: str = "",
                   answered_by_contact: OrganizationContact | None = None, answered_by: str = "",
                   refusal_reason: str = "", refusal_detail: str = "", notes: str = "",
                   staff: Staff | None = None, request=None) -> PlacementInquiry:
    """Log one inquiry to a facility (受入照会). Every inquiry is kept, refusals too: they teach where to ask."""
    _check_case(actor, case)
    values = {"result": result, "refusal_reason": refusal_reason, "inquired_at": inquired_at,
              "refusal_detail": refusal_detail, "notes": notes}
    _check_narratives(actor, values)
    _check_organization(actor, organization)
    _check_contact(actor, answered_by_contact, organization)
    _check_staff(actor, staff)
    _check_inquiry(actor, values)
    inquiry = PlacementInquiry(
        center_id=actor.center_id, case=case, organization=organization,
        facility_name="" if organization else facility_name.strip(), inquired_at=inquired_at,
        answered_by_contact=answered_by_contact, answered_by=answered_by.strip(), result=result,
        refusal_reason=refusal_reason, refusal_detail=refusal_detail.strip(), notes=notes.strip(),
        staff=staff or actor, created_by=actor, updated_by=actor,
    )
    inquiry.full_clean()
    inquiry._history_user = actor
    inquiry.save()
    _log(request, actor, AccessAction.CREATE, inquiry, case.person_id, "placement_inquiry", result)
    return inquiry


@transaction.atomic
def update_inquiry(*, actor: Staff, inquiry: PlacementInquiry, expected_version: int, request=None,
                   **values) -> PlacementInquiry:
    """Correct an inquiry or record the answer that came later (検討中 → 受入可)."""
    _check_case(actor, inquiry.case)
    _check_fields(values, INQUIRY_FIELDS)
    _check_narratives(actor, values)
    if inquiry.refusal_reason in JUSTICE_REFUSAL_REASONS and not policy.access_for(actor).can_see_justice:
        raise PermissionDenied
    _strip(values, NARRATIVE_FIELDS | {"facility_name", "answered_by"})
    current = lock_for_edit(PlacementInquiry, pk=inquiry.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    if current.organization_id:
        current.facility_name = ""
    _check_organization(actor, current.organization)
    _check_contact(actor, current.answered_by_contact, current.organization)
    _check_staff(actor, current.staff)
    _check_inquiry(actor, {"result": current.result, "refusal_reason": current.refusal_reason,
                           "inquired_at": current.inquired_at})
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    _log(request, actor, AccessAction.UPDATE, current, current.case.person_id, "placement_inquiry",
         ",".join(sorted(values)))
    return current


# --- sharing (第三者提供記録) ---------------------------------------------------------------------------------


@transaction.atomic
def record_sharing(*, actor: Staff, subject: PlacementInquiry | ServiceConnection, sharing: str,
                   request=None) -> PlacementInquiry | ServiceConnection:
    """Say whether an inquiry or a つなぎ passed the person's data: RECORDED (the disclosure app calls this when
    it writes the 第三者提供記録 for it) or NONE (「提供なし（口頭・匿名での照会）」, stated by the worker)."""
    _check_case(actor, subject.case)
    if sharing not in (Sharing.RECORDED, Sharing.NONE):
        raise ValidationError({"sharing": "個人情報の提供の有無を選んでください。"})
    current = type(subject).objects.select_for_update().get(pk=subject.pk)
    if current.sharing == Sharing.RECORDED and sharing == Sharing.NONE:
        raise ValidationError("この照会・つなぎには第三者提供記録があります。「提供なし」にはできません。")
    current.sharing = sharing
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    section = "placement_inquiry" if isinstance(current, PlacementInquiry) else "service_connection"
    _log(request, actor, AccessAction.UPDATE, current, current.case.person_id, section, f"sharing={sharing}")
    return current


# --- service connections ----------------------------------------------------------------------------------


@transaction.atomic
def request_connection(*, actor: Staff, case: Case, service_kind: str, requested_on: dt.date,
                       organization: Organization | None = None, organization_name: str = "", outcome: str = "",
                       staff: Staff | None = None, request=None) -> ServiceConnection:
    """つなぎ: ask an organization for a service for the person; it starts as 依頼."""
    _check_case(actor, case)
    _check_narratives(actor, {"outcome": outcome})
    _check_organization(actor, organization)
    _check_staff(actor, staff)
    connection = ServiceConnection(
        center_id=actor.center_id, case=case, organization=organization,
        organization_name="" if organization else organization_name.strip(), service_kind=service_kind,
        requested_on=requested_on, status=ConnectionStatus.REQUESTED, outcome=outcome.strip(),
        staff=staff or actor, created_by=actor, updated_by=actor,
    )
    connection.full_clean()
    connection._history_user = actor
    connection.save()
    ConnectionStatusChange.objects.create(connection=connection, from_status="", to_status=connection.status,
                                          on=requested_on, changed_at=timezone.now(), changed_by=actor)
    _log(request, actor, AccessAction.CREATE, connection, case.person_id, "service_connection")
    return connection


@transaction.atomic
def update_connection(*, actor: Staff, connection: ServiceConnection, expected_version: int, request=None,
                      **values) -> ServiceConnection:
    """Correct a connection's facts. The status moves only through `change_connection_status`."""
    _check_case(actor, connection.case)
    _check_fields(values, CONNECTION_FIELDS)
    _check_narratives(actor, values)
    _check_organization(actor, values.get("organization"))
    _check_staff(actor, values.get("staff"))
    _strip(values, NARRATIVE_FIELDS | {"organization_name"})
    current = lock_for_edit(ServiceConnection, pk=connection.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    if current.organization_id:
        current.organization_name = ""
    if current.status != ConnectionStatus.STARTED and current.started_on is not None:
        raise ValidationError({"started_on": "利用開始日は、状況を「利用開始」にするときに入力されます。"})
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    _log(request, actor, AccessAction.UPDATE, current, current.case.person_id, "service_connection",
         ",".join(sorted(values)))
    return current


@transaction.atomic
def change_connection_status(*, actor: Staff, connection: ServiceConnection, to_status: str, on: dt.date,
                             expected_version: int, note: str = "", request=None) -> ServiceConnection:
    """Move a connection along CONNECTION_MOVES on date `on`; 利用開始 sets the start date, 不成立 its date."""
    _check_case(actor, connection.case)
    if note.strip() and not policy.access_for(actor).can_see_narrative:
        raise PermissionDenied
    current = lock_for_edit(ServiceConnection, pk=connection.pk, expected_version=expected_version)
    if to_status not in CONNECTION_MOVES[current.status]:
        target = ConnectionStatus(to_status).label if to_status in ConnectionStatus.values else to_status
        raise ValidationError({"to_status": f"「{current.get_status_display()}」から「{target}」へは変更できません。"})
    if on < current.requested_on:
        raise ValidationError({"on": "依頼日より前の日付にはできません。"})
    from_status = current.status
    current.status = to_status
    if to_status == ConnectionStatus.STARTED:
        current.started_on = on
    elif to_status == ConnectionStatus.FAILED:
        current.failed_on = on
    elif from_status == ConnectionStatus.FAILED:
        current.failed_on = None  # taken up again; the change log keeps the earlier date
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current._change_reason = note.strip() or None
    current.save()
    ConnectionStatusChange.objects.create(connection=current, from_status=from_status, to_status=to_status, on=on,
                                          note=note.strip(), changed_at=timezone.now(), changed_by=actor)
    _log(request, actor, AccessAction.UPDATE, current, current.case.person_id, "service_connection",
         f"{from_status}->{to_status}")
    return current


# --- vacancies ------------------------------------------------------------------------------------------


@transaction.atomic
def report_vacancy(*, actor: Staff, organization: Organization, vacancies: int,
                   reported_at: dt.datetime | None = None, answered_by: str = "", note: str = "",
                   method: str = ReportMethod.PHONE, request=None) -> VacancyReport:
    """Record the free places a facility gave on the phone or in writing (directory data: no person involved)."""
    _require(partner_selectors.directory_access(actor).can_edit_directory)
    _check_organization(actor, organization)
    reported_at = reported_at or timezone.now()
    if reported_at > timezone.now() + dt.timedelta(minutes=10):
        raise ValidationError({"reported_at": "確認日時に未来の日時は入力できません。"})
    report = VacancyReport(center_id=actor.center_id, organization=organization, vacancies=vacancies,
                           method=method or ReportMethod.PHONE, reported_at=reported_at,
                           answered_by=answered_by.strip(), note=note.strip(), staff=actor)
    report.full_clean()
    report.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=report, section="vacancy",
               detail=f"organization={organization.pk}")
    return report
