"""Form pieces shared by every app: era dates, kana readings, the version field of no-lost-update forms."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from .eras import EraDateError, format_era, format_era_datetime, parse_date, parse_datetime
from .kana import is_katakana_reading, to_katakana_reading


class EraDateInput(forms.TextInput):
    """A text box that shows a stored date as 令和/昭和… and accepts era or Gregorian input."""

    def __init__(self, attrs=None):
        base = {"placeholder": "例：昭和40年1月2日、S40.1.2、2025-04-01", "autocomplete": "off",
                "inputmode": "text", "class": "era-date"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_era(value)
        return value


class EraDateField(forms.DateField):
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
            return format_era_datetime(value)
        return value  # what was typed, shown back as it was


class EraDateTimeField(forms.DateTimeField):
    """A date and time in Japan time, typed as 令和8年12月7日 13:05, R8.12.7 13:05, 2026-12-07 13:05,
    2026/12/7 13時5分 or 2026-12-07T13:05 (full-width digits too)."""

    widget = EraDateTimeInput

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


class KatakanaReadingField(forms.CharField):
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
