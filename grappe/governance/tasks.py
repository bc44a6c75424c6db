"""Governance's background work, run by django-tasks (a worker in production, at once in tests and the demo).
Each task takes ids and calls a service."""

from django_tasks import task

from .services import actions


@task()
def send_action_reminders_task() -> int:
    """Remind owners of the action items due within three days or overdue, once a day each. Enqueue it daily."""
    return actions.send_due_reminders()
