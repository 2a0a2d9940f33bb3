"""Due dates through templates: business days across Golden Week, the year-end closure and a substitute holiday;
calendar days before release; the seeded templates."""

import datetime as dt

import pytest
import time_machine

from yorisoi.cases.models import CaseKind
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.procedures import services
from yorisoi.procedures.models import CaseProcedure, CaseTemplate, CaseTemplateItem, OffsetUnit, ReferenceKind
from yorisoi.procedures.tests.factories import procedure_type

pytestmark = pytest.mark.django_db


def _template(center, *items, kind=CaseKind.ENTRANCE):
    template = CaseTemplate.objects.create(center=center, name="テスト用テンプレート", case_kind=kind)
    for order, (code, reference, offset, unit) in enumerate(items):
        CaseTemplateItem.objects.create(template=template, procedure_type=procedure_type(code), reference=reference,
                                        offset_days=offset, offset_unit=unit, sort_order=order)
    return template


def _due(center, worker, release, offset, unit=OffsetUnit.BUSINESS) -> dt.date:
    template = _template(center, ("public_assistance", ReferenceKind.RELEASE, offset, unit))
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, expected_release_date=release)
    [procedure] = services.apply_case_template(case=case, actor=worker, template=template)
    return procedure.due_date


def test_business_days_skip_golden_week(center, worker):
    # Fri 2026-05-01; 5/2-5/3 weekend, 5/4-5/5 holidays, 5/6 substitute holiday for 憲法記念日 on Sunday.
    assert _due(center, worker, dt.date(2026, 5, 1), 1) == dt.date(2026, 5, 7)
    assert _due(center, worker, dt.date(2026, 4, 28), 3) == dt.date(2026, 5, 7)  # 4/29 昭和の日, 4/30, 5/1, 5/7


def test_business_days_skip_the_year_end_closure(center, worker):
    # Mon 2026-12-28 is the last day before the closure (12/29-1/3); Mon 2027-01-04 the first after.
    assert _due(center, worker, dt.date(2026, 12, 28), 1) == dt.date(2027, 1, 4)
    assert _due(center, worker, dt.date(2027, 1, 4), -1) == dt.date(2026, 12, 28)


def test_business_days_skip_a_substitute_holiday(center, worker):
    # 2025-11-23 勤労感謝の日 is a Sunday: Monday 11/24 is its substitute holiday.
    assert _due(center, worker, dt.date(2025, 11, 21), 1) == dt.date(2025, 11, 25)


def test_zero_business_days_from_a_holiday_is_the_next_open_day(center, worker):
    assert _due(center, worker, dt.date(2026, 5, 3), 0) == dt.date(2026, 5, 7)


def test_calendar_days_count_weekends_and_go_before_release(center, worker):
    assert _due(center, worker, dt.date(2026, 5, 1), -30, OffsetUnit.CALENDAR) == dt.date(2026, 4, 1)
    assert _due(center, worker, dt.date(2026, 5, 1), 7, OffsetUnit.CALENDAR) == dt.date(2026, 5, 8)


def test_case_open_reference_is_the_referral_date(center, worker):
    template = _template(center, ("resident_registration", ReferenceKind.CASE_OPEN, 10, OffsetUnit.CALENDAR))
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, referral_date=dt.date(2026, 11, 1))
    [procedure] = services.apply_case_template(case=case, actor=worker, template=template)
    assert procedure.due_date == dt.date(2026, 11, 11)


@time_machine.travel(dt.datetime(2026, 4, 20, 1, 0, tzinfo=dt.UTC), tick=False)
def test_seeded_entrance_template_gives_usual_procedures_with_due_dates(center, worker):
    # a 36-year-old without certificates: the 療育手帳 chain and 障害支援区分 fit, 要介護認定 does not
    person = PersonFactory(center=center, birth_date=dt.date(1990, 1, 10))
    case = CaseFactory(person=person, main_staff=worker, kind=CaseKind.ENTRANCE,
                       expected_release_date=dt.date(2026, 5, 1))
    added = services.apply_case_template(case=case, actor=worker)
    by_title = {p.title: p for p in added}
    assert len(added) == 12
    # 2 business days before Friday 5/1: Wed 4/29 is 昭和の日, so Tue 4/28.
    assert by_title["援護の実施者の確定"].due_date == dt.date(2026, 4, 28)
    assert by_title["生活保護申請"].due_date == dt.date(2026, 5, 7)
    assert by_title["住民票の回復"].due_date == dt.date(2026, 5, 11)
    # due from the placement date, not known yet; the next steps wait for the one before.
    assert by_title["療育手帳の申請"].due_date is None
    assert by_title["療育手帳の判定"].depends_on == by_title["療育手帳の申請"]
    assert by_title["療育手帳の判定"].waits_for_previous


def test_applying_a_template_twice_adds_nothing_more(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, kind=CaseKind.EXIT,
                       expected_release_date=dt.date(2026, 12, 1))
    first = services.apply_case_template(case=case, actor=worker)
    assert len(first) == 9  # a 71-year-old: 要介護認定, no 障害支援区分, the certificates left to the worker
    assert services.apply_case_template(case=case, actor=worker) == []
    assert CaseProcedure.objects.filter(case=case).count() == 9


def test_the_centers_own_template_comes_before_the_shared_one(center, worker):
    own = _template(center, ("pension", ReferenceKind.RELEASE, 0, OffsetUnit.CALENDAR), kind=CaseKind.EXIT)
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, kind=CaseKind.EXIT)
    assert services.default_template_for(case, worker) == own


def test_a_hidden_type_is_left_out_of_the_template(center, director, worker):
    services.set_procedure_type_hidden(actor=director, procedure_type=procedure_type("mobile_phone"), hidden=True)
    person = PersonFactory(center=center, birth_date=dt.date(1990, 1, 10))
    case = CaseFactory(person=person, main_staff=worker, kind=CaseKind.ENTRANCE)
    titles = [p.title for p in services.apply_case_template(case=case, actor=worker)]
    assert "携帯電話" not in titles and len(titles) == 11


def test_a_case_kind_without_template_gets_nothing(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, kind=CaseKind.CONSULTATION)
    assert services.apply_case_template(case=case, actor=worker) == []
