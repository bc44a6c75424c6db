"""Information circulation's background work, run by django-tasks (a worker in production, at once in tests and
the demo). Each task takes ids and calls a service; services queue them by name."""

from django_tasks import task

from grappe.core.jobs import job_task

from .models import DigestJob, SendJob
from .services import digests, sending


@job_task(SendJob)
def send_bulletin_task(job_id: int) -> int:
    """Send a bulletin (its SendJob): deliveries written, immediate mail queued, with progress."""
    return sending.run(job_id).processed


@task()
def send_scheduled_bulletin_task(bulletin_id: int) -> bool:
    """Start a scheduled bulletin at its time (queued for then by its scheduling; idempotent)."""
    return sending.send_if_due(bulletin_id) is not None


@task()
def send_due_bulletins_task() -> int:
    """Start every scheduled bulletin whose time has passed (queued daily, should a deferred task be lost)."""
    return sending.send_due()


@job_task(DigestJob)
def build_digests_task(job_id: int) -> int:
    """Build the daily or weekly digests of a DigestJob, with progress."""
    return digests.run(job_id).processed


@task()
def start_digests_task() -> list[str]:
    """Start today's digest runs: the daily one every day, the weekly one on its weekday (queued daily)."""
    return [job.frequency for job in digests.start_due()]
