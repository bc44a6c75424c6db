"""What the staff's home page gathers from every app: the background work of the last days (imports, theme runs,
scheduler runs, print runs), each a core Job, with where it stands and a link to the page that follows it."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.models import UNFINISHED, JobStatus
from grappe.events.models import PrintJob, ScheduleRun
from grappe.listening.models import ThemeRun
from grappe.members.models import ImportJob

RECENT_DAYS = 7  # a failed job stays on the home page this long; a queued or running one until it ends


@dataclass(frozen=True)
class JobRow:
    kind: str
    subject: str
    job: object
    url: str

    @property
    def failed(self) -> bool:
        return self.job.status == JobStatus.FAILED


def _recent(model):
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return (model.objects.filter(status__in=UNFINISHED) | model.objects.filter(
        status=JobStatus.FAILED, created_at__gte=since)).order_by("-created_at")


def background_jobs(limit: int = 8) -> list[JobRow]:
    """Queued, running and recently failed jobs of every kind, newest first."""
    rows = [JobRow(_("Import"), str(job), job, reverse("members:import-detail", args=[job.pk]))
            for job in _recent(ImportJob)[:limit]]
    rows += [JobRow(_("Themes"), _("Theme run"), job, reverse("listening:staff-theme-list"))
             for job in _recent(ThemeRun)[:limit]]
    rows += [JobRow(_("Scheduler"), job.event.title, job, reverse("events:organiser-scheduler", args=[job.event_id]))
             for job in _recent(ScheduleRun).select_related("event")[:limit]]
    rows += [JobRow(_("Printing"), job.event.title, job, reverse("events:organiser-print", args=[job.event_id]))
             for job in _recent(PrintJob).select_related("event").defer("pdf")[:limit]]
    return sorted(rows, key=lambda row: row.job.created_at, reverse=True)[:limit]
