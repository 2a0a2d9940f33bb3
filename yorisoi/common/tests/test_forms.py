"""Shared form pieces: the empty choice of every list reads 「選んでください」; era dates and date-times are typed and
shown as text, never through the browser's Gregorian widget."""

import datetime as dt

import pytest
from django import forms
from django.utils import timezone

from yorisoi.common.forms import EraDateField, EraDateTimeField, apply_japanese_required_messages


class _Choices(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=[("", "---------"), ("a", "甲"), ("b", "乙")])
    grade = forms.ChoiceField(label="等級", choices=[("", "先に種類を選んでください"), ("1", "1級")])


def test_the_empty_choice_reads_select_please_not_dashes():
    form = _Choices()
    apply_japanese_required_messages(form)
    html = str(form["kind"])
    assert "選んでください" in html and "---------" not in html
    assert "先に種類を選んでください" in str(form["grade"])  # a label the form chose itself is kept


class _When(forms.Form):
    day = EraDateField(label="日付")
    at = EraDateTimeField(label="日時")


@pytest.mark.parametrize("typed", ["令和8年12月7日", "R8.12.7", "2026-12-07", "2026/12/7", "２０２６／１２／７",
                                   "Ｒ８．１２．７"])
def test_an_era_date_is_read_in_every_usual_form(typed):
    form = _When({"day": typed, "at": "2026-12-07 13:05"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2026, 12, 7)


@pytest.mark.parametrize("typed", [
    "令和8年12月7日 13:05", "R8.12.7 13:05", "2026-12-07 13:05", "2026-12-07T13:05", "2026/12/7 13時5分",
    "令和8年12月7日13時5分", "２０２６－１２－０７　１３：０５", "R8.12.7 午後1時5分",
])
def test_an_era_date_time_is_read_in_japan_time(typed):
    form = _When({"day": "R8.12.7", "at": typed})
    assert form.is_valid(), form.errors
    assert timezone.localtime(form.cleaned_data["at"]).replace(tzinfo=None) == dt.datetime(2026, 12, 7, 13, 5)


@pytest.mark.parametrize(("typed", "message"), [
    ("令和8年12月7日", "時刻も入力してください"),
    ("R8.12.7 25:00", "時刻はありません"),
    ("平成31年5月1日 10:00", "令和元年5月1日"),
    ("あした", "日付の形式が正しくありません"),
])
def test_a_bad_date_time_gets_a_japanese_message_and_keeps_what_was_typed(typed, message):
    form = _When({"day": "R8.12.7", "at": typed})
    assert not form.is_valid()
    assert message in form.errors["at"][0]
    assert f'value="{typed}"' in str(form["at"])


def test_a_stored_date_and_time_are_shown_back_as_era_text_not_a_browser_widget():
    at = dt.datetime(2026, 12, 7, 4, 5, tzinfo=dt.UTC)  # 13:05 in Japan
    form = _When(initial={"day": dt.date(2026, 12, 7), "at": at})
    assert 'value="令和8年12月7日"' in str(form["day"])
    assert 'value="令和8年12月7日 13:05"' in str(form["at"])
    assert 'type="text"' in str(form["at"]) and "datetime-local" not in str(form["at"])


def test_a_stale_edit_message_shows_dates_as_era_text():
    from yorisoi.common.concurrency import display_value
    from yorisoi.people.models import DisabilityCertificate, Person

    assert display_value(DisabilityCertificate._meta.get_field("renewal_due"), dt.date(2027, 3, 31)) == "令和9年3月31日"
    updated = dt.datetime(2026, 12, 7, 4, 5, tzinfo=dt.UTC)
    assert display_value(Person._meta.get_field("updated_at"), updated) == "令和8年12月7日 13:05"
