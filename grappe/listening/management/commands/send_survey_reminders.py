from django.core.management.base import BaseCommand

from grappe.listening.tasks import send_survey_reminders_task


class Command(BaseCommand):
    help = ("Queue the survey reminders: organisations that have not answered a survey closing within three days "
            "are reminded once. Run it daily, e.g. from cron, beside queue_daily_tasks.")

    def handle(self, *args, **options):
        result = send_survey_reminders_task.enqueue()
        self.stdout.write(f"survey reminders queued ({result.id})")
