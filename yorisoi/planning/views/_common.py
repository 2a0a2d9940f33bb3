"""What every planning page shares: the case (through the policy), the header, the planning rights."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from yorisoi.cases import selectors as case_selectors
from yorisoi.privacy import policy

from .. import rules


def load_case(request, case_pk, action: str = "view", *, section: str):
    """The case (404 for another center, break-the-glass where the center asks for it) and the rights."""
    case, access = policy.get_case_or_404(request, case_pk, action, section=section)
    return case, access, rules.planning_access(request.user, access)


def require(request, case, allowed: bool, *, section: str, detail: str) -> None:
    """403 (logged as DENIED) unless `allowed`."""
    rules.require(request, allowed, obj=case, person_id=case.person_id, section=section, detail=detail)


def no_write(request, case, pa, section: str) -> None:
    require(request, case, pa.can_write, section=section, detail="planning_write")


def context(case, access, pa, **extra) -> dict:
    return {**case_selectors.header_context(case=case), "access": access, "pa": pa, "nav": "cases", **extra}


def post_only(request, url: str):
    """A POST-only action reached by GET sends the browser back to the page that offers it."""
    if request.method != "POST":
        return redirect(url)
    return None


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
