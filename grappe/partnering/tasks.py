"""Partnering's background work, run by django-tasks (a worker in production, at once in tests and the demo).

Each task takes ids and calls a service; services queue them by name (grappe.core.jobs.enqueue).
"""

from django_tasks import task

from .services import opportunities


@task()
def encode_opportunity_task(opportunity_id: int) -> int:
    """Store the sentence vector of the opportunity's text (never encoded in the request that wrote it)."""
    return opportunities.encode_opportunity(opportunity_id)
