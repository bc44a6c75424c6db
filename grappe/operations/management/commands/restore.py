"""`manage.py restore ARCHIVE [--replace]`: restore a backup archive into an empty database and media folder, or
replace their contents with --replace (grappe.operations.services.backups). Stop the web and worker services
first. The archive is checked whole before anything is changed."""

from django.core.management.base import BaseCommand, CommandError

from grappe.operations.services import backups


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media folder (or replace them with --replace)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="the archive written by manage.py backup")
        parser.add_argument("--replace", action="store_true",
                            help="replace the database's contents and the media folder when they are not empty")

    def handle(self, *args, archive: str, replace: bool, **options) -> None:
        try:
            done = backups.restore_backup(archive, replace=replace)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        made = f" (made {done['created_at']}" + (f", revision {done['revision'][:12]})" if done["revision"] else ")")
        self.stdout.write(f"Restored {archive}{made}: the database and {done['files']} uploaded file(s).")
        if done["migrated"]:
            self.stdout.write(f"Migrated to this code's schema: {len(done['migrated'])} migration(s) applied.")
