"""`manage.py backup [--output-dir DIR] [--keep N]`: one archive of the database and the uploaded files
(grappe.operations.services.backups); the archive's path is the last line printed. The nightly timer runs it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grappe.operations.services import backups


class Command(BaseCommand):
    help = "Write a backup archive (database dump, uploaded files, manifest) and prune the older ones."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output-dir", type=Path, default=None,
                            help="where to write the archive "
                                 f"(default GRAPPE_BACKUP_DIR: {settings.GRAPPE_BACKUP_DIR})")
        parser.add_argument("--keep", type=int, default=None,
                            help="how many archives to keep in that folder, the newest "
                                 f"(default GRAPPE_BACKUP_KEEP: {settings.GRAPPE_BACKUP_KEEP})")

    def handle(self, *args, output_dir: Path | None, keep: int | None, **options) -> None:
        try:
            backup = backups.make_backup(output_dir, keep=keep)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written: {backup.size_bytes / 1e6:.1f} MB, sha256 {backup.sha256}.")
        for pruned in backup.pruned:
            self.stdout.write(f"Pruned {pruned}")
        self.stdout.write(backup.path)
