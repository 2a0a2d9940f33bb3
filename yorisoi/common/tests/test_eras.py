import datetime as dt

import pytest

from yorisoi.common.eras import EraDateError, fiscal_year, format_both, format_era, parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("昭和40年1月2日", dt.date(1965, 1, 2)),
        ("S40.1.2", dt.date(1965, 1, 2)),
        ("s40/1/2", dt.date(1965, 1, 2)),
        ("Ｓ４０．１．２", dt.date(1965, 1, 2)),
        ("昭40.1.2", dt.date(1965, 1, 2)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R7.4.1", dt.date(2025, 4, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("大正15年12月24日", dt.date(1926, 12, 24)),
        ("1965-01-02", dt.date(1965, 1, 2)),
        ("1965/1/2", dt.date(1965, 1, 2)),
        ("19650102", dt.date(1965, 1, 2)),
        ("1965年1月2日", dt.date(1965, 1, 2)),
    ],
)
def test_parse_date_reads_era_and_gregorian_forms(text, expected):
    assert parse_date(text) == expected


def test_a_date_the_era_never_had_is_refused_with_the_right_era_named():
    with pytest.raises(EraDateError) as error:
        parse_date("平成31年5月1日")
    assert "令和元年5月1日" in str(error.value)


@pytest.mark.parametrize("text", ["", "昭和40年2月30日", "あいう", "S0.1.1", "2025-13-01"])
def test_bad_dates_get_a_japanese_message(text):
    with pytest.raises(EraDateError) as error:
        parse_date(text)
    assert any("\u3040" <= ch <= "\u9fff" for ch in str(error.value))


def test_format_era_styles():
    day = dt.date(2019, 5, 1)
    assert format_era(day) == "令和元年5月1日"
    assert format_era(day, style="short") == "R1.5.1"
    assert format_both(dt.date(1965, 1, 2)) == "昭和40年1月2日（1965-01-02）"


def test_first_day_of_heisei_and_last_day_of_showa():
    assert format_era(dt.date(1989, 1, 7)) == "昭和64年1月7日"
    assert format_era(dt.date(1989, 1, 8)) == "平成元年1月8日"


def test_fiscal_year_runs_april_to_march():
    assert fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year(dt.date(2026, 4, 1)) == 2026


def test_format_era_with_the_weekday_and_the_short_style_for_tables():
    day = dt.date(2026, 11, 24)
    assert format_era(day, style="weekday") == "令和8年11月24日（火）"
    assert format_era(day, style="short") == "R8.11.24"
    assert format_era(day, style="short_weekday") == "R8.11.24（火）"
    assert format_era(day, style="year") == "令和8年"


@pytest.mark.parametrize("day, long, short", [
    (dt.date(1, 1, 1), "1年1月1日", "1.1.1"),
    (dt.date(1868, 1, 24), "1868年1月24日", "1868.1.24"),
])
def test_a_date_before_meiji_is_shown_in_gregorian_and_never_refused(day, long, short):
    assert format_era(day) == long
    assert format_era(day, style="short") == short
    assert format_era(day, style="year") == f"{day.year}年"
    assert format_both(day) == f"{long}（{day.year:04d}-{day.month:02d}-{day.day:02d}）"


def test_date_times_are_shown_in_japan_time():
    from yorisoi.common.eras import format_era_datetime, format_log_time

    at = dt.datetime(2026, 12, 7, 4, 5, 6, tzinfo=dt.UTC)  # 13:05 in Japan
    assert format_era_datetime(at) == "令和8年12月7日 13:05"
    assert format_era_datetime(at, style="short") == "R8.12.7 13:05"
    assert format_era_datetime(at, style="weekday") == "令和8年12月7日（月） 13:05"
    assert format_log_time(at) == "2026-12-07 13:05:06"
    assert format_era_datetime(dt.date(2026, 12, 7)) == "令和8年12月7日"  # a date alone: no time to show


def test_the_template_filters_show_the_same_styles():
    from django.template import Context, Template

    page = Template('{% load yorisoi_tags %}{{ d|era }}|{{ d|era:"weekday" }}|{{ old|era }}|{{ at|era_datetime }}'
                    "|{{ at|log_time }}|{{ none|era }}")
    shown = page.render(Context({"d": dt.date(2026, 12, 7), "old": dt.date(1, 1, 1),
                                 "at": dt.datetime(2026, 12, 7, 4, 5, tzinfo=dt.UTC), "none": None}))
    # a date outside the date rule (common/dates.py) is flagged rather than shown as if it were right
    assert shown == ("令和8年12月7日|令和8年12月7日（月）|日付を確認してください|令和8年12月7日 13:05"
                     "|2026-12-07 13:05:00|")


def test_templates_show_dates_only_through_the_era_filters():
    """`|date:` is for machine values only: the datetime attribute of <time> and dates in query strings."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    use = re.compile(r"""(?P<before>\S{0,10})\{\{[^}]*\|date:(?P<format>'[^']*'|"[^"]*")""")
    wrong = []
    for path in root.rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in use.finditer(line):
                machine = match["before"].endswith(('datetime="', "date=")) and match["format"][1:-1] in ("c", "Y-m-d")
                if not machine:
                    wrong.append(f"{path.relative_to(root)}:{number}: {match.group()}")
    assert not wrong, "Show dates with |era, |era_datetime or |log_time (common/eras.py):\n  " + "\n  ".join(wrong)
