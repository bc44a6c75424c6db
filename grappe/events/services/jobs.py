"""Starting the organiser's background jobs (a scheduler run, a print run) the same way: the job's row, its
audit entry and its task in one transaction, and a double click answered with the job already under way."""

from django.db import IntegrityError, transaction

from grappe.core import audit

from ..models import BackgroundJob, Event, RunStatus

UNFINISHED = [RunStatus.QUEUED, RunStatus.RUNNING]


def start_once(model: type[BackgroundJob], *, actor, event: Event, action: str, task, language: str):
    """Create a job of `model` for the event and queue `task(job id, language)`, recording `action` in the audit
    trail. While one is queued or running, return it instead: the model's unique constraint allows one
    unfinished job per event, so two clicks at once make one job. The task is queued inside the transaction:
    with the database backend its row commits with the job's, so a worker never sees one without the other."""
    try:
        with transaction.atomic():
            job = model.objects.create(event=event, started_by=actor)
            audit.record(actor, action, event, after={"job": job.pk})
            task.enqueue(job.pk, language)
    except IntegrityError:
        running = model.objects.filter(event=event, status__in=UNFINISHED).first()
        if running is None:
            raise
        return running
    return job
