"""Japanese era dates (和暦): the one helper every form and template uses to read and show dates.

Accepted input, full- or half-width: 昭和40年1月2日, 昭和元年, S40.1.2, s40/1/2, R7-4-1, H31.4.30,
1965-01-02, 1965/1/2, 19650102, 1965年1月2日. A date that the named era never had (平成31年5月1日)
is refused with a message naming the right era, rather than silently moved.

Shown dates, decided here and nowhere else (templates use the filters of common/templatetags/yorisoi_tags.py):
- long     令和8年11月24日              prose, forms, letters (the default)
- weekday  令和8年11月24日（火）        where the day of the week matters: today, releases, records, due items
- short    R8.11.24                     dense table cells and one-line lists only
- date-time: the date in one of those styles and the time, 令和8年11月24日 13:05 (format_era_datetime)
- Gregorian: 2026-11-24 13:05:07 in technical logs (format_log_time), and beside the era date where another
  agency's form asks for it (format_both, format_gregorian: birth dates on face sheets, letters); machine values
  (files, URLs, the datetime attribute) use ISO.
A date before 明治 (a typing slip such as 0001-01-01) is shown in Gregorian, never refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date  # first day of the era


# Newest first. Kept as data: a new era is one more line.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1868, 1, 25)),
)
_BY_KEY = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS} | {e.name[0]: e for e in ERAS}


class EraDateError(ValueError):
    """Raised with a message in Japanese that can be shown to the user as it is."""


def era_of(day: dt.date) -> Era:
    for era in ERAS:
        if day >= era.start:
            return era
    raise EraDateError("明治より前の日付は扱えません。")


def era_end(era: Era) -> dt.date | None:
    index = ERAS.index(era)
    return None if index == 0 else ERAS[index - 1].start - dt.timedelta(days=1)


WEEKDAYS = "月火水木金土日"
STYLES = ("long", "weekday", "short", "short_weekday", "year")


def weekday_label(day: dt.date) -> str:
    """月, 火, … 日"""
    return WEEKDAYS[day.weekday()]


def format_era(day: dt.date | None, *, style: str = "long") -> str:
    """long: 令和7年4月1日 / weekday: 令和7年4月1日（火） / short: R7.4.1 / short_weekday: R7.4.1（火） /
    year: 令和7年. Before 明治: the same in Gregorian (1850年1月2日, 1850.1.2)."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}")
    weekday = f"（{weekday_label(day)}）" if style.endswith("weekday") else ""
    if day < ERAS[-1].start:
        if style == "year":
            return f"{day.year}年"
        if style.startswith("short"):
            return f"{day.year}.{day.month}.{day.day}{weekday}"
        return f"{day.year}年{day.month}月{day.day}日{weekday}"
    era = era_of(day)
    year = day.year - era.start.year + 1
    if style.startswith("short"):
        return f"{era.letter}{year}.{day.month}.{day.day}{weekday}"
    year_text = "元" if year == 1 else str(year)
    if style == "year":
        return f"{era.name}{year_text}年"
    return f"{era.name}{year_text}年{day.month}月{day.day}日{weekday}"


def format_era_datetime(value: dt.datetime | None, *, style: str = "long") -> str:
    """令和7年4月1日 10:05 (weekday: 令和7年4月1日（火） 10:05, short: R7.4.1 10:05), in local time."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return format_era(value, style=style)  # a date alone has no time to show
    value = _local(value)
    return f"{format_era(value.date(), style=style)} {value:%H:%M}"


def _local(value: dt.datetime) -> dt.datetime:
    """Japan time; a value at the very end of the calendar (9999-12-31 in UTC) is kept as stored, not overflowed."""
    if timezone.is_aware(value):
        try:
            return timezone.localtime(value)
        except (OverflowError, ValueError):
            return value
    return value



def format_log_time(value: dt.datetime | None) -> str:
    """2025-04-01 10:05:07 in local time: technical logs only (the access log, exports of it)."""
    if value is None:
        return ""
    value = _local(value)
    return f"{value:%Y-%m-%d %H:%M:%S}"


def format_gregorian(day: dt.date | None) -> str:
    """2025-04-01: beside the era date where another agency's form reads Gregorian dates."""
    if day is None:
        return ""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def format_both(day: dt.date | None) -> str:
    """令和7年4月1日（2025-04-01）: for face sheets and letters, where other agencies read Gregorian dates."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{format_era(day)}（{format_gregorian(day)}）"


_ERA_PATTERN = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR明大昭平令])\s*(?P<year>元|\d{1,2})\s*(?:年|[./\-])\s*"
    r"(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?$",
    re.IGNORECASE,
)
_GREGORIAN_PATTERN = re.compile(
    r"^(?P<year>\d{4})\s*(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?$"
)
_COMPACT_PATTERN = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")


def parse_date(text: str) -> dt.date:
    """Read a date typed as an era date or a Gregorian date; raise EraDateError in Japanese."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if not cleaned:
        raise EraDateError("日付を入力してください。")
    if match := _ERA_PATTERN.match(cleaned):
        key = match["era"]
        era = _BY_KEY.get(key) or _BY_KEY.get(key.upper())
        year = 1 if match["year"] == "元" else int(match["year"])
        if year < 1:
            raise EraDateError("年は1以上で入力してください。")
        day = _make_date(era.start.year + year - 1, int(match["month"]), int(match["day"]))
        end = era_end(era)
        if day < era.start or (end and day > end):
            right = format_era(day) if day >= ERAS[-1].start else ""
            hint = f"（{right}のことではありませんか）" if right else ""
            raise EraDateError(f"{era.name}{match['year']}年{match['month']}月{match['day']}日は存在しません{hint}。")
        return day
    for pattern in (_GREGORIAN_PATTERN, _COMPACT_PATTERN):
        if match := pattern.match(cleaned):
            return _make_date(int(match["year"]), int(match["month"]), int(match["day"]))
    raise EraDateError("日付の形式が正しくありません（例：昭和40年1月2日、S40.1.2、1965-01-02）。")


# The time at the end of a date-time: 「… 13:05」「…T13:05」「…日13時5分」「… 9時」「… 午後1時30分」.
_TIME_AT_END = re.compile(
    r"^(?P<date>.+?)(?:\s+|T|(?<=日))(?P<noon>午前|午後)?\s*(?P<hour>\d{1,2})\s*"
    r"(?:[:時]\s*(?P<minute>\d{1,2})\s*分?|時)(?::\d{2})?$",
    re.IGNORECASE,
)


def parse_datetime(text: str) -> tuple[dt.date, dt.time]:
    """Read a date and a time typed together (the date in any form parse_date reads); raise EraDateError."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if not cleaned:
        raise EraDateError("日時を入力してください。")
    match = _TIME_AT_END.match(cleaned)
    if not match:
        parse_date(cleaned)  # a bad date is named first
        raise EraDateError("時刻も入力してください（例：令和8年12月7日 13:05）。")
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["noon"]:
        if hour > 12:
            raise EraDateError("午前・午後をつけるときは、時を12以下で入力してください。")
        hour = hour % 12 + (12 if match["noon"] == "午後" else 0)
    if hour > 23 or minute > 59:
        raise EraDateError(f"{hour}時{minute}分という時刻はありません（0:00〜23:59）。")
    return parse_date(match["date"]), dt.time(hour, minute)


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise EraDateError(f"{year}年{month}月{day}日は存在しない日付です。") from None


def age_on(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def fiscal_year(day: dt.date) -> int:
    """年度: April to March; 2026-03-31 belongs to 2025年度."""
    return day.year if day.month >= 4 else day.year - 1


# --- dates typed into a search box: whole or partial (year, year and month) ------------------------

_ERA_NAMES = "明治|大正|昭和|平成|令和|[MTSHR明大昭平令]"
_SEP = r"\s*(?:年|[./\-])\s*"
SEARCH_DATE = re.compile(
    rf"(?<![0-9A-Za-z])(?:(?P<era>{_ERA_NAMES})\s*(?P<eyear>元|\d{{1,2}})|(?P<year>(?:18|19|20)\d\d))"
    rf"(?:{_SEP}(?P<month>\d{{1,2}})(?:\s*(?:月|[./\-])\s*(?P<day>\d{{1,2}})\s*日?|\s*月)?|\s*年)?"
    rf"(?![0-9])",
    re.IGNORECASE,
)
_COMPACT_SEARCH_DATE = re.compile(r"(?<![0-9])(?P<year>(?:18|19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?![0-9])")


def date_range_of(match: re.Match) -> tuple[dt.date, dt.date] | None:
    """The first and last day a match of SEARCH_DATE (or the compact form) stands for: a day, a month or a year.
    None when it names no real date (month 13, 昭和70年, …)."""
    groups = match.groupdict()
    if groups.get("era"):
        key = groups["era"]
        era = _BY_KEY.get(key) or _BY_KEY.get(key.upper())
        year = era.start.year + (1 if groups["eyear"] == "元" else int(groups["eyear"])) - 1
        end = era_end(era)
        if int(groups["eyear"] if groups["eyear"] != "元" else 1) < 1 or (end and year > end.year):
            return None
    else:
        year = int(groups["year"])
    month, day = groups.get("month"), groups.get("day")
    try:
        if day:
            first = last = dt.date(year, int(month), int(day))
        elif month:
            first = dt.date(year, int(month), 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None
    if groups.get("era"):
        end = era_end(era)
        first, last = max(first, era.start), min(last, end) if end else last
        if first > last:
            return None
    return first, last


def find_search_dates(text: str) -> tuple[list[tuple[dt.date, dt.date]], str]:
    """Dates typed anywhere in a search text (「S22.3.5」「昭和22年3月」「R1/5/1」「1947-03-05」「19470305」), as
    ranges, and the text without them."""
    cleaned = unicodedata.normalize("NFKC", text or "")
    ranges = []
    for pattern in (_COMPACT_SEARCH_DATE, SEARCH_DATE):
        def take(match, ranges=ranges):
            found = date_range_of(match)
            if found is None:
                return match.group(0)
            ranges.append(found)
            return " "
        cleaned = pattern.sub(take, cleaned)
    return ranges, cleaned
