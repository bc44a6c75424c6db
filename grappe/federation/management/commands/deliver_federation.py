from django.core.management.base import BaseCommand

from grappe.federation.services import delivery


class Command(BaseCommand):
    help = ("Deliver the activities waiting for partner clusters whose time has come (a worker does it as they are "
            "written; run this from cron every few minutes so that none waits should a worker have died).")

    def handle(self, *args, **options):
        self.stdout.write(f"activities delivered: {delivery.deliver_due()}")
