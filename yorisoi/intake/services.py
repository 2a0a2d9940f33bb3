"""Writes of intake: the phone referral, pre-consultations and consultation-only contacts.

The referral and the conversion of a pre-consultation reuse the services of people, cases and records
(register_person, open_case, add_activity) inside one transaction: either the person, the case and the
first record all exist afterwards, or none of them does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case, CaseKind, ReferralSource
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.common.dates import format_checked
from yorisoi.common.kana import to_katakana_reading
from yorisoi.partners.models import Organization
from yorisoi.people import services as people_services
from yorisoi.people.models import Person
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.records import services as record_services
from yorisoi.records.models import ActivityKind
from yorisoi.workflow import services as case_services

from .models import Consultation, PreConsultation, PreConsultationStatus
from .selectors import intake_access

# The referral source a partner organization's kind implies, when the worker did not choose one.
SOURCE_FOR_KIND = {
    "prosecutors_office": ReferralSource.PROSECUTOR,
    "probation_office": ReferralSource.PROBATION,
    "police": ReferralSource.POLICE,
    "lawyer": ReferralSource.LAWYER,
    "correctional_facility": ReferralSource.CORRECTIONAL,
    "municipality": ReferralSource.MUNICIPALITY,
    "hospital": ReferralSource.HOSPITAL,
    "other_center": ReferralSource.OTHER_CENTER,
}
# Which kind of case a pre-consultation usually becomes, by who asked (exit support after prison or
# probation, entrance support for suspects and defendants).
CASE_KIND_FOR_SOURCE = {
    ReferralSource.PROBATION: CaseKind.EXIT,
    ReferralSource.CORRECTIONAL: CaseKind.EXIT,
    ReferralSource.OTHER_CENTER: CaseKind.FOLLOW_UP,
}
PRE_CONSULTATION_FIELDS = [
    "consulted_on", "source_kind", "organization", "agency_name", "officer", "contact", "person", "family_name",
    "given_name", "family_name_kana", "given_name_kana", "summary", "expected_timing", "expected_date", "status",
    "for_liaison_meeting", "staff",
]
CONSULTATION_FIELDS = [
    "consulted_on", "method", "organization", "agency_name", "requester_kind", "officer", "topic", "summary",
    "minutes", "staff", "about_person", "person_initials",
]


def source_for_organization(organization: Organization | None) -> str:
    if organization is None:
        return ""
    return SOURCE_FOR_KIND.get(organization.kind.code, ReferralSource.OTHER)


def _check_organization(actor: Staff, organization: Organization | None) -> None:
    policy.require_same_center(actor, organization)


def _check_staff(actor: Staff, staff: Staff | None) -> None:
    policy.require_same_center(actor, staff)


def _check_person(actor: Staff, person: Person | None) -> None:
    """A linked person must be one the actor may open (their center; in ASSIGNED mode their own)."""
    if person is not None:
        policy.require(actor, "view", person)


# --- the phone referral -----------------------------------------------------------------------------------


@transaction.atomic
def take_referral(*, actor: Staff, person: Person | None = None, person_values: dict | None = None,
                  same_name_seen: Collection[int] = (),
                  case_values: dict, first_note: str, called_at: dt.datetime | None = None,
                  request=None) -> Case:
    """Open a case in 相談受付 from a phone call, with the call as its first support record (電話), dated
    `called_at` (when the call came; now when not given: a worker often types it up later).

    `person` is an existing person the worker picked; otherwise `person_values` (name, kana, sex, birth
    date, justice status) register a new one. Any ValidationError (of the person, the case or the record)
    leaves nothing behind. A new person's same-name check is people.services.register_person's
    (`same_name_seen`: the candidates the worker was shown when choosing 「別人として新しく登録する」).
    """
    if not intake_access(actor).can_take_referral:
        raise PermissionDenied
    note = (first_note or "").strip()
    if not note:
        raise ValidationError({"first_note": "電話の内容（最初の記録）を入力してください。"})
    if person is None:
        if not person_values:
            raise ValidationError("対象者を選ぶか、新しく登録する内容を入力してください。")
        person = people_services.register_person(actor=actor, request=request, same_name_seen=same_name_seen,
                                                 **person_values)
    else:
        _check_person(actor, person)
    case = case_services.open_case(actor=actor, person=person, request=request, **case_values)
    counterpart = " ".join(p for p in (case.referral_agency, case.referral_officer) if p)[:100]
    record_services.add_activity(actor=actor, case=case, request=request, occurred_at=called_at or timezone.now(),
                                 kind=ActivityKind.PHONE, counterpart=counterpart, narrative=note)
    return case


# --- pre-consultations -------------------------------------------------------------------------------------


def _prepare_pre_consultation(entry: PreConsultation) -> None:
    entry.family_name_kana = to_katakana_reading(entry.family_name_kana)
    entry.given_name_kana = to_katakana_reading(entry.given_name_kana)
    entry.summary = entry.summary.replace("\r\n", "\n")
    if entry.person_id and not entry.family_name.strip():
        # Keep the name as the agency gave it on the entry, so lists never need the person's face sheet.
        entry.family_name, entry.given_name = entry.person.family_name, entry.person.given_name
        entry.family_name_kana, entry.given_name_kana = entry.person.family_name_kana, entry.person.given_name_kana


def _check_pre_consultation_values(actor: Staff, values: dict) -> None:
    if set(values) - set(PRE_CONSULTATION_FIELDS):
        raise PermissionDenied
    _check_organization(actor, values.get("organization"))
    _check_staff(actor, values.get("staff"))
    _check_person(actor, values.get("person"))
    if values.get("status") == PreConsultationStatus.CASE:
        raise ValidationError({"status": "「ケース化」は「ケースにする」ボタンで支援ケースを作ると付きます。"})


@transaction.atomic
def create_pre_consultation(*, actor: Staff, request=None, **values) -> PreConsultation:
    if not intake_access(actor).can_edit_pre_consultations:
        raise PermissionDenied
    _check_pre_consultation_values(actor, values)
    entry = PreConsultation(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
    if entry.staff_id is None:
        entry.staff = actor
    _prepare_pre_consultation(entry)
    entry.full_clean()
    entry._history_user = actor
    entry.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=entry, person_id=entry.person_id,
               section="pre_consultation")
    return entry


@transaction.atomic
def update_pre_consultation(*, actor: Staff, entry: PreConsultation, expected_version: int, request=None,
                            **values) -> PreConsultation:
    if not intake_access(actor).can_edit_pre_consultations:
        raise PermissionDenied
    policy.require_same_center(actor, entry)
    _check_pre_consultation_values(actor, values)
    current = lock_for_edit(PreConsultation, pk=entry.pk, expected_version=expected_version)
    if current.status == PreConsultationStatus.CASE and values.get("status", current.status) != current.status:
        raise ValidationError({"status": "ケース化した事前相談の状況は変えられません。"})
    for name, value in values.items():
        setattr(current, name, value)
    if current.case_id:
        current.status = PreConsultationStatus.CASE
    current.version = expected_version + 1
    current.updated_by = actor
    _prepare_pre_consultation(current)
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.person_id, section="pre_consultation", detail=",".join(sorted(values)))
    return current


@transaction.atomic
def convert_to_case(*, actor: Staff, entry: PreConsultation, expected_version: int, person: Person | None = None,
                    register_new: bool = False, same_name_seen: Collection[int] = (), request=None) -> Case:
    """「ケースにする」: open a case (相談受付) from a pre-consultation and link the two both ways.

    The person is the entry's linked person, else `person` (an existing person the worker picked), else a
    new person registered from the name on the entry when `register_new` is set. The referral fields come
    from the entry; its summary becomes the case's first support record (連絡調整).
    """
    if not intake_access(actor).can_edit_pre_consultations:
        raise PermissionDenied
    policy.require_same_center(actor, entry)
    current = lock_for_edit(PreConsultation, pk=entry.pk, expected_version=expected_version)
    if current.case_id:
        raise ValidationError("この事前相談はすでにケースになっています。")
    if current.status == PreConsultationStatus.NOT_NEEDED:
        raise ValidationError("「支援不要」の事前相談はケースにできません。"
                              "状況を「継続検討」に戻してから操作してください。")
    if current.person_id:
        person = current.person
    elif person is not None:
        _check_person(actor, person)
    elif register_new:
        if not current.family_name_kana.strip():
            raise ValidationError({"existing_person": "新しく登録するには氏のフリガナが必要です。"
                                                      "「編集」でフリガナを入力してから、もう一度ケースにしてください。"})
        person = people_services.register_person(
            actor=actor, request=request, same_name_seen=same_name_seen,
            family_name=current.family_name, given_name=current.given_name,
            family_name_kana=current.family_name_kana, given_name_kana=current.given_name_kana)
    else:
        raise ValidationError({"existing_person": "登録済みの対象者を選ぶか、新しく登録するかを選んでください。"})
    agency = current.agency_label
    case = case_services.open_case(
        actor=actor, person=person, request=request,
        kind=CASE_KIND_FOR_SOURCE.get(current.source_kind, CaseKind.ENTRANCE), referral_source=current.source_kind,
        referral_agency=agency[:100], referral_officer=current.officer, referral_contact=current.contact,
        referral_date=timezone.localdate(), expected_release_date=_future_or_none(current.expected_date),
        main_staff=current.staff if current.staff_id and current.staff.is_active else actor)
    header = f"事前相談（{format_checked(current.consulted_on)}、{agency or current.get_source_kind_display()}"
    header += f" {current.officer}）" if current.officer else "）"
    record_services.add_composed_activity(actor=actor, case=case, request=request, occurred_at=timezone.now(),
                                          kind=ActivityKind.LIAISON, counterpart=agency[:100],
                                          narrative=f"{header}からケースにしました。\n\n{current.summary}")
    current.case, current.person, current.status = case, person, PreConsultationStatus.CASE
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current._change_reason = f"ケース {case.number} にしました"
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=person.pk,
               section="pre_consultation", detail=f"case={case.pk}")
    return case


def _future_or_none(day: dt.date | None) -> dt.date | None:
    return day if day and day >= timezone.localdate() else None


# --- consultation-only contacts -------------------------------------------------------------------------------


def _check_consultation_values(actor: Staff, values: dict) -> None:
    if set(values) - set(CONSULTATION_FIELDS):
        raise PermissionDenied
    _check_organization(actor, values.get("organization"))
    _check_staff(actor, values.get("staff"))


def _prepare_consultation(entry: Consultation) -> None:
    entry.summary = entry.summary.replace("\r\n", "\n")
    if not entry.about_person:
        entry.person_initials = ""
    entry.person_initials = entry.person_initials.strip()


@transaction.atomic
def create_consultation(*, actor: Staff, request=None, **values) -> Consultation:
    if not intake_access(actor).can_edit_consultations:
        raise PermissionDenied
    _check_consultation_values(actor, values)
    entry = Consultation(center_id=actor.center_id, created_by=actor, updated_by=actor, **values)
    if entry.staff_id is None:
        entry.staff = actor
    _prepare_consultation(entry)
    entry.full_clean()
    entry._history_user = actor
    entry.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=entry, section="consultation")
    return entry


@transaction.atomic
def update_consultation(*, actor: Staff, entry: Consultation, expected_version: int, request=None,
                        **values) -> Consultation:
    if not intake_access(actor).can_edit_consultations:
        raise PermissionDenied
    policy.require_same_center(actor, entry)
    _check_consultation_values(actor, values)
    current = lock_for_edit(Consultation, pk=entry.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    current.version = expected_version + 1
    current.updated_by = actor
    _prepare_consultation(current)
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section="consultation",
               detail=",".join(sorted(values)))
    return current
