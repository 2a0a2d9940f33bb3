"""One access-log chain per center: each center's rows are chained and sealed on their own, so tampering with one
center's log fails only that center's verification, and a long transaction at one center does not hold up the
writers of another (PostgreSQL). Rows without a center have a chain of their own."""

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from yorisoi.accounts.tests.factories import CenterFactory
from yorisoi.privacy.audit import (
    LEGACY,
    NO_CENTER,
    chain_key,
    head_mac,
    log_access,
    reanchor,
    verify_chain,
    verify_chains,
)
from yorisoi.privacy.models import AccessAction, AccessLog, AccessLogHead
from yorisoi.privacy.tests.tampering import tampering


def write_rows(center_id, n, label="閲覧"):
    return [log_access(action=AccessAction.VIEW, center_id=center_id, detail=f"{label}{i}") for i in range(n)]


def reports_by_chain():
    return {report.chain: report for report in verify_chains()}


@pytest.fixture
def two_logs(center, other_center):
    """Rows of two centers, interleaved as real traffic would be."""
    rows = {center.pk: [], other_center.pk: []}
    for i in range(4):
        for c in (center, other_center):
            rows[c.pk].append(log_access(action=AccessAction.VIEW, center_id=c.pk, detail=f"行{i}"))
    return rows


@pytest.mark.django_db
class TestChainsPerCenter:
    def test_each_center_has_its_own_chain_and_sealed_head(self, two_logs, center, other_center):
        for c in (center, other_center):
            rows = two_logs[c.pk]
            assert rows[0].prev_hash == "0" * 64  # each chain starts on its own
            assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
            head = AccessLogHead.objects.get(chain=chain_key(c.pk))
            assert (head.row_count, head.last_id, head.last_hash) == (4, rows[-1].id, rows[-1].row_hash)
        assert AccessLogHead.objects.count() == 2

    def test_both_chains_verify_when_nobody_touched_them(self, two_logs, center, other_center):
        reports = reports_by_chain()
        assert set(reports) == {chain_key(center.pk), chain_key(other_center.pk)}
        assert all(r.ok and r.rows == 4 for r in reports.values())
        assert verify_chain() == (8, None, "")

    def test_a_changed_row_fails_only_its_own_centers_chain(self, two_logs, center, other_center):
        target = two_logs[center.pk][2]
        with tampering():
            AccessLog.objects.filter(pk=target.pk).update(detail="書き換え")
        reports = reports_by_chain()
        broken = reports[chain_key(center.pk)]
        assert [(row.pk, why) for row, why in broken.problems] == [(target.pk, "この行の内容が変更されています")]
        assert reports[chain_key(other_center.pk)].ok

    def test_a_removed_row_at_the_end_of_one_center_is_noticed_there_only(self, two_logs, center, other_center):
        last = two_logs[other_center.pk][-1]
        with tampering():
            AccessLog.objects.filter(pk=last.pk).delete()
        reports = reports_by_chain()
        assert "末尾の行が削除されています" in reports[chain_key(other_center.pk)].head_problem
        assert reports[chain_key(center.pk)].ok

    def test_a_row_moved_to_another_center_breaks_both_chains(self, two_logs, center, other_center):
        moved = two_logs[center.pk][1]
        with tampering():
            AccessLog.objects.filter(pk=moved.pk).update(center_id_value=other_center.pk)
        reports = reports_by_chain()
        assert not reports[chain_key(center.pk)].ok and not reports[chain_key(other_center.pk)].ok

    def test_one_centers_head_cannot_stand_in_for_anothers(self, two_logs, center, other_center):
        """The chain's name is sealed: copying the numbers and seal of a head to another chain is noticed."""
        source = AccessLogHead.objects.get(chain=chain_key(center.pk))
        AccessLogHead.objects.filter(chain=chain_key(other_center.pk)).update(
            row_count=source.row_count, last_id=source.last_id, last_hash=source.last_hash, mac=source.mac)
        reports = reports_by_chain()
        assert "書き換えられています" in reports[chain_key(other_center.pk)].head_problem
        assert reports[chain_key(center.pk)].ok

    def test_rows_without_a_center_form_the_no_center_chain(self, two_logs, center):
        failed = log_access(action=AccessAction.LOGIN_FAILED, username="unknown-user")
        head = AccessLogHead.objects.get(chain=NO_CENTER)
        assert failed.center_id_value is None and failed.prev_hash == "0" * 64
        assert (head.row_count, head.last_id) == (1, failed.id)
        assert all(r.ok for r in verify_chains())
        assert AccessLogHead.objects.get(chain=chain_key(center.pk)).row_count == 4  # untouched

    def test_a_failed_log_in_through_the_page_lands_in_the_no_center_chain(self, client):
        client.post("/accounts/login/", {"username": "nobody-here", "password": "wrong"})
        row = AccessLog.objects.get(action=AccessAction.LOGIN_FAILED)
        assert row.center_id_value is None
        assert AccessLogHead.objects.get(chain=NO_CENTER).last_id == row.id

    def test_reanchor_of_one_center_leaves_the_others_alone(self, two_logs, center, other_center):
        AccessLogHead.objects.filter(chain=chain_key(center.pk)).delete()
        other_before = AccessLogHead.objects.get(chain=chain_key(other_center.pk))
        [head] = reanchor(note="確認済み（架空）", chain=chain_key(center.pk))
        assert head.chain == chain_key(center.pk) and not head.reanchored
        assert AccessLogHead.objects.get(chain=chain_key(other_center.pk)).mac == other_before.mac
        logged = AccessLog.objects.order_by("-id").first()
        assert logged.center_id_value == center.pk and "確認済み（架空）" in logged.detail
        assert all(r.ok for r in verify_chains())


@pytest.mark.django_db
class TestAuditVerifyCommand:
    def test_reports_every_chain_by_center_name(self, two_logs, center, other_center):
        log_access(action=AccessAction.LOGIN_FAILED, username="unknown-user")
        CenterFactory(name="架空の静かなセンター")
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
        output = out.getvalue()
        assert f"センター「{center.name}」（ID {center.pk}）: 4 行、正常です。" in output
        assert f"センター「{other_center.name}」（ID {other_center.pk}）: 4 行、正常です。" in output
        assert "センターなし（不明なユーザーのログイン失敗など）: 1 行、正常です。" in output
        assert "「架空の静かなセンター」" in output and "記録なし" in output
        assert "アクセスログ 9 行を検証しました（3 チェーン）" in output

    def test_fails_naming_the_center_and_row_that_was_changed(self, two_logs, center, other_center):
        target = two_logs[other_center.pk][0]
        with tampering():
            AccessLog.objects.filter(pk=target.pk).update(username="someone-else")
        out = io.StringIO()
        with pytest.raises(CommandError, match="2 チェーンのうち 1 チェーン"):
            call_command("audit_verify", stdout=out)
        output = out.getvalue()
        assert f"センター「{other_center.name}」（ID {other_center.pk}）: 4 行、改ざんを検出しました。" in output
        assert f"ID {target.pk}（この行の内容が変更されています）" in output
        assert f"センター「{center.name}」（ID {center.pk}）: 4 行、正常です。" in output

    def test_reanchor_can_be_limited_to_one_center(self, two_logs, center, other_center):
        AccessLogHead.objects.all().delete()
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command("audit_verify", "--reanchor", "確認済み（架空）", "--center", str(center.pk), stdout=out)
        # the 4 rows and the re-seal's own row
        assert "末尾の記録を作り直しました（5 行）" in out.getvalue()
        assert not AccessLogHead.objects.filter(chain=chain_key(other_center.pk)).exists()

    def test_a_wrong_center_option_is_refused_in_japanese(self, db):
        with pytest.raises(CommandError, match="センターID、none または legacy"):
            call_command("audit_verify", "--reanchor", "理由", "--center", "どこか")


# --- the migration from one chain to one chain per center -------------------------------------------------------

BEFORE, AFTER = ("privacy", "0006_anchor_and_append_only"), ("privacy", "latest")


def migrate_to(target):
    """Migrate privacy to `target`; "latest": its newest migration, after the split (the code under test reads the
    current schema, e.g. the persons of list rows)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if target[1] == "latest":
        target = executor.loader.graph.leaf_nodes("privacy")[0]
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


def old_single_chain(apps, centers, *, with_head=True):
    """Rows in the shape written before the split: one chain over every center, one head (pk 1)."""
    from django.utils import timezone

    from yorisoi.privacy.audit import compute_hash

    OldLog, OldHead = apps.get_model("privacy", "AccessLog"), apps.get_model("privacy", "AccessLogHead")
    prev, rows = "0" * 64, []
    for i in range(6):
        row = OldLog(at=timezone.now(), username="worker", center_id_value=centers[i % len(centers)],
                     action="view", detail=f"移行前{i}", prev_hash=prev)
        row.row_hash = compute_hash(row)  # the payload did not change with the split
        row.save(force_insert=True)
        prev = row.row_hash
        rows.append(row)
    if with_head:
        last = rows[-1]
        OldHead.objects.create(pk=1, row_count=len(rows), last_id=last.id, last_hash=last.row_hash, reanchored=False,
                               mac=head_mac(chain=LEGACY, row_count=len(rows), last_id=last.id,
                                            last_hash=last.row_hash, reanchored=False),
                               updated_at=timezone.now())
    return rows


@pytest.fixture
def before_the_split(transactional_db):
    apps = migrate_to(BEFORE)
    try:
        yield apps
    finally:
        # Forward to every app's latest migration, not only AFTER: later migrations of privacy (the export task's
        # fields) were unapplied with the step back and the rest of this process's tests need them.
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.migrations
def test_the_old_single_chain_stays_verifiable_as_the_legacy_chain(before_the_split, center, other_center):
    old = old_single_chain(before_the_split, [center.pk, other_center.pk, None])
    migrate_to(AFTER)
    head = AccessLogHead.objects.get(chain=LEGACY)
    assert (head.row_count, head.last_id, head.reanchored) == (6, old[-1].id, False)  # the old seal, kept as it was
    assert [(r.chain, r.rows, r.ok) for r in verify_chains()] == [(LEGACY, 6, True)]

    write_rows(center.pk, 2)
    write_rows(other_center.pk, 3)
    log_access(action=AccessAction.LOGIN_FAILED, username="unknown-user")
    reports = reports_by_chain()
    assert {chain: (r.rows, r.ok) for chain, r in reports.items()} == {
        LEGACY: (6, True), chain_key(center.pk): (2, True), chain_key(other_center.pk): (3, True),
        NO_CENTER: (1, True)}
    assert AccessLog.objects.get(detail="閲覧0", center_id_value=center.pk).prev_hash == "0" * 64


@pytest.mark.migrations
def test_a_row_changed_before_the_split_is_still_reported_after_it(before_the_split, center, other_center):
    """The migration re-computes no hash, so it cannot launder a log that was already tampered with."""
    old = old_single_chain(before_the_split, [center.pk, other_center.pk])
    with tampering():
        OldLog = before_the_split.get_model("privacy", "AccessLog")
        OldLog.objects.filter(pk=old[3].pk).update(detail="移行前に書き換え")
    migrate_to(AFTER)
    write_rows(center.pk, 2)
    reports = reports_by_chain()
    assert [(row.pk, why) for row, why in reports[LEGACY].problems] == [(old[3].pk, "この行の内容が変更されています")]
    assert reports[chain_key(center.pk)].ok


@pytest.mark.migrations
def test_a_missing_old_head_becomes_a_reanchored_legacy_head(before_the_split, center):
    old_single_chain(before_the_split, [center.pk], with_head=False)
    migrate_to(AFTER)
    report = reports_by_chain()[LEGACY]
    assert "--reanchor" in report.head_problem
    reanchor(note="移行前の末尾の記録の欠落を確認済み（架空）", chain=LEGACY)
    assert all(r.ok for r in verify_chains())
    logged = AccessLog.objects.order_by("-id").first()  # the re-seal of the legacy chain goes to the no-center chain
    assert logged.center_id_value is None and "移行前の共通チェーン" in logged.detail


@pytest.mark.migrations
def test_an_empty_log_is_split_without_a_legacy_chain(before_the_split, center):
    migrate_to(AFTER)
    assert not AccessLogHead.objects.exists()
    write_rows(center.pk, 1)
    assert [(r.chain, r.ok) for r in verify_chains()] == [(chain_key(center.pk), True)]


# --- locks ------------------------------------------------------------------------------------------------------


def _in_own_connection(target, *args):
    """Run target in a thread with its own database connection; errors are kept for the test to raise."""
    errors: list[BaseException] = []

    def run():
        try:
            target(*args)
        except BaseException as error:  # handed back to the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has one write lock for the whole database: writers of every center wait for "
                           "each other there by design, so per-center locking can only be shown on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_long_transaction_at_one_center_does_not_block_another_center(center, other_center, outsider_client):
    from yorisoi.people.tests.factories import PersonFactory

    person_b = PersonFactory(center=other_center)
    holding, release = threading.Event(), threading.Event()

    def long_transaction():
        with transaction.atomic():
            log_access(action=AccessAction.VIEW, center_id=center.pk, detail="長い処理の途中")
            holding.set()
            release.wait(30)

    def write(center_id, detail):
        with transaction.atomic():
            with connection.cursor() as cursor:  # fail rather than hang if the lock were shared
                cursor.execute("SET LOCAL lock_timeout = '10s'")
            log_access(action=AccessAction.VIEW, center_id=center_id, detail=detail)

    long, long_errors = _in_own_connection(long_transaction)
    try:
        assert holding.wait(10), "the long transaction did not start"
        other, other_errors = _in_own_connection(write, other_center.pk, "別のセンターの閲覧")
        other.join(5)
        assert not other.is_alive() and not other_errors, "center B waited for center A's transaction"

        page = {}

        def page_view():  # a page that writes its access-log row at center B
            page["status"] = outsider_client.get(f"/people/{person_b.pk}/").status_code

        viewer, viewer_errors = _in_own_connection(page_view)
        viewer.join(15)
        assert not viewer.is_alive() and not viewer_errors and page["status"] == 200
        assert AccessLog.objects.filter(center_id_value=other_center.pk, person_id_value=person_b.pk).exists()

        same, same_errors = _in_own_connection(write, center.pk, "同じセンターの閲覧")
        same.join(1.5)
        assert same.is_alive(), "a writer of the same center must wait: its chain is locked"
    finally:
        release.set()
        long.join(10)
    same.join(10)
    assert not long_errors and not same_errors and not same.is_alive()

    reports = reports_by_chain()
    assert reports[chain_key(center.pk)].ok and reports[chain_key(center.pk)].rows == 2
    assert reports[chain_key(other_center.pk)].ok
    first, second = AccessLog.objects.filter(center_id_value=center.pk).order_by("id")
    assert (first.detail, second.detail) == ("長い処理の途中", "同じセンターの閲覧")
    assert second.prev_hash == first.row_hash
