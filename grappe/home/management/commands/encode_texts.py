import time

from django.core.management.base import BaseCommand

from grappe.core import vectors
from grappe.listening.services import themes
from grappe.members.services import taxonomy
from grappe.partnering.services import opportunities


class Command(BaseCommand):
    help = ("Encode and store the sentence vector of every text that has none — needs, free-text answers, "
            "opportunities, and the capabilities' names — (after an upgrade, a taxonomy load, or a change of "
            "encoder), so that theme runs, inference and searches never encode. Safe to run again.")

    def handle(self, *args, **options):
        if vectors.encoder_name() is None:
            self.stdout.write(self.style.WARNING("No sentence encoder (GRAPPE_THEME_ENCODER): nothing encoded."))
            return
        for what, encode in (("needs and answers", lambda: themes.encode_new_texts(every_text=True)),
                             ("opportunities", opportunities.encode_opportunity),
                             ("capability names", taxonomy.encode_capability_names)):
            started = time.monotonic()
            count = encode()
            self.stdout.write(f"{what}: {count} texts encoded in {time.monotonic() - started:.1f} s.")
