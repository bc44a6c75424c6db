"""Backups and restores for real: pg_dump and pg_restore on PostgreSQL, the archive read back byte for byte, and
every refusal leaving the database and the media folder as they were.

A restore that reaches the database runs into a scratch database of its own (named after the test database,
which pytest-xdist suffixes per worker) created and dropped by `scratch_database`.
"""

import contextlib
import hashlib
import json
import os
import sqlite3
import tarfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.core.models import AuditEntry
from grappe.members.models import Organisation
from grappe.operations import archive, dumps
from grappe.operations.models import Backup
from grappe.operations.services import backups
from grappe.operations.services.backups import BackupError

pytestmark = pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                                reason="backups are tested with the real pg_dump on PostgreSQL")

FILES = {
    "imports/2026/12/members.xlsx": os.urandom(70_000),
    "governance/2026/11/procès-verbal.pdf": b"%PDF-1.7\n" + os.urandom(5_000) + b"\x00\xff",
    "bulletins/empty.txt": b"",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_files() -> None:
    for name, content in FILES.items():
        assert default_storage.save(name, ContentFile(content)) == name


def media_files(root: Path) -> dict:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def table_rows(*, ignore_actions=()) -> dict:
    """Every row of every table, as comparable values (the round trip must give them back byte for byte)."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            columns = [column.name for column in cursor.description]
            found = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()]
            if table == "core_auditentry":
                action = columns.index("action")
                found = [row for row in found if row[action] not in ignore_actions]
            rows[table] = sorted(found, key=repr)
    return rows


def server(statement: str) -> None:
    config = connection.settings_dict
    with psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as maintenance:
        maintenance.execute(statement)


@contextlib.contextmanager
def scratch_database():
    """Django's connection on a new empty database for the block; the test database again after, the scratch one
    dropped."""
    original = connection.settings_dict["NAME"]
    name = f"{original}_restore_{uuid.uuid4().hex[:8]}"
    server(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def handmade_archive(path: Path, *, dump: bytes = b"not a real dump", migrations=None, vendor="postgresql",
                     media: dict | None = None) -> Path:
    """An archive written by the archive module around any dump: refusals are checked before the dump is read."""
    work = path.parent / f"{path.name}.members"
    work.mkdir()
    (work / "dump").write_bytes(dump)
    writer = archive.Writer(path)
    writer.add_file(archive.DUMPS[vendor], work / "dump")
    for name, content in (media if media is not None else FILES).items():
        (work / "file").write_bytes(content)
        writer.add_file(f"media/{name}", work / "file")
    if migrations is None:
        migrations = [list(row) for row in MigrationRecorder.Migration.objects.values_list("app", "name")]
    writer.close({"created_at": "2026-12-07T03:00:00+00:00", "revision": "", "vendor": vendor,
                  "migrations": migrations})
    return path


@pytest.fixture
def populated(media):
    """Rows in several tables (organisations, people, users, an authenticator) and uploaded files, committed."""
    organisation = make_organisation("Usinage Laval")
    make_member(organisation, "julie@usinage-laval.test")
    make_member(make_organisation("Aéro Précision"), "sam@aero-precision.test")
    make_staff()
    upload_files()
    return organisation


def assert_untouched(media_root: Path) -> None:
    assert Organisation.objects.filter(legal_name="Usinage Laval").exists()
    assert media_files(media_root) == FILES


# The round trip


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_and_media_folder_byte_for_byte(populated, media, tmp_path,
                                                                                 settings):
    before = table_rows()
    backup = backups.make_backup(tmp_path / "archives")
    with scratch_database():
        settings.MEDIA_ROOT = tmp_path / "new-machine" / "media"
        done = backups.restore_backup(backup.path)

        assert table_rows(ignore_actions={"backup.restored"}) == before
        assert media_files(settings.MEDIA_ROOT) == FILES
        assert done["files"] == len(FILES) and done["migrated"] == []
        restored = AuditEntry.objects.get(action="backup.restored")
        assert restored.actor is None and restored.target_label == Path(backup.path).name

        # Replacing what is there gives the archive's state back, and the media folder is the archive's alone.
        make_organisation("Arrivée après la sauvegarde")
        default_storage.save("imports/later.csv", ContentFile(b"later"))
        backups.restore_backup(backup.path, replace=True)
        assert table_rows(ignore_actions={"backup.restored"}) == before
        assert media_files(settings.MEDIA_ROOT) == FILES


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_in_the_database_changes_nothing(populated, media, tmp_path, settings):
    """A dump that passes its checksums but breaks in pg_restore: the replacing restore rolls back, drop included,
    and the media folder stays the old one."""
    backup = backups.make_backup(tmp_path / "archives")
    with scratch_database():
        settings.MEDIA_ROOT = tmp_path / "restored"
        backups.restore_backup(backup.path)
        before = table_rows()
        broken = handmade_archive(tmp_path / "broken.tar", dump=b"PGDMP" + os.urandom(4000), media={"x.txt": b"x"})
        with pytest.raises(BackupError, match="failed and changed nothing"):
            backups.restore_backup(broken, replace=True)
        assert table_rows() == before
        assert media_files(settings.MEDIA_ROOT) == FILES


@pytest.mark.django_db(transaction=True)
def test_an_archive_older_than_the_code_is_migrated_after_its_restore(media, tmp_path):
    """An archive without the last migration of operations (its table absent) comes back with it applied."""
    backup = backups.make_backup(tmp_path / "archives")
    with scratch_database():
        backups.restore_backup(backup.path)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE operations_backup")
            cursor.execute("DELETE FROM django_migrations WHERE app = 'operations'")
        (tmp_path / "dump").mkdir()
        dumps.dump(connection.settings_dict, tmp_path / "dump" / "database.dump")
        migrations = [list(row) for row in MigrationRecorder.Migration.objects.values_list("app", "name")]
    writer = archive.Writer(tmp_path / "older.tar")
    writer.add_file("database.dump", tmp_path / "dump" / "database.dump")
    writer.close({"created_at": "2026-01-01T00:00:00+00:00", "revision": "", "vendor": "postgresql",
                  "migrations": migrations})
    with scratch_database():
        done = backups.restore_backup(tmp_path / "older.tar")
        assert done["migrated"] == ["operations.0001_backups"]
        assert Backup.objects.count() == 0
        assert AuditEntry.objects.filter(action="backup.restored", target_label="older.tar").count() == 1


# Refusals: each leaves the database and the media folder as they were


@pytest.mark.django_db
def test_a_truncated_archive_is_refused_before_anything_is_dropped(populated, media, tmp_path):
    path = handmade_archive(tmp_path / "grappe.tar")
    data = path.read_bytes()
    # In the first member, in the middle, in the manifest (the last member; tar's zero padding after it is spare).
    for cut in (700, len(data) // 2, data.rindex(b'"migrations"')):
        path.write_bytes(data[:cut])
        with pytest.raises(BackupError, match="truncated|incomplete"):
            backups.restore_backup(path, replace=True)
    assert_untouched(media)


@pytest.mark.django_db
def test_an_altered_member_is_refused_by_its_checksum(populated, media, tmp_path):
    path = handmade_archive(tmp_path / "grappe.tar")
    data = bytearray(path.read_bytes())
    at = bytes(data).index(FILES["imports/2026/12/members.xlsx"][:64]) + 1000
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"members\.xlsx does not match its checksum"):
        backups.restore_backup(path, replace=True)
    assert_untouched(media)


@pytest.mark.django_db
def test_a_member_the_manifest_does_not_name_is_refused(populated, media, tmp_path):
    path = handmade_archive(tmp_path / "grappe.tar")
    with tarfile.open(path, "a") as tar:
        tar.add(__file__, arcname="../../outside.py")
    with pytest.raises(BackupError, match="unexpected member '../../outside.py'"):
        backups.restore_backup(path, replace=True)
    assert_untouched(media)
    assert not (tmp_path.parent / "outside.py").exists()


@pytest.mark.django_db
def test_an_unknown_format_version_is_refused(populated, media, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "FORMAT_VERSION", 99)
    path = handmade_archive(tmp_path / "grappe.tar")
    monkeypatch.undo()
    with pytest.raises(BackupError, match="unknown archive format version 99"):
        backups.verify_archive(path)
    with pytest.raises(BackupError, match="unknown archive format version 99"):
        backups.restore_backup(path, replace=True)
    assert_untouched(media)


@pytest.mark.django_db
def test_a_schema_newer_than_the_code_is_refused(populated, media, tmp_path):
    migrations = [list(row) for row in MigrationRecorder.Migration.objects.values_list("app", "name")]
    path = handmade_archive(tmp_path / "grappe.tar", migrations=[*migrations, ["members", "0999_from_the_future"]])
    with pytest.raises(BackupError, match=r"newer than this code's.*members\.0999_from_the_future"):
        backups.restore_backup(path, replace=True)
    assert_untouched(media)


@pytest.mark.django_db
def test_an_archive_of_another_database_vendor_is_refused(populated, media, tmp_path):
    path = handmade_archive(tmp_path / "grappe.tar", vendor="sqlite")
    with pytest.raises(BackupError, match="made from a sqlite database; this Grappe runs on postgresql"):
        backups.restore_backup(path, replace=True)
    assert_untouched(media)


@pytest.mark.django_db
def test_a_database_that_is_not_empty_needs_replace(populated, media, tmp_path):
    path = handmade_archive(tmp_path / "grappe.tar")
    with pytest.raises(BackupError, match=r"The database .* is not empty \(\d+ tables\).*--replace"):
        backups.restore_backup(path)
    assert_untouched(media)


@pytest.mark.django_db(transaction=True)
def test_a_media_folder_that_is_not_empty_needs_replace(media, tmp_path):
    upload_files()
    path = handmade_archive(tmp_path / "grappe.tar", media={"other.txt": b"other"})
    with scratch_database():
        with pytest.raises(BackupError, match=r"The media folder .* is not empty.*--replace"):
            backups.restore_backup(path)
        assert connection.introspection.table_names() == []
    assert media_files(media) == FILES


def test_a_refusal_is_one_line_of_the_command(media, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no such archive") as refusal:
        call_command("restore", str(tmp_path / "missing.tar"))
    assert "\n" not in str(refusal.value)


# What a backup records, and what it keeps


@pytest.mark.django_db
def test_a_backup_is_recorded_with_its_checksum_and_an_audit_entry(populated, media, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("backup", "--output-dir", str(tmp_path / "archives"), stdout=out)
    path = Path(out.getvalue().strip().splitlines()[-1])
    backup = Backup.objects.get()
    assert backup.succeeded and backup.error == "" and backup.path == str(path)
    assert backup.size_bytes == path.stat().st_size
    assert backup.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    entry = AuditEntry.objects.get(action="backup.made")
    assert entry.actor is None and entry.target_id == str(backup.pk)
    manifest = backups.verify_archive(path)
    assert manifest["vendor"] == "postgresql"
    assert ["operations", "0001_backups"] in [row[:2] for row in manifest["migrations"]]
    assert set(manifest["members"]) == {"database.dump", *(f"media/{name}" for name in FILES)}
    with tarfile.open(path) as tar:
        assert json.loads(tar.extractfile("manifest.json").read())["members"] == manifest["members"]


@pytest.mark.django_db
def test_a_failed_backup_is_recorded_and_leaves_no_archive(media, tmp_path, monkeypatch):
    def failing_dump(*args, **kwargs):
        raise dumps.DumpError("pg_dump failed: connection to server refused")

    monkeypatch.setattr(dumps, "dump", failing_dump)
    with pytest.raises(BackupError, match="The backup failed: pg_dump failed: connection to server refused"):
        backups.make_backup(tmp_path / "archives")
    backup = Backup.objects.get()
    assert not backup.succeeded and "connection to server refused" in backup.error
    assert list((tmp_path / "archives").iterdir()) == []
    assert not AuditEntry.objects.filter(action="backup.made").exists()


@pytest.mark.django_db
def test_a_backup_keeps_the_newest_archives_and_nothing_else_is_pruned(media, tmp_path):
    directory = tmp_path / "archives"
    directory.mkdir()
    for name in ("grappe-20261101-030000.tar", "grappe-20261102-030000.tar", "grappe-20261102-030000-2.tar",
                 "notes.txt", "grappe-manual.tar", "grappe-20261103-030000.tar.partial"):
        (directory / name).write_bytes(b"old")
    (directory / ".grappe-backup-k1ll3d").mkdir()
    two_days_ago = time.time() - 2 * 86400
    os.utime(directory / "grappe-20261103-030000.tar.partial", (two_days_ago, two_days_ago))
    os.utime(directory / ".grappe-backup-k1ll3d", (two_days_ago, two_days_ago))
    backup = backups.make_backup(directory, keep=2)
    names = sorted(entry.name for entry in directory.iterdir())
    assert names == sorted(["grappe-20261102-030000-2.tar", Path(backup.path).name, "notes.txt",
                            "grappe-manual.tar"])
    assert [entry.name for entry in backup.pruned] == ["grappe-20261101-030000.tar", "grappe-20261102-030000.tar"]
    with pytest.raises(BackupError, match="keep at least 1"):
        backups.make_backup(directory, keep=0)


# SQLite (the demo): the database copied through sqlite3's backup API


def test_a_sqlite_database_is_copied_whole_both_ways(tmp_path):
    original = tmp_path / "grappe.sqlite3"
    with sqlite3.connect(original) as db:
        db.execute("CREATE TABLE organisation (id INTEGER PRIMARY KEY, name TEXT, logo BLOB)")
        db.execute("INSERT INTO organisation VALUES (1, 'Usinage Laval', ?)", [b"\x00\xff" * 100])
    db.close()
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(original)}
    dumps.dump(sqlite, tmp_path / "database.sqlite3")
    restored = {**sqlite, "NAME": str(tmp_path / "restored.sqlite3")}
    with sqlite3.connect(restored["NAME"]) as db:
        db.execute("CREATE TABLE leftover (id INTEGER)")
    db.close()
    dumps.restore(restored, tmp_path / "database.sqlite3", replace=True)
    with sqlite3.connect(restored["NAME"]) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = db.execute("SELECT * FROM organisation").fetchall()
    db.close()
    assert tables == ["organisation"]
    assert rows == [(1, "Usinage Laval", b"\x00\xff" * 100)]


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_database_that_does_not_exist_says_so(media, tmp_path):
    path = handmade_archive(tmp_path / "grappe.tar", media={})
    with scratch_database() as name:
        connection.close()
        server(f'DROP DATABASE "{name}"')
        with pytest.raises(BackupError, match=f"Cannot reach the database {name} .*create it, empty"):
            backups.restore_backup(path)


def test_media_that_cannot_be_swapped_in_leaves_the_old_files_in_place(tmp_path, monkeypatch):
    media_root, work = tmp_path / "media", tmp_path / ".grappe-restore-x"
    (media_root / "old").mkdir(parents=True)
    (media_root / "old" / "kept.pdf").write_bytes(b"old")
    (work / archive.MEDIA).mkdir(parents=True)
    (work / archive.MEDIA / "new.pdf").write_bytes(b"new")
    rename = Path.rename

    def refused_into_media_root(self, target):
        if Path(target) == media_root and self == work / archive.MEDIA:
            raise OSError("No space left on device")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refused_into_media_root)
    with pytest.raises(BackupError, match="media folder could not be"):
        backups._swap_media(work, media_root)

    assert (media_root / "old" / "kept.pdf").read_bytes() == b"old"
