"""Closure requests (終結の決裁): submitted straight to the approver; a returned one is corrected and resubmitted.

Every item still open around the case (workflow.closure: procedures, follow-ups, the placement, つなぎ,
更生緊急保護) needs a choice, cancel with a reason or carry over, stored as ClosureItem rows; a request with an
unhandled item is refused with the list of them. The choices take effect when the request is approved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import stale_edit
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.workflow import closure as checklist

from ..models import ApprovalAction, ApprovalStatus, ClosureItem, ClosureRequest, ClosureService, ServiceAtClosure
from ._common import check_writer
from .approvals import record_event

OPEN_STATUSES = (ApprovalStatus.DRAFT, ApprovalStatus.PENDING, ApprovalStatus.RETURNED)


def _check_services(services: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(services))
    if set(chosen) - set(ServiceAtClosure.values):
        raise ValidationError({"services": "利用中のサービスの選択肢から選んでください。"})
    if not chosen:
        raise ValidationError({"services": "終結時に利用中のサービスを選んでください（ないときは「なし」）。"})
    if ServiceAtClosure.NONE in chosen and len(chosen) > 1:
        raise ValidationError({"services": "「なし」と他のサービスは同時に選べません。"})
    return chosen


ItemHandling = dict[tuple[str, int], tuple[str, str]]


def _check_items(case: Case, items: ItemHandling | None) -> list:
    """The open items of the case with the choices given; refuses while one has none (or a cancel no reason)."""
    items = items or {}
    open_items = checklist.check_handled(case, items)
    return [(item, *items[item.key]) for item in open_items]


def _write_items(closure: ClosureRequest, chosen: list) -> None:
    closure.items.all().delete()
    rows = [ClosureItem(request=closure, kind=item.kind, object_id=item.pk, label=item.name[:250],
                        state=item.state[:100], handling=handling, reason=reason.strip()[:checklist.REASON_MAX])
            for item, handling, reason in chosen]
    for row in rows:
        row.full_clean(exclude=["request"])
    ClosureItem.objects.bulk_create(rows)


def _write_services(closure: ClosureRequest, services: list[str]) -> None:
    current = set(closure.services.values_list("service", flat=True))
    closure.services.exclude(service__in=services).delete()
    ClosureService.objects.bulk_create([ClosureService(request=closure, service=s) for s in services
                                        if s not in current])


@transaction.atomic
def request_closure(*, actor: Staff, case: Case, outcome: str, residence: str, services: list[str], summary: str,
                    items: ItemHandling | None = None, request=None) -> ClosureRequest:
    """Submit the closure of an open case for approval (決裁待ち at once). `items`: {(kind, pk): (handling,
    reason)} for every open item of workflow.closure.open_items_of(case)."""
    check_writer(actor, case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError("このケースはすでに終結しています。")
    if ClosureRequest.objects.filter(case_id=case.pk, status__in=OPEN_STATUSES).exists():
        raise ValidationError("このケースには手続き中の終結の申請があります。")
    services = _check_services(services)
    chosen = _check_items(locked, items)
    now = timezone.now()
    closure = ClosureRequest(center_id=case.center_id, case=case, outcome=outcome, residence=residence,
                             summary=summary.strip(), status=ApprovalStatus.PENDING, submitted_by=actor,
                             submitted_at=now, created_by=actor, updated_by=actor)
    closure.full_clean()
    closure._history_user = actor
    closure.save()
    _write_services(closure, services)
    _write_items(closure, chosen)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=closure, person_id=case.person_id,
               section="closure", detail="approval=submitted")
    record_event(closure, actor=actor, action=ApprovalAction.SUBMITTED)
    return closure


@transaction.atomic
def revise_closure_request(*, actor: Staff, closure: ClosureRequest, expected_version: int, outcome: str,
                           residence: str, services: list[str], summary: str, items: ItemHandling | None = None,
                           request=None) -> ClosureRequest:
    """Correct a returned request and submit it again."""
    check_writer(actor, closure.case)
    current = ClosureRequest._base_manager.select_for_update().get(pk=closure.pk)
    if current.version != expected_version:
        raise stale_edit(current, expected_version)
    if current.status != ApprovalStatus.RETURNED:
        raise ValidationError(f"{current.get_status_display()}の申請は修正できません。")
    services = _check_services(services)
    chosen = _check_items(current.case, items)
    current.outcome, current.residence, current.summary = outcome, residence, summary.strip()
    current.status = ApprovalStatus.PENDING
    current.submitted_by, current.submitted_at = actor, timezone.now()
    current.decided_by, current.decided_at, current.decision_comment = None, None, ""
    current.version = expected_version + 1
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    _write_services(current, services)
    _write_items(current, chosen)
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.case.person_id, section="closure", detail="approval=submitted")
    record_event(current, actor=actor, action=ApprovalAction.SUBMITTED)
    return current
