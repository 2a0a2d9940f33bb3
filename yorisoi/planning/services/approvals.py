"""決裁: submit a plan version or a closure request, approve or return it, withdraw it; 決裁代行 delegations.

The approver is the director or a delegated deputy of the same center, and never the submitter.
Approving a closure request closes the case (workflow.services.change_case_phase) in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import areas
from yorisoi.workflow import services as case_services

from .. import rules
from ..models import (
    EDITABLE_STATUSES,
    ApprovalAction,
    ApprovalEvent,
    ApprovalStatus,
    ApproverDelegation,
    ClosureRequest,
    SupportPlan,
)
from ._common import check_writer


def closure_item_handling(closure: ClosureRequest) -> dict:
    """The choices stored with the request ({(kind, pk): (handling, reason)}): workflow refuses the closure when
    an item opened after the request has none (the approver then returns the request)."""
    return {row.key: (row.handling, row.reason) for row in closure.items.all()}


SELF_APPROVAL_MESSAGE = ("自分が申請したものは決裁できません。"
                         "管理者または決裁代行に指定された別の職員が決裁してください。")
CLOSURE_REASON = "終結（決裁済み）"


def _section(subject) -> str:
    return "support_plan" if isinstance(subject, SupportPlan) else "closure"


def _lock(subject):
    return type(subject)._base_manager.select_for_update().select_related("case").get(pk=subject.pk)


def record_event(subject, *, actor: Staff, action: str, comment: str = "") -> ApprovalEvent:
    is_plan = isinstance(subject, SupportPlan)
    event = ApprovalEvent(center_id=subject.center_id, case_id=subject.case_id, action=action, actor=actor,
                          at=timezone.now(), comment=comment, plan=subject if is_plan else None,
                          closure=None if is_plan else subject)
    event.full_clean()
    event.save()
    return event


def _save(subject, actor: Staff) -> None:
    subject.version += 1
    subject.updated_by = actor
    subject.full_clean()
    subject._history_user = actor
    subject.save()


def _log(request, actor, subject, detail: str) -> None:
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=subject,
               person_id=subject.case.person_id, section=_section(subject), detail=detail)


@transaction.atomic
def submit(*, actor: Staff, subject: SupportPlan | ClosureRequest, request=None) -> ApprovalEvent:
    """下書き・差戻し → 決裁待ち."""
    check_writer(actor, subject.case)
    current = _lock(subject)
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError(f"{current.get_status_display()}のため申請できません。")
    if isinstance(current, SupportPlan):
        if SupportPlan.objects.filter(case_id=current.case_id, revision__gt=current.revision).exists():
            raise ValidationError("古い版は申請できません。")
        if not (current.person_goals or current.staff_goals):
            raise ValidationError("本人の目標か支援者の目標を入力してから申請してください。")
    if not current.case.is_open:
        raise ValidationError("終結したケースでは申請できません。")
    current.status = ApprovalStatus.PENDING
    current.submitted_by, current.submitted_at = actor, timezone.now()
    current.decided_by, current.decided_at, current.decision_comment = None, None, ""
    _save(current, actor)
    _log(request, actor, current, "approval=submitted")
    return record_event(current, actor=actor, action=ApprovalAction.SUBMITTED)


def _check_decider(actor: Staff, current) -> None:
    if not rules.may_approve(actor):
        raise PermissionDenied
    policy.require(actor, "view", current)
    if current.status != ApprovalStatus.PENDING:
        raise ValidationError(f"この申請はすでに{current.get_status_display()}になっています。")
    if current.submitted_by_id == actor.pk:
        raise ValidationError(SELF_APPROVAL_MESSAGE)


@transaction.atomic
def approve(*, actor: Staff, subject: SupportPlan | ClosureRequest, comment: str = "",
            request=None) -> ApprovalEvent:
    """決裁待ち → 承認. A closure request also closes its case, with its outcome and summary."""
    current = _lock(subject)
    _check_decider(actor, current)
    current.status = ApprovalStatus.APPROVED
    current.decided_by, current.decided_at, current.decision_comment = actor, timezone.now(), comment.strip()
    _save(current, actor)
    if isinstance(current, ClosureRequest):
        case = Case.objects.select_for_update().get(pk=current.case_id)
        if not case.is_open:
            raise ValidationError("このケースはすでに終結しています。申請を取り下げてください。")
        case_services.change_case_phase(actor=actor, case=case, to_phase="closed", reason=CLOSURE_REASON,
                                        expected_version=case.version, closure_outcome=current.outcome,
                                        closure_summary=current.summary, approved_closure=current,
                                        item_handling=closure_item_handling(current), request=request)
    _log(request, actor, current, "approval=approved")
    return record_event(current, actor=actor, action=ApprovalAction.APPROVED, comment=comment.strip())


@transaction.atomic
def return_for_revision(*, actor: Staff, subject: SupportPlan | ClosureRequest, comment: str,
                        request=None) -> ApprovalEvent:
    """決裁待ち → 差戻し, with the reason for the submitter. A returned closure leaves the case open."""
    current = _lock(subject)
    _check_decider(actor, current)
    if not comment.strip():
        raise ValidationError({"comment": "差し戻す理由をコメントに入力してください。"})
    current.status = ApprovalStatus.RETURNED
    current.decided_by, current.decided_at, current.decision_comment = actor, timezone.now(), comment.strip()
    _save(current, actor)
    _log(request, actor, current, "approval=returned")
    return record_event(current, actor=actor, action=ApprovalAction.RETURNED, comment=comment.strip())


@transaction.atomic
def withdraw(*, actor: Staff, subject: SupportPlan | ClosureRequest, request=None) -> ApprovalEvent:
    """Take a submission back. A plan version goes back to 下書き; a closure request ends as 取下げ."""
    check_writer(actor, subject.case)
    current = _lock(subject)
    is_plan = isinstance(current, SupportPlan)
    allowed = (ApprovalStatus.PENDING,) if is_plan else (ApprovalStatus.PENDING, ApprovalStatus.RETURNED)
    if current.status not in allowed:
        raise ValidationError(f"{current.get_status_display()}のため取り下げられません。")
    current.status = ApprovalStatus.DRAFT if is_plan else ApprovalStatus.WITHDRAWN
    _save(current, actor)
    _log(request, actor, current, "approval=withdrawn")
    return record_event(current, actor=actor, action=ApprovalAction.WITHDRAWN)


# --- 決裁代行 -----------------------------------------------------------------------------------------------


@transaction.atomic
def grant_delegation(*, actor: Staff, staff: Staff, note: str = "", request=None) -> ApproverDelegation:
    if not areas.may_manage_delegations(actor):
        raise PermissionDenied
    policy.require_same_center(actor, staff)
    if not areas.may_be_delegate(staff):
        raise ValidationError({"staff": "決裁代行に指定できるのは、在職中の相談員です。"})
    if ApproverDelegation.objects.filter(staff=staff).exists():
        raise ValidationError({"staff": f"{staff}さんはすでに決裁代行に指定されています。"})
    delegation = ApproverDelegation(center_id=actor.center_id, staff=staff, granted_by=actor, note=note.strip())
    delegation.full_clean()
    delegation._history_user = actor
    delegation.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=delegation, section="approver",
               detail=f"staff={staff.pk}")
    return delegation


@transaction.atomic
def revoke_delegation(*, actor: Staff, delegation: ApproverDelegation, request=None) -> None:
    if not areas.may_manage_delegations(actor):
        raise PermissionDenied
    policy.require_same_center(actor, delegation)
    log_access(request=request, actor=actor, action=AccessAction.DELETE, obj=delegation, section="approver",
               detail=f"staff={delegation.staff_id}")
    delegation._history_user = actor
    delegation.delete()
