"""Listening's background work, run by django-tasks (a worker in production, at once in tests and the demo)."""

from django_tasks import task

from . import services


@task()
def send_survey_reminders_task() -> int:
    """Remind the organisations that have not answered a survey closing within three days. Enqueue it daily."""
    return services.send_due_reminders()
