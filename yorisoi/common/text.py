"""One text cleaner for every text input (forms, imports, services, the API), and the fields that apply it.

`clean_text` removes what no person types and what breaks storage or exports: NUL and the other control characters
(C0 except tab and newline, DEL, C1) and lone surrogates (PostgreSQL refuses NUL; openpyxl refuses control
characters; a lone surrogate cannot be encoded at all). A line break typed as CRLF or CR becomes a newline.
Everything else is kept exactly as typed: no Unicode normalisation, so 𠮷, 髙, a kanji with its variation selector
(IVS) and combining marks survive unchanged.

The model fields `CleanCharField` and `CleanTextField` clean in `to_python`, which Django calls in `full_clean()`
(every service) and again when the value is prepared for the database (so nothing unclean is written, also by a
`save()` or `update()` without validation); their form field cleans what is typed before the length is checked.
Free text has a finite maximum length (`TEXT_MAX_LENGTH` unless a field says otherwise), checked in the model
layer so forms, imports and services share it. tests/test_text_inputs.py walks every model and form and fails on a
text field that bypasses this module.
"""

from __future__ import annotations

import codecs
import re

from django import forms
from django.core import validators
from django.db import models

# About six printed A4 pages of Japanese: a support record, a summary, a note. Pages show such a text whole.
TEXT_MAX_LENGTH = 10_000
# What the system itself writes (a frozen transfer package, the content of a provision): bounded only as a sanity
# limit, never reached by a person typing.
GENERATED_TEXT_MAX_LENGTH = 10_000_000

# C0 controls except tab (09) and newline (0A), DEL and the C1 controls, lone surrogates. CR is handled first.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CARRIAGE_RETURN = re.compile("\r\n?")


def clean_text(value: str) -> str:
    """`value` without control characters other than tab and newline; CRLF and CR become a newline; otherwise
    unchanged (no normalisation, no trimming)."""
    if "\r" in value:
        value = _CARRIAGE_RETURN.sub("\n", value)
    return _UNWANTED.sub("", value)


def split_text(value: str, max_length: int) -> list[str]:
    """`value` in parts of at most `max_length` characters, for a text that the system composes from many typed
    texts and stores in fields of one limit. Parts end at line ends (joined with newlines they give `value` back);
    only a single line longer than a part is cut inside."""
    parts: list[str] = []
    current: str | None = None
    for line in value.split("\n"):
        while len(line) > max_length:
            if current is not None:
                parts.append(current)
                current = None
            parts.append(line[:max_length])
            line = line[max_length:]
        if current is not None and len(current) + 1 + len(line) <= max_length:
            current = f"{current}\n{line}"
        else:
            if current is not None:
                parts.append(current)
            current = line
    parts.append(current or "")
    return parts


# --- spreadsheets --------------------------------------------------------------------------------------------

# What a spreadsheet runs as a formula (or a DDE command) when a cell starts with it, also after spaces.
_FORMULA_START = re.compile(r"^[ \u3000]*[=+\-@\t\r]")
# What an .xlsx (XML 1.0) cannot hold: C0 controls except tab, newline and CR; lone surrogates; U+FFFE/U+FFFF.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _looks_like_formula(value: str) -> bool:
    # Apostrophes in front are looked through, so that a text which itself starts with one survives the round trip.
    return _FORMULA_START.match(value.lstrip("'")) is not None


def neutralise_formula(value):
    """A cell value that a spreadsheet would take for a formula is written as text: an apostrophe in front, which
    Excel and LibreOffice hide and which `restore_formula_text` takes off again on import. Numbers, dates and
    other values are returned unchanged."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def restore_formula_text(value: str) -> str:
    """The inverse of `neutralise_formula`, for a cell read back from a file: restore(neutralise(x)) == x."""
    if value.startswith("'") and _looks_like_formula(value[1:]):
        return value[1:]
    return value


# Error handler for files written in Shift_JIS (cp932): a character it cannot hold (emoji, some rare kanji) becomes
# 〓, the mark Japanese printing uses for a missing glyph, so such a file never fails on what is stored.
SHIFT_JIS_ERRORS = "yorisoi_geta"
codecs.register_error(SHIFT_JIS_ERRORS, lambda error: ("〓", error.end))


def spreadsheet_cell(value):
    """One cell of any CSV or Excel export: formulas neutralised, characters an .xlsx cannot hold removed (older
    stored values may still carry them), so an export never fails on what is stored."""
    if isinstance(value, str):
        return neutralise_formula(_XLSX_ILLEGAL.sub("", value))
    return value


# --- fields ---------------------------------------------------------------------------------------------------


class CleanFormCharField(forms.CharField):
    """The form field of every text box: cleaned before the length and the other validators see the value.
    Without a max_length of its own it is bounded by TEXT_MAX_LENGTH."""

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(max_length=max_length if max_length is not None else TEXT_MAX_LENGTH, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = clean_text(value)
        return super().to_python(value)


class CleanTextMixin:
    """Model field behaviour shared by CleanCharField and CleanTextField."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", CleanFormCharField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        # Migrations record Django's own field: cleaning changes no column, and historical models need no
        # behaviour. Subclasses (EncryptedTextField) keep their own path.
        name, path, args, kwargs = super().deconstruct()
        if type(self) in _DJANGO_PATHS:
            path = _DJANGO_PATHS[type(self)]
        return name, path, args, kwargs


class CleanCharField(CleanTextMixin, models.CharField):
    """A one-line text: cleaned, bounded by its max_length."""


class CleanTextField(CleanTextMixin, models.TextField):
    """Free text: cleaned and bounded (TEXT_MAX_LENGTH unless given; the form's text area shows the limit)."""

    def __init__(self, *args, max_length=TEXT_MAX_LENGTH, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        # TextField, unlike CharField, does not check its max_length itself.
        self.validators.append(validators.MaxLengthValidator(self.max_length))


_DJANGO_PATHS = {CleanCharField: "django.db.models.CharField", CleanTextField: "django.db.models.TextField"}
