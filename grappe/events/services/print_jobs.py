"""The organiser's print run as a background job: every agenda and table sign as one PDF (printing.py), made
by a task while the page shows its progress, then kept in the database for download.

An event keeps only its latest finished job: when a job finishes, the older ones (and their PDFs) are deleted.
A job left queued or running for longer than STALE_AFTER (its worker died) no longer blocks a new one.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import notify
from grappe.core.permissions import require

from .. import printing
from ..models import Event, Phase, PrintJob, RunStatus
from . import jobs
from .jobs import UNFINISHED

PRINTABLE_PHASES = {Phase.PUBLISHED, Phase.FINISHED}
STALE_AFTER = datetime.timedelta(minutes=30)
logger = logging.getLogger(__name__)


def start_print(*, actor, event: Event, language: str = "fr") -> PrintJob:
    """Queue a print run; while one is queued or running, return it instead (jobs.start_once). A job its
    worker abandoned (queued or running for longer than STALE_AFTER) is marked failed first."""
    from ..tasks import print_event_task

    require(actor, "events.manage_event", event)
    if event.phase not in PRINTABLE_PHASES:
        raise ValidationError(_("Publish the agendas before printing them: only published meetings are "
                                "printed."), code="wrong_phase")
    PrintJob.objects.filter(event=event, status__in=UNFINISHED,
                            created_at__lt=timezone.now() - STALE_AFTER).update(
        status=RunStatus.FAILED, error="abandoned", finished_at=timezone.now())
    return jobs.start_once(PrintJob, actor=actor, event=event, action="event.print_started",
                           task=print_event_task, language=language)


def execute_print(job_id: int) -> PrintJob:
    """Render the PDF (the task's work), reporting progress as the agendas are rendered. A failure marks the
    job failed; success stores the PDF, deletes the event's older jobs and tells the person who asked."""
    if not PrintJob.objects.filter(pk=job_id, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING,
                                                                             progress=1):
        return PrintJob.objects.defer("pdf").get(pk=job_id)
    job = PrintJob.objects.select_related("event", "started_by").defer("pdf").get(pk=job_id)
    try:
        document = printing.event_document(job.event, lambda done, total: _progress(job, done, total))
        pdf = document.write_pdf()
    except Exception as error:
        logger.exception("print job %s failed", job.pk)
        PrintJob.objects.filter(pk=job.pk).update(status=RunStatus.FAILED, progress=100, error=str(error)[:2000],
                                                  finished_at=timezone.now())
        return PrintJob.objects.defer("pdf").get(pk=job.pk)
    with transaction.atomic():
        PrintJob.objects.filter(pk=job.pk).update(
            status=RunStatus.DONE, progress=100, pdf=pdf, pages=len(document.pages), finished_at=timezone.now())
        PrintJob.objects.filter(event=job.event).exclude(pk=job.pk).exclude(status__in=UNFINISHED).delete()
        notify.on_commit(_tell_ready, job)
    return PrintJob.objects.defer("pdf").get(pk=job.pk)


def _progress(job: PrintJob, done: int, total: int) -> None:
    """Rendering is 90 % of the work, writing the file the rest."""
    PrintJob.objects.filter(pk=job.pk).update(progress=max(1, 90 * done // total), agendas=min(done, total - 1))


def _tell_ready(job: PrintJob) -> None:
    with translation.override(job.started_by.language or None):
        text = _("The agendas and table signs of “%(event)s” are ready to print.") % {"event": job.event.title}
        url = reverse("events:organiser-print", args=[job.event_id])
    notify.send([job.started_by], text, url)
