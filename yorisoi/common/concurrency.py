"""No lost updates: a save carries the version the user read; if someone saved since, it is refused.

The refusal (409) shows what the other person changed and gives the form back merged: the fields this user
changed keep what they typed, every other field takes the other person's value, and the form carries the other
person's version, so saving again applies this user's changes on top of theirs. A field both changed to
different values is named on the page ("asked again"); saving again after seeing it keeps this user's value.
If yet another save comes in between, the next save is refused and merged the same way.

A many-to-many field (the organizations of an outreach entry) is a set of ids and merges element by element: what
this user added or removed is applied to the stored set, so both users' additions survive. Its value at the
version read comes from the history's m2m rows (`HistoricalRecords(m2m_fields=[...])` on the model).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django import forms
from django.db import models
from django.http import QueryDict

from .eras import format_era, format_era_datetime


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


class StaleEditError(Exception):
    """Another user saved this record after it was opened; `changes` lists what they changed."""

    def __init__(self, current: models.Model, changes: list[FieldChange], base=None):
        super().__init__("stale edit")
        self.current = current
        self.changes = changes
        self.editor = getattr(current, "updated_by", None)
        # The row as the user read it (its history row at the version the form carried), if history has it.
        self.base = base
        # Set by merged_form_data: the form now holds both users' changes; labels of the fields both users
        # changed to different values.
        self.merged = False
        self.conflicts: list[str] = []


def stale_edit(current: models.Model, expected_version: int) -> StaleEditError:
    """The refusal for a save that carried `expected_version` while `current` has moved on."""
    return StaleEditError(current, changes_since(current, expected_version),
                          base=version_row(current, expected_version))


def version_row(current: models.Model, version: int):
    """The history row of `current` as it was at `version` (None without history or if it was not kept)."""
    history = getattr(current, "history", None)
    if history is None:
        return None
    return history.filter(version=version).order_by("-history_id").first()


def lock_for_edit(model: type[models.Model], *, pk, expected_version: int) -> models.Model:
    """Load the row under a write lock and make sure nobody saved since `expected_version`.

    Call inside transaction.atomic(). On PostgreSQL the row lock orders two concurrent saves; on
    SQLite the IMMEDIATE transaction does the same. The loser sees the winner's version and is refused.
    """
    current = model._base_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise stale_edit(current, expected_version)
    return current


def changes_since(current: models.Model, version: int) -> list[FieldChange]:
    """Fields whose value differs between the historical row at `version` and the current row."""
    old = version_row(current, version)
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
    for field in history_m2m_fields(current):
        before, after = m2m_ids(old, field), m2m_ids(current, field)
        if before != after:
            changes.append(FieldChange(str(field.verbose_name), _display_rows(field, before),
                                       _display_rows(field, after)))
    return changes


def history_m2m_fields(row: models.Model) -> list[models.ManyToManyField]:
    """The many-to-many fields of `row`'s model whose history is kept (simple_history's m2m_fields)."""
    history = getattr(type(row), "history", None)
    names = {getattr(f, "name", f) for f in getattr(getattr(history, "model", None), "_history_m2m_fields", ())}
    return [f for f in row._meta.many_to_many if f.name in names]


def m2m_ids(row, field: models.ManyToManyField) -> frozenset:
    """The ids a many-to-many field holds: of a live row, or of a history row (its m2m history rows)."""
    if row is None:
        return frozenset()
    if isinstance(row, field.model):
        return frozenset(getattr(row, field.name).values_list("pk", flat=True))
    return frozenset(getattr(row, field.name).values_list(f"{field.m2m_reverse_field_name()}_id", flat=True))


def _display_rows(field: models.ManyToManyField, ids) -> str:
    if not ids:
        return "（空欄）"
    rows = field.related_model._base_manager.filter(pk__in=ids).order_by("pk")
    text = "、".join(str(row) for row in rows)
    return text if len(text) <= 80 else text[:80] + "…"


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


# --- the merge rule ---------------------------------------------------------------------------------------------


def _equal(a, b) -> bool:
    return a == b


@dataclass(frozen=True)
class Merge:
    """The outcome of merging one user's form with what another user saved since they read the record."""

    values: dict  # what the form should hold now
    mine: frozenset  # fields this user changed
    theirs: frozenset  # fields the other user changed
    conflicts: frozenset  # fields both changed, to different values (this user's value is kept)


def merge_changes(base: Mapping, mine: Mapping, theirs: Mapping,
                  same: Callable[[object, object], bool] = _equal) -> Merge:
    """Three-way merge of the fields in `mine` (the form), given their value in `base` (what the user read) and
    in `theirs` (what is stored now). A field the user left as read takes the stored value; a field the user
    changed keeps the user's value; a field both changed to different values is a conflict (the user's value is
    kept, and the page names it). A frozenset value (the ids of a many-to-many field) merges element by element.
    `base` and `theirs` must hold every field of `mine`."""
    values, mine_changed, theirs_changed, conflicts = {}, set(), set(), set()
    for name, typed in mine.items():
        changed_here = not same(typed, base[name])
        changed_there = not same(theirs[name], base[name])
        if changed_here:
            mine_changed.add(name)
        if changed_there:
            theirs_changed.add(name)
        if isinstance(typed, frozenset):
            # A set of ids (a many-to-many field): this user's additions and removals on top of the stored set.
            # Each id was either added or removed by both, so a set never conflicts.
            values[name] = (theirs[name] | (typed - base[name])) - (base[name] - typed)
            continue
        if changed_here and changed_there and not same(typed, theirs[name]):
            conflicts.add(name)
        values[name] = typed if changed_here else theirs[name]
    return Merge(values, frozenset(mine_changed), frozenset(theirs_changed), frozenset(conflicts))


# --- the form after a refused save --------------------------------------------------------------------------------


def field_as_data(field: forms.Field, value) -> str | list[str] | None:
    """`value` (a model or cleaned value) as a browser would send it back from `field`'s widget.
    None means "nothing sent" (an unticked box)."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    shown = widget.format_value(field.prepare_value(value))
    if isinstance(shown, list | tuple):
        shown = [str(v) for v in shown if v is not None]
        if getattr(widget, "allow_multiple_selected", False):
            return shown
        return shown[0] if shown else ""
    return "" if shown is None else str(shown)


def _as_set(field: forms.Field, value) -> frozenset:
    """A multiple choice (ids, rows or a queryset) as the set of values the browser sends back."""
    return frozenset(field_as_data(field, value) or ())


def form_as_data(form: forms.Form) -> QueryDict:
    """What the browser would send back from `form` as it is shown (unbound: its initial values)."""
    data = QueryDict(mutable=True)
    for name in form.fields:
        bound = form[name]
        _put(data, bound.html_name, field_as_data(bound.field, bound.value()))
    return data


def _put(data, key: str, value) -> None:
    if value is None:
        data.pop(key, None)
    elif isinstance(value, list) and hasattr(data, "setlist"):
        data.setlist(key, value)
    else:
        data[key] = value


def merged_form_data(form: forms.Form, error: StaleEditError, *,
                     initial: Callable[[models.Model], Mapping] | None = None) -> QueryDict:
    """The data for the form shown with the 409 after `error`: what this user changed stays as typed, every field
    they left as they read it takes the stored value, and the version becomes the stored one (so saving again is
    accepted and keeps both users' changes). The labels of fields both changed differently go to
    `error.conflicts`. `form` is the bound, valid form of the refused save.

    `initial(row)` gives the form's values for a row (the form's own `initial_for`, also given a history row);
    without it, form fields are matched to model fields of the same name and other form fields stay as typed."""
    data = form.data.copy()
    current = error.current
    data[form.add_prefix("version")] = str(current.version)
    error.merged = True
    if error.base is None:  # no history of the version read: the form keeps what was typed, as before
        return data
    if initial is None:
        names = {f.name: f.attname for f in current._meta.concrete_fields}
        m2m = {f.name: f for f in history_m2m_fields(current)}

        def initial(row):
            values = {name: getattr(row, names[name]) for name in form.fields if name in names}
            values.update({name: m2m_ids(row, field) for name, field in m2m.items() if name in form.fields})
            return values

    error.conflicts += merge_form_into(data, form, before=initial(error.base), now=initial(current))
    return data


def with_their_version(form: forms.Form, error: StaleEditError) -> QueryDict:
    """For a form that asks for an action (a phase move, an extension, a withdrawal) rather than holding the
    record's fields: what was typed stays, with the stored version, so that saving again is an informed choice."""
    return merged_form_data(form, error, initial=lambda row: {})


def merge_form_into(data, form: forms.Form, *, before: Mapping, now: Mapping) -> list[str]:
    """Write into `data` the stored value (`now`) of each field of the bound, valid `form` that the user left as
    it was (`before`); return the labels of the fields both changed differently. For forms whose rows are not one
    model row (a formset's rows, a record's child rows), with `before`/`now` in the form's initial values.

    Values are compared as the form shows them (a date-time to the minute, a related row by its id), so a field
    the user did not touch never counts as changed because the form rounds it."""
    mine, base, theirs = {}, {}, {}
    for name, form_field in form.fields.items():
        if (name == "version" or name not in before or name not in now or name not in form.cleaned_data
                or isinstance(form_field, forms.FileField)):  # a browser cannot be handed a file back
            continue
        as_data = _as_set if getattr(form_field.widget, "allow_multiple_selected", False) else field_as_data
        mine[name] = as_data(form_field, form.cleaned_data[name])
        base[name] = as_data(form_field, before[name])
        theirs[name] = as_data(form_field, now[name])
    merge = merge_changes(base, mine, theirs)
    for name in merge.theirs:
        if isinstance(merge.values[name], frozenset):
            _put(data, form.add_prefix(name), sorted(merge.values[name]))
        elif name not in merge.mine:
            _put(data, form.add_prefix(name), theirs[name])
    return [str(form.fields[name].label or name) for name in mine if name in merge.conflicts]
