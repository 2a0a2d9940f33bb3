"""Stored dates outside the date rule (common/dates.py): values saved before the rule existed, or written past the
forms. `manage.py check_dates` reports them for the whole installation; the 定期処理 page lists those of the
director's center with a link to each record's page, where it is corrected. Only model names, field names and ids
are reported: never a value of the record (a name, a birth date) and nothing in a log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yorisoi.common.dates import bounds, rule_of

LIMIT = 50  # records named per field; the count is always complete
# Records with an edit page of their own; the others are corrected from their case's or person's page.
OWN_PAGES = {"people.Person": "people:edit", "cases.Case": "cases:edit", "records.Activity": "records:edit"}


@dataclass
class Finding:
    model: type[models.Model]
    field: models.Field
    count: int
    pks: list[int]
    links: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.model._meta.verbose_name}の{self.field.verbose_name}"

    @property
    def code(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


def _checked_models():
    for model in apps.get_models():
        if model.__module__.startswith("yorisoi.") and not hasattr(model, "instance_type"):  # no history tables
            yield model


def center_path(model, depth: int = 3) -> str | None:
    """The lookup from `model` to its center ("center", "case__center", "plan__case__center"…), through foreign
    keys that are not staff (a staff member's center is not the record's)."""
    paths = [("", model)]
    for _ in range(depth):
        following = []
        for prefix, current in paths:
            for f in current._meta.concrete_fields:
                if not isinstance(f, models.ForeignKey):
                    continue
                if f.related_model._meta.label == "accounts.Center":
                    return prefix + f.name
                if f.related_model._meta.label != settings.AUTH_USER_MODEL:
                    following.append((prefix + f.name + "__", f.related_model))
        paths = following
    return None


def _outside(field_: models.Field, today: dt.date) -> Q:
    earliest, latest = bounds(rule_of(field_), today=today)
    if isinstance(field_, models.DateTimeField):
        tz = timezone.get_current_timezone()
        low = dt.datetime.combine(earliest, dt.time.min, tzinfo=tz)
        high = dt.datetime.combine(latest + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return Q(**{f"{field_.name}__lt": low}) | Q(**{f"{field_.name}__gte": high})
    return Q(**{f"{field_.name}__lt": earliest}) | Q(**{f"{field_.name}__gt": latest})


def out_of_range(*, center_id: int | None = None, today: dt.date | None = None) -> list[Finding]:
    """Every field with stored values outside its rule; with `center_id` only that center's records."""
    today = today or timezone.localdate()
    findings = []
    for model in _checked_models():
        ruled = [f for f in model._meta.concrete_fields if isinstance(f, models.DateField) and rule_of(f)]
        if not ruled:
            continue
        qs = model._base_manager.all()
        if center_id is not None:
            path = center_path(model)
            if path is None:
                continue  # not a center's record (installation-wide rows are reported by the command)
            qs = qs.filter(**{path: center_id})
        for f in ruled:
            matching = qs.filter(_outside(f, today)).order_by("pk")
            count = matching.count()
            if count:
                pks = list(matching.values_list("pk", flat=True)[:LIMIT])
                findings.append(Finding(model, f, count, pks, _links(model, pks)))
    return findings


def _links(model, pks: list[int]) -> list[str]:
    """Where each record is corrected: its own edit page, else the page of its case or of its person (the record's
    section is reached from there). A record of neither (an organization's, a setting) is named by count only."""
    names = {f.name for f in model._meta.concrete_fields}
    rows = model._base_manager.filter(pk__in=pks).order_by("pk")
    if model._meta.label in OWN_PAGES:
        return [reverse(OWN_PAGES[model._meta.label], args=[pk]) for pk in pks]
    for name, url_name in (("case", "cases:detail"), ("person", "people:detail")):
        if name in names:
            ids = rows.exclude(**{f"{name}_id": None}).values_list(f"{name}_id", flat=True)
            return [reverse(url_name, args=[pk]) for pk in dict.fromkeys(ids)]
    return []
