"""The counting rule and every figure on a small hand-built data set with known answers."""

import datetime as dt

import pytest
from django.utils import timezone

from yorisoi.cases.models import CasePause, ClosureOutcome, CoordinationType, Phase, ReferralSource
from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.intake.tests.factories import ConsultationFactory
from yorisoi.people.models import ReoffenceEvent, ReoffenceSource, Sex
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.placements.models import PlacementKind
from yorisoi.placements.tests.factories import PlacementFactory
from yorisoi.procedures.models import FollowUpStatus, ProcedureResult
from yorisoi.procedures.tests.factories import CaseProcedureFactory, FollowUpFactory
from yorisoi.reports import counting, figures
from yorisoi.reports.counting import Period

pytestmark = pytest.mark.django_db

FY2026 = Period.fiscal_year(2026)   # 2026-04-01 .. 2027-03-31


def case(center, referral, *, person=None, **kwargs):
    person = person or PersonFactory(center=center)
    return CaseFactory(center=center, person=person, referral_date=referral, **kwargs)


def counts(result):
    return {row.key: row.count for row in result.rows}


def test_fiscal_year_runs_from_april_to_march_with_reiwa_label():
    assert FY2026.start == dt.date(2026, 4, 1) and FY2026.end == dt.date(2027, 3, 31)
    assert FY2026.label.startswith("令和8年度")
    assert counting.current_fiscal_year(dt.date(2027, 3, 31)) == 2026
    assert counting.current_fiscal_year(dt.date(2027, 4, 1)) == 2027
    assert Period.month(2027, 2).end == dt.date(2027, 2, 28)


def test_referral_on_31_march_is_continuing_and_on_1_april_is_new(center):
    march = case(center, dt.date(2026, 3, 31), coordination_type=CoordinationType.SPECIAL)
    april = case(center, dt.date(2026, 4, 1), coordination_type=CoordinationType.SPECIAL)
    table = counting.case_counts(center.pk, FY2026)
    assert table["special"] == {"new": 1, "continuing": 1, "paused": 0, "closed": 0}
    earlier = counting.case_counts(center.pk, Period.fiscal_year(2025))
    assert earlier["special"]["new"] == 1   # only the March case belongs to 令和7年度
    assert march.pk != april.pk


def test_case_ended_before_the_year_is_not_counted_and_one_ended_on_1_april_is(center):
    case(center, dt.date(2025, 6, 1), phase=Phase.CLOSED, end_date=dt.date(2026, 3, 31),
         closure_outcome=ClosureOutcome.STABLE)
    case(center, dt.date(2025, 6, 1), phase=Phase.CLOSED, end_date=dt.date(2026, 4, 1),
         closure_outcome=ClosureOutcome.STABLE)
    table = counting.case_counts(center.pk, FY2026)["other"]
    assert table == {"new": 0, "continuing": 1, "paused": 0, "closed": 1}


def test_excluded_cases_count_nowhere_but_are_counted_apart(center):
    kept = case(center, dt.date(2026, 5, 1))
    left_out = case(center, dt.date(2026, 5, 1))
    CaseFlagFactory(case=left_out, label="統計除外", exclude_from_statistics=True)
    ended_flag = case(center, dt.date(2026, 5, 1))
    CaseFlagFactory(case=ended_flag, label="統計除外", exclude_from_statistics=True, active=False)
    assert counting.case_counts(center.pk, FY2026)["other"]["new"] == 2
    assert counting.case_counts(center.pk, FY2026, excluded=True)["other"]["new"] == 1
    assert figures.excluded_count(center.pk, FY2026) == 1
    behind = figures.ALL_FIGURES["referrals_month"].cases_behind(center.pk, FY2026, "2026-05")
    assert set(behind.values_list("pk", flat=True)) == {kept.pk, ended_flag.pk}


def test_paused_at_the_end_of_the_period_is_counted_apart(center, director):
    paused = case(center, dt.date(2026, 5, 1), phase=Phase.PAUSED)
    CasePause.objects.create(case=paused, from_phase=Phase.SETTLEMENT, reason_kind="lost_contact",
                             next_attempt_on=dt.date(2027, 4, 10), paused_by=director,
                             paused_at=timezone.make_aware(dt.datetime(2026, 12, 1, 10)))
    resumed = case(center, dt.date(2026, 5, 1))
    CasePause.objects.create(case=resumed, from_phase=Phase.SETTLEMENT, reason_kind="lost_contact",
                             next_attempt_on=dt.date(2026, 8, 1), paused_by=director,
                             paused_at=timezone.make_aware(dt.datetime(2026, 6, 1, 10)),
                             ended_at=timezone.make_aware(dt.datetime(2026, 7, 1, 10)))
    table = counting.case_counts(center.pk, FY2026)["other"]
    assert table == {"new": 1, "continuing": 0, "paused": 1, "closed": 0}
    # in June the resumed case was paused at the end of the month
    june = counting.case_counts(center.pk, Period.month(2026, 6))["other"]
    assert june["paused"] == 1


def test_referral_figures_count_by_month_source_and_duty(center):
    case(center, dt.date(2026, 4, 30), referral_source=ReferralSource.PROBATION,
         coordination_type=CoordinationType.SPECIAL)
    case(center, dt.date(2026, 4, 1), referral_source=ReferralSource.PROSECUTOR,
         coordination_type=CoordinationType.SUSPECT)
    case(center, dt.date(2027, 3, 31), referral_source=ReferralSource.PROSECUTOR,
         coordination_type=CoordinationType.SUSPECT)
    case(center, dt.date(2027, 4, 1))  # next year
    months = counts(figures.ALL_FIGURES["referrals_month"].compute(center.pk, FY2026))
    assert months["2026-04"] == 2 and months["2027-03"] == 1 and sum(months.values()) == 3
    assert counts(figures.ALL_FIGURES["referrals_source"].compute(center.pk, FY2026))["prosecutor"] == 2
    duty = counts(figures.ALL_FIGURES["referrals_duty"].compute(center.pk, FY2026))
    assert duty == {"special": 1, "general": 0, "suspect": 2, "other": 0}


def test_persons_by_age_sex_and_disability_count_each_person_once(center):
    # age at 2027-03-31: born 1962-04-01 → 64; born 1962-03-31 → 65
    young = PersonFactory(center=center, birth_date=dt.date(1962, 4, 1), sex=Sex.FEMALE, disability_mental=True)
    old = PersonFactory(center=center, birth_date=dt.date(1962, 3, 31), disability_intellectual=True,
                        disability_mental=True)
    case(center, dt.date(2026, 5, 1), person=young)
    case(center, dt.date(2026, 6, 1), person=young)   # the same person twice: one person
    case(center, dt.date(2026, 6, 1), person=old)
    ages = counts(figures.ALL_FIGURES["persons_age"].compute(center.pk, FY2026))
    assert ages["60-64"] == 1 and ages["65-74"] == 1
    assert counts(figures.ALL_FIGURES["persons_sex"].compute(center.pk, FY2026)) == {
        "male": 1, "female": 1, "other": 0, "unknown": 0}
    disability = counts(figures.ALL_FIGURES["persons_disability"].compute(center.pk, FY2026))
    assert disability["disability_mental"] == 2 and disability["disability_intellectual"] == 1
    assert disability["none"] == 0


def test_days_from_referral_and_release_to_first_placement(center):
    a = case(center, dt.date(2026, 5, 1), actual_release_date=dt.date(2026, 5, 10))
    PlacementFactory(case=a, entered_on=dt.date(2026, 5, 11), exited_on=dt.date(2026, 9, 1),
                     exit_reason="moved_on")                         # 10 days / 1 day
    PlacementFactory(case=a, entered_on=dt.date(2026, 9, 1), kind=PlacementKind.GROUP_HOME)  # not the first
    b = case(center, dt.date(2026, 6, 1))
    PlacementFactory(case=b, entered_on=dt.date(2026, 6, 21))     # 20 days, no release date
    c = case(center, dt.date(2026, 2, 1))
    PlacementFactory(case=c, entered_on=dt.date(2026, 3, 31))     # placed in the previous year: not counted
    referral = figures.ALL_FIGURES["days_referral"].compute(center.pk, FY2026)
    assert counts(referral) == {"0-7": 0, "8-14": 1, "15-30": 1, "31-90": 0, "91-100000": 0}
    assert referral.stats["median"] == 15 and referral.stats["n"] == 2
    release = figures.ALL_FIGURES["days_release"].compute(center.pk, FY2026)
    assert counts(release)["0-7"] == 1 and release.total == 1
    behind = figures.ALL_FIGURES["days_referral"].cases_behind(center.pk, FY2026, "15-30")
    assert list(behind.values_list("pk", flat=True)) == [b.pk]


def test_placements_procedures_closures_reoffences_and_follow_ups(center, director):
    a = case(center, dt.date(2026, 5, 1), phase=Phase.CLOSED, end_date=dt.date(2027, 3, 31),
             closure_outcome=ClosureOutcome.REOFFENDED)
    b = case(center, dt.date(2026, 5, 1), phase=Phase.CLOSED, end_date=dt.date(2027, 4, 1),
             closure_outcome=ClosureOutcome.STABLE)
    PlacementFactory(case=a, entered_on=dt.date(2026, 5, 2), kind=PlacementKind.RELIEF_FACILITY)
    PlacementFactory(case=b, entered_on=dt.date(2026, 5, 2), kind=PlacementKind.RELIEF_FACILITY)
    assert counts(figures.ALL_FIGURES["placements_kind"].compute(center.pk, FY2026))["relief_facility"] == 2
    CaseProcedureFactory(case=a, status="done", completed_on=dt.date(2026, 6, 1), result=ProcedureResult.GRANTED,
                         decided_on=dt.date(2026, 6, 1))
    CaseProcedureFactory(case=b, status="done", completed_on=dt.date(2026, 6, 1), result=ProcedureResult.REJECTED,
                         decided_on=dt.date(2026, 6, 1))
    CaseProcedureFactory(case=b, status="in_progress")   # applied, not decided
    achieved = counts(figures.ALL_FIGURES["procedures_achieved"].compute(center.pk, FY2026))
    assert achieved["welfare"] == 1 and sum(achieved.values()) == 1
    assert counts(figures.ALL_FIGURES["closures_outcome"].compute(center.pk, FY2026)) == {
        **dict.fromkeys(ClosureOutcome.values, 0), "reoffended": 1}
    # a reoffence known during follow-up of a case that continues (not a closure reason)
    ReoffenceEvent.objects.create(center=center, person=b.person, case=b, occurred_on=dt.date(2026, 10, 1),
                                  offence_category="theft", source=ReoffenceSource.JUSTICE, recorded_by=director)
    ReoffenceEvent.objects.create(center=center, person=b.person, case=b, occurred_on=dt.date(2027, 4, 1),
                                  offence_category="theft", source=ReoffenceSource.JUSTICE, recorded_by=director)
    assert counts(figures.ALL_FIGURES["reoffences"].compute(center.pk, FY2026))["theft"] == 1
    FollowUpFactory(case=a, due_date=dt.date(2026, 7, 1), status=FollowUpStatus.DONE, done_on=dt.date(2026, 7, 1))
    FollowUpFactory(case=a, target="facility", due_date=dt.date(2026, 7, 1), status=FollowUpStatus.DONE,
                    done_on=dt.date(2026, 7, 9))
    FollowUpFactory(case=b, due_date=dt.date(2026, 8, 1))
    FollowUpFactory(case=b, target="facility", due_date=dt.date(2026, 8, 1), status=FollowUpStatus.CANCELLED)
    results = {r.code: r for r in figures.compute_all(center.pk, FY2026)}
    assert counts(results["follow_ups"]) == {"on_time": 1, "late": 1, "not_done": 1}
    assert results["follow_ups"].stats["share"] == pytest.approx(33.3)


def test_workload_and_consultations(center, director, worker):
    case(center, dt.date(2026, 5, 1), main_staff=worker)
    case(center, dt.date(2026, 5, 1), main_staff=worker)
    case(center, dt.date(2026, 5, 1), main_staff=director)
    workload = counts(figures.ALL_FIGURES["workload"].compute(center.pk, FY2026))
    assert workload[str(worker.pk)] == 2 and workload[str(director.pk)] == 1
    ConsultationFactory(center=center, consulted_on=dt.date(2026, 4, 1), requester_kind="police")
    ConsultationFactory(center=center, consulted_on=dt.date(2026, 3, 31), requester_kind="police")
    assert counts(figures.ALL_FIGURES["consultations"].compute(center.pk, FY2026))["police"] == 1


def test_figures_of_another_center_are_not_counted(center, other_center):
    case(other_center, dt.date(2026, 5, 1))
    assert figures.ALL_FIGURES["referrals_month"].compute(center.pk, FY2026).total == 0


def test_dashboard_figures_take_a_bounded_number_of_queries(center, django_assert_max_num_queries):
    for day in range(1, 20):
        case(center, dt.date(2026, 5, day))
    with django_assert_max_num_queries(30):
        figures.compute_all(center.pk, FY2026)
