"""Writes to the procedures of a case: templates, due dates, status, documents.

Due dates are computed here and nowhere else (`compute_due`). Integration points for other apps:

- apply_case_template(case=, actor=)       after a case is opened (cases.services.open_case)
- on_reference_date_changed(case=, actor=) after the case's expected release date changed (cases.update_case),
                                             with placement_date= when a placement's start date is known/changed
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import lock_for_edit
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from .. import fitting
from ..dates import offset_date
from ..documents import check_upload
from ..models import (
    OPEN_STATUSES,
    STATUS_MOVES,
    CaseProcedure,
    CaseTemplate,
    CaseTemplateItem,
    ProcedureDocument,
    ProcedureStatus,
    ProcedureType,
    ReferenceDates,
    ReferenceKind,
)
from ._common import check_fields, require_case_right

SECTION = "procedures"
PROCEDURE_FIELDS = ["procedure_type", "title", "follows_reference", "reference", "offset_days", "offset_unit",
                    "depends_on", "due_date", "organization", "contact_name", "contact_phone", "notes",
                    "status", "started_on", "completed_on", "result", "decided_on"]

_UNSET = object()


# --- reference dates and due dates -------------------------------------------------------------------


def reference_dates_of(case: Case) -> ReferenceDates | None:
    return ReferenceDates.objects.filter(case_id=case.pk).first()


def reference_date(case: Case, reference: str, refs: ReferenceDates | None) -> dt.date | None:
    if reference == ReferenceKind.RELEASE:
        return case.expected_release_date
    if reference == ReferenceKind.PLACEMENT:
        return refs.placement_date if refs else None
    if reference == ReferenceKind.CASE_OPEN:
        return case.referral_date
    return None


def compute_due(procedure: CaseProcedure, case: Case, refs: ReferenceDates | None,
                previous: CaseProcedure | None = None) -> tuple[dt.date | None, dt.date | None]:
    """(base date, due date) of a procedure that follows a reference; a manual one keeps its own date.

    After a previous procedure: its completion date, once it is done; until then no due date
    (「前の手続きの完了待ち」). `previous` may be passed when it is already loaded."""
    if not procedure.follows_reference or not procedure.reference:
        return procedure.base_date, procedure.due_date
    if procedure.reference == ReferenceKind.PREVIOUS:
        previous = previous if previous is not None else procedure.depends_on
        base = previous.completed_on if previous is not None and previous.status == ProcedureStatus.DONE else None
    else:
        base = reference_date(case, procedure.reference, refs)
    if base is None:
        return None, None
    return base, offset_date(base, procedure.offset_days or 0, procedure.offset_unit)


def _save(procedure: CaseProcedure, actor: Staff, *, bump: bool = True, reason: str | None = None) -> None:
    if bump:
        procedure.version += 1
    procedure.updated_by = actor
    procedure.full_clean()
    procedure._history_user = actor
    procedure._change_reason = reason
    procedure.save()


def _refresh_dependents(procedure: CaseProcedure, actor: Staff) -> int:
    """Open procedures waiting for `procedure` get their due date from its completion (or lose it)."""
    changed = 0
    dependents = (CaseProcedure.objects.select_for_update().filter(
        depends_on=procedure, status__in=OPEN_STATUSES, follows_reference=True, reference=ReferenceKind.PREVIOUS))
    for dependent in dependents:
        base, due = compute_due(dependent, procedure.case, None, previous=procedure)
        if (base, due) != (dependent.base_date, dependent.due_date):
            dependent.base_date, dependent.due_date = base, due
            _save(dependent, actor, reason="前の手続きの完了日から期限を計算")
            changed += 1
    return changed


# --- templates ---------------------------------------------------------------------------------------------


def templates_for(actor: Staff, *, case_kind: str | None = None):
    """Active templates the actor's center may use: its own first, then the shared ones."""
    qs = policy.shared_or_of_center(CaseTemplate, actor).filter(active=True)
    if case_kind:
        qs = qs.filter(case_kind=case_kind)
    # the center's own before the shared ones (NULL last, the same on SQLite and PostgreSQL)
    return qs.order_by(F("center_id").asc(nulls_last=True), "case_kind", "id")


def default_template_for(case: Case, actor: Staff) -> CaseTemplate | None:
    return templates_for(actor, case_kind=case.kind).first()


def _hidden_type_ids(center_id: int) -> set[int]:
    return set(ProcedureType.objects.filter(Q(hidden_by=center_id) | Q(active=False)).values_list("pk", flat=True))


@dataclass
class Proposal:
    """One item of a template as proposed for this case: whether it fits the person and why, the contact
    it would name, and the procedure already added from it (if any)."""

    item: CaseTemplateItem
    fit: fitting.Fit
    organization: object | None
    existing: CaseProcedure | None

    @property
    def ticked(self) -> bool:
        """Ticked on the proposal page: already added, or fitting and not left to the worker."""
        if self.existing is not None:
            return self.existing.status != ProcedureStatus.CANCELLED
        return bool(self.fit.fits) and not self.item.proposal_only


def proposals_for(*, case: Case, actor: Staff, template: CaseTemplate | None = None) -> list[Proposal]:
    """Every item of the template (the case kind's default when none is given), hidden types left out, in the
    template's order, with its fit for the case's person."""
    template = template or default_template_for(case, actor)
    if template is None:
        return []
    facts = fitting.facts_for(case)
    existing = {p.template_item_id: p for p in CaseProcedure.objects.filter(case=case, template_item__isnull=False)}
    hidden = _hidden_type_ids(actor.center_id)
    items = (template.items.select_related("procedure_type", "template", "after").order_by("sort_order", "id"))
    proposals: dict[int, Proposal] = {}
    contacts: dict[tuple, object] = {}  # one look-up per kind of office, not per item
    for item in items:
        if item.procedure_type_id in hidden:
            continue
        fit = fitting.item_fit(item, facts)
        head = proposals.get(item.after_id) if item.after_id else None
        if head is not None and not head.fit.fits:
            # 申請 → 判定 → 交付: a step fits only when the step before it does
            fit = fitting.Fit(head.fit.fits, fit.reasons)
        key = (item.procedure_type.responsible_kind_id, item.procedure_type.category)
        if key not in contacts:
            contacts[key] = fitting.contact_for(item, facts, actor)
        proposals[item.pk] = Proposal(item=item, fit=fit, organization=contacts[key],
                                      existing=existing.get(item.pk))
    return list(proposals.values())


@transaction.atomic
def apply_case_template(*, case: Case, actor: Staff, template: CaseTemplate | None = None,
                        item_ids: list[int] | None = None, request=None) -> list[CaseProcedure]:
    """Add a template's usual procedures to the case at once (the default template of the case's kind when
    none is given), with their due dates and the contact of the person's municipality. Without `item_ids`,
    the items that fit the person (fitting.py; `proposal_only` ones are left to the worker); with them,
    exactly those items. Idempotent: items already added to this case are skipped, so calling it again (or
    after the template grew) adds only what is missing. Types hidden by the center are skipped.
    Returns the procedures added (an empty list when there is no template for the case's kind)."""
    require_case_right(actor, case)
    if not case.is_open:
        raise ValidationError("終結したケースには手続きを追加できません。")
    template = template or default_template_for(case, actor)
    if template is None:
        return []
    if template.center_id not in (None, actor.center_id):
        raise PermissionDenied
    proposals = {p.item.pk: p for p in proposals_for(case=case, actor=actor, template=template)}
    if item_ids is None:
        chosen = {pk for pk, p in proposals.items() if p.fit.fits and not p.item.proposal_only}
    else:
        chosen = set(item_ids)
        if not chosen <= set(proposals):
            raise ValidationError("テンプレートにない手続きが選ばれています。画面を開き直してください。")
    refs = reference_dates_of(case)
    placed: dict[int, CaseProcedure] = {pk: p.existing for pk, p in proposals.items() if p.existing is not None}
    pending = [p for pk, p in proposals.items() if pk in chosen and p.existing is None]
    added: list[CaseProcedure] = []
    while pending:
        waiting = {p.item.pk for p in pending}
        ready = [p for p in pending if p.item.after_id is None or p.item.after_id not in waiting]
        if not ready:
            break
        for proposal in ready:
            item = proposal.item
            procedure = CaseProcedure(
                center_id=case.center_id, case=case, procedure_type=item.procedure_type,
                title=item.display_title, follows_reference=True, reference=item.reference,
                offset_days=item.offset_days, offset_unit=item.offset_unit,
                depends_on=placed.get(item.after_id), template_item=item,
                organization=proposal.organization, created_by=actor, updated_by=actor,
            )
            if procedure.reference == ReferenceKind.PREVIOUS and procedure.depends_on is None:
                # the item it follows was left out (hidden type, not chosen): it is due from the release instead
                procedure.follows_reference = False
            procedure.base_date, procedure.due_date = compute_due(procedure, case, refs)
            _save(procedure, actor, bump=False, reason=f"テンプレート「{template.name}」：{proposal.fit.reason_text}")
            placed[item.pk] = procedure
            added.append(procedure)
            pending.remove(proposal)
    if added:
        log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=case, person_id=case.person_id,
                   section=SECTION, detail=f"template={template.pk} added={len(added)}")
    return added


def proposal_pending(*, case: Case, actor: Staff, refs: ReferenceDates | None) -> bool:
    """An open case whose kind has a template and whose proposal nobody has confirmed yet."""
    if not case.is_open or (refs is not None and refs.proposals_confirmed_at is not None):
        return False
    return default_template_for(case, actor) is not None


@transaction.atomic
def confirm_proposals(*, actor: Staff, case: Case, template: CaseTemplate, item_ids: list[int],
                      request=None) -> tuple[list[CaseProcedure], list[CaseProcedure]]:
    """The worker's answer to the proposal: the ticked items are added (if not yet), the unticked ones added
    before and not begun are marked 不要 with the reason, and the case remembers that the proposal was
    confirmed. Returns (added, cancelled)."""
    added = apply_case_template(case=case, actor=actor, template=template, item_ids=item_ids, request=request)
    cancelled = []
    for proposal in proposals_for(case=case, actor=actor, template=template):
        procedure = proposal.existing
        if procedure is None:
            continue
        ticked = proposal.item.pk in item_ids
        if not ticked and procedure.status == ProcedureStatus.NOT_STARTED:
            locked = CaseProcedure.objects.select_for_update().get(pk=procedure.pk)
            locked.status = ProcedureStatus.CANCELLED
            _save(locked, actor, reason="手続きの提案を確認して不要とした")
            cancelled.append(locked)
            # a step still wanted that waited for this one keeps going, with its date to be set by hand
            wanted = [d for d in waiting_chain(locked) if d.template_item_id in item_ids]
            _settle_waiting(locked, wanted, WAITING_KEEP, actor)
        elif ticked and procedure.status == ProcedureStatus.CANCELLED:
            # ticked again: 再開
            locked = CaseProcedure.objects.select_for_update().get(pk=procedure.pk)
            locked.status = ProcedureStatus.NOT_STARTED
            _save(locked, actor, reason="手続きの提案を確認して、やはり必要とした")
            added.append(locked)
    refs, _ = ReferenceDates.objects.select_for_update().get_or_create(
        case=case, defaults={"center_id": case.center_id, "updated_by": actor})
    refs.proposals_confirmed_at = timezone.now()
    refs.proposals_confirmed_by = actor
    refs.version += 1
    refs.updated_by = actor
    refs.full_clean()
    refs._history_user = actor
    refs.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=case, person_id=case.person_id,
               section=SECTION, detail=f"proposals confirmed template={template.pk} added={len(added)} "
                                       f"cancelled={len(cancelled)}")
    return added, cancelled


# --- reference dates moved ----------------------------------------------------------------------------------


def _fresh_case(case: Case) -> Case:
    """The case as saved now (the caller may hold a copy read before its release date changed)."""
    return Case.objects.select_related("person").get(pk=case.pk)


@transaction.atomic
def recompute_due_dates(*, case: Case, actor: Staff, request=None) -> list[CaseProcedure]:
    """Move the due dates of the case's procedures that are not done and follow a reference date, after the
    case's expected release date or placement date changed. Done, cancelled and manually dated procedures
    keep their dates. Returns the procedures whose due date changed."""
    require_case_right(actor, case)
    case = _fresh_case(case)
    refs = reference_dates_of(case)
    procedures = list(CaseProcedure.objects.select_for_update(of=("self",)).select_related("depends_on").filter(
        case=case, status__in=OPEN_STATUSES, follows_reference=True))
    changed = []
    for procedure in procedures:
        base, due = compute_due(procedure, case, refs)
        if (base, due) != (procedure.base_date, procedure.due_date):
            procedure.base_date, procedure.due_date = base, due
            _save(procedure, actor, reason="基準日の変更に合わせて期限を再計算")
            changed.append(procedure)
    if changed:
        log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=case, person_id=case.person_id,
                   section=SECTION, detail=f"recomputed={len(changed)}")
    return changed


@transaction.atomic
def set_placement_date(*, case: Case, actor: Staff, placement_date: dt.date | None, request=None) -> ReferenceDates:
    """Keep the placement date (一時受入の開始日) procedures may be due from. The due dates do not move here:
    call on_reference_date_changed(placement_date=...), which also recomputes them."""
    require_case_right(actor, case)
    refs, _ = ReferenceDates.objects.select_for_update().get_or_create(
        case=case, defaults={"center_id": case.center_id, "updated_by": actor})
    if refs.placement_date != placement_date:
        refs.placement_date = placement_date
        refs.version += 1
        refs.updated_by = actor
        refs.full_clean()
        refs._history_user = actor
        refs.save()
        log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=refs, person_id=case.person_id,
                   section=SECTION, detail="placement_date")
    return refs


def on_reference_date_changed(*, case: Case, actor: Staff, placement_date=_UNSET,
                              request=None) -> list[CaseProcedure]:
    """The hook for other apps: call after the case's expected release date changed (cases), or with
    `placement_date=` when a placement's start date is known or changed (placements). Returns the procedures
    whose due date moved. Safe to call when nothing changed."""
    with transaction.atomic():
        if placement_date is not _UNSET:
            set_placement_date(case=case, actor=actor, placement_date=placement_date, request=request)
        return recompute_due_dates(case=case, actor=actor, request=request)


def stale_reference_count(case: Case, procedures: list[CaseProcedure], refs: ReferenceDates | None) -> int:
    """How many open, reference-following procedures were computed from a date the case no longer has."""
    count = 0
    for procedure in procedures:
        if procedure.is_open and procedure.follows_reference and procedure.reference \
                and procedure.reference != ReferenceKind.PREVIOUS:
            base, _due = compute_due(procedure, case, refs)
            if base != procedure.base_date:
                count += 1
    return count


# --- add, edit, status ------------------------------------------------------------------------------------------


def _validate(case: Case, procedure: CaseProcedure, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if procedure.procedure_type.center_id not in (None, case.center_id):
        raise PermissionDenied
    if procedure.organization is not None and procedure.organization.center_id != case.center_id:
        raise PermissionDenied
    previous = procedure.depends_on
    if previous is not None:
        if previous.case_id != case.pk:
            raise PermissionDenied
        seen, step = set(), previous
        while step is not None and step.pk not in seen:
            if procedure.pk and step.pk == procedure.pk:
                errors["depends_on"] = "手続きの順番が循環しています。別の手続きを選んでください。"
                break
            seen.add(step.pk)
            step = step.depends_on
    if procedure.follows_reference:
        if not procedure.reference:
            errors["reference"] = "期限の基準日を選んでください。"
        elif procedure.reference == ReferenceKind.PREVIOUS and previous is None:
            errors["depends_on"] = "「前の手続きの完了日」を基準にするときは、前の手続きを選んでください。"
        if procedure.offset_days is None:
            procedure.offset_days = 0
    if procedure.completed_on and procedure.completed_on > today:
        errors["completed_on"] = "完了日に今日より後の日付は入力できません。"
    if procedure.started_on and procedure.started_on > today:
        errors["started_on"] = "着手日に今日より後の日付は入力できません。"
    if errors:
        raise ValidationError(errors)


def _apply_status(procedure: CaseProcedure, old_status: str, today: dt.date) -> None:
    """Dates that go with a status: started/completed filled with today when missing, cleared on undo."""
    if procedure.status != old_status and procedure.status not in STATUS_MOVES[old_status]:
        raise ValidationError({"status": f"「{ProcedureStatus(old_status).label}」から"
                                         f"「{ProcedureStatus(procedure.status).label}」へは変更できません。"})
    if procedure.status == ProcedureStatus.IN_PROGRESS and procedure.started_on is None:
        procedure.started_on = today
    if procedure.status == ProcedureStatus.DONE:
        procedure.completed_on = procedure.completed_on or today
        if procedure.started_on is None or procedure.started_on > procedure.completed_on:
            procedure.started_on = procedure.started_on or procedure.completed_on
    else:
        procedure.completed_on = None
    if procedure.status == ProcedureStatus.NOT_STARTED:
        procedure.started_on = None


def _normalise(procedure: CaseProcedure) -> None:
    if procedure.reference != ReferenceKind.PREVIOUS:
        procedure.depends_on = None
    if not procedure.title.strip():
        procedure.title = procedure.procedure_type.name
    procedure.title = procedure.title.strip()


@transaction.atomic
def add_case_procedure(*, actor: Staff, case: Case, request=None, **values) -> CaseProcedure:
    require_case_right(actor, case)
    check_fields(values, PROCEDURE_FIELDS)
    values.setdefault("title", "")
    today = timezone.localdate()
    procedure = CaseProcedure(center_id=case.center_id, case=case, created_by=actor, updated_by=actor, **values)
    _normalise(procedure)
    _validate(case, procedure, today)
    _apply_status(procedure, ProcedureStatus.NOT_STARTED, today)
    procedure.base_date, procedure.due_date = compute_due(procedure, case, reference_dates_of(case))
    _save(procedure, actor, bump=False)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=procedure, person_id=case.person_id,
               section=SECTION)
    return procedure


@transaction.atomic
def update_case_procedure(*, actor: Staff, procedure: CaseProcedure, expected_version: int, request=None,
                          waiting: str | None = None, **values) -> CaseProcedure:
    """Edit a procedure (a stale `expected_version` raises StaleEditError). Completing it gives the procedures
    that wait for it their due dates; undoing the completion takes them away again. Cancelling (不要) one that
    others wait for needs `waiting`: WAITING_CANCEL cancels them too (and those waiting for them),
    WAITING_KEEP keeps them with no due date to be set by hand; without it WaitingProceduresError asks."""
    require_case_right(actor, procedure.case)
    check_fields(values, PROCEDURE_FIELDS)
    current = lock_for_edit(CaseProcedure, pk=procedure.pk, expected_version=expected_version)
    old_status, old_completed = current.status, current.completed_on
    cancelling = values.get("status") == ProcedureStatus.CANCELLED and old_status in OPEN_STATUSES
    chain = waiting_chain(current) if cancelling else []
    if chain and waiting not in (WAITING_CANCEL, WAITING_KEEP):
        raise WaitingProceduresError(chain)
    for name, value in values.items():
        setattr(current, name, value)
    today = timezone.localdate()
    case = procedure.case
    _normalise(current)
    _validate(case, current, today)
    _apply_status(current, old_status, today)
    current.base_date, current.due_date = compute_due(current, case, reference_dates_of(case))
    _save(current, actor)
    if chain:
        _settle_waiting(current, chain, waiting, actor)
    elif (current.status, current.completed_on) != (old_status, old_completed):
        _refresh_dependents(current, actor)
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current, person_id=case.person_id,
               section=SECTION, detail=",".join(sorted(values)) + (f" waiting={waiting}:{len(chain)}" if chain else ""))
    return current


WAITING_CANCEL = "cancel"
WAITING_KEEP = "keep"


class WaitingProceduresError(ValidationError):
    """A procedure others wait for is being cancelled: ask whether they are cancelled too."""

    def __init__(self, chain: list[CaseProcedure]):
        self.chain = chain
        titles = "、".join(p.title for p in chain)
        super().__init__(f"この手続きの完了を待っている手続きがあります（{titles}）。"
                         "あわせて不要にするか、期限を手で決めて残すかを選んでください。")


def waiting_chain(procedure: CaseProcedure) -> list[CaseProcedure]:
    """The open procedures that wait for this one, and those that wait for them (申請 → 判定 → 交付)."""
    chain: list[CaseProcedure] = []
    frontier = [procedure.pk]
    while frontier:
        found = list(CaseProcedure.objects.select_for_update().filter(depends_on_id__in=frontier,
                                                                      status__in=OPEN_STATUSES).order_by("id"))
        found = [p for p in found if p.pk not in {c.pk for c in chain}]
        chain += found
        frontier = [p.pk for p in found]
    return chain


def _settle_waiting(cancelled: CaseProcedure, chain: list[CaseProcedure], waiting: str, actor: Staff) -> None:
    for dependent in chain:
        if waiting == WAITING_CANCEL:
            dependent.status = ProcedureStatus.CANCELLED
            _save(dependent, actor, reason=f"前の手続き「{cancelled.title}」を不要にしたため")
        elif dependent.depends_on_id == cancelled.pk:
            # kept: nothing to be due from any more, the worker sets the date by hand
            dependent.depends_on = None
            dependent.follows_reference = False
            dependent.base_date = None
            _save(dependent, actor, reason=f"前の手続き「{cancelled.title}」を不要にしたが、この手続きは残す")


@transaction.atomic
def change_procedure_status(*, actor: Staff, procedure: CaseProcedure, expected_version: int, status: str,
                            on: dt.date | None = None, waiting: str | None = None, request=None) -> CaseProcedure:
    """開始・完了・不要・再開 from the list (STATUS_MOVES). `on` is the start or completion date (today if None)."""
    values: dict = {"status": status}
    if status == ProcedureStatus.DONE:
        values["completed_on"] = on
    elif status == ProcedureStatus.IN_PROGRESS and on is not None:
        values["started_on"] = on
    return update_case_procedure(actor=actor, procedure=procedure, expected_version=expected_version,
                                 request=request, waiting=waiting, **values)


# --- documents ------------------------------------------------------------------------------------------------


@transaction.atomic
def add_procedure_document(*, actor: Staff, procedure: CaseProcedure, upload, request=None) -> ProcedureDocument:
    """Attach a PDF, JPEG or PNG (10MB at most by default) to a procedure; stored under a random name in the
    private storage, never reachable without the download view."""
    require_case_right(actor, procedure.case)
    kind = check_upload(upload)
    original = (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
    document = ProcedureDocument(center_id=procedure.center_id, procedure=procedure, original_name=original,
                                 content_type=kind.content_type, size=upload.size, uploaded_by=actor)
    upload.name = f"upload{kind.extension}"
    document.file = upload
    document.full_clean()
    document.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=document,
               person_id=procedure.case.person_id, section="procedure_document")
    return document


@transaction.atomic
def delete_procedure_document(*, actor: Staff, document: ProcedureDocument, request=None) -> None:
    procedure = document.procedure
    require_case_right(actor, procedure.case)
    log_access(request=request, actor=actor, action=AccessAction.DELETE, obj=document,
               person_id=procedure.case.person_id, section="procedure_document")
    name = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
