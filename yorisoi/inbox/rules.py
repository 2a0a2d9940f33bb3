"""Who may do what in the inbox app (inside the user's own center). Views and services ask here; templates
receive the answers and never decide.

- the inbox and the calendar: every staff role; what each role sees is decided by `selectors.kinds_for`;
- 「センター全体」: directors choose it; clerks and auditors always have it (they are assigned no cases);
  workers always get their own cases (a request for the center is answered with theirs, silently);
- the calendar feed: directors, workers and clerks. Auditors only read, at their desk: no feed.
"""

from __future__ import annotations

from yorisoi.accounts.models import Role

MINE = "mine"
CENTER = "center"


def may_choose_scope(user) -> bool:
    return user.is_authenticated and user.center_id is not None and user.role == Role.DIRECTOR


def scope_for(user, requested: str = "") -> str:
    if user.role == Role.DIRECTOR:
        return CENTER if requested == CENTER else MINE
    if user.role in (Role.CLERK, Role.AUDITOR):
        return CENTER
    return MINE


def may_use_feed(user) -> bool:
    return (user.is_authenticated and user.is_active and user.center_id is not None
            and user.role in (Role.DIRECTOR, Role.WORKER, Role.CLERK))
