"""Writes of this app. Each function checks the rules, validates, and writes its access-log row in the same
transaction.

Sending goes through `disclosure.services.provide_information`: the consent (or legal basis) and the agreement
are checked there and nowhere else, and the provision record (DisclosureRecord) is written by it. Accepting goes
through the services of people, cases, records, partners and disclosure (receipt), acting as the receiving
center's staff member on the receiving center's own rows only.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Center, Staff
from yorisoi.cases.models import Case, CaseKind, ReferralSource
from yorisoi.disclosure import services as disclosure_services
from yorisoi.disclosure.models import Basis, DisclosureRecord, ObtainedHow
from yorisoi.partners import services as partner_services
from yorisoi.partners.models import Organization, OrganizationKind
from yorisoi.partners.selectors import organizations_for
from yorisoi.people import services as people_services
from yorisoi.people.models import Person
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.records import services as record_services
from yorisoi.records.models import ActivityKind
from yorisoi.workflow import services as case_services

from . import package, selectors
from .models import OTHER_CENTER_KIND, Transfer, TransferStatus, TransferTarget
from .rules import transfer_access

SECTION = "transfer"
INCOMING_SECTION = "transfer_incoming"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_sender(actor: Staff, case: Case) -> None:
    """A director or worker of the case's center who may open the case."""
    _require(transfer_access(actor).can_send and policy.may_open_case(actor))
    policy.require(actor, "view", case)


def _require_receiver(actor: Staff, transfer: Transfer) -> None:
    _require(transfer_access(actor).can_receive and policy.may_open_case(actor))
    _require(transfer.receiving_center_id is not None and transfer.receiving_center_id == actor.center_id
             and transfer.center_id != actor.center_id)


def _check_target(actor: Staff, organization: Organization) -> None:
    policy.require_same_center(actor, organization)
    if organization.kind.code != OTHER_CENTER_KIND or organization.kind.center_id is not None:
        raise ValidationError({"recipient": "引継ぎ先には、関係機関の種別が「他の地域生活定着支援センター」の機関を"
                                            "選んでください。"})
    if not organization.active:
        raise ValidationError({"recipient": "使用中でない機関には引き継げません。"})


# --- directory entries linked to centers of this deployment ------------------------------------------------


@transaction.atomic
def link_target(*, actor: Staff, organization: Organization, target_center: Center | None,
                request=None) -> TransferTarget | None:
    """Say which center of this deployment a directory entry (他の地域生活定着支援センター) is; None unlinks it."""
    _require(transfer_access(actor).can_manage_targets)
    _check_target(actor, organization)
    current = TransferTarget.objects.select_for_update().filter(organization=organization).first()
    if target_center is None:
        if current is not None:
            current.delete()
        log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=organization,
                   section="transfer_target", detail="対応づけを解除")
        return None
    if target_center.pk == actor.center_id:
        raise ValidationError({"target_center": "自センターは引継ぎ先にできません。"})
    taken = policy.of_center(TransferTarget, actor).filter(target_center=target_center).exclude(
        organization=organization).select_related("organization").first()
    if taken is not None:
        raise ValidationError({"target_center": f"「{target_center}」はすでに「{taken.organization}」に"
                                                "対応づけています。"})
    target = current or TransferTarget(center_id=actor.center_id, organization=organization, created_by=actor)
    target.target_center = target_center
    target.full_clean()
    target.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=organization, section="transfer_target",
               detail=f"センターID={target_center.pk}")
    return target


# --- sending ---------------------------------------------------------------------------------------------------


@dataclass
class Letter:
    """What the worker writes in the 支援業務協力依頼書."""

    reason: str
    support_requested: str
    planned_move_date: object = None
    destination: str = ""
    staff_contact: str = ""

    def check(self) -> None:
        errors = {}
        if not (self.reason or "").strip():
            errors["reason"] = "依頼の理由・経緯を入力してください。"
        if not (self.support_requested or "").strip():
            errors["support_requested"] = "依頼する支援の内容を入力してください。"
        if errors:
            raise ValidationError(errors)


def _check_sendable(case: Case) -> None:
    if not case.is_open:
        raise ValidationError("終結したケースは他センターへ引き継げません。")
    active = selectors.active_transfer(case)
    if active is not None:
        raise ValidationError(f"このケースにはすでに「{active.get_status_display()}」の引継ぎ（{active.number}）が"
                              "あります。")


def _letter_content(*, actor: Staff, case: Case, organization: Organization, letter: Letter, purpose_label: str,
                    basis: str, basis_text: str, provision_number: str, provided_on) -> dict:
    center = actor.center
    return {
        "from_center": center.name, "from_prefecture": center.prefecture, "from_phone": center.phone,
        "to_name": str(organization), "staff": str(actor), "staff_contact": letter.staff_contact.strip(),
        "case_number": case.number, "case_kind": case.kind, "case_kind_label": case.get_kind_display(),
        "support_started": case.start_date.isoformat() if case.start_date else "",
        "reason": letter.reason.strip(), "support_requested": letter.support_requested.strip(),
        "planned_move_date": letter.planned_move_date.isoformat() if letter.planned_move_date else "",
        "destination": letter.destination.strip(), "purpose": purpose_label, "basis": basis, "basis_text": basis_text,
        "provision_number": provision_number, "provided_on": provided_on.isoformat() if provided_on else "",
    }


def prepare_transfer(*, actor: Staff, case: Case, organization: Organization, purpose: str, item_codes: list[str],
                     activities=(), basis: str, legal_reason: str = "", letter: Letter) -> dict:
    """Every check of a transfer and the package it would send, writing nothing (for the preview). Raises
    PermissionDenied, ValidationError or disclosure's ProvisionRefused (consent / legal basis / agreement)."""
    _require_sender(actor, case)
    activities = list(activities)
    _require(all(a.case_id == case.pk for a in activities))
    _check_target(actor, organization)
    _check_sendable(case)
    letter.check()
    check, content = disclosure_services.prepare_provision(
        actor=actor, person=case.person, recipient=organization, purpose=purpose, item_codes=item_codes,
        activities=activities, basis=basis, legal_reason=legal_reason)
    draft = DisclosureRecord(basis=basis, consent=check.consent, legal_reason=legal_reason.strip(), purpose=purpose)
    letter_content = _letter_content(
        actor=actor, case=case, organization=organization, letter=letter, purpose_label=draft.get_purpose_display(),
        basis=basis, basis_text=draft.basis_text, provision_number="", provided_on=None)
    return package.build(record_content=content, letter=letter_content, person=case.person, item_codes=item_codes)


@transaction.atomic
def send_transfer(*, actor: Staff, case: Case, organization: Organization, purpose: str, item_codes: list[str],
                  activities=(), basis: str, legal_reason: str = "", letter: Letter, request=None) -> Transfer:
    """Hand the case to another center: provide the ticked items through disclosure (consent or legal basis and
    agreement checked there; the provision record written there), freeze the package (letter + items) in a new
    Transfer, and, when the directory entry is linked to a center of this deployment, put it in that center's
    受入待ち list. One transfer in 受入待ち or 引継ぎ済み per case. The sending case's timeline gets one support record
    saying what went where (the case keeps the trace even once the provision record has expired)."""
    _require_sender(actor, case)
    activities = list(activities)
    _require(all(a.case_id == case.pk for a in activities))
    _check_target(actor, organization)
    locked = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    _check_sendable(locked)
    letter.check()
    receiving_center = selectors.target_center_of(organization)
    record = disclosure_services.provide_information(
        actor=actor, person=locked.person, recipient=organization, purpose=purpose, item_codes=item_codes,
        activities=activities, basis=basis, legal_reason=legal_reason, request=request,
        note=f"広域調整（ケース {locked.number}）：支援業務協力依頼書（依頼の理由・依頼する支援・転居予定）を添付")
    try:
        letter_content = _letter_content(
            actor=actor, case=locked, organization=organization, letter=letter,
            purpose_label=record.get_purpose_display(), basis=record.basis, basis_text=record.basis_text,
            provision_number=record.number, provided_on=record.provided_on)
        data = package.build(record_content=json.loads(record.content), letter=letter_content, person=locked.person,
                             item_codes=record.items)
        now = timezone.now()
        transfer = Transfer(
            center_id=actor.center_id, case=locked, organization=organization, organization_name=str(organization),
            receiving_center=receiving_center, status=TransferStatus.PENDING, disclosure_record=record,
            provision_number=record.number, item_summary=record.item_summary, sent_on=timezone.localdate(),
            sent_at=now, sent_by=actor, planned_move_date=letter.planned_move_date,
            package=json.dumps(data, ensure_ascii=False))
        transfer.full_clean()
        transfer.save()
        record_services.add_composed_activity(
            actor=actor, case=locked, request=request, occurred_at=now, kind=ActivityKind.LIAISON,
            counterpart=str(organization)[:100],
            narrative=(f"【他センターへの引継ぎ】{organization}へ支援業務協力依頼書と引継ぎ資料を送付した"
                       f"（引継ぎ番号 {transfer.number}、第三者提供記録 {record.number}）。\n"
                       f"引き継いだ項目：{record.item_summary}\n"
                       + ("受入センターは寄り添い上で受け入れを回答します。" if receiving_center else
                          "先方は寄り添いを使っていないため、回答を受けたらこの引継ぎに記録してください。")))
        receiving = receiving_center.pk if receiving_center else "なし"
        log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=transfer, person_id=locked.person_id,
                   section=SECTION,
                   detail=f"引継ぎ先ID={organization.pk} 受入センターID={receiving} 提供記録ID={record.pk}")
    except Exception:
        if record.document:  # the provision's PDF is already on disk; the rows roll back with this transaction
            record.document.storage.delete(record.document.name)
        raise
    return transfer


def _lock(transfer: Transfer) -> Transfer:
    return Transfer.objects.select_for_update().select_related("center").get(pk=transfer.pk)


def _pending(current: Transfer) -> None:
    if current.status != TransferStatus.PENDING:
        raise ValidationError(f"この引継ぎはすでに「{current.get_status_display()}」です。")


@transaction.atomic
def withdraw_transfer(*, actor: Staff, transfer: Transfer, reason: str, request=None) -> Transfer:
    """The sender takes back a transfer nobody answered yet (wrong center, the person changed plans). The provision
    record stays: the package was given. The receiving center no longer sees the package."""
    _require_sender(actor, transfer.case)
    current = _lock(transfer)
    _pending(current)
    if not (reason or "").strip():
        raise ValidationError({"reason": "取り消す理由を入力してください。"})
    current.status = TransferStatus.WITHDRAWN
    current.withdrawn_reason = reason.strip()
    current.answered_at = timezone.now()
    current.save(update_fields=["status", "withdrawn_reason", "answered_at", "updated_at"])
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.case.person_id, section=SECTION, detail="取消")
    return current


@transaction.atomic
def record_answer(*, actor: Staff, transfer: Transfer, accepted: bool, answered_on, note: str = "",
                  request=None) -> Transfer:
    """For a center outside yorisoi (paper transfer): the sender records the answer it received."""
    _require_sender(actor, transfer.case)
    current = _lock(transfer)
    if current.on_yorisoi:
        raise ValidationError("寄り添いを使うセンターへの引継ぎには、受入センターが寄り添い上で回答します。")
    _pending(current)
    errors = {}
    if answered_on is None:
        errors["answered_on"] = "回答日を入力してください。"
    elif answered_on > timezone.localdate() or answered_on < current.sent_on:
        errors["answered_on"] = "回答日は送付日から今日までの日付にしてください。"
    if not accepted and not (note or "").strip():
        errors["note"] = "受入不可のときは理由を入力してください。"
    if errors:
        raise ValidationError(errors)
    current.status = TransferStatus.ACCEPTED if accepted else TransferStatus.DECLINED
    current.answered_on, current.answered_at = answered_on, timezone.now()
    current.answered_by, current.answer_note = actor, (note or "").strip()
    current.full_clean()
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.case.person_id, section=SECTION,
               detail="先方の回答を記録：" + ("受入" if accepted else "受入不可"))
    return current


# --- receiving -------------------------------------------------------------------------------------------------


def _provider_entry(actor: Staff, sender: Center, request) -> Organization:
    """The receiving center's directory entry for the sending center (made and linked on first use), named as the
    provider of the receipt record."""
    found = selectors.directory_entry_for(center_id=actor.center_id, sender_center_id=sender.pk)
    if found is not None:
        return found
    kind = OrganizationKind.objects.get(center__isnull=True, code=OTHER_CENTER_KIND)
    organization = (organizations_for(actor).filter(kind=kind, name=sender.name, transfer_target__isnull=True)
                    .order_by("id").first())
    if organization is None:
        organization = partner_services.create_organization(
            actor=actor, request=request, name=sender.name, kind=kind, prefecture=sender.prefecture,
            phone=sender.phone, notes="他センターからの引継ぎの受け入れで登録（寄り添いを使うセンター）")
    target = TransferTarget(center_id=actor.center_id, organization=organization, target_center=sender,
                            created_by=actor)
    target.full_clean()
    target.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=organization, section="transfer_target",
               detail=f"センターID={sender.pk}（受け入れ時）")
    return organization


OBTAINED = {Basis.CONSENT: ObtainedHow.CONSENT, Basis.LAW: ObtainedHow.LAW}


@transaction.atomic
def accept_transfer(*, actor: Staff, transfer: Transfer, kind: str, family_name: str = "", given_name: str = "",
                    family_name_kana: str = "", given_name_kana: str = "", person: Person | None = None,
                    main_staff: Staff | None = None, same_name_seen: Collection[int] = (),
                    request=None) -> Transfer:
    """The receiving center takes the person on: a NEW person of its own (register_person, from the package's
    ticked face-sheet items) or, when `person` is given, a person it already registered (found by name and birth
    date; their face sheet is left as it is), a new case in 相談受付 (open_case, referred by the sending center),
    one support record summarising the package (letter, assessment, the ticked records; continued in further
    records when it is longer than one holds), and a receipt record
    (法30条) naming the sending center and how it obtained the data. The sending center's rows are neither read nor
    changed, except this transfer's status.

    A new person goes through the same-name check of every registration (people.services.register_person: the
    check and the insert under the center's lock): a person of the same name whose id is not in `same_name_seen`
    (the persons the receiver was shown and chose not to link) refuses with people.services.SameNameError."""
    _require_receiver(actor, transfer)
    current = _lock(transfer)
    _pending(current)
    policy.require_same_center(actor, main_staff)
    if person is not None:
        policy.require(actor, "view", person)
    errors = {}
    if kind not in CaseKind.values:
        errors["kind"] = "支援の種別を選んでください。"
    if person is None and not (family_name or "").strip():
        errors["family_name"] = "氏を入力してください。"
    if person is None and not (family_name_kana or "").strip():
        errors["family_name_kana"] = "氏（フリガナ）を入力してください。"
    if errors:
        raise ValidationError(errors)
    data, sender = current.data, current.center
    letter = data.get("letter") or {}
    today, now = timezone.localdate(), timezone.now()
    linked = person is not None
    if not linked:
        person = people_services.register_person(  # the receiver chose "a new person" on the transfer page
            actor=actor, request=request, same_name_seen=same_name_seen, family_name=family_name.strip(),
            given_name=given_name.strip(),
            family_name_kana=family_name_kana.strip(), given_name_kana=given_name_kana.strip(),
            **package.register_values(data, people_services.editable_fields(actor)))
        for values in package.certificate_values(data):
            people_services.add_certificate(actor=actor, person=person, request=request, **values)
    case = case_services.open_case(
        actor=actor, person=person, request=request, kind=kind, referral_source=ReferralSource.OTHER_CENTER,
        referral_agency=sender.name[:100], referral_officer=(letter.get("staff") or "")[:100],
        referral_contact=(letter.get("staff_contact") or sender.phone or "")[:100], referral_date=today,
        main_staff=main_staff or actor)
    # Many ticked records can make the summary longer than one record holds: then it continues in the next ones.
    record_services.add_composed_activity(
        actor=actor, case=case, request=request, occurred_at=now, kind=ActivityKind.PAPERWORK,
        counterpart=sender.name[:100],
        narrative=package.summary_narrative(data=data, sender_name=sender.name, number=current.number,
                                            sent_on=current.sent_on))
    provider = _provider_entry(actor, sender, request)
    basis_text = letter.get("basis_text") or ""
    receipt = disclosure_services.record_receipt(
        actor=actor, person=person, request=request, received_on=today, provider=provider,
        item_groups=package.group_codes(data), staff=actor,
        items_detail=f"支援業務協力依頼書と引継ぎ資料（引継ぎ番号 {current.number}）：{current.item_summary}",
        obtained_how=OBTAINED.get(letter.get("basis", ""), ObtainedHow.OTHER),
        obtained_note=f"送り手のセンターが地域生活定着支援の業務の中で取得した情報。提供の根拠：{basis_text}",
        confirmation_note=(f"寄り添いの広域調整で受領。送り手の第三者提供記録（{current.provision_number}）の"
                           f"根拠「{basis_text}」を依頼書の記載で確認した。"))
    current.status = TransferStatus.ACCEPTED
    current.answered_on, current.answered_at, current.answered_by = today, now, actor
    current.answered_by_name = str(actor)
    current.receiving_person, current.receiving_case, current.receipt_record = person, case, receipt
    current.full_clean()
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=person.pk,
               section=INCOMING_SECTION,
               detail=f"受入 ケースID={case.pk} " + ("既存の対象者に紐づけ" if linked else "対象者を新規登録"))
    return current


@transaction.atomic
def decline_transfer(*, actor: Staff, transfer: Transfer, reason: str, request=None) -> Transfer:
    """The receiving center cannot take the person on; the reason goes back to the sender. From then on the
    receiving center no longer sees the package."""
    _require_receiver(actor, transfer)
    current = _lock(transfer)
    _pending(current)
    if not (reason or "").strip():
        raise ValidationError({"reason": "受け入れられない理由を入力してください。"})
    current.status = TransferStatus.DECLINED
    current.answered_on, current.answered_at, current.answered_by = timezone.localdate(), timezone.now(), actor
    current.answered_by_name, current.answer_note = str(actor), reason.strip()
    current.save(update_fields=["status", "answered_on", "answered_at", "answered_by", "answered_by_name",
                                "answer_note", "updated_at"])
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section=INCOMING_SECTION,
               detail="受入不可")
    return current
