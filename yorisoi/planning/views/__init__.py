"""Views of the planning app, one module per area; urls.py imports them from here."""

from .approvals import approval_list, approver_list, approver_revoke, case_overview
from .assessments import assessment_compare, assessment_create, assessment_detail, assessment_edit, assessment_list
from .closures import closure, closure_decide, closure_detail, closure_edit, closure_withdraw
from .plans import (
    action_status,
    plan_create,
    plan_decide,
    plan_detail,
    plan_edit,
    plan_pdf,
    plan_print,
    plan_revise,
    plan_submit,
    plan_version,
    plan_withdraw,
)

__all__ = [
    "action_status", "approval_list", "approver_list", "approver_revoke", "assessment_compare", "assessment_create",
    "assessment_detail", "assessment_edit", "assessment_list", "case_overview", "closure", "closure_decide",
    "closure_detail", "closure_edit", "closure_withdraw", "plan_create", "plan_decide", "plan_detail", "plan_edit",
    "plan_pdf", "plan_print", "plan_revise", "plan_submit", "plan_version", "plan_withdraw",
]
