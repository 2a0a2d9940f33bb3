"""backup → empty database → restore, compared table by table on the raw stored values."""

import hashlib
import io
import json
import tarfile
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from yorisoi.accounts.models import Role, Staff
from yorisoi.accounts.tests.factories import CenterFactory, StaffFactory
from yorisoi.operations.backup import backup_models, stream
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory
from yorisoi.privacy.audit import log_access, verify_chain
from yorisoi.privacy.models import AccessLog, AccessLogHead
from yorisoi.records.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db(transaction=True)

BACKUP_KEY = Fernet.generate_key().decode()
UNIQUE_NAME = "架空山Ｑ７"
UNIQUE_HEALTH = "架空の持病（テスト用・固有文字列 ZK81）"
SCAN = "架空の同意書スキャン".encode() * 100


def raw_snapshot() -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of every row's raw column values in pk order)} for every table Django manages."""
    snapshot = {}
    with connection.cursor() as cursor:
        for model in backup_models():
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            digest, rows = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
                rows += 1
            snapshot[model._meta.db_table] = (rows, digest.hexdigest())
    return snapshot


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    (root / "consents" / "2026").mkdir(parents=True)
    (root / "consents" / "2026" / "同意書_0001.pdf").write_bytes(SCAN)
    (root / "minutes.txt").write_text("架空の議事録", encoding="utf-8")
    return root


@pytest.fixture
def backup_key(monkeypatch):
    monkeypatch.setenv("YORISOI_BACKUP_KEY", BACKUP_KEY)
    return BACKUP_KEY


@pytest.fixture
def site_data(media):
    center = CenterFactory(name="架空県地域生活定着支援センター")
    director = StaffFactory(center=center, role=Role.DIRECTOR, username="kanri-test")
    people = [PersonFactory(center=center, family_name=UNIQUE_NAME, health_conditions=UNIQUE_HEALTH,
                            medication="架空の薬", created_by=director)]
    people += [PersonFactory(center=center) for _ in range(2)]
    people[1].justice_agencies = "架空の保護観察所"
    people[1].save()
    for i in range(4):
        ActivityFactory(case__person=people[i % 3], case__number=f"2026-9{i:03d}", author=director,
                        narrative=f"架空の支援記録 {i}")
    for person in people:
        log_access(actor=director, action="view", obj=person, person_id=person.pk, section="health")
    return people


def run(command, *args, **kwargs) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def empty_the_site(media):
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()


def archive_members(path, key: str) -> dict[str, bytes]:
    with open(path, "rb") as raw:
        header, derived = stream.read_header(raw, key)
        with tarfile.open(fileobj=stream.DecryptingReader(raw, derived, header), mode="r|gz") as tar:
            return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def test_backup_then_restore_brings_back_every_table_and_file(site_data, media, backup_key, tmp_path):
    before = raw_snapshot()
    log_rows = AccessLog.objects.count()
    target = tmp_path / "yorisoi.backup"

    out = run("backup", "--output", str(target))
    assert "t1（" in out  # the field key ids the backup depends on are named

    blob = target.read_bytes()
    assert UNIQUE_NAME.encode() not in blob and SCAN[:30] not in blob
    assert AccessLog.objects.latest("id").detail.startswith("backup file=yorisoi.backup")

    empty_the_site(media)
    assert Staff.objects.count() == Person.objects.count() == 0

    out = run("restore", str(target))
    assert "復元しました" in out

    after = raw_snapshot()
    # the log and its sealed head grow by the restore's own row
    log_tables = {AccessLog._meta.db_table, AccessLogHead._meta.db_table}
    assert {t: v for t, v in after.items() if t not in log_tables} == \
        {t: v for t, v in before.items() if t not in log_tables}
    assert sum(rows for rows, _ in before.values()) > 100  # the comparison covered real data
    # the access log: exactly the rows that were backed up, then the restore's own row
    assert AccessLog.objects.count() == log_rows + 1
    assert AccessLog.objects.latest("id").detail.startswith("restore file=yorisoi.backup")
    checked, broken, why = verify_chain()
    assert broken is None and why == "" and checked == log_rows + 1

    assert (media / "consents" / "2026" / "同意書_0001.pdf").read_bytes() == SCAN
    assert (media / "minutes.txt").read_text(encoding="utf-8") == "架空の議事録"
    restored = Person.objects.get(family_name=UNIQUE_NAME)
    assert restored.health_conditions == UNIQUE_HEALTH
    assert {h.health_conditions for h in restored.history.all()} == {UNIQUE_HEALTH}
    # sequences continue after the restored ids (PostgreSQL), so the site can add rows again
    newcomer = PersonFactory(center=restored.center)
    assert newcomer.pk > max(p.pk for p in site_data)
    ActivityFactory(case__person=newcomer, case__number="2026-9999")


def test_the_backup_holds_encrypted_fields_as_ciphertext_and_no_keys(site_data, backup_key, tmp_path, settings):
    target = tmp_path / "b.yorisoi"
    run("backup", "-o", str(target))
    members = archive_members(target, backup_key)
    everything = b"".join(members.values())
    assert UNIQUE_HEALTH.encode() not in everything
    assert settings.YORISOI_FIELD_KEYS.split(":", 1)[1].encode() not in everything
    rows = [json.loads(line) for name, data in members.items() if name.startswith("data/people.person/")
            for line in data.splitlines()]
    person = next(r for r in rows if r["fields"]["family_name"] == UNIQUE_NAME)
    assert person["fields"]["health_conditions"].startswith("t1$gAAAAA")
    manifest = json.loads(members["manifest.json"])
    assert manifest["field_key_ids"]["t1"] > 0
    assert manifest["models"]["records.historicalactivity"]["rows"] == 4
    assert manifest["media"]["files"] == 2


def test_restore_refuses_a_database_in_use_unless_forced(site_data, media, backup_key, tmp_path):
    target = tmp_path / "b.yorisoi"
    run("backup", "-o", str(target))
    before = raw_snapshot()
    PersonFactory(center=site_data[0].center, family_name="後から登録")

    with pytest.raises(CommandError, match=r"復元先にデータがあります.*--force"):
        run("restore", str(target))
    assert Person.objects.filter(family_name="後から登録").exists()

    (media / "stray.txt").write_text("後から置いたファイル")
    run("restore", str(target), "--force")
    assert not Person.objects.filter(family_name="後から登録").exists()
    assert not (media / "stray.txt").exists()
    log_tables = {AccessLog._meta.db_table, AccessLogHead._meta.db_table}
    after = raw_snapshot()
    assert {t: v for t, v in after.items() if t not in log_tables} == \
        {t: v for t, v in before.items() if t not in log_tables}


def test_backup_refuses_to_run_without_the_backup_key(site_data, monkeypatch, tmp_path):
    monkeypatch.delenv("YORISOI_BACKUP_KEY", raising=False)
    with pytest.raises(CommandError, match="環境変数 YORISOI_BACKUP_KEY が設定されていません"):
        run("backup", "-o", str(tmp_path / "b.yorisoi"))
    assert not list(tmp_path.glob("*.yorisoi"))


def test_restore_without_the_backup_key_fails_with_a_japanese_message(site_data, media, backup_key, monkeypatch,
                                                                      tmp_path):
    target = tmp_path / "b.yorisoi"
    run("backup", "-o", str(target))
    empty_the_site(media)
    monkeypatch.delenv("YORISOI_BACKUP_KEY")
    with pytest.raises(CommandError, match="環境変数 YORISOI_BACKUP_KEY が設定されていません"):
        run("restore", str(target))
    assert Staff.objects.count() == 0


def test_restore_with_a_wrong_key_fails_cleanly_and_changes_nothing(site_data, media, backup_key, monkeypatch,
                                                                    tmp_path):
    target = tmp_path / "b.yorisoi"
    run("backup", "-o", str(target))
    empty_the_site(media)
    before = raw_snapshot()
    monkeypatch.setenv("YORISOI_BACKUP_KEY", Fernet.generate_key().decode())
    with pytest.raises(CommandError, match="バックアップを復号できません"):
        run("restore", str(target))
    monkeypatch.setenv("YORISOI_BACKUP_KEY", "a passphrase instead of the key")
    with pytest.raises(CommandError, match="Fernet 鍵で暗号化されています"):
        run("restore", str(target))
    assert raw_snapshot() == before
    assert not any(media.iterdir())


def test_a_passphrase_works_as_the_backup_key(site_data, media, monkeypatch, tmp_path):
    monkeypatch.setenv("YORISOI_BACKUP_KEY", "架空の合言葉は十六文字以上にしてあります")
    target = tmp_path / "b.yorisoi"
    run("backup", "-o", str(target))
    before = raw_snapshot()
    empty_the_site(media)
    monkeypatch.setenv("YORISOI_BACKUP_KEY", "架空の合言葉は十六文字以上にしてありません")
    with pytest.raises(CommandError, match="バックアップを復号できません"):
        run("restore", str(target))
    monkeypatch.setenv("YORISOI_BACKUP_KEY", "架空の合言葉は十六文字以上にしてあります")
    run("restore", str(target))
    log_tables = {AccessLog._meta.db_table, AccessLogHead._meta.db_table}
    after = raw_snapshot()
    assert {t: v for t, v in after.items() if t not in log_tables} == \
        {t: v for t, v in before.items() if t not in log_tables}


def test_a_short_passphrase_is_refused(site_data, monkeypatch, tmp_path):
    monkeypatch.setenv("YORISOI_BACKUP_KEY", "short")
    with pytest.raises(CommandError, match="16 文字以上"):
        run("backup", "-o", str(tmp_path / "b.yorisoi"))


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_backup_is_refused_and_the_database_is_left_alone(site_data, media, backup_key, tmp_path,
                                                                    damage, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK_SIZE", 4096)  # several chunks, so the damage is not in the first
    target = tmp_path / "b.yorisoi"
    run("backup", "-o", str(target))
    blob = bytearray(target.read_bytes())
    if damage == "flip":
        blob[len(blob) // 2] ^= 0x01
    else:
        blob = blob[: len(blob) - 4100]
    target.write_bytes(bytes(blob))
    empty_the_site(media)
    before = raw_snapshot()
    with pytest.raises(CommandError, match="壊れています"):
        run("restore", str(target))
    assert raw_snapshot() == before
    assert not any(media.iterdir())


def test_restore_refuses_a_database_migrated_differently(site_data, media, backup_key, tmp_path):
    target = tmp_path / "b.yorisoi"
    run("backup", "-o", str(target))
    empty_the_site(media)
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("partners", "0002_seed_organization_kinds")
    try:
        with pytest.raises(CommandError, match=r"マイグレーション.*partners\.0002_seed_organization_kinds"):
            run("restore", str(target))
    finally:
        recorder.record_applied("partners", "0002_seed_organization_kinds")
    assert Staff.objects.count() == 0


def test_backup_never_overwrites_a_file(site_data, backup_key, tmp_path):
    target = tmp_path / "b.yorisoi"
    target.write_bytes(b"earlier backup")
    with pytest.raises(CommandError, match="すでに存在します"):
        run("backup", "-o", str(target))
    assert target.read_bytes() == b"earlier backup"


def test_a_file_that_is_not_a_backup_is_refused(db, backup_key, tmp_path):
    target = tmp_path / "not-a-backup"
    target.write_bytes(io.BytesIO(b"PK\x03\x04 something else").getvalue())
    with pytest.raises(CommandError, match="バックアップファイルではありません"):
        run("restore", str(target))
