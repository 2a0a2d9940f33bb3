import datetime as dt

from django.test import override_settings

from yorisoi.common.business_days import (
    add_business_days,
    business_days_between,
    holiday_name,
    is_business_day,
)


def test_golden_week_2026_is_skipped():
    # 4/29 昭和の日 (Wed), 5/3-5/5 and the substitute holiday 5/6 (Wed) for 憲法記念日 on Sunday.
    assert add_business_days(dt.date(2026, 4, 28), 1) == dt.date(2026, 4, 30)
    assert add_business_days(dt.date(2026, 5, 1), 1) == dt.date(2026, 5, 7)


def test_substitute_holiday_is_not_a_business_day():
    assert holiday_name(dt.date(2026, 5, 6)) is not None
    assert not is_business_day(dt.date(2026, 5, 6))
    assert holiday_name(dt.date(2025, 11, 24)) is not None  # 勤労感謝の日 on Sunday → Monday off


def test_year_end_closure_counts_as_closed():
    # 2026-12-28 is a Monday; offices close 12/29-1/3; 1/4/2027 is a Monday.
    assert add_business_days(dt.date(2026, 12, 28), 1) == dt.date(2027, 1, 4)
    assert not is_business_day(dt.date(2026, 12, 29))
    assert business_days_between(dt.date(2026, 12, 25), dt.date(2027, 1, 5)) == 3  # 12/28, 1/4, 1/5


@override_settings(YORISOI_YEAR_END_CLOSURE=((12, 28), (1, 4)))
def test_year_end_closure_is_configurable():
    assert not is_business_day(dt.date(2026, 12, 28))


def test_negative_offsets_go_back_over_weekends():
    # Monday 2026-11-30 minus 1 business day is Friday 11-27.
    assert add_business_days(dt.date(2026, 11, 30), -1) == dt.date(2026, 11, 27)


def test_zero_offset_rolls_forward_to_a_business_day():
    assert add_business_days(dt.date(2026, 11, 28), 0) == dt.date(2026, 11, 30)  # Saturday → Monday
    assert add_business_days(dt.date(2026, 11, 27), 0) == dt.date(2026, 11, 27)


def test_public_assistance_decision_within_14_days_of_application():
    # 生活保護: decided within 14 calendar days; a business-day view helps plan visits.
    applied = dt.date(2026, 4, 27)
    # 4/28, 4/30, 5/1, 5/7, 5/8, 5/11: Golden Week eats the rest.
    assert business_days_between(applied, applied + dt.timedelta(days=14)) == 6
