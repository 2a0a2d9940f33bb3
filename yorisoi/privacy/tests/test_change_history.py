"""Change history: every change keeps who, when, before and after, and the reason given — through the
services of each app, inside and outside a request."""

import pytest

from yorisoi.cases.models import Phase
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people import services as people_services
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy import services
from yorisoi.records import services as record_services
from yorisoi.records.tests.factories import ActivityFactory
from yorisoi.workflow import services as case_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, worker):
    return CaseFactory(person=PersonFactory(center=center, phone="048-000-0000"), main_staff=worker,
                       created_by=worker)


def newest(obj):
    return obj.history.order_by("-history_id").first()


def test_a_face_sheet_change_keeps_who_when_before_after_and_why(case, worker):
    person = case.person
    people_services.update_person(actor=worker, person=person, expected_version=person.version,
                                  change_reason="本人から電話番号変更の連絡", phone="048-111-1111")
    row = newest(person)
    assert (row.history_user, row.history_change_reason) == (worker, "本人から電話番号変更の連絡")
    delta = row.diff_against(row.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "phone"] == [
        ("phone", "048-000-0000", "048-111-1111")]


def test_a_phase_change_keeps_the_user_and_the_reason(case, worker):
    case_services.change_case_phase(actor=worker, case=case, to_phase=Phase.COORDINATING,
                                    reason="受け入れ先の調整を始めるため", expected_version=case.version)
    row = newest(case)
    assert (row.history_user, row.history_change_reason, row.phase) == (
        worker, "受け入れ先の調整を始めるため", Phase.COORDINATING)


def test_a_record_correction_keeps_the_earlier_text(case, worker):
    activity = ActivityFactory(case=case, narrative="最初の記録（テスト）", author=worker)
    record_services.correct_activity(actor=worker, activity=activity, expected_version=activity.version,
                                     change_reason="聞き取りの誤り", narrative="訂正後の記録（テスト）")
    row = newest(activity)
    assert (row.history_user, row.history_change_reason) == (worker, "聞き取りの誤り")
    assert row.prev_record.narrative == "最初の記録（テスト）"


def test_attribute_change_names_the_user_outside_a_request(case, director):
    """For code that saves outside a request (commands, tasks): the history still names the user."""
    person = case.person
    person.phone = "048-222-2222"
    services.attribute_change(person, actor=director, reason="一括修正（テスト）")
    person.save()
    row = newest(person)
    assert (row.history_user, row.history_change_reason, row.updated_by) == (
        director, "一括修正（テスト）", director)


def test_history_reason_fits_the_history_table(case):
    from yorisoi.people.models import Person

    limit = Person.history.model._meta.get_field("history_change_reason").max_length
    assert services.history_reason(Person, "あ" * 500) == "あ" * (limit or 500)
    assert services.history_reason(Person, "  ") is None
