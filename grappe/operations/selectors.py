"""What the staff's system page reads: the task queue, the workers, what failed, the last backup.

The queue is django-tasks-db's table (DBTaskResult); the workers are core.Worker (grappe.core.workers); the
jobs are every app's concrete core.Job, found through the app registry (health.job_models): operations imports
no other app. Every read is bounded (counts, the newest rows), so the page stays quick on a queue of a year.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncHour
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from grappe.core import workers
from grappe.core.models import JobStatus, MailStatus, OutgoingMail, Worker

from .health import job_models
from .models import Backup

DAY = datetime.timedelta(hours=24)
FAILED_JOBS_DAYS = 7
SHOWN = 50


@dataclass(frozen=True)
class QueueSummary:
    waiting: int
    running: int
    failed: int      # failed tasks still in the queue (not retried nor discarded), whenever they failed
    done_24h: int
    failed_24h: int
    oldest_waiting: datetime.datetime | None


def queue_summary(now: datetime.datetime | None = None) -> QueueSummary:
    now = now or timezone.now()
    since = now - DAY
    due = Q(status=TaskResultStatus.READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    counts = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        done_24h=Count("pk", filter=Q(status=TaskResultStatus.SUCCESSFUL, finished_at__gte=since)),
        failed_24h=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=since)),
        oldest_waiting=Min("enqueued_at", filter=due),
    )
    return QueueSummary(**counts)


@dataclass(frozen=True)
class WorkerRow:
    worker: Worker
    alive: bool


def worker_rows() -> list[WorkerRow]:
    """The workers seen lately, newest sign of life first, each alive or not."""
    living = set(workers.alive().values_list("pk", flat=True))
    return [WorkerRow(worker, worker.pk in living) for worker in Worker.objects.order_by("-seen_at")[:20]]


@dataclass(frozen=True)
class FailedTask:
    id: str
    task_path: str
    finished_at: datetime.datetime | None
    error: str


def last_line(traceback: str) -> str:
    """The last line of a traceback: the exception and its message."""
    lines = [line.strip() for line in traceback.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def failed_tasks() -> list[FailedTask]:
    """The failed tasks still in the queue, newest first."""
    rows = (DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
            .values("id", "task_path", "finished_at", "traceback", "exception_class_path")[:SHOWN])
    return [FailedTask(str(row["id"]), row["task_path"], row["finished_at"],
                       last_line(row["traceback"]) or row["exception_class_path"]) for row in rows]


@dataclass(frozen=True)
class FailedJob:
    kind: str
    pk: int
    finished_at: datetime.datetime | None
    error: str


def failed_jobs(now: datetime.datetime | None = None) -> list[FailedJob]:
    """The jobs of every app that failed in the last FAILED_JOBS_DAYS days, newest first."""
    since = (now or timezone.now()) - datetime.timedelta(days=FAILED_JOBS_DAYS)
    found = []
    for model in job_models():
        for pk, finished_at, error in (model.objects.filter(status=JobStatus.FAILED, finished_at__gte=since)
                                       .order_by("-finished_at").values_list("pk", "finished_at", "error")[:SHOWN]):
            found.append(FailedJob(str(model._meta.verbose_name), pk, finished_at, error))
    return sorted(found, key=lambda job: job.finished_at or since, reverse=True)[:SHOWN]


def mail_given_up(now: datetime.datetime | None = None) -> int:
    """Messages of the outbox given up in the last FAILED_JOBS_DAYS days (a given-up message keeps, as its next
    attempt, the time of its last one)."""
    since = (now or timezone.now()) - datetime.timedelta(days=FAILED_JOBS_DAYS)
    return OutgoingMail.objects.filter(status=MailStatus.FAILED, next_attempt_at__gte=since).count()


def last_backup() -> Backup | None:
    return Backup.objects.order_by("-started_at").first()


def last_good_backup() -> Backup | None:
    return Backup.objects.filter(succeeded=True).order_by("-started_at").first()


def tasks_per_hour(now: datetime.datetime | None = None) -> tuple[list[datetime.datetime], list[int], list[int]]:
    """The 24 hours up to now (each hour's start) with the tasks done and failed in each."""
    now = now or timezone.now()
    current = now.replace(minute=0, second=0, microsecond=0)
    hours = [current - datetime.timedelta(hours=n) for n in range(23, -1, -1)]
    rows = (DBTaskResult.objects.filter(finished_at__gte=hours[0],
                                        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
            .annotate(hour=TruncHour("finished_at", tzinfo=datetime.UTC)).values("hour", "status")
            .annotate(count=Count("pk")))
    counts = {(row["hour"], row["status"]): row["count"] for row in rows}
    done = [counts.get((hour, TaskResultStatus.SUCCESSFUL), 0) for hour in hours]
    failed = [counts.get((hour, TaskResultStatus.FAILED), 0) for hour in hours]
    return hours, done, failed
