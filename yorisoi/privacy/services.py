"""Writes of the privacy app: break-the-glass grants, soft delete and restore, the retention purge.

Soft delete is generic: any model with a `deleted_at` field and a `center` can be deleted and restored
here. Children that belong to the record (a non-null foreign key to it from a model that also has
`deleted_at`, e.g. a person's cases and records, a case's records) are marked with the same timestamp,
and restoring the record brings back exactly the children deleted with it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from graphlib import TopologicalSorter

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from . import policy
from .audit import log_access
from .models import AccessAction, BreakGlassGrant
from .roles import Actor

# Short names used in URLs for the records staff delete most; any other soft-deletable model is named
# by its label ("partners.organization").
SOFT_DELETE_KINDS = {"person": "people.person", "case": "cases.case", "activity": "records.activity"}


def history_reason(model: type[models.Model], reason: str) -> str | None:
    """The change reason cut to what the model's history table holds (simple_history's default is a
    CharField(100), and PostgreSQL refuses longer text); the whole reason goes to the access log."""
    reason = (reason or "").strip()
    history = getattr(model, "history", None)
    if history is not None and reason:
        limit = history.model._meta.get_field("history_change_reason").max_length
        reason = reason[:limit] if limit else reason
    return reason or None


def attribute_change(obj: models.Model, *, actor: Actor | None, reason: str = "") -> None:
    """Make the next save's history row name `actor` and `reason` even outside a request (commands,
    tests, background tasks), where HistoryRequestMiddleware cannot see the user."""
    if actor is not None:
        obj._history_user = actor
    obj._change_reason = history_reason(type(obj), reason)
    if actor is not None and any(f.name == "updated_by" for f in obj._meta.concrete_fields):
        obj.updated_by = actor


# --- break-the-glass ------------------------------------------------------------------------------


@transaction.atomic
def grant_break_glass(*, actor: Actor, reason: str, case=None, person=None, request=None) -> BreakGlassGrant:
    """Open one case or person of the actor's center for a few hours, with the reason given, logged."""
    if not policy.may_break_glass(actor):
        raise PermissionDenied
    if (case is None) == (person is None):
        raise ValueError("name exactly one of case or person")
    target = case if case is not None else person
    policy.require_same_center(actor, target)
    if target.deleted_at is not None:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "理由を入力してください。"})
    now = timezone.now()
    grant = BreakGlassGrant(staff=actor, center_id=actor.center_id, case=case, person=person, reason=reason,
                            created_at=now, expires_at=now + dt.timedelta(hours=policy.break_glass_hours()))
    grant.full_clean()
    grant.save()
    log_access(request=request, actor=actor, action=AccessAction.BREAK_GLASS, obj=target,
               person_id=person.pk if person is not None else case.person_id, section="break_glass",
               detail=f"理由: {reason}"[:500])
    return grant


# --- soft delete and restore -----------------------------------------------------------------------


def is_soft_deletable(model: type[models.Model]) -> bool:
    from simple_history.models import HistoricalChanges

    if issubclass(model, HistoricalChanges):  # history tables copy deleted_at; they are not records
        return False
    names = {f.name for f in model._meta.concrete_fields}
    return "deleted_at" in names and "center" in names


def soft_deletable_model(kind: str) -> type[models.Model] | None:
    """The model a URL's `kind` names, or None if it is not a soft-deletable model."""
    label = SOFT_DELETE_KINDS.get(kind, kind)
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if is_soft_deletable(model) else None


def kind_of(model: type[models.Model]) -> str:
    label = model._meta.label_lower
    return next((k for k, v in SOFT_DELETE_KINDS.items() if v == label), label)


def person_id_of(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "people.person":
        return obj.pk
    return getattr(obj, "person_id", None)


def _owned_children(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(child model, foreign-key attname) for models with deleted_at that cannot exist without `model`."""
    children = []
    for rel in model._meta.related_objects:
        child = rel.related_model
        if rel.one_to_many and not rel.field.null and any(f.name == "deleted_at" for f in child._meta.fields):
            children.append((child, rel.field.attname))
    return children


def _owning_parents(obj: models.Model) -> list[models.Model]:
    parents = []
    for f in obj._meta.concrete_fields:
        if f.many_to_one and not f.null and any(g.name == "deleted_at" for g in f.related_model._meta.fields):
            parent = f.related_model._base_manager.filter(pk=getattr(obj, f.attname)).first()
            if parent is not None:
                parents.append(parent)
    return parents


def _mark(objs: list[models.Model], model, *, deleted_at, actor: Actor, reason: str) -> None:
    """Set deleted_at on objs, bump their version (an open edit form then fails as stale), write history."""
    from simple_history.utils import bulk_update_with_history

    fields = ["deleted_at"]
    names = {f.name for f in model._meta.concrete_fields}
    for obj in objs:
        obj.deleted_at = deleted_at
        if "version" in names:
            obj.version += 1
        if "updated_by" in names:
            obj.updated_by = actor
    fields += [n for n in ("version", "updated_by", "updated_at") if n in names]
    if "updated_at" in names:
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
    if hasattr(model, "history"):
        bulk_update_with_history(objs, model, fields, default_user=actor,
                                 default_change_reason=history_reason(model, reason),
                                 manager=model._base_manager)
    else:
        model._base_manager.bulk_update(objs, fields)


def _cascade(obj: models.Model, *, deleting: bool, stamp, actor: Actor, reason: str,
             counts: dict[str, int]) -> None:
    for child_model, attname in _owned_children(type(obj)):
        qs = child_model._base_manager.filter(**{attname: obj.pk})
        qs = qs.filter(deleted_at__isnull=True) if deleting else qs.filter(deleted_at=stamp)
        children = list(qs)
        if not children:
            continue
        _mark(children, child_model, deleted_at=stamp if deleting else None, actor=actor, reason=reason)
        counts[child_model._meta.label_lower] += len(children)
        for child in children:
            _cascade(child, deleting=deleting, stamp=stamp, actor=actor, reason=reason, counts=counts)


def deletion_preview(obj: models.Model) -> list[tuple[str, int]]:
    """What a soft delete of obj would take with it: (model name, number of records) it directly owns."""
    preview = []
    for child_model, attname in _owned_children(type(obj)):
        n = child_model._base_manager.filter(**{attname: obj.pk}, deleted_at__isnull=True).count()
        if n:
            preview.append((str(child_model._meta.verbose_name), n))
    return preview


def _summary(counts: dict[str, int]) -> str:
    parts = [f"{apps.get_model(label)._meta.verbose_name} {n}件" for label, n in sorted(counts.items()) if n]
    return f"（関連: {'、'.join(parts)}）" if parts else ""


def _check_target(actor: Actor, obj: models.Model) -> None:
    if not is_soft_deletable(type(obj)):
        raise PermissionDenied
    policy.require_same_center(actor, obj)


@transaction.atomic
def soft_delete(*, actor: Actor, obj: models.Model, reason: str, request=None) -> dict[str, int]:
    """Mark a record (and the records it owns) deleted. Director only; the reason is required and goes
    to the change history and the access log. Returns how many owned records were marked, by model."""
    if not policy.may_delete(actor):
        raise PermissionDenied
    _check_target(actor, obj)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "削除の理由を入力してください。"})
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if current.deleted_at is not None:
        raise ValidationError("この記録はすでに削除されています。")
    stamp = timezone.now()
    _mark([current], type(current), deleted_at=stamp, actor=actor, reason=reason)
    counts: dict[str, int] = defaultdict(int)
    _cascade(current, deleting=True, stamp=stamp, actor=actor, reason=reason, counts=counts)
    log_access(request=request, actor=actor, action=AccessAction.DELETE, obj=current,
               person_id=person_id_of(current), section="soft_delete",
               detail=f"理由: {reason}{_summary(counts)}"[:500])
    obj.deleted_at = current.deleted_at
    return dict(counts)


@transaction.atomic
def restore(*, actor: Actor, obj: models.Model, reason: str = "", request=None) -> dict[str, int]:
    """Bring back a soft-deleted record and the records deleted together with it. Director only. Refused
    while a record it belongs to (the person of a case, the case of a record) is still deleted."""
    if not policy.may_restore(actor):
        raise PermissionDenied
    _check_target(actor, obj)
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if current.deleted_at is None:
        raise ValidationError("この記録は削除されていません。")
    for parent in _owning_parents(current):
        if parent.deleted_at is not None:
            raise ValidationError(
                f"{parent._meta.verbose_name}が削除されているため復元できません。"
                f"先に{parent._meta.verbose_name}を復元してください。"
            )
    stamp = current.deleted_at
    reason = (reason or "").strip() or "復元"
    _mark([current], type(current), deleted_at=None, actor=actor, reason=reason)
    counts: dict[str, int] = defaultdict(int)
    _cascade(current, deleting=False, stamp=stamp, actor=actor, reason=reason, counts=counts)
    log_access(request=request, actor=actor, action=AccessAction.RESTORE, obj=current,
               person_id=person_id_of(current), section="soft_delete",
               detail=f"理由: {reason}{_summary(counts)}"[:500])
    obj.deleted_at = None
    return dict(counts)


def soft_delete_person(*, actor: Actor, person, reason: str, request=None) -> dict[str, int]:
    """Delete a person with their cases and support records (restorable by a director)."""
    return soft_delete(actor=actor, obj=person, reason=reason, request=request)


def restore_person(*, actor: Actor, person, reason: str = "", request=None) -> dict[str, int]:
    return restore(actor=actor, obj=person, reason=reason, request=request)


def soft_delete_case(*, actor: Actor, case, reason: str, request=None) -> dict[str, int]:
    return soft_delete(actor=actor, obj=case, reason=reason, request=request)


def restore_case(*, actor: Actor, case, reason: str = "", request=None) -> dict[str, int]:
    return restore(actor=actor, obj=case, reason=reason, request=request)


# --- retention purge -----------------------------------------------------------------------------


@dataclass
class PurgeResult:
    cutoff: dt.datetime
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_center: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    kept_protected: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def purge_order() -> list[type[models.Model]]:
    """Soft-deletable models, each before the models it points to (records, then cases, then persons)."""
    soft = [m for m in apps.get_models() if is_soft_deletable(m)]
    graph = {m: set() for m in soft}
    for m in soft:
        for f in m._meta.concrete_fields:
            if f.many_to_one and f.related_model in graph and f.related_model is not m:
                graph[f.related_model].add(m)  # the target waits for the models pointing at it
    return list(TopologicalSorter(graph).static_order())


def purge_candidates(cutoff: dt.datetime) -> dict[type[models.Model], models.QuerySet]:
    return {m: m._base_manager.filter(deleted_at__isnull=False, deleted_at__lt=cutoff) for m in purge_order()}


def purge_deleted(*, older_than_days: int, batch_size: int = 500) -> PurgeResult:
    """Hard-delete rows soft-deleted more than `older_than_days` ago, with everything Django cascades to
    and the change-history rows of all of them (otherwise the history would keep the data). Rows still
    referenced by a protected foreign key are kept and counted. Writes one access-log row per center
    affected and one summary row, all with action DELETE."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    result = PurgeResult(cutoff=cutoff)
    for model, qs in purge_candidates(cutoff).items():
        label = model._meta.label_lower
        last_pk = 0
        while True:
            batch = list(qs.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            for obj in batch:
                center_id = obj.center_id
                if _purge_one(obj):
                    result.deleted[label] += 1
                    result.by_center[center_id][label] += 1
                else:
                    result.kept_protected[label] += 1
    _log_purge(result, older_than_days)
    return result


def _purge_one(obj: models.Model) -> bool:
    using = router.db_for_write(type(obj))
    try:
        with transaction.atomic(using=using):
            collector = Collector(using=using, origin=obj)
            collector.collect([obj])
            victims = {model: [o.pk for o in instances] for model, instances in collector.data.items()}
            collector.delete()
            for model, pks in victims.items():
                history = getattr(model, "history", None)
                if history is not None and pks:
                    history.model.objects.filter(id__in=pks).delete()
    except (ProtectedError, RestrictedError):
        return False
    return True


def _log_purge(result: PurgeResult, older_than_days: int) -> None:
    def counts_text(counts) -> str:
        return "、".join(f"{label} {n}件" for label, n in sorted(counts.items()) if n) or "0件"

    for center_id, counts in sorted(result.by_center.items()):
        log_access(action=AccessAction.DELETE, username="system:purge_deleted", center_id=center_id,
                   section="retention",
                   detail=f"保存期間経過後の完全削除（{older_than_days}日超）: {counts_text(counts)}")
    kept = f"／参照が残るため保留: {counts_text(result.kept_protected)}" if result.kept_protected else ""
    log_access(action=AccessAction.DELETE, username="system:purge_deleted", section="retention",
               detail=f"完全削除の実行（{older_than_days}日超、基準 {result.cutoff:%Y-%m-%d %H:%M}）: "
                      f"{counts_text(result.deleted)}{kept}"[:500])
