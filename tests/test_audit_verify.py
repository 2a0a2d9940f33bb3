"""`manage.py audit_verify`: passes on an untouched log, exits non-zero naming the first broken row when a row
was changed or removed directly in the database, including rows removed at the end (the sealed head). On
PostgreSQL the database itself refuses to change or remove a row; the tests that tamper switch that off first,
as someone with the owner's rights could."""

import io

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import DatabaseError, connection, transaction

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.audit import log_access, verify_chain
from yorisoi.privacy.models import AccessAction, AccessLog, AccessLogHead
from yorisoi.privacy.tests.tampering import tampering

pytestmark = pytest.mark.django_db




def run_audit_verify(capsys) -> tuple[int, str]:
    """Run the command as `manage.py audit_verify` would (exit status included), on the test database. It closes
    the database connection at the end, as the real command does: run it last in a test."""
    try:
        ManagementUtility(["manage.py", "audit_verify"]).execute()
    except SystemExit as exit_:
        code = exit_.code or 0
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def log_rows(center, worker, worker_client):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    worker_client.get(f"/people/{case.person_id}/")
    worker_client.get(f"/cases/{case.pk}/")
    worker_client.get("/people/?q=テスト")
    for n in range(5):
        log_access(actor=worker, action=AccessAction.VIEW, obj=case, person_id=case.person_id, detail=f"行{n}")
    rows = list(AccessLog.objects.order_by("id"))
    assert len(rows) >= 8
    return rows


def test_audit_verify_passes_on_a_clean_log(log_rows, capsys):
    code, output = run_audit_verify(capsys)
    assert code == 0
    assert f"{len(log_rows)} 行を検証しました" in output


def test_audit_verify_passes_on_an_empty_log(db, capsys):
    assert run_audit_verify(capsys)[0] == 0


def test_audit_verify_fails_and_names_the_row_whose_detail_was_edited(log_rows, capsys):
    target = log_rows[4]
    with tampering():
        AccessLog.objects.filter(pk=target.pk).update(detail="書き換えられた詳細")
    code, output = run_audit_verify(capsys)
    assert code != 0
    assert f"ID {target.pk}" in output
    assert "この行の内容が変更されています" in output


@pytest.mark.parametrize("field, value", [("action", AccessAction.PRINT), ("person_id_value", 424242),
                                          ("ip_address", "10.9.8.7"), ("username", "someone-else")])
def test_audit_verify_notices_a_change_of_any_field(log_rows, capsys, field, value):
    target = log_rows[2]
    with tampering():
        AccessLog.objects.filter(pk=target.pk).update(**{field: value})
    code, output = run_audit_verify(capsys)
    assert code != 0 and f"ID {target.pk}" in output


def test_audit_verify_fails_and_names_the_row_after_a_deleted_one(log_rows, capsys):
    deleted, following = log_rows[3], log_rows[4]
    with tampering():
        AccessLog.objects.filter(pk=deleted.pk).delete()
    code, output = run_audit_verify(capsys)
    assert code != 0
    assert f"ID {following.pk}" in output
    assert "直前の行が変更または削除されています" in output


def test_audit_verify_notices_a_recomputed_row_hash_without_the_key(log_rows, capsys):
    """Someone who rewrites a row and recomputes a plain SHA-256 still breaks the HMAC chain."""
    import hashlib

    target = log_rows[5]
    with tampering():
        AccessLog.objects.filter(pk=target.pk).update(
            detail="改ざん", row_hash=hashlib.sha256(b"forged").hexdigest())
    code, output = run_audit_verify(capsys)
    assert code != 0 and f"ID {target.pk}" in output


# --- the end of the log -----------------------------------------------------------------------------------------


def test_every_append_moves_the_sealed_head(log_rows):
    head = AccessLogHead.objects.get()
    assert head.row_count == len(log_rows)
    assert (head.last_id, head.last_hash) == (log_rows[-1].id, log_rows[-1].row_hash)
    assert not head.reanchored


def test_audit_verify_fails_when_the_last_rows_were_removed(log_rows, capsys):
    with tampering():
        AccessLog.objects.filter(pk__in=[r.pk for r in log_rows[-2:]]).delete()
    code, output = run_audit_verify(capsys)
    assert code != 0
    assert "末尾の行が削除されています" in output
    assert f"最後の行は ID {log_rows[-1].pk}" in output and f"実際は {len(log_rows) - 2} 行" in output
    assert f"ID {log_rows[-3].pk}" in output  # the last row that is left


def test_audit_verify_fails_when_the_whole_log_was_emptied(log_rows, capsys):
    with tampering():
        AccessLog.objects.all().delete()
    code, output = run_audit_verify(capsys)
    assert code != 0 and "末尾の行が削除されています" in output


def test_rows_appended_after_a_removal_at_the_end_do_not_hide_it(log_rows, worker, capsys):
    with tampering():
        AccessLog.objects.filter(pk=log_rows[-1].pk).delete()
    log_access(actor=worker, action=AccessAction.VIEW, detail="その後の閲覧")
    code, output = run_audit_verify(capsys)
    assert code != 0 and "一致しません" in output


def test_a_head_made_to_fit_a_shortened_log_without_the_key_is_noticed(log_rows, capsys):
    import hashlib

    kept = log_rows[-3]
    with tampering():
        AccessLog.objects.filter(pk__in=[r.pk for r in log_rows[-2:]]).delete()
    AccessLogHead.objects.update(row_count=len(log_rows) - 2, last_id=kept.id, last_hash=kept.row_hash,
                                 mac=hashlib.sha256(b"forged").hexdigest())
    code, output = run_audit_verify(capsys)
    assert code != 0 and "書き換えられています" in output


def test_a_removed_head_is_noticed_and_not_silently_rebuilt(log_rows, worker, capsys):
    with tampering():
        AccessLog.objects.filter(pk=log_rows[-1].pk).delete()
    AccessLogHead.objects.all().delete()
    assert "末尾の記録（行数と最後の行）がありません" in verify_chain()[2]
    log_access(actor=worker, action=AccessAction.VIEW, detail="その後の閲覧")  # rebuilds the head, marked
    assert AccessLogHead.objects.get().reanchored
    code, output = run_audit_verify(capsys)
    assert code != 0 and "--reanchor" in output


def test_reanchor_after_a_check_seals_the_log_again_and_is_logged(log_rows, capsys):
    AccessLogHead.objects.all().delete()
    out = io.StringIO()
    call_command("audit_verify", "--reanchor", "障害復旧後に確認済み（架空）", stdout=out)
    output = out.getvalue()
    assert "改ざんはありません" in output
    row = AccessLog.objects.order_by("-id").first()
    assert row.username == "system:audit_verify" and "障害復旧後に確認済み（架空）" in row.detail


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_to_change_or_remove_a_row(log_rows):
    for attempt in (lambda: AccessLog.objects.filter(pk=log_rows[0].pk).update(detail="x"),
                    lambda: AccessLog.objects.filter(pk=log_rows[0].pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AccessLog.objects.get(pk=log_rows[0].pk).detail == log_rows[0].detail
