"""The organiser's print run as a background job: every agenda and table sign as one PDF
(documents/printing.py), made by a task while the page shows its progress, then kept in the database for
download.

An event keeps only its latest finished job: when a job finishes, the older ones (and their PDFs) are deleted.
A job whose worker died is failed by core's recovery (grappe.core.jobs) and no longer blocks a new one.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grappe.core import jobs, notify
from grappe.core.models import UNFINISHED
from grappe.core.permissions import require

from ..documents import printing
from ..models import Event, Phase, PrintJob

PRINTABLE_PHASES = {Phase.PUBLISHED, Phase.FINISHED}
logger = logging.getLogger(__name__)


def start_print(*, actor, event: Event, language: str = "fr") -> PrintJob:
    """Queue a print run; while one is queued or running, return it instead (jobs.start_once)."""
    require(actor, "events.manage_event", event)
    if event.phase not in PRINTABLE_PHASES:
        raise ValidationError(_("Publish the agendas before printing them: only published meetings are "
                                "printed."), code="wrong_phase")
    return jobs.start_once(PrintJob, actor=actor, action="event.print_started", target=event,
                           task="grappe.events.tasks.print_event_task", args=(language,), event=event)


def execute_print(job_id: int) -> PrintJob:
    """Render the PDF (the task's work), reporting progress as the agendas are rendered. A failure marks the
    job failed; success stores the PDF, deletes the event's older jobs and tells the person who asked."""
    job = PrintJob.objects.select_related("event", "owner").defer("pdf").get(pk=job_id)
    if not jobs.start(job):
        return job
    try:
        _render(job)
    except jobs.JobLost:
        logger.warning("print job %s was failed as stale while it rendered; its PDF is dropped", job.pk)
    except Exception as error:
        logger.exception("print job %s failed", job.pk)
        jobs.fail(job, str(error))
    return PrintJob.objects.defer("pdf").get(pk=job.pk)


def _render(job: PrintJob) -> None:
    document = printing.event_document(job.event, lambda done, total: _beat_rendering(job, done, total))
    pdf = document.write_pdf()
    with transaction.atomic():
        jobs.finish(job, pdf=pdf, pages=len(document.pages))
        PrintJob.objects.filter(event=job.event).exclude(pk=job.pk).exclude(status__in=UNFINISHED).delete()
        notify.on_commit(_tell_ready, job)


def _beat_rendering(job: PrintJob, done: int, total: int) -> None:
    """Record that `done` of `total` parts of the document are rendered: rendering is 90 % of the work, writing
    the file the rest."""
    jobs.beat(job, max(1, 90 * done // total), 100, agendas=min(done, total - 1))


def _tell_ready(job: PrintJob) -> None:
    if job.owner is None:
        return
    notify.send([job.owner], "events.print_ready", {"event_id": job.event_id, "event": job.event.title},
                reverse("events:organiser-print", args=[job.event_id]))
