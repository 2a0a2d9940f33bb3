"""The one date rule: every date and date-time a user, an import, the API or a service can store.

A stored date lies within 1868年（明治元年）1月1日 … 2100年12月31日 unless its field says otherwise:

- ANY      the whole range (most dates: 依頼日, 相談日, 同意日, 実施日 …)
- BIRTH    生年月日: not after today
- RELEASE  釈放予定日, 開始日（釈放日）, 転居予定日…: not after today + RELEASE_WINDOW_YEARS
- DUE      期限, 予定日, 見直し予定日, 次回更新…: not after today + DUE_WINDOW_YEARS

Only the future side of a window moves with today. A past-side window ("not before ten years ago") would make a
correct old record fail validation the day someone edits another of its fields, so the past side of every rule is
the range's first day. A date-time is judged by its date in Japan time.

The rule lives in the model layer (the field classes below add a `DateRule` validator, so `full_clean()` in every
service refuses an out-of-range value) and in the form fields of common/forms.py (EraDateField and
EraDateTimeField refuse the range before any date arithmetic runs). A value stored before the rule existed stays
readable: templates show 「日付を確認してください」 (common/templatetags/yorisoi_tags.py) and
`manage.py check_dates` / the director's 日付の確認 page list the record and field to correct.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .eras import format_both, format_era, format_era_datetime, format_gregorian

EARLIEST = dt.date(1868, 1, 1)
LATEST = dt.date(2100, 12, 31)
# A release is seldom known more than a few years ahead (a center is asked about six months before it); ten years
# leaves room for long sentences and still refuses R80 typed for R8.
RELEASE_WINDOW_YEARS = 10
# Renewals of certificates, reviews and follow-ups are planned a few years ahead at most. Due dates are counted from
# release dates (procedures, follow-ups), so their window is a year longer than the release window.
DUE_WINDOW_YEARS = 11

ANY, BIRTH, RELEASE, DUE = "any", "birth", "release", "due"
RULES = (ANY, BIRTH, RELEASE, DUE)

CHECK_DATE_TEXT = "日付を確認してください"
OUT_OF_RANGE_CODE = "date_out_of_range"


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 2月29日
        return day.replace(year=day.year + years, day=28)


def bounds(rule: str = ANY, *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last allowed day of `rule` on `today` (Japan time)."""
    if rule == ANY:
        return EARLIEST, LATEST
    today = today or timezone.localdate()
    if rule == BIRTH:
        latest = today
    elif rule == RELEASE:
        latest = _years_after(today, RELEASE_WINDOW_YEARS)
    elif rule == DUE:
        latest = _years_after(today, DUE_WINDOW_YEARS)
    else:
        raise ValueError(f"unknown date rule {rule!r}")
    return EARLIEST, min(latest, LATEST)


def local_day(value: dt.date | dt.datetime) -> dt.date | None:
    """The date of `value` in Japan time; None when it cannot be computed (a date-time at the end of the calendar)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            try:
                value = timezone.localtime(value)
            except (OverflowError, ValueError):
                return None
        return value.date()
    return value


def in_range(value: dt.date | dt.datetime | None, rule: str = ANY, *, today: dt.date | None = None) -> bool:
    """True for None and for a value the rule allows."""
    if value is None:
        return True
    day = local_day(value)
    if day is None:
        return False
    earliest, latest = bounds(rule, today=today)
    return earliest <= day <= latest


def _describe(rule: str, latest: dt.date) -> str:
    first = "1868年（明治元年）1月1日"
    if rule == ANY:
        return f"{first}から2100年12月31日まで"
    if rule == BIRTH:
        return f"{first}から今日（{format_era(latest)}）まで"
    years = RELEASE_WINDOW_YEARS if rule == RELEASE else DUE_WINDOW_YEARS
    return f"{first}から{years}年後（{format_era(latest)}）まで"


def out_of_range_message(label: str, rule: str = ANY, *, with_time: bool = False,
                         today: dt.date | None = None) -> str:
    """「生年月日は1868年（明治元年）1月1日から今日（令和8年5月1日）までの日付で入力してください。」"""
    _, latest = bounds(rule, today=today)
    what = "日時" if with_time else "日付"
    return f"{label or what}は{_describe(rule, latest)}の{what}で入力してください。"


@deconstructible(path="yorisoi.common.dates.DateRule")
class DateRule:
    """The validator on every model date and date-time field: refuses a value outside `rule` with a Japanese
    message naming the field (`label`) and the allowed range."""

    def __init__(self, label: str, rule: str = ANY):
        if rule not in RULES:
            raise ValueError(f"unknown date rule {rule!r}")
        self.label, self.rule = str(label), rule

    def __call__(self, value) -> None:
        if not in_range(value, self.rule):
            raise ValidationError(
                out_of_range_message(self.label, self.rule, with_time=isinstance(value, dt.datetime)),
                code=OUT_OF_RANGE_CODE,
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, DateRule) and (self.label, self.rule) == (other.label, other.rule)

    def __hash__(self) -> int:
        return hash((self.label, self.rule))


def rule_of(field) -> str | None:
    """The rule on a model or form field, None when it has none."""
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, DateRule):
            return validator.rule
    return None


class _RuledField:
    """Adds a DateRule named after the field's verbose name. The field deconstructs as Django's own field with the
    validator in its `validators`, so migrations stay plain (validators change no column) and a cloned field keeps
    the rule."""

    django_path: str

    def __init__(self, verbose_name=None, *args, rule: str = ANY, **kwargs):
        validators = list(kwargs.pop("validators", ()))
        # a clone (migrations, model state) is built from the deconstructed field: its rule is already in validators
        if not any(isinstance(v, DateRule) for v in validators):
            validators.append(DateRule(verbose_name or "", rule))
        super().__init__(verbose_name, *args, validators=validators, **kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, self.django_path, args, kwargs

    def formfield(self, **kwargs):
        # a form field generated from the model (fields_for_model, ModelForm) with EraDateField keeps the rule
        if getattr(kwargs.get("form_class"), "takes_date_rule", False):
            kwargs.setdefault("rule", rule_of(self))
        return super().formfield(**kwargs)


class DateField(_RuledField, models.DateField):
    """models.DateField with the date rule: `DateField("生年月日", null=True, blank=True, rule=BIRTH)`."""

    django_path = "django.db.models.DateField"


class DateTimeField(_RuledField, models.DateTimeField):
    """models.DateTimeField with the date rule (judged on the date in Japan time)."""

    django_path = "django.db.models.DateTimeField"


# --- date arithmetic that cannot overflow ----------------------------------------------------------------------


class DateArithmeticError(ValidationError):
    """A date computed from another (a due date, an end of a period) would leave the range: a Japanese message for
    the form, never an OverflowError (a 500)."""

    def __init__(self):
        super().__init__(f"計算した日付が{_describe(ANY, LATEST)}の範囲を超えます。基準にした日付を確認してください。",
                         code=OUT_OF_RANGE_CODE)


def ensure_in_range(day: dt.date) -> dt.date:
    """`day` itself when it lies in the range; DateArithmeticError otherwise."""
    if not in_range(day):
        raise DateArithmeticError
    return day


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` + `days` within the range, or DateArithmeticError (also for a start already outside it)."""
    ensure_in_range(day)
    if abs(days) > (LATEST - EARLIEST).days:
        raise DateArithmeticError
    return ensure_in_range(day + dt.timedelta(days=days))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (2月29日 → 2月28日), within the range, or DateArithmeticError."""
    ensure_in_range(day)
    if abs(years) > LATEST.year - EARLIEST.year:
        raise DateArithmeticError
    return ensure_in_range(_years_after(day, years))


def format_checked(day: dt.date, *, style: str = "long") -> str:
    """format_era for code that shows a date outside a template (histories, letters): a date outside the rule is
    「日付を確認してください」, as in the template filters."""
    return format_era(day, style=style) if in_range(day) else CHECK_DATE_TEXT


# The same for the other formats of common/eras.py. Documents (PDFs, provision records, transfer packages), exports
# and texts built in Python use these, never the raw formatters (tests/test_bad_stored_dates.py checks the imports).


def format_checked_datetime(value: dt.datetime | None, *, style: str = "long") -> str:
    """令和8年12月7日 13:05, or 「日付を確認してください」."""
    return format_era_datetime(value, style=style) if in_range(value) else CHECK_DATE_TEXT


def format_checked_both(day: dt.date | None) -> str:
    """令和8年12月7日（2026-12-07）, or 「日付を確認してください」."""
    return format_both(day) if in_range(day) else CHECK_DATE_TEXT


def iso_checked(value: dt.date | dt.datetime | None) -> str:
    """2026-12-07 (a date-time: its date in Japan time) for the columns of an exported file, or
    「日付を確認してください」; "" for no date."""
    if value is None:
        return ""
    return format_gregorian(local_day(value)) if in_range(value) else CHECK_DATE_TEXT
