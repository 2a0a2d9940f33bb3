"""The counting rule: which cases count as new, continuing, paused and closed in a period, per duty.

Used by the dashboard, the drill-down lists, the outcome report and the benchmark; nowhere else is a case
counted. All counts are database aggregates (one query per table).

The rule
--------
A period is a closed range of days [start, end]: a fiscal year (年度, 1 April to 31 March: 2026-03-31 is in
令和7年度, 2026-04-01 in 令和8年度), a calendar month, or a custom range.

Cases that count at all: cases of the center that are not deleted and carry no ACTIVE 注意事項 with
「統計から除外する」 (cases.CaseFlag.exclude_from_statistics). Excluded cases are counted by the same rule on
their own (`excluded=True`) so that they can be listed apart; they never enter a figure.

A case is *handled* (取扱) in the period when it was referred on or before `end` and was not finished before
`start`: its end date (支援終了日) is empty and it is not closed, or its end date is on or after `start`.
The handled cases fall into exactly one of:

- 休止中 (paused): the case was paused at the end of the period: a CasePause began on or before `end` and had
  not ended by then. Paused cases are counted apart and NOT as new or continuing.
- 新規 (new): otherwise, the referral date (依頼日) is within the period.
- 継続 (continuing): otherwise (referred before `start`, still open at `start`).

so 取扱 = 新規 + 継続 + 休止中. 終結 (closed) is counted in addition: the case is closed and its end date is within
the period; a closed case is also new or continuing in that period.

The duty (業務の区分) of a case is its coordination type (特別調整・一般調整・被疑者等支援・その他); the same rule
also groups by funding programme (`by="funding_programme"`). 相談支援 contacts without a case
(intake.Consultation) and 事前相談 are counted by their own date, never as cases; follow-up contacts
(procedures.FollowUp) are counted by their due date. Cases of the kinds フォローアップ and 相談支援 are cases like
any other and are counted by this rule under their coordination type (その他 unless set).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from yorisoi.cases.models import Case, CaseFlag, CasePause, CoordinationType, Phase
from yorisoi.common.eras import era_of, fiscal_year

STATUSES = [("new", "新規"), ("continuing", "継続"), ("paused", "休止中"), ("closed", "終結")]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def fiscal_year(cls, year: int) -> Period:
        start = dt.date(year, 4, 1)
        return cls(start, dt.date(year + 1, 3, 31), fiscal_year_label(year))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        era = era_of(start)
        return cls(start, following - dt.timedelta(days=1), f"{era.name}{_era_year(start, era)}年{month}月")

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        return cls(start, end, f"{start.isoformat()}〜{end.isoformat()}")

    def months(self) -> list[tuple[dt.date, dt.date]]:
        """The calendar months the period touches, each cut to the period."""
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            out.append((max(day, self.start), min(following - dt.timedelta(days=1), self.end)))
            day = following
        return out


def _era_year(day: dt.date, era) -> str:
    number = day.year - era.start.year + 1
    return "元" if number == 1 else str(number)


def fiscal_year_label(year: int) -> str:
    """令和8年度 for 2026 (the fiscal year is named after the era year of its 1 April)."""
    start = dt.date(year, 4, 1)
    era = era_of(start)
    return f"{era.name}{_era_year(start, era)}年度（{year}年度）"


def current_fiscal_year(today: dt.date) -> int:
    return fiscal_year(today)


# --- the case sets ---------------------------------------------------------------------------------------


def excluded_q(case_ref: str = "pk") -> Q:
    """The case (at `case_ref` of the rows queried) carries an active 「統計から除外する」 flag."""
    return Q(Exists(CaseFlag.objects.filter(case_id=OuterRef(case_ref), active=True, exclude_from_statistics=True)))


def statistical_cases(center_id: int, *, excluded: bool = False) -> QuerySet:
    """The center's cases that count (or, with `excluded`, those left out by the flag)."""
    qs = Case.objects.filter(center_id=center_id, deleted_at__isnull=True)
    return qs.filter(excluded_q()) if excluded else qs.exclude(excluded_q())


def handled_q(period: Period) -> Q:
    return Q(referral_date__lte=period.end) & (
        (Q(end_date__isnull=True) & ~Q(phase=Phase.CLOSED)) | Q(end_date__gte=period.start))


def paused_q(period: Period) -> Q:
    """Paused at the end of the period (a pause begun by then and not yet ended then)."""
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    pauses = CasePause.objects.filter(case_id=OuterRef("pk"), paused_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=end))
    return Q(Exists(pauses))


def status_q(period: Period) -> dict[str, Q]:
    """The Q of each status of the rule (applied to statistical_cases)."""
    handled, paused = handled_q(period), paused_q(period)
    in_period = Q(referral_date__gte=period.start, referral_date__lte=period.end)
    return {
        "new": handled & ~paused & in_period,
        "continuing": handled & ~paused & Q(referral_date__lt=period.start),
        "paused": handled & paused,
        "closed": Q(phase=Phase.CLOSED, end_date__gte=period.start, end_date__lte=period.end),
    }


def case_counts(center_id: int, period: Period, *, by: str = "coordination_type",
                excluded: bool = False) -> dict[str, dict[str, int]]:
    """{group value: {status: count}} in one GROUP BY query; group "" is a case without a value."""
    qs = statistical_cases(center_id, excluded=excluded)
    rows = qs.values(by).annotate(**{status: Count("pk", filter=q) for status, q in status_q(period).items()})
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        key = "" if row[by] is None else str(row[by])
        out[key] = {status: row[status] for status, _ in STATUSES}
    return out


def duty_table(center_id: int, period: Period, *, excluded: bool = False) -> list[tuple[str, str, dict[str, int]]]:
    """The counts per coordination type in the order of the choices: [(code, label, {status: n})]."""
    counts = case_counts(center_id, period, excluded=excluded)
    empty = dict.fromkeys((s for s, _ in STATUSES), 0)
    return [(code, label, counts.get(code, empty)) for code, label in CoordinationType.choices]
