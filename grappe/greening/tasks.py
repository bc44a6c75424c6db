"""Greening's background work, run by django-tasks (a worker in production, at once in tests and the demo)."""

from grappe.core.jobs import job_task

from .models import RecomputeJob
from .services import factors


@job_task(RecomputeJob)
def recompute_task(job_id: int, years: list[int]) -> None:
    """Compute past baselines again with a factor set (RecomputeJob `job_id` shows the progress)."""
    factors.execute_recompute(job_id, years)
