"""The figures of the dashboard and the outcome report, each a table of buckets over the counting rule.

A figure is a base queryset (cases that count, or rows belonging to them) and a list of buckets, each a Q.
`compute` counts every bucket in ONE aggregate query (COUNT … FILTER / CASE WHEN, GROUP BY in the database);
`cases_behind` gives the ids of the cases behind one bucket, for the drill-down. The day figures (referral or
release to first placement) read one pair of dates per case of the period and bucket them here, because date
differences are not portable SQL; they also give the median and the quartiles.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case, ClosureOutcome, CoordinationType, ReferralSource
from yorisoi.intake.models import Consultation
from yorisoi.people.models import DISABILITY_FIELDS, CareLevel, OffenceCategory, Person, ReoffenceEvent, Sex
from yorisoi.placements.models import Placement, PlacementKind
from yorisoi.procedures.models import (
    ACHIEVED_RESULTS,
    CaseProcedure,
    FollowUp,
    FollowUpStatus,
    ProcedureCategory,
)

from . import counting
from .counting import Period


@dataclass
class Bucket:
    key: str
    label: str
    q: Q = field(default_factory=Q)
    low: int | None = None   # day figures: the range of days [low, high]
    high: int | None = None


@dataclass
class Row:
    key: str
    label: str
    count: int


@dataclass
class Result:
    code: str
    title: str
    unit: str
    rows: list[Row]
    total: int | None
    note: str = ""
    stats: dict | None = None
    drill: bool = True

    @property
    def max_count(self) -> int:
        return max((r.count for r in self.rows), default=0)


@dataclass
class Figure:
    code: str
    title: str
    unit: str
    base: Callable[[int, Period, bool], QuerySet]
    buckets: Callable[[int, Period], list[Bucket]]
    case_path: str | None = "pk"      # from the base rows to the case id; None: rows without a case
    count_field: str = "pk"           # what one counted unit is (distinct)
    total: bool = True                # buckets are disjoint: a total row makes sense
    note: str = ""

    def compute(self, center_id: int, period: Period, *, excluded: bool = False) -> Result:
        buckets = self.buckets(center_id, period)
        qs = self.base(center_id, period, excluded)
        counts = qs.aggregate(**{f"b{i}": Count(self.count_field, filter=b.q, distinct=True)
                                 for i, b in enumerate(buckets)}) if buckets else {}
        rows = [Row(b.key, b.label, counts[f"b{i}"] or 0) for i, b in enumerate(buckets)]
        total = sum(r.count for r in rows) if self.total else None
        return Result(self.code, self.title, self.unit, rows, total, self.note, drill=self.case_path is not None)

    def cases_behind(self, center_id: int, period: Period, key: str, *, excluded: bool = False) -> QuerySet:
        bucket = next((b for b in self.buckets(center_id, period) if b.key == key), None)
        if bucket is None or self.case_path is None:
            return Case.objects.none()
        ids = self.base(center_id, period, excluded).filter(bucket.q).values(self.case_path)
        return Case.objects.filter(pk__in=ids)


# --- bases ------------------------------------------------------------------------------------------------


def _cases(center_id, period, excluded):
    return counting.statistical_cases(center_id, excluded=excluded)


def _referred(center_id, period, excluded):
    return _cases(center_id, period, excluded).filter(referral_date__gte=period.start, referral_date__lte=period.end)


def _handled(center_id, period, excluded):
    return _cases(center_id, period, excluded).filter(counting.handled_q(period))


def _closed(center_id, period, excluded):
    return _cases(center_id, period, excluded).filter(counting.status_q(period)["closed"])


def _of_cases(model, date_field: str):
    def base(center_id, period, excluded):
        cases = counting.statistical_cases(center_id, excluded=excluded)
        return model.objects.filter(center_id=center_id, case__in=cases, **{
            f"{date_field}__gte": period.start, f"{date_field}__lte": period.end})
    return base


# --- buckets -------------------------------------------------------------------------------------------


def _choices(field_name: str, choices, *, blank_label: str = "") -> Callable:
    def buckets(center_id, period):
        out = [Bucket(value, label, Q(**{field_name: value})) for value, label in choices if value != ""]
        if blank_label:
            out.append(Bucket("none", blank_label, Q(**{field_name: ""})))
        return out
    return buckets


def _statuses(center_id, period):
    qs = counting.status_q(period)
    return [Bucket(code, label, qs[code]) for code, label in counting.STATUSES]


def _months(center_id, period):
    return [Bucket(start.strftime("%Y-%m"), f"{start.year}年{start.month}月",
                   Q(referral_date__gte=start, referral_date__lte=end)) for start, end in period.months()]


AGE_BANDS = [(0, 39, "40歳未満"), (40, 49, "40〜49歳"), (50, 59, "50〜59歳"), (60, 64, "60〜64歳"),
             (65, 74, "65〜74歳"), (75, 84, "75〜84歳"), (85, 200, "85歳以上")]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _ages(center_id, period):
    """Age at the end of the period: age >= n exactly when born on or before end - n years."""
    out = []
    for low, high, label in AGE_BANDS:
        born_by = _years_before(period.end, low)
        born_after = _years_before(period.end, high + 1)
        out.append(Bucket(f"{low}-{high}", label, Q(person__birth_date__lte=born_by,
                                                    person__birth_date__gt=born_after)))
    out.append(Bucket("unknown", "不明", Q(person__birth_date__isnull=True)))
    return out


def _disabilities(center_id, period):
    out = [Bucket(name, Person._meta.get_field(name).verbose_name, Q(**{f"person__{name}": True}))
           for name in DISABILITY_FIELDS]
    none = Q()
    for name in DISABILITY_FIELDS:
        none &= Q(**{f"person__{name}": False})
    out.append(Bucket("none", "記録なし", none))
    return out


def _follow_up_buckets(center_id, period):
    done = Q(status=FollowUpStatus.DONE)
    return [Bucket("on_time", "予定日までに実施", done & Q(done_on__lte=F("due_date"))),
            Bucket("late", "遅れて実施", done & Q(done_on__gt=F("due_date"))),
            Bucket("not_done", "未実施", Q(status=FollowUpStatus.SCHEDULED))]


def _staff_buckets(center_id, period):
    staff = Staff.objects.filter(center_id=center_id).order_by("role", "id")
    return [Bucket(str(s.pk), str(s), Q(main_staff_id=s.pk)) for s in staff] + [
        Bucket("none", "主担当なし", Q(main_staff__isnull=True))]


FIGURES: list[Figure] = [
    Figure("status", "ケースの件数（新規・継続・休止中・終結）", "件", _cases, _statuses, total=False,
           note="新規＋継続＋休止中＝取扱件数。終結はその内数です。"),
    Figure("referrals_month", "依頼の件数（月別）", "件", _referred, _months),
    Figure("referrals_source", "依頼元の種別", "件", _referred, _choices("referral_source", ReferralSource.choices)),
    Figure("referrals_duty", "業務の区分（調整の種別）", "件", _referred,
           _choices("coordination_type", CoordinationType.choices)),
    Figure("persons_age", "年齢（期間末）", "人", _handled, _ages, count_field="person_id"),
    Figure("persons_sex", "性別", "人", _handled, _choices("person__sex", Sex.choices), count_field="person_id"),
    Figure("persons_disability", "障害の種別（重複あり）", "人", _handled, _disabilities, count_field="person_id",
           total=False),
    Figure("persons_care", "要介護度", "人", _handled,
           _choices("person__care_level", CareLevel.choices, blank_label="未申請・不明"), count_field="person_id"),
    Figure("placements_kind", "居所の種類（期間内に入所・入居）", "件", _of_cases(Placement, "entered_on"),
           _choices("kind", PlacementKind.choices), case_path="case_id"),
    Figure("procedures_achieved", "手続きの達成（期間内の決定・認められたもの）", "件",
           _of_cases(CaseProcedure, "decided_on"),
           lambda c, p: [Bucket(b.key, b.label, b.q & Q(result__in=ACHIEVED_RESULTS))
                         for b in _choices("procedure_type__category", ProcedureCategory.choices)(c, p)],
           case_path="case_id"),
    Figure("closures_outcome", "終結の理由", "件", _closed, _choices("closure_outcome", ClosureOutcome.choices)),
    Figure("reoffences", "把握した再犯（罪名の分類）", "件", _of_cases(ReoffenceEvent, "occurred_on"),
           _choices("offence_category", OffenceCategory.choices, blank_label="不明"), case_path="case_id"),
    Figure("follow_ups", "フォローアップの実施（期間内が予定日）", "件",
           lambda c, p, e: _of_cases(FollowUp, "due_date")(c, p, e).exclude(status=FollowUpStatus.CANCELLED),
           _follow_up_buckets, case_path="case_id"),
    Figure("workload", "職員ごとの担当（主担当・期間内の取扱）", "件", _handled, _staff_buckets),
]


def _consultations(center_id, period, excluded):
    qs = Consultation.objects.filter(center_id=center_id, consulted_on__gte=period.start,
                                     consulted_on__lte=period.end)
    return qs.none() if excluded else qs


FIGURES.append(Figure("consultations", "相談支援（ケースにしない相談）の相談元", "件", _consultations,
                      _choices("requester_kind", ReferralSource.choices, blank_label="未入力"), case_path=None))


# --- days to the first placement ---------------------------------------------------------------------------

DAY_BANDS = [(0, 7, "7日以内"), (8, 14, "8〜14日"), (15, 30, "15〜30日"), (31, 90, "31〜90日"),
             (91, 100000, "91日以上")]


@dataclass
class DaysFigure:
    code: str
    title: str
    from_field: str
    unit: str = "件"
    case_path: str = "pk"
    note: str = "期間内に最初の居所へ入所・入居したケース。"

    def pairs(self, center_id: int, period: Period, excluded: bool = False) -> list[tuple[int, int]]:
        first = (Placement.objects.filter(case_id=OuterRef("pk")).order_by().values("case_id")
                 .annotate(first=Min("entered_on")).values("first"))
        qs = (counting.statistical_cases(center_id, excluded=excluded).annotate(first=Subquery(first))
              .filter(first__gte=period.start, first__lte=period.end, **{f"{self.from_field}__isnull": False})
              .values_list("pk", self.from_field, "first"))
        return [(pk, (first - start).days) for pk, start, first in qs if first >= start]

    def buckets(self) -> list[Bucket]:
        return [Bucket(f"{low}-{high}", label, low=low, high=high) for low, high, label in DAY_BANDS]

    def compute(self, center_id: int, period: Period, *, excluded: bool = False) -> Result:
        days = [d for _, d in self.pairs(center_id, period, excluded)]
        rows = [Row(b.key, b.label, sum(1 for d in days if b.low <= d <= b.high)) for b in self.buckets()]
        stats = None
        if days:
            quartiles = statistics.quantiles(days, n=4, method="inclusive") if len(days) > 1 else [days[0]] * 3
            stats = {"n": len(days), "median": statistics.median(days), "q1": quartiles[0], "q3": quartiles[2],
                     "min": min(days), "max": max(days)}
        return Result(self.code, self.title, self.unit, rows, len(days), self.note, stats)

    def cases_behind(self, center_id: int, period: Period, key: str, *, excluded: bool = False) -> QuerySet:
        bucket = next((b for b in self.buckets() if b.key == key), None)
        if bucket is None:
            return Case.objects.none()
        ids = [pk for pk, d in self.pairs(center_id, period, excluded) if bucket.low <= d <= bucket.high]
        return Case.objects.filter(pk__in=ids)


DAYS_FIGURES = [
    DaysFigure("days_referral", "依頼から最初の居所までの日数", "referral_date"),
    DaysFigure("days_release", "実際の釈放から最初の居所までの日数", "actual_release_date"),
]

ALL_FIGURES = {f.code: f for f in [*FIGURES[:8], *DAYS_FIGURES, *FIGURES[8:]]}


def compute_all(center_id: int, period: Period, *, excluded: bool = False) -> list[Result]:
    results = [figure.compute(center_id, period, excluded=excluded) for figure in ALL_FIGURES.values()]
    for result in results:
        if result.code == "follow_ups" and result.total:
            on_time = result.rows[0].count
            result.stats = {"share": round(100 * on_time / result.total, 1)}
    return results


def excluded_count(center_id: int, period: Period) -> int:
    return counting.statistical_cases(center_id, excluded=True).filter(counting.handled_q(period)).count()
