"""The one date rule (common/dates.py): the range, the windows of today, the Japanese message, the form fields, the
date filters that show 「日付を確認してください」 instead of failing, and date arithmetic that refuses instead of
overflowing. Property-based where the claim is about every date."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from yorisoi.common import dates
from yorisoi.common.business_days import add_business_days, business_days_between, is_business_day
from yorisoi.common.eras import ERAS, format_era, format_era_datetime, parse_date, parse_datetime
from yorisoi.common.forms import EraDateField, EraDateTimeField

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# No deadline: the machine is shared, and a test must not fail because it was slow.
quick = settings(deadline=None, max_examples=200)
any_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
ruled_date = st.dates(min_value=dates.EARLIEST, max_value=dates.LATEST)


# --- the range and its message --------------------------------------------------------------------------------


@quick
@given(any_date)
def test_a_date_is_allowed_exactly_when_it_lies_between_1868_and_2100(day):
    assert dates.in_range(day) == (dt.date(1868, 1, 1) <= day <= dt.date(2100, 12, 31))


@quick
@given(any_date, st.sampled_from(dates.RULES))
def test_the_validator_refuses_exactly_what_the_rule_does_not_allow(day, rule):
    validator = dates.DateRule("依頼日", rule)
    if dates.in_range(day, rule):
        validator(day)
    else:
        with pytest.raises(ValidationError) as error:
            validator(day)
        assert error.value.code == dates.OUT_OF_RANGE_CODE
        assert error.value.messages[0].startswith("依頼日は1868年（明治元年）1月1日から")


@time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=TOKYO), tick=False)
def test_a_birth_date_may_be_today_but_not_tomorrow_and_the_message_names_today():
    rule = dates.DateRule("生年月日", dates.BIRTH)
    rule(dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as error:
        rule(dt.date(2026, 5, 2))
    assert error.value.messages == [
        "生年月日は1868年（明治元年）1月1日から今日（令和8年5月1日）までの日付で入力してください。"]


@time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=TOKYO), tick=False)
def test_release_and_due_dates_are_bounded_by_a_window_of_today_but_never_from_below():
    assert dates.in_range(dt.date(2036, 5, 1), dates.RELEASE)
    assert not dates.in_range(dt.date(2036, 5, 2), dates.RELEASE)
    assert dates.in_range(dt.date(2037, 5, 1), dates.DUE)
    assert not dates.in_range(dt.date(2037, 5, 2), dates.DUE)
    # an old record stays valid: editing another field of it must not fail on its old release date
    assert dates.in_range(dt.date(1990, 1, 1), dates.RELEASE)
    with pytest.raises(ValidationError) as error:
        dates.DateRule("釈放予定日", dates.RELEASE)(dt.date(2086, 1, 1))  # R68 typed for R8
    assert "10年後（令和18年5月1日）まで" in error.value.messages[0]


def test_a_date_time_is_judged_by_its_date_in_japan_time():
    rule = dates.DateRule("日時")
    rule(dt.datetime(2100, 12, 31, 23, 59, tzinfo=TOKYO))
    with pytest.raises(ValidationError) as error:
        rule(dt.datetime(2100, 12, 31, 15, 0, tzinfo=dt.UTC))  # 2101-01-01 00:00 in Japan
    assert "日時で入力してください" in error.value.messages[0]
    with pytest.raises(ValidationError):
        rule(dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC))  # Japan time would overflow: refused, not raised


def test_the_model_field_names_itself_in_the_rule_and_migrates_as_djangos_own_field():
    field = dates.DateField("生年月日", null=True, rule=dates.BIRTH)
    assert dates.rule_of(field) == dates.BIRTH
    _, path, _, kwargs = field.deconstruct()
    assert path == "django.db.models.DateField"
    assert kwargs["validators"] == [dates.DateRule("生年月日", dates.BIRTH)]
    assert dates.rule_of(field.clone()) == dates.BIRTH and len(field.clone().validators) == 1


# --- form fields ---------------------------------------------------------------------------------------------


class _When(forms.Form):
    day = EraDateField(label="相談日")
    birth = EraDateField(label="生年月日", required=False, rule=dates.BIRTH)
    at = EraDateTimeField(label="日時", required=False)


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1867-12-31", "2101-01-01", "令和83年1月1日"])
def test_a_plain_form_refuses_a_date_outside_the_range_with_the_fields_name(typed):
    form = _When({"day": typed})
    assert not form.is_valid()
    assert form.errors["day"] == ["相談日は1868年（明治元年）1月1日から2100年12月31日までの日付で入力してください。"]


@pytest.mark.parametrize("typed", ["0001-01-01 00:00", "9999-12-31 23:59", "2101-01-01 0:00"])
def test_a_plain_form_refuses_a_date_time_outside_the_range(typed):
    form = _When({"day": "R8.5.1", "at": typed})
    assert not form.is_valid()
    assert "日時は1868年（明治元年）1月1日から2100年12月31日までの日時で入力してください。" in form.errors["at"]


@time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=TOKYO), tick=False)
def test_a_form_field_with_a_rule_refuses_what_the_rule_refuses():
    assert not _When({"day": "R8.5.1", "birth": "R8.5.2"}).is_valid()
    assert _When({"day": "R8.5.1", "birth": "R8.5.1"}).is_valid()


@quick
@given(any_date)
def test_the_date_field_accepts_exactly_the_dates_of_the_rule(day):
    form = _When({"day": f"{day.year:04d}-{day.month:02d}-{day.day:02d}"})
    assert form.is_valid() == dates.in_range(day)


def test_a_stored_date_outside_the_range_is_shown_in_the_form_as_stored_to_be_corrected():
    form = _When(initial={"day": dt.date(1, 1, 1), "at": dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)})
    assert 'value="0001-01-01"' in str(form["day"])
    assert 'value="9999-12-31 23:59"' in str(form["at"])


# --- the era parser and formatter ----------------------------------------------------------------------------


@quick
@given(ruled_date, st.sampled_from(["long", "short"]))
def test_every_date_of_the_range_reads_back_from_its_era_text(day, style):
    assert parse_date(format_era(day, style=style)) == day


@quick
@given(st.dates(min_value=ERAS[-1].start, max_value=dates.LATEST))
def test_every_date_since_meiji_is_shown_with_an_era_name(day):
    assert format_era(day)[:2] in {era.name for era in ERAS}


@quick
@given(st.datetimes(min_value=dt.datetime(1868, 1, 1), max_value=dt.datetime(2100, 12, 31, 23, 59)))
def test_every_date_time_of_the_range_reads_back_from_its_era_text(value):
    aware = value.replace(second=0, microsecond=0, tzinfo=TOKYO)
    day, time = parse_datetime(format_era_datetime(aware))
    assert dt.datetime.combine(day, time, tzinfo=TOKYO) == aware


# --- date filters never fail a page ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
])
@pytest.mark.parametrize("expression", [
    "{{ v|era }}", '{{ v|era:"short" }}', '{{ v|era:"weekday" }}', "{{ v|era_datetime }}", "{{ v|era_both }}",
    "{{ v|gregorian }}", "{{ v|log_time }}", "[{{ v|days_until }}]",
])
def test_a_date_outside_the_range_is_shown_as_check_the_date_instead_of_failing(value, expression):
    html = Template("{% load yorisoi_tags %}" + expression).render(Context({"v": value}))
    assert html in ("日付を確認してください", "[None]")


def test_a_date_inside_the_range_is_still_shown_as_an_era_date():
    html = Template("{% load yorisoi_tags %}{{ v|era }} {{ w|era_datetime }}").render(Context({
        "v": dt.date(2026, 5, 1), "w": timezone.make_aware(dt.datetime(2026, 5, 1, 9, 30))}))
    assert html == "令和8年5月1日 令和8年5月1日 09:30"


# --- arithmetic ---------------------------------------------------------------------------------------------


@quick
@given(any_date, st.integers(min_value=-2000, max_value=2000))
def test_adding_business_days_gives_a_business_day_in_the_range_or_a_japanese_refusal(start, days):
    try:
        result = add_business_days(start, days)
    except dates.DateArithmeticError as error:
        assert "基準にした日付を確認してください" in error.messages[0]
        assert not dates.in_range(start) or not dates.in_range(start + dt.timedelta(days=days * 2 + 30))
    else:
        assert dates.in_range(result) and is_business_day(result)


@pytest.mark.parametrize(("start", "days"), [
    (dt.date(9999, 12, 31), 1), (dt.date(1, 1, 1), -1), (dt.date(2100, 12, 30), 5), (dt.date(2026, 5, 1), 10**9),
])
def test_business_days_refuse_rather_than_overflow(start, days):
    with pytest.raises(dates.DateArithmeticError):
        add_business_days(start, days)


def test_counting_business_days_refuses_a_span_outside_the_range():
    with pytest.raises(dates.DateArithmeticError):
        business_days_between(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    # 5/2-6 are a weekend, holidays and a substitute holiday
    assert business_days_between(dt.date(2026, 5, 1), dt.date(2026, 5, 8)) == 2


@quick
@given(any_date, st.integers(min_value=-(10**6), max_value=10**6))
def test_adding_days_or_years_stays_in_the_range_or_refuses(day, amount):
    for add in (dates.add_days, dates.add_years):
        try:
            result = add(day, amount)
        except dates.DateArithmeticError:
            continue
        assert dates.in_range(result)


def test_a_form_field_generated_from_a_model_field_keeps_its_rule():
    from django.db import models as django_models
    from django.forms import fields_for_model

    class Visit(django_models.Model):
        born = dates.DateField("生年月日", rule=dates.BIRTH)

        class Meta:
            app_label = "common"
            managed = False

    field = fields_for_model(Visit, fields=["born"], field_classes={"born": EraDateField})["born"]
    assert field.date_rule == dates.BIRTH
