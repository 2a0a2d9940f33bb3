"""`manage.py purge_deleted --older-than-days N --yes`: the retention purge of soft-deleted rows, with their
change history, logged in the access log; refused without --yes."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from yorisoi.cases.models import Case
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.models import FamilyContact, Person
from yorisoi.people.tests.factories import FamilyContactFactory, PersonFactory
from yorisoi.privacy import services
from yorisoi.privacy.audit import verify_chain
from yorisoi.privacy.models import AccessAction, AccessLog
from yorisoi.records.models import Activity
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_deleted(center, worker, director):
    """A person deleted 100 days ago, with a case, two records and a family contact."""
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    ActivityFactory(case=case)
    ActivityFactory(case=case)
    FamilyContactFactory(person=case.person)
    with time_machine.travel(timezone.now() - dt.timedelta(days=100), tick=False):
        services.soft_delete_person(actor=director, person=case.person, reason="重複登録（テスト）")
    return case


@pytest.fixture
def recent_deleted(center, director):
    person = PersonFactory(center=center)
    with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
        services.soft_delete_person(actor=director, person=person, reason="最近の削除（テスト）")
    return person


@pytest.fixture
def alive(center):
    return CaseFactory(person=PersonFactory(center=center))


def test_refuses_to_run_without_yes_and_deletes_nothing(old_deleted, capsys):
    with pytest.raises(CommandError, match="--yes"):
        call_command("purge_deleted", "--older-than-days", "30")
    assert Person._base_manager.filter(pk=old_deleted.person_id).exists()
    assert "対象者（people.person）: 1件" in capsys.readouterr().out
    assert not AccessLog.objects.filter(section="retention").exists()


def test_requires_the_number_of_days(db):
    with pytest.raises(CommandError):
        call_command("purge_deleted", "--yes")


def test_purges_rows_deleted_before_the_cutoff_with_their_history(old_deleted, recent_deleted, alive):
    person_id, case_id = old_deleted.person_id, old_deleted.pk
    call_command("purge_deleted", "--older-than-days", "30", "--yes")
    assert not Person._base_manager.filter(pk=person_id).exists()
    assert not Case._base_manager.filter(pk=case_id).exists()
    assert not Activity._base_manager.filter(case_id=case_id).exists()
    assert not FamilyContact.objects.filter(person_id=person_id).exists()
    # the history would otherwise keep every field of the purged records
    assert not Person.history.filter(id=person_id).exists()
    assert not Case.history.filter(id=case_id).exists()
    assert not Activity.history.filter(case_id=case_id).exists()
    assert not FamilyContact.history.filter(person_id=person_id).exists()
    # newer deletions and live rows stay
    assert Person._base_manager.filter(pk=recent_deleted.pk).exists()
    assert Case.objects.filter(pk=alive.pk).exists()
    assert Person.history.filter(id=recent_deleted.pk).exists()


def test_writes_its_own_access_log_rows_with_the_counts(old_deleted, center, capsys):
    call_command("purge_deleted", "--older-than-days", "30", "--yes")
    rows = AccessLog.objects.filter(section="retention").order_by("id")
    assert [r.action for r in rows] == [AccessAction.DELETE, AccessAction.DELETE]
    per_center, summary = rows
    assert per_center.center_id_value == center.pk
    assert per_center.username == summary.username == "system:purge_deleted"
    assert per_center.staff is None
    for text in ("people.person 1件", "cases.case 1件", "records.activity 2件"):
        assert text in per_center.detail and text in summary.detail
    assert "30日超" in summary.detail
    assert "完全に削除しました" in capsys.readouterr().out
    assert verify_chain()[1] is None  # the chain stays intact


def test_the_directors_audit_screen_shows_the_purge(old_deleted, director_client):
    call_command("purge_deleted", "--older-than-days", "30", "--yes")
    page = director_client.get("/privacy/audit/?action=delete").content.decode()
    assert "自動処理（削除済みの記録の完全削除）" in page and "system:purge_deleted" not in page
    assert "保存期間経過後の完全削除" in page


def test_logs_a_run_that_found_nothing(db):
    call_command("purge_deleted", "--older-than-days", "30", "--yes")
    summary = AccessLog.objects.get(section="retention")
    assert summary.center_id_value is None and "0件" in summary.detail


def test_a_row_still_referenced_by_a_protected_key_is_kept_and_counted(center, director, capsys):
    case = CaseFactory(person=PersonFactory(center=center))
    with time_machine.travel(timezone.now() - dt.timedelta(days=100), tick=False):
        services.soft_delete_case(actor=director, case=case, reason="テスト")
    # A live record pointing at the deleted case (made directly: the services would not allow it).
    ActivityFactory(case=case)
    call_command("purge_deleted", "--older-than-days", "30", "--yes")
    assert Case._base_manager.filter(pk=case.pk).exists()
    assert "参照されているため残しました" in capsys.readouterr().out
    assert "保留" in AccessLog.objects.filter(section="retention").last().detail
