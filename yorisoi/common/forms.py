"""Form pieces shared by every app: era dates, kana readings, the version field of no-lost-update forms."""

from __future__ import annotations

import datetime as dt
import functools
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone

from . import dates
from .eras import EraDateError, format_era, format_era_datetime, format_gregorian, parse_date, parse_datetime
from .kana import is_katakana_reading, to_katakana_reading
from .text import CleanFormCharField, clean_text


class EraDateInput(forms.TextInput):
    """A text box that shows a stored date as 令和/昭和… and accepts era or Gregorian input."""

    def __init__(self, attrs=None):
        base = {"placeholder": "例：昭和40年1月2日、S40.1.2、2025-04-01", "autocomplete": "off",
                "inputmode": "text", "class": "era-date"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            # a stored value outside the date rule is shown as it is (2100年より後の令和…), ready to be corrected
            return format_era(value) if dates.in_range(value) else format_gregorian(value)
        return value


class _DateRuleMixin:
    """The date rule of common/dates.py on a form field: a plain form refuses 0001-01-01 or 9999-12-31 with the
    same Japanese message as the model, before a service does any date arithmetic with it."""

    takes_date_rule = True  # a model field of common/dates.py passes its rule (fields_for_model, ModelForm)

    def __init__(self, *, rule: str = dates.ANY, **kwargs):
        self.date_rule = rule
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values and not dates.in_range(value, self.date_rule):
            raise forms.ValidationError(
                dates.out_of_range_message(str(self.label or ""), self.date_rule,
                                           with_time=isinstance(value, dt.datetime)),
                code=dates.OUT_OF_RANGE_CODE)


class EraDateField(_DateRuleMixin, forms.DateField):
    """A date typed as 令和8年12月7日, R8.12.7, 2026-12-07…, within the date rule (`rule=dates.BIRTH` …)."""

    widget = EraDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except EraDateError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class EraDateTimeInput(forms.TextInput):
    """A text box for a date and a time: shows 令和8年12月7日 13:05 (Japan time), not the browser's Gregorian widget."""

    def __init__(self, attrs=None):
        base = {"placeholder": "例：令和8年12月7日 13:05、R8.12.7 13:05", "autocomplete": "off",
                "inputmode": "text", "class": "era-datetime"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            if dates.in_range(value):
                return format_era_datetime(value)
            return f"{value:%Y-%m-%d %H:%M}"  # outside the date rule: as stored, ready to be corrected
        return value  # what was typed, shown back as it was


class EraDateTimeField(_DateRuleMixin, forms.DateTimeField):
    """A date and time in Japan time, typed as 令和8年12月7日 13:05, R8.12.7 13:05, 2026-12-07 13:05,
    2026/12/7 13時5分 or 2026-12-07T13:05 (full-width digits too)."""

    widget = EraDateTimeInput

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and not dates.in_range(value):
            return value  # Japan time of 9999-12-31 23:59 UTC would overflow; the widget shows it as stored
        return super().prepare_value(value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        try:
            day, time = parse_datetime(str(value))
        except EraDateError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
        return timezone.make_aware(dt.datetime.combine(day, time))


# The name the apps' forms import (it was a datetime-local input before).
LocalDateTimeField = EraDateTimeField


class KatakanaReadingField(CleanFormCharField):
    """ふりがな: hiragana or half-width kana are accepted and stored as full-width katakana."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        reading = to_katakana_reading(value)
        if not is_katakana_reading(reading):
            raise forms.ValidationError("フリガナはカタカナ（またはひらがな）で入力してください。", code="invalid")
        return reading


class VersionedFormMixin(forms.Form):
    """Carries the version the user read, so the service can refuse a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# Django's empty choice 「---------」 reads as a machine value; every list starts with this instead.
EMPTY_CHOICE_LABEL = "選んでください"
_DJANGO_EMPTY_LABEL = "---------"


def use_japanese_empty_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DJANGO_EMPTY_LABEL:
            field.empty_label = EMPTY_CHOICE_LABEL
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(value == "" and label == _DJANGO_EMPTY_LABEL for value, label in choices):
            field.choices = [(value, EMPTY_CHOICE_LABEL if value == "" and label == _DJANGO_EMPTY_LABEL else label)
                             for value, label in choices]


def apply_japanese_required_messages(form: forms.Form) -> None:
    """Field-specific Japanese messages: 「氏を入力してください。」 rather than a generic one; lists start with
    「選んでください」."""
    for field in form.fields.values():
        use_japanese_empty_choice(field)
        # A list, a check box or a file is chosen, not typed.
        chosen = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField | forms.FileField)
        field.error_messages["required"] = f"{field.label}を{'選んで' if chosen else '入力して'}ください。"
        if isinstance(field, forms.ChoiceField):
            field.error_messages["invalid_choice"] = f"{field.label}の選択肢から選んでください。"
        if isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = f"{field.label}は数字で入力してください。"


# --- query parameters of list and filter pages -------------------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest id of a BigAutoField (SQLite and PostgreSQL)
# NUL and the other control characters (C0, DEL, C1): PostgreSQL refuses NUL in a query (a 500), and none of them is
# ever part of a search word. Tab and line breaks become spaces.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\r\n]+")


def clean_query_text(value: str) -> str:
    """A search word as it can be used in a query and written in the access log: the text cleaner's result
    (common.text.clean_text) on one line."""
    return _BREAKS.sub(" ", clean_text(str(value))).strip()


class QueryTextField(CleanFormCharField):
    """Search text of a list page: optional, at most 100 characters, control characters removed."""

    def __init__(self, *, max_length: int = 100, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        return clean_query_text(super().to_python(value))


class QueryIdField(forms.IntegerField):
    """An id in a query (?organization=12): a positive number an id column can hold; anything else is no id."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class QueryNumberField(forms.IntegerField):
    """A number in a query (days, fiscal year…), always bounded."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class QueryFlagField(forms.TypedChoiceField):
    """A check box of a filter (?mine=1): "1" or nothing; any other value is refused, not read as yes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", False)
        super().__init__(choices=[("", "いいえ"), ("1", "はい")], coerce=lambda value: value == "1",
                         empty_value=False, **kwargs)


class QueryDateField(EraDateField):
    """A date in a query: the date rule of common/dates.py, optional."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class QueryForm(forms.Form):
    """The GET parameters of a list or filter page, read in one place.

    Numbers are bounded, dates follow the date rule, text loses its control characters. A parameter that cannot be
    read never fails the page: `values` holds the field's `initial` instead, and `read()` tells the user in
    Japanese which condition was left out. Subclasses give every field a Japanese label.
    """

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)  # always bound: defaults come from `initial`
        for name, field in self.fields.items():
            generic = f"{field.label or name}の指定を読み取れませんでした。"
            for code in ("invalid", "invalid_choice", "min_value", "max_value", "max_length", "invalid_pk_value",
                         "list", "required"):
                field.error_messages[code] = generic

    @classmethod
    def read(cls, request, **kwargs) -> QueryForm:
        """The form of request.GET; a parameter that cannot be read is named in a message on the page."""
        from django.contrib import messages

        form = cls(request.GET, **kwargs)
        if form.problems:
            messages.warning(request, "条件の一部を読み取れなかったため、その条件を外して表示しています："
                             + " ".join(form.problems))
        return form

    @property
    def values(self) -> dict:
        self.is_valid()
        values = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if name in self.errors or value is None or value == "":
                value = self.get_initial_for_field(field, name)
            values[name] = value
        return values

    @property
    def problems(self) -> list[str]:
        self.is_valid()
        return [str(message) for errors in self.errors.values() for message in errors]


MAX_PAGE = 1_000_000  # a page number past the last page shows the last page; past this one it is no page number


@functools.cache
def _page_query(param: str) -> type[QueryForm]:
    return type("PageQuery", (QueryForm,), {param: QueryNumberField(label="ページ", min_value=1, max_value=MAX_PAGE)})


def page_of(request, object_list, per_page: int, *, param: str = "page"):
    """The page of a list that ?page= (or `param`) asks for, read through a QueryForm: a page number that cannot be
    read shows the first page and says so; one past the last page shows the last page."""
    number = _page_query(param).read(request).values[param] or 1
    return Paginator(object_list, per_page).get_page(number)


def local_path(value: str | None) -> str | None:
    """A ?next= value usable as a redirect: a path on this site ("/cases/12/"), never another host, a scheme, a
    control character, or a bare word that redirect() would try as a URL name (a 500)."""
    if not value or not value.startswith("/") or value.startswith("//") or value.startswith("/\\"):
        return None
    if _CONTROL_CHARACTERS.search(value) or _BREAKS.search(value) or " " in value:
        return None
    return value


def id_in_text(value: str) -> int | None:
    """The id in a search text typed as 12, #12 or １２; None when the text is no id, or a number no id column holds
    (2**63 and more)."""
    digits = (value or "").strip().lstrip("#").strip()
    if not digits.isdecimal():
        return None
    number = int(digits)
    return number if 1 <= number <= MAX_ID else None


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
