"""Writes of this app. Every function checks the rules, validates, and writes its access-log row in the same
transaction; `provide_information` also writes the provision record and stores the document in it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.placements import services as placement_services
from yorisoi.placements.models import Sharing
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from . import conf, items, selectors
from .models import (
    LEGAL_BASES,
    AgreementStatus,
    Basis,
    Consent,
    ConsentTemplate,
    DataSubjectRequest,
    DisclosureRecord,
    Purpose,
    ReceiptRecord,
    RequestOutcome,
    SharingAgreement,
)
from .pdf import render_pdf
from .rules import disclosure_access
from .uploads import attach


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_person(actor: Staff, person) -> None:
    """The person belongs to the actor's center and is one the actor may open."""
    policy.require(actor, "view", person)


def _same_center(actor: Staff, *objs) -> None:
    policy.require_same_center(actor, *objs)


# --- consent wording -------------------------------------------------------------------------------------


@transaction.atomic
def create_consent_template(*, actor: Staff, title: str, body: str, request=None) -> ConsentTemplate:
    """A new version of the center's consent wording (directors)."""
    _require(disclosure_access(actor).can_manage)
    last = policy.of_center(ConsentTemplate.objects.select_for_update(), actor).aggregate(
        v=Max("version"))["v"] or 0
    template = ConsentTemplate(center_id=actor.center_id, version=last + 1, title=title, body=body, created_by=actor)
    template.full_clean()
    template.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=template, section="consent_template")
    return template


@transaction.atomic
def update_consent_template(*, actor: Staff, template: ConsentTemplate, title: str, body: str,
                            request=None) -> ConsentTemplate:
    """Correct a version nobody has agreed to yet; a frozen version is refused (write a new one)."""
    _require(disclosure_access(actor).can_manage)
    _same_center(actor, template)
    current = ConsentTemplate.objects.select_for_update().get(pk=template.pk)
    if current.is_frozen:
        raise ValidationError("この版はすでに同意に使われたため変更できません。新しい版を作成してください。")
    current.title, current.body = title, body
    current.full_clean()
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, section="consent_template")
    return current


# --- consent ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_consent(*, actor: Staff, person, template: ConsentTemplate, purposes: list[str], agency_kinds,
                   consented_on: dt.date, form: str, taken_by: Staff, note: str = "", upload=None,
                   capacity_concern: str = "", decision_supporters: list[str] | None = None,
                   decision_support_note: str = "", request=None) -> Consent:
    """Record a person's consent under one version of the wording, which becomes frozen."""
    _require(disclosure_access(actor).can_record)
    _require_person(actor, person)
    _same_center(actor, template, taken_by)
    kinds = list(agency_kinds)
    errors = {}
    if not purposes:
        errors["purposes"] = "利用目的を1つ以上選んでください。"
    if not kinds:
        errors["agency_kinds"] = "提供先の種別を1つ以上選んでください。"
    if consented_on and consented_on > timezone.localdate():
        errors["consented_on"] = "同意日に未来の日付は入力できません。"
    if errors:
        raise ValidationError(errors)
    locked = ConsentTemplate.objects.select_for_update().get(pk=template.pk)
    consent = Consent(center_id=actor.center_id, person=person, template=locked,
                      purposes=[p for p in Purpose.values if p in purposes], consented_on=consented_on, form=form,
                      taken_by=taken_by, note=note, capacity_concern=capacity_concern,
                      decision_supporters=list(decision_supporters or []), decision_support_note=decision_support_note,
                      created_by=actor, updated_by=actor)
    if upload is not None:
        attach(consent, upload)
    consent.full_clean()
    consent._history_user = actor
    consent.save()
    consent.agency_kinds.set(kinds)
    if locked.frozen_at is None:
        locked.frozen_at = timezone.now()
        locked.save(update_fields=["frozen_at", "updated_at"])
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=consent, person_id=person.pk,
               section="consent")
    return consent


@transaction.atomic
def withdraw_consent(*, actor: Staff, consent: Consent, expected_version: int, withdrawn_on: dt.date, method: str,
                     note: str = "", request=None) -> Consent:
    """The person withdrew this consent: from `withdrawn_on` on it covers no provision."""
    _require(disclosure_access(actor).can_record)
    _require_person(actor, consent.person)
    current = lock_for_edit(Consent, pk=consent.pk, expected_version=expected_version)
    if current.withdrawn_on is not None:
        raise ValidationError("この同意はすでに撤回されています。")
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": "撤回日に未来の日付は入力できません。"})
    current.withdrawn_on, current.withdrawal_method, current.withdrawal_note = withdrawn_on, method, note
    current.withdrawal_recorded_by = actor
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=current.person_id,
               section="consent", detail="withdrawn")
    return current


# --- agreements ------------------------------------------------------------------------------------------

AGREEMENT_FIELDS = ["organization", "title", "purposes", "item_groups", "scope_note", "valid_from", "valid_to",
                    "status"]


@transaction.atomic
def save_agreement(*, actor: Staff, agreement: SharingAgreement | None = None, expected_version: int | None = None,
                   upload=None, request=None, **values) -> SharingAgreement:
    """Register (agreement None) or change a sharing agreement (directors). Changes refuse a stale version.
    A worker may only draft one: a new agreement 締結準備中, which the director concludes (決裁) by changing it."""
    rights = disclosure_access(actor)
    if not rights.can_manage:
        _require(rights.can_draft_agreement and agreement is None)
        if values.get("status", AgreementStatus.DRAFT) != AgreementStatus.DRAFT:
            raise ValidationError({"status": "取り決めの締結は管理者の決裁です。"
                                             "相談員は「締結準備中」で登録してください。"})
        values["status"] = AgreementStatus.DRAFT
    if set(values) - set(AGREEMENT_FIELDS):
        raise PermissionDenied
    _same_center(actor, values.get("organization"))
    if agreement is None:
        current = SharingAgreement(center_id=actor.center_id, created_by=actor)
    else:
        _same_center(actor, agreement)
        current = lock_for_edit(SharingAgreement, pk=agreement.pk, expected_version=expected_version)
        current.version = expected_version + 1
    for name, value in values.items():
        setattr(current, name, value)
    current.updated_by = actor
    if upload is not None:
        attach(current, upload)
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE if agreement is None else AccessAction.UPDATE,
               obj=current, section="agreement")
    return current


# --- providing information ---------------------------------------------------------------------------------


class ProvisionRefused(ValidationError):
    """The provision is not lawful as asked (no consent and no legal basis, or no agreement). Japanese text."""


@dataclass
class ProvisionCheck:
    """What yorisoi concluded before a provision: the consent or the legal basis, the agreement, and whether
    the record is one the law requires (法29条) or one kept anyway (国の機関等・法令に基づく提供)."""

    basis: str
    consent: Consent | None = None
    agreement: SharingAgreement | None = None
    is_public_body: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def statutory(self) -> bool:
        # 法29条1項: no record is required for the exceptions of 法27条1項各号 nor for recipients of 法16条2項各号.
        return self.basis not in LEGAL_BASES and not self.is_public_body


def check_provision(*, person, recipient, purpose: str, item_codes: list[str], with_records: bool, basis: str,
                    day: dt.date) -> ProvisionCheck:
    """Decide whether a provision may go ahead; `problems` says in Japanese why not."""
    is_public = recipient.kind.code in conf.public_body_kind_codes() and recipient.kind.center_id is None
    check = ProvisionCheck(basis=basis, is_public_body=is_public)
    if basis == Basis.CONSENT:
        found = selectors.covering_consent(person, kind=recipient.kind, purpose=purpose, day=day)
        check.consent = found.consent
        if found.consent is None:
            check.problems.append(
                f"本人の同意が確認できないため提供できません。{found.problem}"
                "同意を取り直して記録するか、法令上の根拠がある場合はその根拠を選び、理由を記入してください。")
    groups = items.groups_of(item_codes, with_records=with_records)
    found_agreement = selectors.valid_agreement(organization=recipient, day=day, purpose=purpose, groups=groups)
    check.agreement = found_agreement.agreement
    if found_agreement.agreement is None and basis not in LEGAL_BASES:
        check.problems.append(
            f"「{recipient}」との情報共有の取り決めが有効ではないため提供できません。{found_agreement.problem}"
            "取り決めを登録するか、法令に基づく提供（法令に基づく場合・生命等の保護・国の機関等への協力）で"
            "あればその根拠を選んでください。")
    return check


def _refuse(check: ProvisionCheck) -> None:
    if check.problems:
        raise ProvisionRefused(check.problems)


def prepare_provision(*, actor: Staff, person, recipient, purpose: str, item_codes: list[str], activities,
                      basis: str, legal_reason: str = "", day: dt.date | None = None) -> tuple[ProvisionCheck, dict]:
    """Every check of a provision, and the document's content; raises PermissionDenied or ProvisionRefused.
    Used by the preview and by `provide_information` alike, so both answer the same."""
    access = policy.access_for(actor)
    _require(disclosure_access(actor).can_provide)
    _require_person(actor, person)
    _same_center(actor, recipient)
    activities = list(activities)
    unknown = set(item_codes) - items.item_codes_allowed(access)
    if unknown:
        raise PermissionDenied  # an item the user may not see (health, justice) or that does not exist
    if activities:
        _require(access.can_see_narrative)
        visible = set(policy.activities_for(actor).filter(person=person, pk__in=[a.pk for a in activities])
                      .values_list("pk", flat=True))
        if visible != {a.pk for a in activities}:
            raise PermissionDenied
    if not item_codes and not activities:
        raise ValidationError({"items": "提供する項目を1つ以上選んでください。"})
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": "利用目的を選んでください。"})
    if basis not in Basis.values:
        raise ValidationError({"basis": "提供の根拠を選んでください。"})
    if basis != Basis.CONSENT and not legal_reason.strip():
        raise ValidationError({"legal_reason": "同意以外の根拠で提供するときは、根拠の説明・理由を入力してください。"})
    check = check_provision(person=person, recipient=recipient, purpose=purpose, item_codes=item_codes,
                            with_records=bool(activities), basis=basis, day=day or timezone.localdate())
    _refuse(check)
    return check, items.snapshot(person, item_codes, activities)


@transaction.atomic
def provide_information(*, actor: Staff, person, recipient, purpose: str, item_codes: list[str], activities=(),
                        basis: str, legal_reason: str = "", note: str = "", inquiry=None, connection=None,
                        request=None) -> DisclosureRecord:
    """Provide the ticked items of a person's record to `recipient`: check consent or legal basis and the
    agreement, write the provision record (法29条), render the information-provision document (PDF) holding only
    the ticked items and store it in the record, and log PROVIDE — all in this one transaction. Given the
    受入照会 (`inquiry`) or つなぎ (`connection`) of the person during which it was passed, the record names it
    and it is marked as recorded."""
    today = timezone.localdate()
    for during in (inquiry, connection):
        if during is not None and (during.center_id != actor.center_id or during.case.person_id != person.pk):
            raise PermissionDenied
    activities = list(activities)
    check, content = prepare_provision(actor=actor, person=person, recipient=recipient, purpose=purpose,
                                       item_codes=item_codes, activities=activities, basis=basis,
                                       legal_reason=legal_reason, day=today)
    record = DisclosureRecord(
        center_id=actor.center_id, provided_on=today, provided_at=timezone.now(), person=person, recipient=recipient,
        recipient_name=str(recipient), recipient_kind=recipient.kind.label,
        recipient_is_public_body=check.is_public_body,
        purpose=purpose, items=[i.code for i in items.ITEMS if i.code in item_codes],
        item_summary=items.summary(item_codes, activities), activity_ids=sorted(a.pk for a in activities),
        basis=basis, consent=check.consent, legal_reason="" if basis == Basis.CONSENT else legal_reason.strip(),
        agreement=check.agreement, statutory=check.statutory, staff=actor, note=note,
        content=json.dumps(content, ensure_ascii=False), inquiry=inquiry, connection=connection,
    )
    record.full_clean(exclude=["document"])
    record.save()
    for during in (inquiry, connection):
        if during is not None:  # before the document exists: a refusal here leaves no file behind
            placement_services.record_sharing(actor=actor, subject=during, sharing=Sharing.RECORDED,
                                              request=request)
    pdf = render_pdf("disclosure/pdf/provision.html", provision_context(record, content))
    record.document_sha256 = hashlib.sha256(pdf).hexdigest()
    stored = record.document.storage.save(record.document.field.generate_filename(record, "document.pdf"),
                                          ContentFile(pdf))
    record.document.name = stored
    try:
        record.save(update_fields=["document", "document_sha256"])
        log_access(request=request, actor=actor, action=AccessAction.PROVIDE, obj=record, person_id=person.pk,
                   section="disclosure", detail=f"提供先ID={recipient.pk} 根拠={Basis(basis).label}")
    except Exception:
        record.document.storage.delete(stored)
        raise
    return record


def provision_context(record: DisclosureRecord, content: dict | None = None) -> dict:
    """What the document templates need: the record's facts and the content as given."""
    return {"record": record, "content": content if content is not None else json.loads(record.content or "{}"),
            "center": record.center}


# --- receipts ----------------------------------------------------------------------------------------------

RECEIPT_FIELDS = ["received_on", "provider", "item_groups", "items_detail", "obtained_how", "obtained_note",
                  "confirmation_note", "staff"]


@transaction.atomic
def record_receipt(*, actor: Staff, person, request=None, **values) -> ReceiptRecord:
    """Record data received about a person from another organization, with how the provider obtained it."""
    _require(disclosure_access(actor).can_record)
    _require_person(actor, person)
    if set(values) - set(RECEIPT_FIELDS):
        raise PermissionDenied
    _same_center(actor, values.get("provider"), values.get("staff"))
    receipt = ReceiptRecord(center_id=actor.center_id, person=person, created_by=actor, **values)
    receipt.provider_name = str(receipt.provider) if receipt.provider_id else ""
    if receipt.received_on and receipt.received_on > timezone.localdate():
        raise ValidationError({"received_on": "受領日に未来の日付は入力できません。"})
    receipt.full_clean()
    receipt.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=receipt, person_id=person.pk,
               section="receipt", detail=f"提供元ID={receipt.provider_id}")
    return receipt


# --- the person's requests -----------------------------------------------------------------------------------

REQUEST_FIELDS = ["kind", "received_on", "requester", "content", "handling", "outcome", "outcome_note",
                  "completed_on"]


def _check_request(obj: DataSubjectRequest) -> None:
    if obj.outcome != RequestOutcome.PENDING and obj.completed_on is None:
        raise ValidationError({"completed_on": "結果を選んだときは対応完了日を入力してください。"})
    if obj.outcome == RequestOutcome.PENDING and obj.completed_on is not None:
        raise ValidationError({"outcome": "対応完了日を入力したときは結果を選んでください。"})
    if obj.outcome in (RequestOutcome.REFUSED, RequestOutcome.PARTIAL) and not obj.outcome_note.strip():
        raise ValidationError({"outcome_note": "対応しない（一部を含む）ときは、本人に通知した理由を"
                                               "記入してください。"})


@transaction.atomic
def open_request(*, actor: Staff, person, request=None, **values) -> DataSubjectRequest:
    _require(disclosure_access(actor).can_handle_requests)
    _same_center(actor, person)
    if set(values) - set(REQUEST_FIELDS):
        raise PermissionDenied
    obj = DataSubjectRequest(center_id=actor.center_id, person=person, created_by=actor, updated_by=actor, **values)
    _check_request(obj)
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=obj, person_id=person.pk,
               section="subject_request", detail=obj.kind)
    return obj


@transaction.atomic
def update_request(*, actor: Staff, subject_request: DataSubjectRequest, expected_version: int, request=None,
                   **values) -> DataSubjectRequest:
    _require(disclosure_access(actor).can_handle_requests)
    _same_center(actor, subject_request)
    if set(values) - set(REQUEST_FIELDS):
        raise PermissionDenied
    current = lock_for_edit(DataSubjectRequest, pk=subject_request.pk, expected_version=expected_version)
    for name, value in values.items():
        setattr(current, name, value)
    current.version = expected_version + 1
    current.updated_by = actor
    _check_request(current)
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=current.person_id,
               section="subject_request", detail=current.outcome)
    return current


# --- retention -------------------------------------------------------------------------------------------------


@dataclass
class PurgeResult:
    cutoff: dt.date
    records: dict[int, int] = field(default_factory=dict)  # center id → provision records removed
    receipts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.records.values()) + sum(self.receipts.values())


def expired_querysets(today: dt.date | None = None):
    cutoff = selectors.expired_before(today)
    return cutoff, (DisclosureRecord.objects.filter(provided_on__lt=cutoff),
                    ReceiptRecord.objects.filter(received_on__lt=cutoff))


@transaction.atomic
def purge_expired_records(*, today: dt.date | None = None) -> PurgeResult:
    """Remove provision and receipt records older than the retention period, and only those; one access-log
    row per center and one summary row (action DELETE, written by "system:purge_disclosure_records")."""
    cutoff, (records, receipts) = expired_querysets(today)
    result = PurgeResult(cutoff=cutoff)
    files = []
    for record in records.select_for_update().only("pk", "center_id", "document"):
        result.records[record.center_id] = result.records.get(record.center_id, 0) + 1
        if record.document:
            files.append((record.document.storage, record.document.name))
    for receipt in receipts.select_for_update().only("pk", "center_id"):
        result.receipts[receipt.center_id] = result.receipts.get(receipt.center_id, 0) + 1
    records.delete()
    receipts.delete()
    for center_id in sorted(set(result.records) | set(result.receipts)):
        log_access(action=AccessAction.DELETE, username="system:purge_disclosure_records", center_id=center_id,
                   section="retention",
                   detail=f"保存期間（{conf.retention_years()}年）経過の提供記録 {result.records.get(center_id, 0)}件・"
                          f"受領記録 {result.receipts.get(center_id, 0)}件を削除（基準日 {cutoff:%Y-%m-%d} より前）")
    log_access(action=AccessAction.DELETE, username="system:purge_disclosure_records", section="retention",
               detail=f"第三者提供記録・受領記録の期限切れ削除: {result.total}件（基準日 {cutoff:%Y-%m-%d} より前）")
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return result
