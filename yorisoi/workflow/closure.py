"""The closure checklist: what is still open in the areas that follow a case, and how each is handled at closure.

A case is closed only when every open procedure, scheduled follow-up, current placement, open or running
service connection (つなぎ) and 更生緊急保護 is handled: completed in its own screen (then it is no longer open),
cancelled with a reason (中止), or carried over (終結後も継続: a follow-up kept on purpose, the place where the
person goes on living). planning stores the choices with the closure request; approving it hands them to
change_case_phase here, which refuses while an item is unhandled and cancels the ones to cancel, all in the
transaction that closes the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.dates import format_checked
from yorisoi.placements import services as placement_services
from yorisoi.placements.models import ConnectionStatus, Placement, ServiceConnection
from yorisoi.procedures import services as procedure_services
from yorisoi.procedures.models import (
    OPEN_STATUSES,
    CaseProcedure,
    FollowUp,
    FollowUpStatus,
    ProcedureStatus,
    ProtectionStatus,
    UrgentProtection,
)

from .choices import Handling, ItemKind

REASON_MAX = 200  # a follow-up's note holds 200 characters


@dataclass(frozen=True)
class OpenItem:
    kind: str
    pk: int
    title: str      # what it is: 「療育手帳の申請」, 「1か月（本人）」
    state: str      # where it stands: 「進行中・期限 令和8年12月1日」
    handlings: tuple[str, ...]  # the choices offered at closure (completing is done in the item's screen)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)

    @property
    def kind_label(self) -> str:
        return ItemKind(self.kind).label

    @property
    def name(self) -> str:
        return f"{self.kind_label}「{self.title}」"


def _due(date) -> str:
    return f"・期限 {format_checked(date)}" if date else ""


def open_items_of(case: Case) -> list[OpenItem]:
    """Everything still open around the case, in the order of the checklist (a handful of queries)."""
    both = (Handling.CANCEL, Handling.CARRY_OVER)
    items: list[OpenItem] = []
    for p in CaseProcedure.objects.filter(case_id=case.pk, status__in=OPEN_STATUSES).order_by("due_date", "id"):
        items.append(OpenItem(ItemKind.PROCEDURE, p.pk, p.title, f"{p.get_status_display()}{_due(p.due_date)}",
                              both))
    for f in FollowUp.objects.filter(case_id=case.pk, status=FollowUpStatus.SCHEDULED).order_by("due_date", "id"):
        title = f"{f.interval_label or 'フォローアップ'}（{f.get_target_display()}）"
        items.append(OpenItem(ItemKind.FOLLOW_UP, f.pk, title, f"予定日 {format_checked(f.due_date)}", both))
    placement = placement_services.current_placement_of(case.person_id)
    if placement is not None:
        items.append(OpenItem(ItemKind.PLACEMENT, placement.pk, placement.place_name,
                              placement_period(placement), (Handling.CARRY_OVER,)))
    connections = ServiceConnection.objects.filter(case_id=case.pk).filter(
        models.Q(status__in=(ConnectionStatus.REQUESTED, ConnectionStatus.COORDINATING))
        | models.Q(status=ConnectionStatus.STARTED, ended_on__isnull=True)).select_related("organization")
    for c in connections.order_by("requested_on", "id"):
        running = c.status == ConnectionStatus.STARTED
        items.append(OpenItem(ItemKind.CONNECTION, c.pk, str(c), c.get_status_display(),
                              (Handling.CARRY_OVER,) if running else both))
    protection = UrgentProtection.objects.filter(
        case_id=case.pk, status__in=(ProtectionStatus.APPLIED, ProtectionStatus.ACTIVE)).first()
    if protection is not None:
        applied = protection.status == ProtectionStatus.APPLIED
        items.append(OpenItem(ItemKind.PROTECTION, protection.pk, "更生緊急保護", protection.get_status_display(),
                              both if applied else (Handling.CARRY_OVER,)))
    return items


def placement_period(placement: Placement, today=None) -> str:
    """「R8.12.14〜現在」 for a stay that has begun, 「R8.12.14から入所予定」 for one that has not."""
    today = today or timezone.localdate()
    if placement.entered_on > today:
        return f"{format_checked(placement.entered_on, style='short')}から入所予定"
    if placement.exited_on:
        return (f"{format_checked(placement.entered_on, style='short')}〜"
                f"{format_checked(placement.exited_on, style='short')}")
    return f"{format_checked(placement.entered_on, style='short')}〜現在"


def unhandled(items: list[OpenItem], handling: dict[tuple[str, int], tuple[str, str]]) -> list[OpenItem]:
    """The open items without a valid choice (a choice not offered for the item counts as none)."""
    missing = []
    for item in items:
        choice, reason = handling.get(item.key, ("", ""))
        if choice not in item.handlings or (choice == Handling.CANCEL and not reason.strip()):
            missing.append(item)
    return missing


def unhandled_message(missing: list[OpenItem]) -> str:
    names = "、".join(item.name for item in missing)
    return (f"終結の前に、まだ対応が決まっていない項目があります（{len(missing)}件）：{names}。"
            "それぞれ完了するか、理由を書いて中止するか、終結後も継続する（引き継ぐ）かを選んでください。")


def check_handled(case: Case, handling: dict[tuple[str, int], tuple[str, str]]) -> list[OpenItem]:
    """Refuse (ValidationError keyed "items") while an open item of the case has no choice; return the items."""
    items = open_items_of(case)
    missing = unhandled(items, handling)
    if missing:
        raise ValidationError({"items": unhandled_message(missing)})
    return items


def settle(*, actor: Staff, case: Case, handling: dict[tuple[str, int], tuple[str, str]], today,
           request=None) -> list[OpenItem]:
    """Check every open item is handled, then cancel the ones to cancel through their own services. Carried
    over items stay as they are (planning keeps the choice with the closure request)."""
    items = check_handled(case, handling)
    for item in items:
        choice, reason = handling[item.key]
        if choice != Handling.CANCEL:
            continue
        note = f"終結にあたり中止：{reason.strip()}"[:REASON_MAX]
        if item.kind == ItemKind.PROCEDURE:
            procedure = CaseProcedure.objects.get(pk=item.pk)
            notes = f"{procedure.notes}\n{note}".strip()
            procedure_services.update_case_procedure(actor=actor, procedure=procedure,
                                                     expected_version=procedure.version, request=request,
                                                     status=ProcedureStatus.CANCELLED, notes=notes)
        elif item.kind == ItemKind.FOLLOW_UP:
            follow_up = FollowUp.objects.get(pk=item.pk)
            procedure_services.update_follow_up(actor=actor, follow_up=follow_up, expected_version=follow_up.version,
                                                request=request, status=FollowUpStatus.CANCELLED, notes=note)
        elif item.kind == ItemKind.CONNECTION:
            connection = ServiceConnection.objects.get(pk=item.pk)
            placement_services.change_connection_status(
                actor=actor, connection=connection, to_status=ConnectionStatus.FAILED,
                on=max(today, connection.requested_on), expected_version=connection.version, note=note,
                request=request)
        elif item.kind == ItemKind.PROTECTION:
            protection = UrgentProtection.objects.get(pk=item.pk)
            notes = f"{protection.notes}\n{note}".strip()
            procedure_services.update_protection(actor=actor, protection=protection,
                                                 expected_version=protection.version, request=request,
                                                 status=ProtectionStatus.NOT_APPROVED, notes=notes)
    return items
