"""Writes of the planning app. Every function: keyword-only, `actor` required, atomic, full_clean(),
the rules check and an access-log row in the same transaction."""

from .approvals import approve, grant_delegation, return_for_revision, revoke_delegation, submit, withdraw
from .assessments import create_assessment, update_assessment
from .closures import request_closure, revise_closure_request
from .plans import create_plan, revise_plan, set_action_status, update_plan

__all__ = [
    "approve", "create_assessment", "create_plan", "grant_delegation", "request_closure", "return_for_revision",
    "revise_closure_request", "revise_plan", "revoke_delegation", "set_action_status", "submit",
    "update_assessment", "update_plan", "withdraw",
]
