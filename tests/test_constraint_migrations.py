"""The migrations that add a database rule first fix the rows that break it, so a real database migrates.

The test migrates the four apps back to before their rules, writes breaking rows the way an old import or script
could, migrates forward and checks each row was fixed as its migration's docstring says, with a history row. One
round trip for the four rules: each step back replays the whole migration history (about a minute).
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
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.migrations]


TARGETS = [("records", "0002_history_change_reason_text"), ("cases", "0004_history_change_reason_text"),
           ("placements", "0002_history_change_reason_text"), ("people", "0004_history_change_reason_text")]


def _migrate_back():
    executor = MigrationExecutor(connection)
    executor.migrate(TARGETS)
    return executor.loader.project_state(TARGETS).apps


def _migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_each_rule_fixes_the_rows_that_break_it_and_leaves_the_others(center, worker, colleague):
    rows = {
        "minutes": _minutes_beyond_a_day(center, worker),
        "staff": _sub_staff_equal_to_main_and_flag_copies(center, worker, colleague),
        "exit": _exit_without_reason(center, worker),
        "renewal": _renewal_before_issue(center),
    }
    try:
        old = _migrate_back()
        for scenario in rows.values():
            scenario["break"](old)
    finally:
        _migrate_forward()
    for name, scenario in rows.items():
        try:
            scenario["check"]()
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


def _minutes_beyond_a_day(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    activity = ActivityFactory(case=case, author=worker, minutes=30, narrative="架空の本文（移行テスト）")
    untouched = ActivityFactory(case=case, author=worker, minutes=1440)

    def breaking(old):
        old.get_model("records", "Activity").objects.filter(pk=activity.pk).update(minutes=2000)

    def check():
        activity.refresh_from_db()
        assert (activity.minutes, activity.version, activity.narrative) == (None, 2, "架空の本文（移行テスト）")
        newest = activity.history.order_by("-history_id").first()
        assert newest.minutes is None and newest.narrative == "架空の本文（移行テスト）"
        assert newest.history_change_reason == ("データベースの制約の導入に伴う修正：所要時間 2000分 は1440分を超える"
                                                "ため未入力にしました")
        untouched.refresh_from_db()
        assert (untouched.minutes, untouched.version, untouched.history.count()) == (1440, 1, 1)

    return {"break": breaking, "check": check}


def _sub_staff_equal_to_main_and_flag_copies(center, worker, colleague):
    doubled = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    fine = CaseFactory(person=PersonFactory(center=center), main_staff=worker, sub_staff=colleague)
    first = CaseFlagFactory(case=doubled, label="医療的ケア")
    other_label = CaseFlagFactory(case=doubled, label="通訳が必要")
    copies = []

    def breaking(old):
        old.get_model("cases", "Case").objects.filter(pk=doubled.pk).update(sub_staff=worker)
        copies.extend(old.get_model("cases", "CaseFlag").objects.create(
            case_id=doubled.pk, label="医療的ケア", active=True, created_by_id=worker.pk) for _ in range(2))

    def check():
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

    return {"break": breaking, "check": check}


def _exit_without_reason(center, worker):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    place = {"organization": None, "facility_name": "架空荘"}  # no directory kind needed (see pytestmark)
    placement = PlacementFactory(case=case, entered_on=dt.date(2026, 10, 1), exited_on=dt.date(2026, 10, 20),
                                 exit_reason="moved_on", exit_notes="架空の経緯", **place)
    current = PlacementFactory(case=case, entered_on=dt.date(2026, 10, 20), **place)

    def breaking(old):
        old.get_model("placements", "Placement").objects.filter(pk=placement.pk).update(exit_reason="")

    def check():
        placement.refresh_from_db()
        assert (placement.exited_on, placement.exit_reason, placement.exit_notes, placement.version) == (
            dt.date(2026, 10, 20), "other", "架空の経緯", 2)
        newest = placement.history.order_by("-history_id").first()
        assert (newest.exit_reason, newest.history_change_reason) == (
            "other", "データベースの制約の導入に伴う修正：退所の理由が未入力だったため「その他」にしました")
        current.refresh_from_db()
        assert (current.exit_reason, current.version) == ("", 1)

    return {"break": breaking, "check": check}


def _renewal_before_issue(center):
    person = PersonFactory(center=center)
    wrong = CertificateFactory(person=person, issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2028, 3, 31))
    right = CertificateFactory(person=person, issued_on=dt.date(2026, 4, 1), renewal_due=dt.date(2026, 4, 1))

    def breaking(old):
        old.get_model("people", "DisabilityCertificate").objects.filter(pk=wrong.pk).update(
            renewal_due=dt.date(2026, 3, 31))

    def check():
        wrong.refresh_from_db()
        assert (wrong.issued_on, wrong.renewal_due) == (None, dt.date(2026, 3, 31))
        before, after = wrong.history.order_by("-history_id")[1], wrong.history.order_by("-history_id")[0]
        assert (before.issued_on, before.renewal_due) == (dt.date(2026, 4, 1), dt.date(2026, 3, 31))
        assert after.issued_on is None
        assert after.history_change_reason.startswith("データベースの制約の導入に伴う修正：")
        right.refresh_from_db()
        assert (right.issued_on, right.history.count()) == (dt.date(2026, 4, 1), 1)

    return {"break": breaking, "check": check}
