"""Publish a factor file (by default the shipped one, grappe/greening/data/factors_2021.csv) as a factor set.

    manage.py load_emission_factors [FILE] [--not-current]

Runs once: a set of the same name and year is left as it is. A file with errors publishes nothing and lists them.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from grappe.greening.services import factors


class Command(BaseCommand):
    help = "Publish the shipped emission factors (or FILE) as a factor set, current unless --not-current."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(factors.SHIPPED))
        parser.add_argument("--not-current", action="store_true",
                            help="publish without making the set current (unless no set is current yet)")

    def handle(self, *args, file, not_current, **options):
        try:
            factor_set, created = factors.load_file(Path(file), current=not not_current)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        count = factor_set.factors.count()
        state = "published" if created else "already there"
        self.stdout.write(f"{factor_set.name} ({factor_set.year}): {count} factors, {state}"
                          f"{', current' if factor_set.is_current else ''}.")
