"""Support plans: the first version, edits of a draft, revisions (a new version row), action progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import StaleEditError, changes_since, lock_for_edit, version_row
from yorisoi.partners.models import Organization
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from ..models import ApprovalStatus, PlanAction, SupportPlan
from ._common import check_same_center, check_writer, child_changes

PLAN_FIELDS = ["plan_date", "review_date", "person_goals", "staff_goals", "person_wishes", "revision_reason",
               "agreement_date", "agreement_method", "agreement_note",
               "capacity_concern", "decision_supporters", "decision_support_note"]
TEXT_FIELDS = {"person_goals", "staff_goals", "person_wishes", "revision_reason", "agreement_note",
               "decision_support_note"}


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner_staff: Staff | None = None
    owner_organization: Organization | None = None
    due_date: dt.date | None = None
    status: str = "not_started"
    pk: int | None = None  # an existing action of the plan being edited
    delete: bool = False


def latest_plan(case: Case) -> SupportPlan | None:
    return SupportPlan.objects.filter(case_id=case.pk).order_by("-revision").first()


def _clean_values(values: dict) -> dict:
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise PermissionDenied
    return {k: (v.strip() if k in TEXT_FIELDS and isinstance(v, str) else v) for k, v in values.items()}


def _write_actions(plan: SupportPlan, actions: list[ActionInput], *, actor: Staff, version: int) -> int:
    """Apply the edited list of actions; returns how many rows changed."""
    existing = {a.pk: a for a in plan.actions.all()}
    changed = 0
    for position, data in enumerate(actions, start=1):
        check_same_center(actor, data.owner_staff, data.owner_organization)
        action = existing.get(data.pk) if data.pk else None
        if data.pk and action is None:
            raise ValidationError("行動が見つかりません。画面を開き直してください。")
        if data.delete:
            if action is not None:
                action.written_at_plan_version = version  # the deletion's history row carries it
                action.delete()
                changed += 1
            continue
        values = (data.description.strip(), data.owner_staff, data.owner_organization, data.due_date, data.status,
                  position)
        if action is None:
            action = PlanAction(plan=plan)
        elif values == (action.description, action.owner_staff, action.owner_organization, action.due_date,
                        action.status, action.position):
            continue
        (action.description, action.owner_staff, action.owner_organization, action.due_date, action.status,
         action.position) = values
        action.written_at_plan_version = version
        action.updated_by = actor
        if action.pk:
            action.version += 1
        action.full_clean(exclude=["plan"])
        action._history_user = actor
        action.save()
        changed += 1
    return changed


@transaction.atomic
def create_plan(*, actor: Staff, case: Case, actions: list[ActionInput], request=None, **values) -> SupportPlan:
    """第1版 of a case's plan, as a draft."""
    check_writer(actor, case)
    if latest_plan(case) is not None:
        raise ValidationError("この支援ケースにはすでに支援計画があります。改訂してください。")
    plan = SupportPlan(center_id=case.center_id, case=case, revision=1, status=ApprovalStatus.DRAFT,
                       created_by=actor, updated_by=actor, **_clean_values(values))
    plan.full_clean()
    plan._history_user = actor
    plan.save()
    _write_actions(plan, actions, actor=actor, version=plan.version)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=plan, person_id=case.person_id,
               section="support_plan", detail=f"revision={plan.revision}")
    return plan


def stale_changes(current: SupportPlan, since: int) -> list:
    def label(row) -> str:
        return f"行動{row.position}"

    return changes_since(current, since) + child_changes(
        history=PlanAction.history, parent_filter={"plan_id": current.pk}, version_field="written_at_plan_version",
        since=since, fields=["description", "owner_staff", "owner_organization", "due_date", "status"],
        label_of=label)


@transaction.atomic
def update_plan(*, actor: Staff, plan: SupportPlan, expected_version: int, actions: list[ActionInput],
                request=None, **values) -> SupportPlan:
    """Edit a draft or returned version. Approved and pending versions are locked: revise instead."""
    check_writer(actor, plan.case)
    current = SupportPlan._base_manager.select_for_update().get(pk=plan.pk)
    if current.version != expected_version:
        raise StaleEditError(current, stale_changes(current, expected_version),
                              base=version_row(current, expected_version))
    if not current.is_editable:
        raise ValidationError(f"第{current.revision}版は{current.get_status_display()}のため変更できません。"
                              "変更するときは改訂して新しい版を作ってください。")
    new_version = expected_version + 1
    for name, value in _clean_values(values).items():
        setattr(current, name, value)
    _write_actions(current, actions, actor=actor, version=new_version)
    current.version = new_version
    current.updated_by = actor
    current.full_clean()
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.case.person_id, section="support_plan", detail=f"revision={current.revision}")
    return current


@transaction.atomic
def revise_plan(*, actor: Staff, plan: SupportPlan, request=None) -> SupportPlan:
    """Start the next version from an approved one: content and actions copied, agreement left blank
    (the person agrees to each version). The approved version stays exactly as it was approved."""
    check_writer(actor, plan.case)
    latest = SupportPlan._base_manager.select_for_update().filter(case_id=plan.case_id).order_by("-revision").first()
    if latest.pk != plan.pk:
        raise ValidationError(f"第{latest.revision}版がすでにあります。最新の版から改訂してください。")
    plan = latest  # the row as it is now, not as the caller read it
    if plan.status != ApprovalStatus.APPROVED:
        raise ValidationError(f"第{plan.revision}版は{plan.get_status_display()}です。承認された版だけを改訂できます。")
    new = SupportPlan(center_id=plan.center_id, case_id=plan.case_id, revision=plan.revision + 1,
                      status=ApprovalStatus.DRAFT, plan_date=timezone.localdate(), review_date=plan.review_date,
                      person_goals=plan.person_goals, staff_goals=plan.staff_goals,
                      person_wishes=plan.person_wishes, created_by=actor, updated_by=actor)
    new.full_clean()
    new._history_user = actor
    new.save()
    for action in plan.actions.all():
        copy = PlanAction(plan=new, position=action.position, description=action.description,
                          owner_staff_id=action.owner_staff_id, owner_organization_id=action.owner_organization_id,
                          due_date=action.due_date, status=action.status, written_at_plan_version=new.version,
                          updated_by=actor)
        copy._history_user = actor
        copy.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=new, person_id=plan.case.person_id,
               section="support_plan", detail=f"revision={new.revision} from={plan.revision}")
    return new


@transaction.atomic
def set_action_status(*, actor: Staff, action: PlanAction, status: str, expected_version: int,
                      request=None) -> PlanAction:
    """Progress of an action (未着手 → 実施中 → 完了). Progress is not plan content, so it may change on the
    latest version whatever its approval state; earlier versions keep what they said."""
    plan = action.plan
    check_writer(actor, plan.case)
    if SupportPlan.objects.filter(case_id=plan.case_id, revision__gt=plan.revision).exists():
        raise ValidationError("古い版の行動は変更できません。最新の版で更新してください。")
    # The plan's version moves too, so that a plan edit opened before this change is refused as stale.
    locked_plan = SupportPlan._base_manager.select_for_update().get(pk=plan.pk)
    current = lock_for_edit(PlanAction, pk=action.pk, expected_version=expected_version)
    locked_plan.version += 1
    locked_plan._history_user = actor
    locked_plan.save(update_fields=["version", "updated_at"])
    current.status = status
    current.version = expected_version + 1
    current.updated_by = actor
    current.written_at_plan_version = locked_plan.version
    current.full_clean(exclude=["plan"])
    current._history_user = actor
    current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=plan.case.person_id, section="support_plan", detail=f"action_status={status}")
    return current
