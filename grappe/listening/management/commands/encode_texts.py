import time

from django.core.management.base import BaseCommand

from grappe.listening.services import themes


class Command(BaseCommand):
    help = ("Encode and store the sentence vector of every need and free-text answer that has none (after an "
            "upgrade, or a change of encoder), so that theme runs never encode. Safe to run again.")

    def handle(self, *args, **options):
        if themes.encoder_name() is None:
            self.stdout.write(self.style.WARNING("No sentence encoder (GRAPPE_THEME_ENCODER): nothing encoded."))
            return
        started = time.monotonic()
        count = themes.encode_new_texts(every_text=True)
        self.stdout.write(f"{count} texts encoded in {time.monotonic() - started:.1f} s.")
