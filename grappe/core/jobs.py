"""Background jobs: one way to queue them, move them from state to state, and recover those whose worker died.

Every long piece of work (an import, a theme run, a scheduler run, a print run) is a row of a concrete
`core.models.Job` and a django-tasks task that does the work. The life of a job:

    request:  start_once(...) or create the row, then enqueue("app.tasks.some_task", job.pk, ...)
    worker:   start(job)  →  beat(job, processed, total) …  →  finish(job, **results)   (or fail(job, error))

- `enqueue` queues a task once the transaction commits, looked up by its dotted name: a request that rolls
  back queues nothing, and services never import their app's tasks module (tasks import services, never the
  reverse). If the process dies between the commit and the queueing, the job stays queued: recovery fails it.
- `start` claims a queued job (an UPDATE on its status), so a task run twice does the work once.
- `beat` records progress and a sign of life. `beat` and `finish` only write a job that is still running: one
  that recovery failed meanwhile raises `JobLost`, and the worker stops without writing its results (they
  could overwrite a newer run's).
- `queue_again` queues the next step of a job made of several (an import: check, then commit).
- `recover_stale_jobs` fails an unfinished job whose last sign of life (its last beat, else when it was
  queued) is older than `settings.GRAPPE_JOB_STALE_MINUTES`: its worker died, or its task was lost. Each
  "start" service calls it on the jobs that would block the new one, so a dead worker never blocks a run for
  good, and `manage.py queue_daily_tasks` sweeps every kind of job once a day. A step that can work longer
  than that without a beat must beat more often, or hold its row locked (an import's commit does).
- A job's task is declared with `job_task(Model)` instead of django-tasks' `task()`: its first argument is the
  job's id. When a worker is killed in the middle of such a task, the next worker queues the task again
  (grappe.core.workers) and `requeue` puts the job back to queued, so that it runs to its end once instead of
  waiting for recovery to fail it.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task as django_task

from . import audit
from .models import UNFINISHED, Job, JobStatus


class JobLost(Exception):
    """The job is no longer its worker's: recovery failed it (its heartbeat looked dead) while it worked."""


# The jobs' tasks: the dotted path of each task declared with `job_task`, and the model of the job it runs.
_JOB_MODELS: dict[str, type[Job]] = {}


def job_task(model: type[Job], **options):
    """Declare a django-tasks task that runs a job of `model`, whose id is its first argument:
    `@job_task(ImportJob)` over `def read_import_task(job_id, language)`."""
    def declare(function):
        found = django_task(**options)(function)
        _JOB_MODELS[found.module_path] = model
        return found
    return declare


def requeue(task_path: str, args: list) -> None:
    """Put the job of an interrupted task (its worker died while running it) back to queued, as it was before
    `start`, so that the task queued again claims it and runs it once. A task that runs no job has nothing to
    reset; a job that is not running any more (recovery failed it meanwhile) is left as it is. Nor has a task
    this version of Grappe no longer has (an upgrade renamed it): its worker fails it when it runs it again."""
    try:
        import_string(task_path)  # declares the task's job model, if it has one
    except ImportError:
        return
    model = _JOB_MODELS.get(task_path)
    if model is not None and args:
        model.objects.filter(pk=args[0], status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, processed=0, message="", started_at=None, heartbeat_at=timezone.now())


def enqueue(task: str, *args, **kwargs) -> None:
    """Queue the django-tasks task named `task` ("grappe.app.tasks.name") with these arguments once the
    current transaction commits (at once outside one). The name is resolved now, so a wrong one fails here."""
    found = import_string(task)
    transaction.on_commit(lambda: found.enqueue(*args, **kwargs))


def start_once(model: type[Job], *, actor, action: str, task: str, args: tuple = (), target: Model | None = None,
               **scope) -> Job:
    """Create a job of `model` for `scope` (e.g. event=…), record `action` in the audit trail (on `target`,
    else on the job) and queue `task(job id, *args)`. The model's unique constraint admits one unfinished job
    per scope, so while one is queued or running it is returned instead: two clicks at once make one job.
    Stale jobs of the scope are failed first, so a dead worker's job does not stand in the way."""
    recover_stale_jobs(model.objects.filter(**scope))
    try:
        with transaction.atomic():
            job = model.objects.create(owner=actor, **scope)
            audit.record(actor, action, target or job, after={"job": job.pk})
            enqueue(task, job.pk, *args)
    except IntegrityError:
        ongoing = model.objects.filter(status__in=UNFINISHED, **scope).first()
        if ongoing is None:
            raise
        return ongoing
    return job


def queue_again(job: Job, task: str, *args, **fields) -> None:
    """Queue the next step of a job whose last step is over (an import's check, then its commit): its row is
    reset to queued, with `fields`, and `task(job id, *args)` queued on commit. Call it inside a transaction
    that has checked, with the row locked, that the job may take that step."""
    values = {"status": JobStatus.QUEUED, "processed": 0, "message": "", "error": "", "started_at": None,
              "finished_at": None, "heartbeat_at": timezone.now(), **fields}  # queued now: recovery counts from here
    type(job).objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)
    enqueue(task, job.pk, *args)


def start(job: Job) -> bool:
    """Claim a queued job for this worker. False if it is not queued any more (another worker has it, it is
    over, or recovery failed it): the caller then does nothing."""
    now = timezone.now()
    claimed = type(job).objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, processed=0)
    if claimed:
        job.status, job.started_at, job.heartbeat_at, job.processed = JobStatus.RUNNING, now, now, 0
    return bool(claimed)


def beat(job: Job, processed: int, total: int | None = None, message: str | None = None, **fields) -> None:
    """Record progress (and any of the job's own fields) with a sign of life. Raises JobLost if the job is
    not running any more."""
    total = job.total if total is None else total
    values = {"processed": min(processed, total), "total": total, **fields}
    if message is not None:
        values["message"] = message[:200]
    _write_running(job, heartbeat_at=timezone.now(), **values)


def finish(job: Job, **fields) -> None:
    """Mark the job done, with its results (`fields`). Inside the transaction that writes the job's work, a
    JobLost rolls that work back too."""
    now = timezone.now()
    _write_running(job, status=JobStatus.DONE, processed=F("total"), finished_at=now, heartbeat_at=now, **fields)
    job.processed = job.total


def fail(job: Job, error: str, **fields) -> None:
    """Mark an unfinished job failed, saying why (`error` is shown to the staff)."""
    values = {"status": JobStatus.FAILED, "error": error[:2000], "finished_at": timezone.now(), **fields}
    if type(job).objects.filter(pk=job.pk, status__in=UNFINISHED).update(**values):
        for name, value in values.items():
            setattr(job, name, value)


def recover_stale_jobs(jobs: QuerySet | None = None) -> int:
    """Fail the stale jobs among `jobs` (every concrete Job when None): running or queued ones whose last sign
    of life (heartbeat, else creation) is older than GRAPPE_JOB_STALE_MINUTES. Returns how many were failed."""
    querysets = [jobs] if jobs is not None else [
        model.objects.all() for model in apps.get_models() if issubclass(model, Job)]
    minutes = settings.GRAPPE_JOB_STALE_MINUTES
    now = timezone.now()
    cutoff = now - datetime.timedelta(minutes=minutes)
    recovered = 0
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    for queryset in querysets:
        recovered += queryset.filter(silent, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=now,
            error=_("The worker stopped giving signs of life for %(minutes)s minutes; this run was abandoned. "
                    "Start it again.") % {"minutes": minutes})
        recovered += queryset.filter(silent, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, finished_at=now,
            error=_("No worker took this job within %(minutes)s minutes; it was abandoned. Start it again.")
            % {"minutes": minutes})
    return recovered


def _write_running(job: Job, **values) -> None:
    if not type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**values):
        raise JobLost(f"{type(job).__name__} {job.pk} is no longer running")
    for name, value in values.items():
        if not isinstance(value, F):
            setattr(job, name, value)
