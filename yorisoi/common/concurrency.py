"""No lost updates: a save carries the version the user read; if someone saved since, it is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from .eras import format_era, format_era_datetime


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


class StaleEditError(Exception):
    """Another user saved this record after it was opened; `changes` lists what they changed."""

    def __init__(self, current: models.Model, changes: list[FieldChange]):
        super().__init__("stale edit")
        self.current = current
        self.changes = changes
        self.editor = getattr(current, "updated_by", None)


def lock_for_edit(model: type[models.Model], *, pk, expected_version: int) -> models.Model:
    """Load the row under a write lock and make sure nobody saved since `expected_version`.

    Call inside transaction.atomic(). On PostgreSQL the row lock orders two concurrent saves; on
    SQLite the IMMEDIATE transaction does the same. The loser sees the winner's version and is refused.
    """
    current = model._base_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise StaleEditError(current, changes_since(current, expected_version))
    return current


def changes_since(current: models.Model, version: int) -> list[FieldChange]:
    """Fields whose value differs between the historical row at `version` and the current row."""
    history = getattr(current, "history", None)
    if history is None:
        return []
    old = history.filter(version=version).order_by("-history_id").first()
    if old is None:
        return []
    skip = {"id", "version", "updated_at", "updated_by", "created_at", "search_key"}
    changes = []
    for field in current._meta.concrete_fields:
        if field.name in skip:
            continue
        before, after = getattr(old, field.attname), getattr(current, field.attname)
        if before != after:
            changes.append(FieldChange(str(field.verbose_name), display_value(field, before),
                                       display_value(field, after)))
    return changes


def display_value(field: models.Field, value) -> str:
    """A stored value as a stale-edit message shows it: choice labels, related rows, long text cut at 80."""
    if value in (None, ""):
        return "（空欄）"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(field.related_model._base_manager.filter(pk=value).first() or value)
    if isinstance(value, dt.datetime):
        return format_era_datetime(value)
    if isinstance(value, dt.date):
        return format_era(value)
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"
