"""Governance's background work, run by django-tasks (a worker in production, at once in tests and the demo).
Each task takes ids and calls a service; services queue them by name."""

from django_tasks import task

from .models import Resolution
from .services import actions, resolutions


@task()
def send_action_reminders_task() -> int:
    """Remind owners of the action items due within three days or overdue, once a day each. Enqueue it daily."""
    return actions.send_due_reminders()


@task()
def count_resolution_task(resolution_id: int) -> None:
    """Count a resolution at its closing time (queued for then by its publication; idempotent)."""
    resolutions.count_if_due(Resolution.objects.get(pk=resolution_id))


@task()
def count_closed_resolutions_task() -> int:
    """Count every resolution whose voting closed and that is not counted yet (queued daily)."""
    return resolutions.count_due()
