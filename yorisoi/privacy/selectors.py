"""Reads of the privacy app: the access log of a center, a person's access history, break-the-glass
grants and soft-deleted records. Every query is scoped to the user's center."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from yorisoi.common.forms import id_in_text
from yorisoi.common.kana import name_search_key
from yorisoi.privacy import policy

from .log_labels import SECTION_LABELS, detail_label, section_label  # noqa: F401  (used by views and exports)
from .models import AccessLog, AccessLogPerson, BreakGlassGrant, ExportRequest, ExportStatus
from .roles import subject_model
from .services import is_soft_deletable, kind_of, purge_order


def center_log(*, user) -> QuerySet:
    """The access log of the user's center (rows written by its staff or for it by a command)."""
    if not user.is_authenticated or user.center_id is None:
        return AccessLog.objects.none()
    return AccessLog.objects.filter(center_id_value=user.center_id).select_related("staff")


def _about_persons(person_ids) -> Q:
    """Rows about one of these persons: their own rows, and the list rows that showed them."""
    return Q(person_id_value__in=person_ids) | Q(
        pk__in=AccessLogPerson.objects.filter(person_id_value__in=person_ids).values("log_id"))


def _persons_matching(*, user, text: str) -> QuerySet | None:
    Person = subject_model("person")
    key = name_search_key(text)
    if not key:
        return None
    # Deleted persons included: the log of a deleted record stays searchable.
    return policy.of_center(Person._base_manager, user).filter(search_key__contains=key).values("pk")


def audit_rows(*, user, staff=None, person: str = "", date_from: dt.date | None = None,
               date_to: dt.date | None = None, action: str = "") -> QuerySet:
    qs = center_log(user=user)
    if staff is not None:
        qs = qs.filter(staff=staff)
    person = (person or "").strip()
    if person:
        digits = person.lstrip("#").strip()
        if digits.isdecimal():  # an id (2**63 and more is no id: nothing matches)
            person_id = id_in_text(digits)
            qs = qs.filter(_about_persons([person_id])) if person_id else qs.none()
        else:
            matching = _persons_matching(user=user, text=person)
            qs = qs.filter(_about_persons(matching)) if matching is not None else qs.none()
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def person_access_rows(*, user, person) -> QuerySet:
    """「この記録を見た人」: every logged access to this person by the staff of its center, the list pages that
    showed the person included (「一覧で表示」), and those of the records merged into this one (the log is sealed
    and keeps the absorbed record's id: people.merging)."""
    Person = subject_model("person")
    absorbed = Person._base_manager.filter(center_id=person.center_id, merged_into_id=person.pk).values_list(
        "pk", flat=True)
    return center_log(user=user).filter(_about_persons([person.pk, *absorbed])).order_by("-at", "-id")


def listed_counts(rows) -> dict[int, int]:
    """How many persons each list row of one page of the log names (「一覧で表示」; one query)."""
    ids = [row.pk for row in rows]
    if not ids:
        return {}
    counts = (AccessLogPerson.objects.filter(log_id__in=ids).values("log_id").annotate(n=Count("id"))
              .values_list("log_id", "n"))
    return dict(counts)


def person_names(*, user, ids) -> dict[int, str]:
    """Names for the person ids on one page of the log (one query; deleted persons included)."""
    Person = subject_model("person")
    ids = {i for i in ids if i is not None}
    if not ids or user.center_id is None:
        return {}
    rows = policy.of_center(Person._base_manager, user).filter(pk__in=ids).only(
        "pk", "family_name", "given_name", "deleted_at"
    )
    return {p.pk: str(p) + ("（削除済み）" if p.deleted_at else "") for p in rows}


def object_label(object_type: str) -> str:
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def break_glass_grants(*, user) -> QuerySet:
    if user.center_id is None:
        return BreakGlassGrant.objects.none()
    return (policy.of_center(BreakGlassGrant, user)
            .select_related("staff", "person", "case", "case__person").order_by("-created_at", "-id"))


@dataclass
class DeletedRow:
    kind: str
    obj: object
    deleted_by: object
    reason: str


@dataclass
class DeletedGroup:
    kind: str
    label: str
    rows: list[DeletedRow]
    total: int


def deleted_groups(*, user, limit: int = 200) -> list[DeletedGroup]:
    """Soft-deleted records of the center, by model (persons first), newest first, with who deleted
    them and why (from the change history)."""
    groups = []
    for model in reversed(purge_order()):
        if not is_soft_deletable(model):
            continue
        qs = policy.of_center(model._base_manager, user).filter(deleted_at__isnull=False)
        # Rows deleted together with the record they belong to are restored with it: list only the record.
        for f in model._meta.concrete_fields:
            if f.many_to_one and not f.null and is_soft_deletable(f.related_model):
                qs = qs.exclude(**{f"{f.name}__deleted_at": F("deleted_at")})
        total = qs.count()
        if not total:
            continue
        related = [n for n in ("person", "case") if any(f.name == n and f.many_to_one for f in model._meta.fields)]
        objs = list(qs.select_related(*related).order_by("-deleted_at", "-pk")[:limit])
        history = {}
        if hasattr(model, "history"):
            hist = (model.history.model.objects.filter(id__in=[o.pk for o in objs], deleted_at__isnull=False)
                    .select_related("history_user").order_by("id", "history_date"))
            stamps = {o.pk: o.deleted_at for o in objs}
            for h in hist:  # the earliest history row with the current deleted_at is the deletion
                if h.deleted_at == stamps.get(h.id) and h.id not in history:
                    history[h.id] = h
        rows = [DeletedRow(kind=kind_of(model), obj=o,
                           deleted_by=getattr(history.get(o.pk), "history_user", None),
                           reason=getattr(history.get(o.pk), "history_change_reason", "") or "")
                for o in objs]
        groups.append(DeletedGroup(kind=kind_of(model), label=str(model._meta.verbose_name), rows=rows, total=total))
    return groups


def pending_export_count(user) -> int:
    """Export requests of the center waiting for a director's decision (0 for those who do not decide)."""
    if not policy.may_decide_exports(user):
        return 0
    return policy.of_center(ExportRequest, user).filter(status=ExportStatus.PENDING).count()
