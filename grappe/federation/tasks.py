"""Cooperation's background work, run by django-tasks (a worker in production, at once in tests and the demo)."""

from django_tasks import task

from .services import delivery


@task()
def deliver() -> int:
    """Deliver the outbox's activities that are due (services.delivery); return how many were delivered."""
    return delivery.deliver_due()
