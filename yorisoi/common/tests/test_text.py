"""The one text cleaner (yorisoi.common.text): what it removes, what it keeps exactly, and the spreadsheet cell."""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from yorisoi.common.text import (
    TEXT_MAX_LENGTH,
    CleanCharField,
    CleanFormCharField,
    CleanTextField,
    clean_text,
    neutralise_formula,
    restore_formula_text,
    split_text,
    spreadsheet_cell,
)

IVS = "葛\U000E0100"  # 葛 with an ideographic variation selector
# No deadline: the machine is shared, and a test never asserts how long something took.
relaxed = settings(deadline=None)
UNWANTED = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]


def test_nul_and_control_characters_are_removed():
    assert clean_text("山\x00田\x07\x1b[31m") == "山田[31m"
    assert clean_text("a\x7fb\x85c\x9fd") == "abcd"


def test_tab_and_newline_are_kept_and_crlf_and_cr_become_newlines():
    assert clean_text("一行目\r\n二行目\r三行目\n四\t行目") == "一行目\n二行目\n三行目\n四\t行目"


def test_rare_kanji_variation_selectors_and_combining_marks_are_kept_exactly():
    for text in ("𠮷野家", IVS, "髙橋", "ｶﾞ", "か\u3099", "👨\u200d👩\u200d👧", "①②", "Å", "Å"):
        assert clean_text(text) == text  # no NFC or NFKC: what was typed is stored


def test_a_lone_surrogate_is_removed():
    assert clean_text("a\ud800b") == "ab"


@relaxed
@given(st.text())
@example("\x00" * 3)
@example("a\r\n\r\nb\r")
def test_cleaned_text_has_no_unwanted_characters_and_cleaning_twice_changes_nothing(text):
    cleaned = clean_text(text)
    assert not any(c in cleaned for c in UNWANTED)
    assert "\r" not in cleaned
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in cleaned)
    assert clean_text(cleaned) == cleaned


@relaxed
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
@example(IVS)
@example("𠮷")
def test_text_without_control_characters_is_kept_exactly(text):
    assert clean_text(text) == text


@relaxed
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))), max_size=6),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_every_kind_of_line_break_gives_the_same_lines(lines, line_break):
    assert clean_text(line_break.join(lines)) == "\n".join(lines)


# --- fields ---------------------------------------------------------------------------------------------------


def test_the_form_field_cleans_before_it_checks_the_length_and_is_bounded_by_default():
    field = CleanFormCharField(max_length=3)
    assert field.clean("\x00山\x00田花\x00") == "山田花"
    with pytest.raises(forms.ValidationError):
        field.clean("山田花子")
    assert CleanFormCharField().max_length == TEXT_MAX_LENGTH
    assert CleanFormCharField(required=False).clean(IVS + "\x00") == IVS


def test_the_model_fields_clean_in_full_clean_and_when_the_value_is_written():
    char, text = CleanCharField(max_length=5), CleanTextField()
    assert char.clean("a\x00b", None) == "ab"
    assert char.get_prep_value("a\x00b") == "ab"  # also a save() without full_clean() writes no NUL
    assert text.get_prep_value("x\r\ny\x00") == "x\ny"
    assert isinstance(text.formfield(), CleanFormCharField)
    assert isinstance(char.formfield(), CleanFormCharField)


def test_free_text_has_a_finite_limit_in_the_model_layer():
    field = CleanTextField()
    assert field.max_length == TEXT_MAX_LENGTH
    field.clean("あ" * TEXT_MAX_LENGTH, None)
    with pytest.raises(ValidationError) as error:
        field.clean("あ" * (TEXT_MAX_LENGTH + 1), None)
    assert "10000" in str(error.value)
    assert field.formfield().widget.attrs["maxlength"] == str(TEXT_MAX_LENGTH)


def test_migrations_see_django_fields_so_cleaning_changes_no_column():
    assert CleanCharField(max_length=5).deconstruct()[1] == "django.db.models.CharField"
    assert CleanTextField().deconstruct()[1] == "django.db.models.TextField"


# --- splitting a long composed text -----------------------------------------------------------------------------


@relaxed
@given(st.lists(st.text(alphabet="あいう𠮷", max_size=12), max_size=30), st.integers(min_value=12, max_value=40))
def test_split_parts_are_within_the_limit_and_join_back_to_the_text(lines, limit):
    text = "\n".join(lines)
    parts = split_text(text, limit)
    assert all(len(part) <= limit for part in parts)
    assert "\n".join(parts) == text


def test_a_line_longer_than_a_part_is_cut():
    assert split_text("あ" * 25, 10) == ["あ" * 10, "あ" * 10, "あ" * 5]
    assert split_text("", 10) == [""]


# --- spreadsheets ------------------------------------------------------------------------------------------------

HOSTILE = ["=1+1", "+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", "  =HYPERLINK(\"x\")", "　=1",
           "=cmd|' /C notepad'!'A1'", "'=already quoted"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_text_is_neutralised_and_comes_back_on_import(value):
    neutral = neutralise_formula(value)
    assert neutral == "'" + value
    assert restore_formula_text(neutral) == value


@pytest.mark.parametrize("value", ["山田", "03-1234-5678", "'", "it's", "a=b", "", "1-2"])
def test_ordinary_text_is_written_as_it_is(value):
    assert neutralise_formula(value) == value
    assert restore_formula_text(value) == value


def test_numbers_and_dates_are_not_touched():
    assert neutralise_formula(-5) == -5
    assert spreadsheet_cell(None) is None


@relaxed
@given(st.text())
@example("'")
@example("''=1")
@example(" -")
def test_restore_undoes_neutralise_for_every_text(text):
    assert restore_formula_text(neutralise_formula(text)) == text
    neutral = neutralise_formula(text)
    assert not neutral.lstrip(" \u3000").startswith(("=", "+", "-", "@", "\t", "\r"))


@relaxed
@given(st.text(max_size=50))
@example("\x00\x01\x0b\x1f\ufffe\uffff\ud800")
@example("-2+3+cmd|' /C calc'!A0")
def test_any_stored_text_can_be_written_to_an_xlsx_file(text):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("一覧")
    sheet.append([spreadsheet_cell(text)])
    buffer = io.BytesIO()
    book.save(buffer)
    value = load_workbook(buffer).active["A1"].value
    assert isinstance(value, str | None)
    assert value is None or not value.startswith(("=", "+", "-", "@"))
