from django.core.management.base import BaseCommand

from grappe.bulletins.tasks import send_due_bulletins_task, start_digests_task
from grappe.core.jobs import recover_stale_jobs
from grappe.core.tasks import send_mail_task
from grappe.federation.tasks import deliver as deliver_federation_task
from grappe.governance.tasks import count_closed_resolutions_task, send_action_reminders_task
from grappe.listening.tasks import send_survey_reminders_task
from grappe.members.tasks import send_certification_reminders_task


class Command(BaseCommand):
    help = ("Queue the daily background work (certification expiry reminders, reminders of open surveys, "
            "reminders of governance action items, mail still waiting in the outbox, the count of resolutions "
            "whose voting closed, the scheduled bulletins whose time has passed, the daily digests and on their "
            "weekday the weekly ones, the activities still waiting for partner clusters) and fail the background "
            "jobs whose worker died. Run it once a day, e.g. from cron, early in the morning.")

    def handle(self, *args, **options):
        self.stdout.write(f"stale jobs failed: {recover_stale_jobs()}")
        for name, task in (("certification reminders", send_certification_reminders_task),
                           ("survey reminders", send_survey_reminders_task),
                           ("action item reminders", send_action_reminders_task),
                           ("pending mail", send_mail_task),
                           ("resolutions to count", count_closed_resolutions_task),
                           ("scheduled bulletins due", send_due_bulletins_task),
                           ("digests", start_digests_task),
                           ("activities for partner clusters", deliver_federation_task)):
            self.stdout.write(f"{name} queued ({task.enqueue().id})")
