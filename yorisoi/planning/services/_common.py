"""Pieces the planning services share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from yorisoi.common.concurrency import FieldChange, display_value
from yorisoi.privacy import policy

from .. import rules


def check_writer(actor, case) -> None:
    if not rules.may_write(actor):
        raise PermissionDenied
    policy.require(actor, "edit", case)


def check_same_center(actor, *objects) -> None:
    policy.require_same_center(actor, *objects)


def child_changes(*, history, parent_filter: dict, version_field: str, since: int, fields: list[str],
                  label_of) -> list[FieldChange]:
    """What other people changed in a parent's child rows after the parent's version `since`.

    Each child row records the parent version at which it was last written (`version_field`), also on its
    deletion, so its history tells the state at any version: the latest historical row at or before `since`
    (none: the row did not exist) against the latest row after it ("-": it was removed).
    """
    later = history.filter(**parent_filter, **{f"{version_field}__gt": since}).order_by("id", "-history_id")
    changes: list[FieldChange] = []
    seen: set[int] = set()
    model_fields = {f.name: f for f in history.model._meta.fields}
    for row in later:
        if row.id in seen:
            continue
        seen.add(row.id)
        before = (history.filter(id=row.id, **{f"{version_field}__lte": since}).order_by("-history_id").first())
        label = label_of(row)
        if row.history_type == "-":
            if before is not None and before.history_type != "-":
                changes.append(FieldChange(label, "（あり）", "（削除されました）"))
            continue
        for name in fields:
            field = model_fields[name]
            old = getattr(before, field.attname) if before is not None and before.history_type != "-" else None
            new = getattr(row, field.attname)
            if (old or None) != (new or None):
                changes.append(FieldChange(f"{label}：{field.verbose_name}", display_value(field, old),
                                           display_value(field, new)))
    return changes
