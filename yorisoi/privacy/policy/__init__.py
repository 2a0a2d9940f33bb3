"""All access rules of yorisoi, in one place.

Every view is marked with @rule(...) (a test walks the URL configuration and fails on a view without
one). Reads of center data start here: `persons_for`, `cases_for`, `activities_for` scope a query to
the user's center (and, where the center chose it, to the cases the user is assigned to);
`get_person_or_404` / `get_case_or_404` / `get_activity_or_404` answer 404 for another center's object
exactly as for a missing one and write the access-log row, so no view can forget it.

Templates receive an `Access` object and never decide for themselves.

Case visibility is a per-center setting (`Center.case_visibility`): ALL_STAFF (every staff member of the
center sees every case) or ASSIGNED (a worker sees only the cases where they are main or sub staff or that
they opened, the persons of those cases and the persons they registered; directors, clerks and auditors keep the
center-wide view, clerks still without narratives, justice or health). In ASSIGNED mode a worker who
opens a case or person of their own center that is not theirs gets the break-the-glass page instead of a
404: `get_*_or_404` raise `BreakGlassRequired`, which privacy.middleware turns into a 403 page asking for a reason;
the reason buys a grant for a few hours (`YORISOI_BREAK_GLASS_HOURS`, default 8) that these same
functions honour. Another center's object is always 404, never break-the-glass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps
from typing import NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ..audit import log_access
from ..models import AccessAction
from ..roles import SUBJECT_MODELS, Actor, CaseVisibility, Role, subject_model
from .view_rules import PUBLIC, RULES, ViewRule  # noqa: F401  (ViewRule: read as policy.ViewRule)

# --- marking views ------------------------------------------------------------------------------

class BreakGlassRequired(PermissionDenied):
    """A worker limited to assigned cases asked for a case or person of their own center that is not theirs.

    `kind` is "case" or "person", `pk` the record to grant. Carries ids only (no personal data).
    privacy.middleware renders the break-the-glass page for it; outside a request it is an ordinary 403.
    """

    def __init__(self, *, kind: str, pk: int):
        super().__init__("break-the-glass required")
        self.kind = kind
        self.pk = pk


def rule(name: str) -> Callable:
    """Mark a view with its rule (view_rules.RULES) and refuse, before the view runs, everyone the rule does not
    admit: a visitor who is not logged in goes to the log-in page; a logged-in user gets 403 and a DENIED row.

    A `BreakGlassRequired` raised inside the view becomes the break-the-glass page in
    privacy.middleware.BreakGlassMiddleware, so every view that reads through `get_*_or_404` offers it.
    """
    view_rule = RULES.get(name)
    if view_rule is None:
        raise ValueError(f"unknown rule {name}")

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if view_rule.who != PUBLIC and not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            deny_unless(request, view_rule.admits(user) and account_in_force(user), section=name)
            return view(request, *args, **kwargs)

        wrapped._policy_rule = name
        return wrapped

    return decorate


# --- what a user may do with a record -------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    can_view: bool = False
    can_edit: bool = False
    can_see_justice: bool = False
    can_see_health: bool = False
    can_see_narrative: bool = False
    can_print: bool = False
    can_add_records: bool = False
    can_change_phase: bool = False
    can_view_history: bool = False
    # Set when the record is visible only through a break-the-glass grant: until when (for a banner).
    break_glass_until: dt.datetime | None = None


NO_ACCESS = Access()


# A trainee reads the assigned cases: the face sheet, the support records and health (what OJT is for), never
# justice unless the assignment says so (get_*_or_404 add it per record), never edits, prints or history.
TRAINEE_ACCESS = Access(can_view=True, can_see_health=True, can_see_narrative=True)


def access_for(user: Actor) -> Access:
    """Role rights inside the user's own center, for a record the user may see at all."""
    if not user.is_authenticated or user.center_id is None:
        return NO_ACCESS
    role = user.role
    if role == Role.TRAINEE:
        return TRAINEE_ACCESS if account_in_force(user) else NO_ACCESS
    if role == Role.DIRECTOR:
        return Access(True, True, True, True, True, True, True, True, True)
    if role == Role.WORKER:
        return Access(True, True, True, True, True, True, True, True, True)
    if role == Role.CLERK:
        # 事務: the face sheet's basic sections and dates, never narratives, justice or health.
        return Access(can_view=True, can_edit=True, can_print=True)
    if role == Role.AUDITOR:
        return Access(can_view=True, can_see_justice=True, can_see_health=True, can_see_narrative=True,
                      can_view_history=True)
    return NO_ACCESS


def _restricted_to_assignments(user: Actor) -> bool:
    return (
        user.role == Role.WORKER
        and user.center is not None
        and user.center.case_visibility == CaseVisibility.ASSIGNED
    )


def may_break_glass(user: Actor) -> bool:
    """Only a worker restricted to their assigned cases needs (and may use) break-the-glass."""
    return user.is_authenticated and user.center_id is not None and _restricted_to_assignments(user)


def break_glass_hours() -> float:
    return float(getattr(settings, "YORISOI_BREAK_GLASS_HOURS", 8))


def _active_grants(user: Actor) -> QuerySet:
    from ..models import BreakGlassGrant

    return BreakGlassGrant.objects.filter(staff_id=user.pk, center_id=user.center_id,
                                          expires_at__gt=timezone.now())


def _in_charge(user: Actor) -> Q:
    return Q(main_staff=user) | Q(sub_staff=user)


def _assigned_cases(user: Actor) -> Q:
    """A worker's own cases in ASSIGNED mode: main or sub staff, and the cases they opened (a referral taken for a
    colleague stays reachable to the worker who took it, as the persons they registered do)."""
    return _in_charge(user) | Q(created_by=user)


# --- hosted trainees (実習生) --------------------------------------------------------------------------


def is_trainee(user: Actor) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) == Role.TRAINEE


def trainee_in_force(user: Actor, day: dt.date | None = None) -> bool:
    """A trainee's account works: active, of a center, a pledge (date and signed file) on file, not ended, and
    `day` (today) within the period — the last day included; the day after it, the account is over."""
    if not is_trainee(user) or not user.is_active or user.center_id is None:
        return False
    day = day or timezone.localdate()
    cached = getattr(user, "_trainee_in_force", None)
    if cached is not None and cached[0] == day:
        return cached[1]
    Trainee = subject_model("trainee")
    in_force = (Trainee.objects.filter(account_id=user.pk, center_id=user.center_id, ended_at__isnull=True,
                                       starts_on__lte=day, ends_on__gte=day, pledge_signed_on__isnull=False)
                .exclude(pledge_file="").exists())
    user._trainee_in_force = (day, in_force)  # asked many times per request; the answer holds for the day
    return in_force


def account_in_force(user: Actor) -> bool:
    """Every account but a trainee's is in force while it is active; a trainee's only within its period."""
    return not is_trainee(user) or trainee_in_force(user)


def _trainee_assignments(user: Actor) -> QuerySet:
    """The trainee's assignments in force (none outside the period): cases of the trainee's center, not deleted."""
    Assignment = subject_model("trainee_assignment")
    if not trainee_in_force(user):
        return Assignment.objects.none()
    return Assignment.objects.filter(trainee__account_id=user.pk, center_id=user.center_id, revoked_at__isnull=True,
                                     case__deleted_at__isnull=True)


def _trainee_sees_justice(user: Actor, *, case_id: int | None = None, person_id: int | None = None) -> bool:
    """Justice sections for a trainee: only where an assignment of this case (or of a case of this person)
    allows it."""
    assignments = _trainee_assignments(user).filter(shows_justice=True)
    if case_id is not None:
        return assignments.filter(case_id=case_id).exists()
    return assignments.filter(case__person_id=person_id).exists()


def _for_trainee(access: Access, user: Actor, *, case_id: int | None = None, person_id: int | None = None) -> Access:
    if not is_trainee(user):
        return access
    return replace(access, can_see_justice=_trainee_sees_justice(user, case_id=case_id, person_id=person_id))


# --- scoped querysets ------------------------------------------------------------------------------


def of_center(rows, user: Actor) -> QuerySet:
    """Rows of the user's center (`rows`: a model or a queryset with a `center` field). The one way an app
    narrows a query to a center by hand: a user without a center gets nothing, never the rows whose center is
    empty (shared catalogue rows have center NULL, and `center_id=None` would match them)."""
    qs = rows._default_manager.all() if isinstance(rows, type) else rows
    if not getattr(user, "is_authenticated", False) or user.center_id is None:
        return qs.none()
    return qs.filter(center_id=user.center_id)


def shared_or_of_center(rows, user: Actor) -> QuerySet:
    """Rows shared by every center (center empty: the standard procedure types and templates) and the user's own."""
    qs = rows._default_manager.all() if isinstance(rows, type) else rows
    if not getattr(user, "is_authenticated", False) or user.center_id is None:
        return qs.none()
    return qs.filter(Q(center__isnull=True) | Q(center_id=user.center_id))


def persons_for(user: Actor) -> QuerySet:
    """Persons the user may open: the center's, or in ASSIGNED mode those of the worker's own cases,
    those the worker registered, and those opened by break-the-glass (directly or through a case)."""
    Case, Person = subject_model("case"), subject_model("person")
    if not user.is_authenticated or user.center_id is None:
        return Person.objects.none()
    qs = Person.objects.filter(center_id=user.center_id, deleted_at__isnull=True)
    if is_trainee(user):
        return qs.filter(pk__in=_trainee_assignments(user).values("case__person_id"))
    if _restricted_to_assignments(user):
        grants = _active_grants(user)
        own_cases = Case.objects.filter(center_id=user.center_id, deleted_at__isnull=True).filter(
            _assigned_cases(user) | Q(pk__in=grants.filter(case__isnull=False).values("case_id"))
        )
        qs = qs.filter(
            Q(pk__in=own_cases.values("person_id"))
            | Q(created_by=user)
            | Q(pk__in=grants.filter(person__isnull=False).values("person_id"))
        )
    return qs


def cases_for(user: Actor) -> QuerySet:
    """Cases the user may open: the center's, or in ASSIGNED mode the worker's own (main or sub) and
    those opened by break-the-glass (the case itself, or every case of a person opened that way)."""
    Case = subject_model("case")
    if not user.is_authenticated or user.center_id is None:
        return Case.objects.none()
    qs = Case.objects.filter(center_id=user.center_id, deleted_at__isnull=True)
    if is_trainee(user):
        return qs.filter(pk__in=_trainee_assignments(user).values("case_id"))
    if _restricted_to_assignments(user):
        grants = _active_grants(user)
        qs = qs.filter(
            _assigned_cases(user)
            | Q(pk__in=grants.filter(case__isnull=False).values("case_id"))
            | Q(person_id__in=grants.filter(person__isnull=False).values("person_id"))
        )
    return qs


def activities_for(user: Actor) -> QuerySet:
    """Support records of the cases the user may open (see `cases_for`)."""
    Activity = subject_model("activity")
    if not user.is_authenticated or user.center_id is None:
        return Activity.objects.none()
    qs = Activity.objects.filter(center_id=user.center_id, deleted_at__isnull=True)
    if is_trainee(user):
        return qs.filter(case_id__in=_trainee_assignments(user).values("case_id"))
    if _restricted_to_assignments(user):
        grants = _active_grants(user)
        qs = qs.filter(
            Q(case__main_staff=user)
            | Q(case__sub_staff=user)
            | Q(case__created_by=user)
            | Q(case_id__in=grants.filter(case__isnull=False).values("case_id"))
            | Q(person_id__in=grants.filter(person__isnull=False).values("person_id"))
        )
    return qs


def staff_for(user: Actor) -> QuerySet:
    """Colleagues a user may pick (assignments, owners): active staff of the same center. Hosted trainees are no
    colleagues: they are never put in charge of anything (meetings name them through `trainees_for`)."""
    if not user.is_authenticated or user.center_id is None:
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(center_id=user.center_id, is_active=True).exclude(role=Role.TRAINEE)
            .order_by("role", "id"))


def trainees_for(user: Actor) -> QuerySet:
    """The center's hosted trainees whose account is active (whose presence at a meeting may be recorded)."""
    if not user.is_authenticated or user.center_id is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(center_id=user.center_id, is_active=True, role=Role.TRAINEE).order_by("id")


# --- single objects, logged ----------------------------------------------------------------------


def _require(access: Access, action: str) -> None:
    allowed = {
        "view": access.can_view,
        "edit": access.can_edit,
        "print": access.can_print,
        "add_record": access.can_add_records,
        "change_phase": access.can_change_phase,
        "history": access.can_view_history,
    }.get(action, False)
    if not allowed:
        raise PermissionDenied


# Every page reached through get_*_or_404 shows the record (the forms to add a record or change the phase show the
# case header and its timeline too), so every allowed action writes its row.
_LOG_ACTION = {"view": AccessAction.VIEW, "edit": AccessAction.VIEW, "print": AccessAction.PRINT,
               "history": AccessAction.VIEW, "add_record": AccessAction.VIEW, "change_phase": AccessAction.VIEW}


def _require_logged(request, access: Access, action: str, obj, person_id: int | None, section: str) -> None:
    """`_require`, writing a DENIED row first when the answer is no (failures are logged too)."""
    try:
        _require(access, action)
    except PermissionDenied:
        log_access(request=request, action=AccessAction.DENIED, obj=obj, person_id=person_id, section=section,
                   detail=f"action={action}")
        raise


def _refuse(request, model, pk, *, kind: str, message: str) -> NoReturn:
    """The record is not visible to this user: break-the-glass (own center, ASSIGNED mode) or 404.

    A 404 for a record that exists in another center is logged as DENIED (ids only, no person id: the
    row belongs to the requesting user's center); the answer stays exactly the 404 of a missing record.
    """
    user = request.user
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(message) from None
    found = model._base_manager.filter(pk=pk).only("pk", "center_id", "deleted_at").first()
    if found is not None and found.center_id == user.center_id and found.deleted_at is None \
            and may_break_glass(user):
        if kind == "activity":
            target_kind, target_pk, person_id = "case", found.case_id, found.person_id
        else:
            target_kind, target_pk = kind, pk
            person_id = pk if kind == "person" else found.person_id
        log_access(request=request, action=AccessAction.DENIED, obj=found, person_id=person_id,
                   section="break_glass_required")
        raise BreakGlassRequired(kind=target_kind, pk=target_pk)
    if found is not None and found.center_id != user.center_id and user.is_authenticated:
        log_access(request=request, action=AccessAction.DENIED, obj=found, section="other_center")
    elif found is not None and is_trainee(user):
        # A case of the host center not assigned to the trainee: the same 404, and the attempt is on record.
        log_access(request=request, action=AccessAction.DENIED, obj=found, section="trainee_not_assigned")
    raise Http404(message)


def _break_glass_until(user: Actor, *, case=None, person=None) -> dt.datetime | None:
    """For a restricted worker: the end of the grant through which they see this record, if that is how."""
    if not _restricted_to_assignments(user):
        return None
    grants = _active_grants(user)
    if case is not None:
        if user.pk in (case.main_staff_id, case.sub_staff_id, case.created_by_id):
            return None
        grants = grants.filter(Q(case_id=case.pk) | Q(person_id=case.person_id))
    else:
        Case = subject_model("case")
        if person.created_by_id == user.pk or Case.objects.filter(
            _assigned_cases(user), person_id=person.pk, deleted_at__isnull=True
        ).exists():
            return None
        grants = grants.filter(Q(person_id=person.pk) | Q(case__person_id=person.pk))
    return grants.order_by("-expires_at").values_list("expires_at", flat=True).first()


def _with_break_glass(access: Access, until: dt.datetime | None) -> Access:
    return replace(access, break_glass_until=until) if until else access


def get_person_or_404(request, pk, action: str = "view", *, section: str = "face_sheet"):
    Person = subject_model("person")
    person = persons_for(request.user).filter(pk=pk).first()
    if person is None:
        _refuse(request, Person, pk, kind="person", message="対象者が見つかりません。")
    access = _for_trainee(access_for(request.user), request.user, person_id=person.pk)
    _require_logged(request, access, action, person, person.pk, section)
    access = _with_break_glass(access, _break_glass_until(request.user, person=person))
    if action in _LOG_ACTION:
        log_access(request=request, action=_LOG_ACTION[action], obj=person, person_id=person.pk,
                   section=section)
    return person, access


def get_case_or_404(request, pk, action: str = "view", *, section: str = "case"):
    Case = subject_model("case")
    case = cases_for(request.user).select_related("person", "main_staff", "sub_staff").filter(pk=pk).first()
    if case is None:
        _refuse(request, Case, pk, kind="case", message="支援ケースが見つかりません。")
    access = _for_trainee(access_for(request.user), request.user, case_id=case.pk)
    _require_logged(request, access, action, case, case.person_id, section)
    access = _with_break_glass(access, _break_glass_until(request.user, case=case))
    if action in _LOG_ACTION:
        log_access(request=request, action=_LOG_ACTION[action], obj=case, person_id=case.person_id,
                   section=section)
    return case, access


def get_activity_or_404(request, pk, action: str = "view"):
    Activity = subject_model("activity")
    activity = activities_for(request.user).select_related("case", "person").filter(pk=pk).first()
    if activity is None:
        _refuse(request, Activity, pk, kind="activity", message="記録が見つかりません。")
    access = _for_trainee(access_for(request.user), request.user, case_id=activity.case_id)
    _require_logged(request, access, action, activity, activity.person_id, "activity")
    if not access.can_see_narrative:
        log_access(request=request, action=AccessAction.DENIED, obj=activity, person_id=activity.person_id,
                   section="activity", detail="narrative")
        raise PermissionDenied
    access = _with_break_glass(access, _break_glass_until(request.user, case=activity.case))
    if action in _LOG_ACTION:
        log_access(request=request, action=_LOG_ACTION[action], obj=activity, person_id=activity.person_id,
                   section="activity")
    return activity, access


def _person_id_of(shown) -> int | None:
    """A person's id, the id of the person an object (or a row of a page: anything with `person_id`) belongs to,
    or that of its case. The case should be loaded with the object (select_related), or this costs a query."""
    if shown is None or isinstance(shown, int):
        return shown
    meta = getattr(shown, "_meta", None)
    if meta is not None and meta.label == SUBJECT_MODELS["person"]:
        return shown.pk
    if getattr(shown, "person_id", None) is not None:
        return shown.person_id
    return getattr(getattr(shown, "case", None), "person_id", None)


def log_listed(request, shown, *, section: str, obj=None, detail: str = "", always: bool = False,
               actor: Actor | None = None) -> None:
    """A page that shows several persons (a list, the home screen, やること) writes one access-log row naming them
    all (「一覧で表示」), never one row per person: every row is hashed into the center's chain. `shown` holds
    persons, objects that belong to a person (`person_id`, or a loaded `case`), or person ids; the same person
    twice counts once. Nothing is written when the page shows nobody, unless `always` (pages whose every view
    was logged before they named the persons). `actor`: for a page answered without a session (the calendar
    feed, under its token's owner)."""
    ids = {pk for pk in map(_person_id_of, shown) if pk is not None}
    if ids or always:
        log_access(request=request, actor=actor, action=AccessAction.VIEW, obj=obj, section=section, listed=ids,
                   detail=detail or f"listed={len(ids)}")


# --- what a service checks first -----------------------------------------------------------------------

# Rights of `access_for` by the action a service names; other actions are the named rules below.
_RIGHTS = {
    "view": "can_view", "edit": "can_edit", "print": "can_print", "add_record": "can_add_records",
    "change_phase": "can_change_phase", "history": "can_view_history", "see_narrative": "can_see_narrative",
    "see_justice": "can_see_justice", "see_health": "can_see_health",
}


def _center_of(obj) -> int | None:
    """The center an object belongs to: its own, or that of the case or person it hangs on."""
    for holder in (obj, getattr(obj, "case", None), getattr(obj, "person", None)):
        center_id = getattr(holder, "center_id", None) if holder is not None else None
        if center_id is not None:
            return center_id
    return None


def may_reach(user: Actor, obj) -> bool:
    """`obj` is one the user may open, by the same rules as the pages: of the user's center; in ASSIGNED mode a
    case, person or support record the worker is assigned to or opened by break-the-glass — and anything
    attached to a case or a person (a procedure, a placement, a plan…) only when that case or person is."""
    if not user.is_authenticated or user.center_id is None or obj is None:
        return False
    if _center_of(obj) != user.center_id:
        return False
    if getattr(obj, "deleted_at", None) is not None:
        return False
    if not (_restricted_to_assignments(user) or is_trainee(user)):
        return True
    label = obj._meta.label
    if label == SUBJECT_MODELS["case"]:
        return cases_for(user).filter(pk=obj.pk).exists()
    if label == SUBJECT_MODELS["person"]:
        return persons_for(user).filter(pk=obj.pk).exists()
    if label == SUBJECT_MODELS["activity"]:
        return activities_for(user).filter(pk=obj.pk).exists()
    if getattr(obj, "case_id", None) is not None:
        return cases_for(user).filter(pk=obj.case_id).exists()
    if getattr(obj, "person_id", None) is not None:
        return persons_for(user).filter(pk=obj.person_id).exists()
    return not is_trainee(user)  # a trainee reaches nothing but the assigned cases, their persons and records


def require(actor: Actor, action: str, obj=None) -> None:
    """Raise PermissionDenied unless `actor` may do `action` (to `obj`, when given).

    Every writing service calls this first, so a command, an import or another service is held to the same
    center, role, assignment (ASSIGNED mode) and break-the-glass rules as the pages. `action` is a right of
    `Access` ("edit", "add_record", "change_phase", "see_narrative"…) or a named rule ("open_case",
    "create_person", "delete").
    """
    if action in _RIGHTS:
        access = access_for(actor)
        if is_trainee(actor) and obj is not None:
            is_case = obj._meta.label == SUBJECT_MODELS["case"]
            access = _for_trainee(access, actor, case_id=obj.pk if is_case else getattr(obj, "case_id", None),
                                  person_id=_person_id_of(obj))
        allowed = getattr(access, _RIGHTS[action])
    elif action in _NAMED_RULES:
        allowed = _NAMED_RULES[action](actor)
    else:
        raise ValueError(f"unknown action {action}")
    if not allowed or (obj is not None and not may_reach(actor, obj)):
        raise PermissionDenied


def deny_unless(request, allowed: bool, *, section: str, obj=None, person_id: int | None = None,
                detail: str = "") -> None:
    """A page's refusal: when `allowed` is false, write the DENIED row (failures are logged too), then 403."""
    if not allowed:
        log_access(request=request, action=AccessAction.DENIED, obj=obj, person_id=person_id, section=section,
                   detail=detail)
        raise PermissionDenied


def require_same_center(actor: Actor, *objs) -> None:
    """Things a write refers to (an organization, a contact, a colleague) are of the actor's center."""
    for obj in objs:
        if obj is not None and _center_of(obj) != actor.center_id:
            raise PermissionDenied


def may_create_person(user: Actor) -> bool:
    return access_for(user).can_edit


def may_open_case(user: Actor) -> bool:
    return user.is_authenticated and user.role in (Role.DIRECTOR, Role.WORKER)


def may_see_center_overview(user: Actor) -> bool:
    return user.is_authenticated and user.role in (Role.DIRECTOR, Role.AUDITOR)


# --- privacy screens -------------------------------------------------------------------------------


def may_review_audit(user: Actor) -> bool:
    """The access log, its exports and the break-the-glass list: directors and auditors of the center."""
    return user.is_authenticated and user.center_id is not None and user.role in (Role.DIRECTOR, Role.AUDITOR)


def may_see_access_history(user: Actor, person) -> bool:
    """「この記録を見た人」: directors and auditors, and the workers in charge (main or sub) of one of the
    person's cases, who answer for the record. Unassigned colleagues and clerks do not see who looked."""
    if not user.is_authenticated or user.center_id is None or person.center_id != user.center_id:
        return False
    if user.role in (Role.DIRECTOR, Role.AUDITOR):
        return True
    if user.role != Role.WORKER:
        return False
    Case = subject_model("case")
    return Case.objects.filter(_in_charge(user), person_id=person.pk, deleted_at__isnull=True).exists()


def may_delete(user: Actor) -> bool:
    """Soft delete of persons, cases and records: the director only (it is logged)."""
    return user.is_authenticated and user.center_id is not None and user.role == Role.DIRECTOR


def may_merge_persons(user: Actor) -> bool:
    """Merging two records of one person (対象者の統合): the director only (it moves every case and record)."""
    return user.is_authenticated and user.center_id is not None and user.role == Role.DIRECTOR


def may_review_merges(user: Actor) -> bool:
    """The history of merges: directors and auditors of the center."""
    return may_review_audit(user)


def may_restore(user: Actor) -> bool:
    return may_delete(user)


# --- exports and retention ---------------------------------------------------------------------------


# Who may ask for which list (reports/exports): the lists hold only what the requester already sees.
# Clerks: persons and cases (basic columns), never the ledger (health and justice are provided through it).
# Auditors read on screen and take out the ledger and the access log for an inspection, never lists of persons.
EXPORT_ROLES = {
    "persons": (Role.DIRECTOR, Role.WORKER, Role.CLERK),
    "cases": (Role.DIRECTOR, Role.WORKER, Role.CLERK),
    "disclosure_ledger": (Role.DIRECTOR, Role.AUDITOR),
    "access_log": (Role.DIRECTOR, Role.AUDITOR),
}


def may_request_export(user: Actor, target: str | None = None) -> bool:
    """Asking for an export of the list `target` (None: of any list). Every request waits for a director."""
    if not user.is_authenticated or user.center_id is None:
        return False
    if target is None:
        return any(user.role in roles for roles in EXPORT_ROLES.values())
    return user.role in EXPORT_ROLES.get(target, ())


def export_targets_for(user: Actor) -> list[str]:
    return [target for target in EXPORT_ROLES if may_request_export(user, target)]


def may_decide_exports(user: Actor) -> bool:
    """Approving or rejecting export requests: directors of the center."""
    return user.is_authenticated and user.center_id is not None and user.role == Role.DIRECTOR


def may_see_export_request(user: Actor, export_request) -> bool:
    """A request is seen by whoever asked for it, the center's directors and its auditors."""
    if not user.is_authenticated or user.center_id is None or export_request.center_id != user.center_id:
        return False
    return export_request.requested_by_id == user.pk or user.role in (Role.DIRECTOR, Role.AUDITOR)


def may_manage_retention(user: Actor) -> bool:
    return user.is_authenticated and user.center_id is not None and user.role == Role.DIRECTOR


def may_view_retention(user: Actor) -> bool:
    return may_review_audit(user)


def may_manage_center(user: Actor) -> bool:
    """センターの設定 (name, phone, who sees which cases): directors of the center."""
    return user.is_authenticated and user.center_id is not None and user.role == Role.DIRECTOR


def may_import_data(user: Actor) -> bool:
    """Moving a center's spreadsheets in (persons, cases): directors, who answer for what enters the records at
    once; each row is then written by the area's own service under that service's rule."""
    return user.is_authenticated and user.center_id is not None and user.role == Role.DIRECTOR


_NAMED_RULES = {
    "import_data": may_import_data,
    "open_case": may_open_case,
    "create_person": may_create_person,
    "delete": may_delete,
    "merge_persons": may_merge_persons,
}

# The role rules of each area (directory, ledger, transfers, planning, inbox…), read as policy.areas.
from . import areas  # noqa: E402, F401  (areas builds on the functions above)
