"""Backup and restore of the benchmark cluster (issue 19): `make_backup` of the 5,000-organisation database plus
uploaded files, then `restore_backup` of that archive into a scratch database and an empty media folder, each
timed (target < 60 s each), the archive's size reported. The restored database is counted against the original,
then dropped.

    bench/backup.py [--files 300] [--file-kb 100]
"""

import argparse
import os
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from common import figure, load_average, setup_django

TARGET_SECONDS = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=300, help="uploaded files to put in the media folder")
    parser.add_argument("--file-kb", type=int, default=100, help="size of each uploaded file, in KB")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection

    from grappe.members.models import Organisation, Person
    from grappe.operations.services import backups

    with tempfile.TemporaryDirectory(prefix="grappe-bench-backup-") as scratch:
        scratch = Path(scratch)
        settings.MEDIA_ROOT = scratch / "media"
        for number in range(args.files):
            path = settings.MEDIA_ROOT / "imports" / "2026" / f"{number % 12 + 1:02d}" / f"file-{number}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(args.file_kb * 1024))
        counts = (Organisation.objects.count(), Person.objects.count())

        started = time.perf_counter()
        backup = backups.make_backup(scratch / "archives", keep=1)
        backup_seconds = time.perf_counter() - started
        size_mb = backup.size_bytes / 1e6
        with tarfile.open(backup.path) as tar:
            dump_mb = tar.getmember("database.dump").size / 1e6
        detail = (f"{counts[0]:,} organisations, {counts[1]:,} people, {args.files} files of {args.file_kb} KB; "
                  f"archive {size_mb:.1f} MB, of which the database dump {dump_mb:.1f} MB; {load_average()}")
        met = figure("backup of the 5,000-organisation cluster (manage.py backup: pg_dump + media + manifest)",
                     backup_seconds, "s", TARGET_SECONDS, detail)

        original = connection.settings_dict["NAME"]
        target = f"{original}_restore"
        _database(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        _database(f'CREATE DATABASE "{target}"')
        connection.close()
        connection.settings_dict["NAME"] = target
        settings.MEDIA_ROOT = scratch / "restored-media"
        try:
            started = time.perf_counter()
            done = backups.restore_backup(backup.path)
            restore_seconds = time.perf_counter() - started
            restored = (Organisation.objects.count(), Person.objects.count())
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
            _database(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        same = restored == counts and done["files"] == args.files
        met &= figure("restore of that archive into an empty database and media folder (manage.py restore)",
                      restore_seconds, "s", TARGET_SECONDS,
                      f"{restored[0]:,} organisations and {done['files']} files back"
                      f"{'' if same else ' — MISMATCH'}; {load_average()}")
        print(f"archive size: {size_mb:.1f} MB, database dump {dump_mb:.1f} MB")
        if not same:
            print(f"FAILED | restore | {restored} rows and {done['files']} files, expected {counts} and {args.files}")
            return 1
    return 0 if met else 1


def _database(statement: str) -> None:
    """CREATE or DROP DATABASE through the server's maintenance database."""
    import psycopg
    from django.db import connection

    config = connection.settings_dict
    with psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as maintenance:
        maintenance.execute(statement)


if __name__ == "__main__":
    sys.exit(main())
