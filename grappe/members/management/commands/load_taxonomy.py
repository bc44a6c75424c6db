from pathlib import Path

from django.core.management.base import BaseCommand

from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import SHIPPED_TAXONOMY, read_taxonomy


class Command(BaseCommand):
    help = "Load (or update, by code) the capability taxonomy from a YAML file; the shipped aerospace one by default."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=SHIPPED_TAXONOMY)

    def handle(self, *args, path, **options):
        count = load_taxonomy(read_taxonomy(path))
        self.stdout.write(self.style.SUCCESS(f"{count} taxonomy nodes loaded from {path}"))
