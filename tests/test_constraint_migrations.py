"""The migrations that add a database rule first fix the rows that break it, so a real database migrates.

Each test migrates its app back to before the rule, writes a breaking row the way an old import or script
could, migrates forward and checks the row was fixed as the migration's docstring says, with a history row.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yorisoi.cases.models import CaseFlag
from yorisoi.cases.tests.factories import CaseFactory, CaseFlagFactory
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory
from yorisoi.placements.tests.factories import PlacementFactory
from yorisoi.records.tests.factories import ActivityFactory

# Migrating needs real transactions. An earlier transactional test may have flushed the rows that data
# migrations seed (organization kinds, …): the tests here build only rows that need none of them.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def migrate_back():
    """Call with (app, migration) to go back to that state; returns its models. Forward to the end afterwards."""
    executor = MigrationExecutor(connection)

    def to(app: str, name: str):
        executor.loader.build_graph()
        executor.migrate([(app, name)])
        return executor.loader.project_state([(app, name)]).apps

    yield to
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_minutes_beyond_a_day_are_cleared_and_the_typed_value_stays_in_the_history(center, worker, migrate_back):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    activity = ActivityFactory(case=case, author=worker, minutes=30, narrative="架空の本文（移行テスト）")
    untouched = ActivityFactory(case=case, author=worker, minutes=1440)
    old = migrate_back("records", "0002_history_change_reason_text")
    old.get_model("records", "Activity").objects.filter(pk=activity.pk).update(minutes=2000)

    _migrate_forward()

    activity.refresh_from_db()
    assert (activity.minutes, activity.version, activity.narrative) == (None, 2, "架空の本文（移行テスト）")
    newest = activity.history.order_by("-history_id").first()
    assert newest.minutes is None and newest.narrative == "架空の本文（移行テスト）"
    assert newest.history_change_reason == ("データベースの制約の導入に伴う修正：所要時間 2000分 は1440分を超えるため"
                                            "未入力にしました")
    untouched.refresh_from_db()
    assert (untouched.minutes, untouched.version, untouched.history.count()) == (1440, 1, 1)


def test_sub_staff_equal_to_main_is_cleared_and_later_copies_of_an_active_flag_are_ended(center, worker,
                                                                                        colleague, migrate_back):
    doubled = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    fine = CaseFactory(person=PersonFactory(center=center), main_staff=worker, sub_staff=colleague)
    first = CaseFlagFactory(case=doubled, label="医療的ケア")
    other_label = CaseFlagFactory(case=doubled, label="通訳が必要")
    old = migrate_back("cases", "0004_history_change_reason_text")
    old.get_model("cases", "Case").objects.filter(pk=doubled.pk).update(sub_staff=worker)
    copies = [old.get_model("cases", "CaseFlag").objects.create(case_id=doubled.pk, label="医療的ケア", active=True,
                                                                 created_by_id=worker.pk) for _ in range(2)]

    _migrate_forward()

    doubled.refresh_from_db()
    assert (doubled.main_staff, doubled.sub_staff, doubled.version) == (worker, None, 2)
    assert doubled.history.order_by("-history_id").first().history_change_reason.startswith(
        "データベースの制約の導入に伴う修正：主担当と同じ職員が副担当")
    fine.refresh_from_db()
    assert (fine.sub_staff, fine.version) == (colleague, 1)
    active = dict(CaseFlag.objects.filter(case=doubled).values_list("pk", "active"))
    assert active == {first.pk: True, other_label.pk: True, copies[0].pk: False, copies[1].pk: False}
    ended = CaseFlag.objects.get(pk=copies[0].pk).history.order_by("-history_id").first()
    assert ended.active is False
    assert ended.history_change_reason.startswith("データベースの制約の導入に伴う修正：同じ注意事項が重複")


def test_an_exit_without_reason_gets_other_and_a_history_row(center, worker, migrate_back):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    place = {"organization": None, "facility_name": "架空荘"}  # no directory kind needed (see pytestmark)
    placement = PlacementFactory(case=case, entered_on=dt.date(2026, 10, 1), exited_on=dt.date(2026, 10, 20),
                                 exit_reason="moved_on", exit_notes="架空の経緯", **place)
    current = PlacementFactory(case=case, entered_on=dt.date(2026, 10, 20), **place)
    old = migrate_back("placements", "0002_history_change_reason_text")
    old.get_model("placements", "Placement").objects.filter(pk=placement.pk).update(exit_reason="")

    _migrate_forward()

    placement.refresh_from_db()
    assert (placement.exited_on, placement.exit_reason, placement.exit_notes, placement.version) == (
        dt.date(2026, 10, 20), "other", "架空の経緯", 2)
    newest = placement.history.order_by("-history_id").first()
    assert (newest.exit_reason, newest.history_change_reason) == (
        "other", "データベースの制約の導入に伴う修正：退所の理由が未入力だったため「その他」にしました")
    current.refresh_from_db()
    assert (current.exit_reason, current.version) == ("", 1)


def test_a_renewal_before_the_issue_keeps_the_renewal_and_the_cleared_issue_date_stays_in_history(center,
                                                                                                 migrate_back):
    person = PersonFactory(center=center)
    wrong = CertificateFactory(person=person, issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2028, 3, 31))
    right = CertificateFactory(person=person, issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2026, 4, 1))
    old = migrate_back("people", "0004_history_change_reason_text")
    old.get_model("people", "DisabilityCertificate").objects.filter(pk=wrong.pk).update(
        renewal_due=dt.date(2026, 3, 31))

    _migrate_forward()

    wrong.refresh_from_db()
    assert (wrong.issued_on, wrong.renewal_due) == (None, dt.date(2026, 3, 31))
    before, after = wrong.history.order_by("-history_id")[1], wrong.history.order_by("-history_id")[0]
    assert (before.issued_on, before.renewal_due) == (dt.date(2026, 4, 1), dt.date(2026, 3, 31))
    assert after.issued_on is None and after.history_change_reason.startswith("データベースの制約の導入に伴う修正：")
    right.refresh_from_db()
    assert (right.issued_on, right.history.count()) == (dt.date(2026, 4, 1), 1)
