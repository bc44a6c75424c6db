from django.core.management.base import BaseCommand

from grappe.members.tasks import send_certification_reminders_task


class Command(BaseCommand):
    help = "Queue the daily background work (certification reminders). Run it once a day, e.g. from cron."

    def handle(self, *args, **options):
        result = send_certification_reminders_task.enqueue()
        self.stdout.write(f"certification reminders queued ({result.id})")
