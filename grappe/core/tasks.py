"""Core's background work, run by django-tasks (a worker in production, at once in tests and the demo)."""

from django_tasks import task

from . import outbox


@task()
def send_mail_task() -> int:
    """Send the outbox's messages that are due (grappe.core.outbox); return how many were sent."""
    return outbox.send_due()
