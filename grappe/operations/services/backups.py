"""Backups and restores (`manage.py backup`, `manage.py restore`): one archive holds the database's dump, the uploaded
files and a manifest (grappe.operations.archive); the dump itself is grappe.operations.dumps.

A restore checks the whole archive first — every checksum, the format, a schema this code knows, the same database
vendor — and refuses a database or media folder that is not empty unless told to replace them: nothing is dropped
before the archive is known good. The database is then restored in one transaction, the media folder swapped in
whole (a failed restore leaves the old one), and `migrate` brings an older archive up to this code.
"""

import datetime
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from grappe.core import audit

from .. import archive, dumps
from ..models import Backup

# grappe-20261207-031500.tar, or grappe-20261207-031500-2.tar for a second archive within the same second (UTC).
ARCHIVE_NAME = re.compile(r"^grappe-(\d{8}-\d{6})(?:-(\d+))?\.tar$")
LEFT_BY_A_KILLED_BACKUP = re.compile(r"^(grappe-[\d-]+\.tar\.partial|\.grappe-backup-\w+)$")


class BackupError(Exception):
    """A backup or a restore that cannot be done: one line, in English, that an operator can act on."""


def make_backup(directory: Path | str | None = None, *, keep: int | None = None) -> Backup:
    """Write an archive into `directory` (settings.GRAPPE_BACKUP_DIR), record it, keep the `keep` newest archives
    there (settings.GRAPPE_BACKUP_KEEP). A failure is recorded too (succeeded=False) and raised as BackupError.
    The returned Backup's `pruned` lists the archives removed."""
    directory = Path(directory or settings.GRAPPE_BACKUP_DIR)
    keep = settings.GRAPPE_BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise BackupError(f"Keeping {keep} archives would delete the new one: keep at least 1.")
    started_at = timezone.now()
    path = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = _new_archive_path(directory, started_at)
        _write_archive(path, started_at)
        sha256 = archive.file_sha256(path)
    except (archive.ArchiveError, dumps.DumpError, OSError) as error:
        message = _one_line(error)
        try:
            Backup.objects.create(started_at=started_at, finished_at=timezone.now(), path=str(path or directory),
                                  succeeded=False, error=message)
        except DatabaseError:
            pass  # the database is down (pg_dump said so): the operator reads why on stderr
        raise BackupError(f"The backup failed: {message}") from error
    with transaction.atomic():
        backup = Backup.objects.create(started_at=started_at, finished_at=timezone.now(), path=str(path),
                                       size_bytes=path.stat().st_size, sha256=sha256, succeeded=True)
        audit.record(None, "backup.made", backup, after={"path": backup.path, "size_bytes": backup.size_bytes,
                                                         "sha256": sha256})
    backup.pruned = prune(directory, keep)
    return backup


def verify_archive(path: Path | str) -> dict:
    """The archive's manifest, once every member matches its checksum and its schema is one this code knows."""
    path = Path(path)
    try:
        manifest = archive.read(path)
    except archive.ArchiveError as error:
        raise BackupError(str(error)) from None
    _check_compatible(path, manifest)
    return manifest


def restore_backup(path: Path | str, *, replace: bool = False) -> dict:
    """Restore the archive into this Grappe's database and MEDIA_ROOT, which must be empty unless `replace`.
    Returns what was done: the manifest's created_at and revision, the files restored, the migrations run."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    if os.path.ismount(media_root):
        raise BackupError(f"MEDIA_ROOT {media_root} is a mount point and cannot be swapped whole: mount its parent "
                          "folder instead, with MEDIA_ROOT a folder inside it.")
    vendor = _vendor()
    try:
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # Next to MEDIA_ROOT, on the same disk, so that the new media folder is renamed into place in one step.
        work = Path(tempfile.mkdtemp(prefix=".grappe-restore-", dir=media_root.parent))
    except OSError as error:
        raise BackupError(f"Cannot write beside MEDIA_ROOT {media_root}: {error}.") from None
    try:
        try:
            manifest = archive.read(path, into=work)
        except archive.ArchiveError as error:
            raise BackupError(str(error)) from None
        _check_compatible(path, manifest)
        if not replace:
            _refuse_if_not_empty(media_root)
        if connection.in_atomic_block:
            raise BackupError("A restore cannot run inside a database transaction.")
        connection.close()
        try:
            dumps.restore(connection.settings_dict, work / archive.DUMPS[vendor], replace=replace)
        except dumps.DumpError as error:
            raise BackupError(f"The restore failed and changed nothing: {_one_line(error)}") from error
        files = _swap_media(work, media_root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ContentType.objects.clear_cache()
    migrated = _migrate_if_older()
    summary = {"archive": str(path), "created_at": manifest.get("created_at"), "revision": manifest.get("revision"),
               "files": files, "migrated": migrated, "replaced": replace}
    audit.record(None, "backup.restored", None, target_label=path.name, after=summary)
    return summary


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives of the directory (only files named as backups name them), and
    what a backup killed more than a day ago left (its .partial archive, its work folder)."""
    archives = []
    for entry in Path(directory).iterdir():
        match = ARCHIVE_NAME.match(entry.name)
        if match and entry.is_file():
            archives.append(((match.group(1), int(match.group(2) or 1)), entry))
        elif LEFT_BY_A_KILLED_BACKUP.match(entry.name) and entry.stat().st_mtime < time.time() - 86400:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    archives.sort()
    removed = [entry for _, entry in archives[:-keep]]
    for entry in removed:
        entry.unlink()
    return removed


def _new_archive_path(directory: Path, moment) -> Path:
    stamp = moment.astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    path, number = directory / f"grappe-{stamp}.tar", 1
    while path.exists():
        number += 1
        path = directory / f"grappe-{stamp}-{number}.tar"
    return path


def _write_archive(path: Path, started_at) -> None:
    """The dump and the media files into `path`, through a .partial file renamed once complete."""
    vendor = dumps.vendor(connection.settings_dict)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix=".grappe-backup-", dir=path.parent) as work:
        dump = Path(work) / archive.DUMPS[vendor]
        with _frozen_snapshot() as snapshot:
            migrations = [[app, name, applied.isoformat()] for app, name, applied in
                          MigrationRecorder.Migration.objects.order_by("id").values_list("app", "name", "applied")]
            dumps.dump(connection.settings_dict, dump, snapshot=snapshot)
        writer = archive.Writer(partial)
        try:
            writer.add_file(archive.DUMPS[vendor], dump)
            for source, name in _media_files(Path(settings.MEDIA_ROOT)):
                writer.add_file(name, source)
            writer.close({"created_at": started_at.isoformat(), "revision": _revision(), "vendor": vendor,
                          "migrations": migrations})
        except BaseException:
            writer.abort()
            partial.unlink(missing_ok=True)
            raise
    partial.rename(path)


@contextmanager
def _frozen_snapshot():
    """On PostgreSQL, a read-only REPEATABLE READ transaction whose snapshot pg_dump shares: the migrations listed
    in the manifest are those of the dump, whatever commits meanwhile."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield None
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor.fetchone()[0]


def _media_files(media_root: Path):
    """(file, name in the archive) for every regular file under MEDIA_ROOT, in a stable order."""
    if not media_root.is_dir():
        return
    for folder, folders, names in os.walk(media_root):
        folders.sort()
        for name in sorted(names):
            source = Path(folder) / name
            if source.is_file() and not source.is_symlink():
                yield source, f"{archive.MEDIA}/{source.relative_to(media_root).as_posix()}"


def _check_compatible(path: Path, manifest: dict) -> None:
    """The same database vendor as this Grappe's, and no migration this code does not know (a newer schema)."""
    vendor = _vendor()
    if manifest["vendor"] != vendor:
        raise BackupError(f"{path}: made from a {manifest['vendor']} database; this Grappe runs on {vendor}.")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{row[0]}.{row[1]}" for row in manifest["migrations"] if (row[0], row[1]) not in known]
    if unknown:
        made_by = f" (revision {manifest['revision']})" if manifest.get("revision") else ""
        raise BackupError(f"{path}: its schema is newer than this code's, {len(unknown)} migration(s) unknown here "
                          f"({', '.join(unknown[:3])}{', …' if len(unknown) > 3 else ''}); restore it with the "
                          f"Grappe that made it{made_by} or a later one.")


def _vendor() -> str:
    try:
        return dumps.vendor(connection.settings_dict)
    except dumps.DumpError as error:
        raise BackupError(str(error)) from None


def _refuse_if_not_empty(media_root: Path) -> None:
    try:
        tables = connection.introspection.table_names()
    except DatabaseError as error:
        raise BackupError(f"Cannot reach the database {connection.settings_dict['NAME']} ({_one_line(error)}): "
                          "create it, empty, before restoring.") from None
    if tables:
        raise BackupError(f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables): "
                          "restore into an empty database, or add --replace to replace its contents.")
    if media_root.is_dir() and any(entry.is_file() for entry in media_root.rglob("*")):
        raise BackupError(f"The media folder {media_root} is not empty: restore into an empty one, or add "
                          "--replace to replace its files.")


def _swap_media(work: Path, media_root: Path) -> int:
    """The restored files (work/media) take MEDIA_ROOT's place; the old folder goes into `work`, deleted after."""
    restored = work / archive.MEDIA
    restored.mkdir(exist_ok=True)
    files = sum(1 for entry in restored.rglob("*") if entry.is_file())
    replaced = work / "replaced-media"
    if media_root.exists():
        media_root.rename(replaced)
    try:
        restored.rename(media_root)
    except OSError as error:
        if replaced.exists():  # put the old files back before `work` and what it holds are deleted
            replaced.rename(media_root)
        raise BackupError(f"The database is restored but the media folder could not be: {error}. The old one is "
                          "left in place: restore again with --replace.") from None
    return files


def _migrate_if_older() -> list[str]:
    """Run `migrate` when the restored schema lacks migrations this code has: the names of those applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return []
    call_command("migrate", interactive=False, verbosity=0)
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _revision() -> str:
    """Grappe's git revision when it runs from a checkout, else "" (an installed copy may set GRAPPE_REVISION)."""
    if os.environ.get("GRAPPE_REVISION"):
        return os.environ["GRAPPE_REVISION"]
    try:
        completed = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,
                                   text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[-1] if lines else error.__class__.__name__
