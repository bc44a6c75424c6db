"""Events' background work, run by django-tasks (a worker in production, at once in tests and the demo).

Tasks take ids and plain values (they are stored as JSON until a worker runs them) and call a service.
"""

from django.utils import translation

from grappe.core.jobs import job_task

from .models import PrintJob, ScheduleRun
from .services import print_jobs, scheduling


@job_task(ScheduleRun)
def run_schedule_task(run_id: int, language: str) -> str:
    """Run the scheduler for a queued run and write its meetings; the run records how it went."""
    with translation.override(language):
        return scheduling.execute_run(ScheduleRun.objects.get(pk=run_id)).status


@job_task(PrintJob)
def print_event_task(job_id: int, language: str) -> str:
    """Render every agenda and table sign of a print job's event as one PDF, stored on the job."""
    with translation.override(language):
        return print_jobs.execute_print(job_id).status
