"""Every date and date-time field of every model of the project carries the date rule (common/dates.py), so that
forms, imports, the API and services all refuse 0001-01-01 or 9999-12-31. Technical timestamps that only the
database or the history library ever set are the explicit exceptions below."""

from django.apps import apps
from django.db import models

from yorisoi.common.dates import RULES, rule_of

# Set by Django or by django-simple-history, never typed or imported (besides auto_now / auto_now_add fields).
TECHNICAL = {"history_date"}
TECHNICAL_FIELDS = {
    ("accounts.Staff", "last_login"),   # django.contrib.auth: set at log-in
    ("accounts.Staff", "date_joined"),  # django.contrib.auth: set when the account is made
}


def _technical(model, field) -> bool:
    if field.name in TECHNICAL or (model._meta.label, field.name) in TECHNICAL_FIELDS:
        return True
    # a history table keeps the value of the model's field: auto there is auto here (history turns auto_now off)
    original = getattr(model, "instance_type", model)
    own = original._meta.get_field(field.name) if field.name in {f.name for f in original._meta.fields} else field
    return own.auto_now or own.auto_now_add


def _date_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("yorisoi."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.DateField):  # DateTimeField is a DateField
                yield model, field


def test_every_date_field_of_the_project_carries_the_date_rule():
    missing = sorted(
        f"{model._meta.label}.{field.name}" for model, field in _date_fields()
        if rule_of(field) is None and not _technical(model, field)
    )
    assert not missing, ("These date fields have no date rule; declare them with yorisoi.common.dates.DateField / "
                         "DateTimeField (rule=dates.BIRTH, RELEASE or DUE where the field says more):\n  "
                         + "\n  ".join(missing))


def test_the_walk_sees_the_fields_it_is_meant_to_check():
    fields = {(model._meta.label, field.name): rule_of(field) for model, field in _date_fields()}
    assert fields[("people.Person", "birth_date")] == "birth"
    assert fields[("people.HistoricalPerson", "birth_date")] == "birth"  # the history keeps the rule
    assert fields[("cases.Case", "expected_release_date")] == "release"
    assert fields[("records.Activity", "occurred_at")] == "any"
    assert set(fields.values()) <= {*RULES, None}
    assert len(fields) > 100
