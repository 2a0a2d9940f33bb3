"""Writes of the procedures app (手続き・更生緊急保護・フォローアップ). Import from here.

Integration calls for other apps (the lead wires them):
    apply_case_template(case=, actor=)            after open_case
    on_reference_date_changed(case=, actor=)      after the expected release date changed;
                                                  with placement_date= from the placements app
    schedule_follow_ups(case=, actor=)            after a move to 定着支援 or フォローアップ
"""

from .case_procedures import (
    WAITING_CANCEL,
    WAITING_KEEP,
    Proposal,
    WaitingProceduresError,
    add_case_procedure,
    add_procedure_document,
    apply_case_template,
    change_procedure_status,
    compute_due,
    confirm_proposals,
    default_template_for,
    delete_procedure_document,
    on_reference_date_changed,
    proposal_pending,
    proposals_for,
    recompute_due_dates,
    reference_dates_of,
    set_placement_date,
    stale_reference_count,
    templates_for,
    update_case_procedure,
)
from .catalogue import (
    add_procedure_type,
    add_template,
    add_template_item,
    copy_template,
    delete_template_item,
    set_procedure_type_hidden,
    update_procedure_type,
    update_template,
    update_template_item,
)
from .follow_ups import add_follow_up, complete_follow_up_with_record, schedule_follow_ups, update_follow_up
from .protection import extend_protection, protection_dates, register_protection, update_protection

__all__ = [
    "WAITING_CANCEL",
    "WAITING_KEEP",
    "Proposal",
    "WaitingProceduresError",
    "add_case_procedure",
    "add_follow_up",
    "add_procedure_document",
    "add_procedure_type",
    "add_template",
    "add_template_item",
    "apply_case_template",
    "change_procedure_status",
    "complete_follow_up_with_record",
    "compute_due",
    "confirm_proposals",
    "copy_template",
    "default_template_for",
    "delete_procedure_document",
    "delete_template_item",
    "extend_protection",
    "on_reference_date_changed",
    "proposal_pending",
    "proposals_for",
    "protection_dates",
    "recompute_due_dates",
    "reference_dates_of",
    "register_protection",
    "schedule_follow_ups",
    "set_placement_date",
    "set_procedure_type_hidden",
    "stale_reference_count",
    "templates_for",
    "update_case_procedure",
    "update_follow_up",
    "update_procedure_type",
    "update_protection",
    "update_template",
    "update_template_item",
]
