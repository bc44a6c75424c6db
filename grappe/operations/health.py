"""What a load balancer or a monitor asks of a running Grappe (views/health.py).

- `/healthz`: the process answers. Nothing else is looked at (no database): a load balancer that restarts
  processes on its failure must not restart them all because PostgreSQL is down.
- `/readyz`: the process can do its work. Each check says ok or why not, in words an operator reads and
  without personal data (counts and kinds of work, never a person, an email or a task's arguments):
  - database: a connection answers `SELECT 1`;
  - migrations: every migration of the code is applied (read from disk once per process; the "yes" is kept
    a minute, so a probe every few seconds does not read the migration table each time);
  - worker: a background worker (`manage.py db_worker`) gave a sign of life within GRAPPE_WORKER_LOST_SECONDS;
    not asked when the task backend runs tasks in the request (the demo's immediate backend);
  - jobs: no job (an import, a scheduler run, a print run…) queued or running without a sign of life for
    GRAPPE_JOB_STALE_MINUTES, and no task waiting in the queue that long past its time.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from grappe.core import workers
from grappe.core.models import UNFINISHED, Job

logger = logging.getLogger(__name__)

MIGRATIONS_KEPT_SECONDS = 60
_migrations_applied_at: float | None = None  # when the last check found every migration applied (monotonic)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check("database", True)


def migrations() -> Check:
    global _migrations_applied_at
    if _migrations_applied_at is not None and time.monotonic() - _migrations_applied_at < MIGRATIONS_KEPT_SECONDS:
        return Check("migrations", True)
    executor = MigrationExecutor(connection)
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if missing:
        _migrations_applied_at = None
        return Check("migrations", False, f"{len(missing)} migration(s) not applied: run manage.py migrate")
    _migrations_applied_at = time.monotonic()
    return Check("migrations", True)


def worker() -> Check:
    if not isinstance(task_backends["default"], DatabaseBackend):
        return Check("worker", True, "tasks run in the request: no worker needed")
    if workers.alive().exists():
        return Check("worker", True)
    return Check("worker", False, f"no worker seen within {settings.GRAPPE_WORKER_LOST_SECONDS} s:"
                                  " is manage.py db_worker running?")


def job_models() -> list[type[Job]]:
    """The concrete jobs of every app (each app's own table), found through the app registry."""
    return [model for model in apps.get_models() if issubclass(model, Job)]


def stuck_jobs(now: datetime.datetime | None = None) -> dict[str, int]:
    """How many jobs of each kind ("members.importjob") are queued or running with no sign of life for
    GRAPPE_JOB_STALE_MINUTES (what recover_stale_jobs would fail); kinds with none are left out."""
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=settings.GRAPPE_JOB_STALE_MINUTES)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    counts = {model._meta.label_lower: model.objects.filter(silent, status__in=UNFINISHED).count()
              for model in job_models()}
    return {label: count for label, count in counts.items() if count}


def late_tasks(now: datetime.datetime | None = None) -> int:
    """Tasks ready to run for GRAPPE_JOB_STALE_MINUTES that no worker took."""
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=settings.GRAPPE_JOB_STALE_MINUTES)
    due_long_ago = Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
    return DBTaskResult.objects.filter(due_long_ago, status=TaskResultStatus.READY).count()


def jobs() -> Check:
    stuck, late = stuck_jobs(), late_tasks()
    if not stuck and not late:
        return Check("jobs", True)
    minutes = settings.GRAPPE_JOB_STALE_MINUTES
    parts = [f"{count} {label}" for label, count in sorted(stuck.items())]
    detail = f"silent for {minutes} min: " + ", ".join(parts) if parts else ""
    if late:
        detail += ("; " if detail else "") + f"{late} task(s) waiting in the queue for more than {minutes} min"
    return Check("jobs", False, detail)


CHECKS = (database, migrations, worker, jobs)


def readiness() -> list[Check]:
    """Every check, in order. A check that raises fails with the error's kind (its message may name a host or
    a user); once the database is unreachable, the checks that need it are not run."""
    results = []
    for check in CHECKS:
        if results and not results[0].ok:
            results.append(Check(check.__name__, False, "not checked: the database is unreachable"))
            continue
        try:
            results.append(check())
        except Exception as error:  # noqa: BLE001 — a monitor gets an answer, the log gets the traceback
            logger.exception("readiness check %s failed", check.__name__)
            results.append(Check(check.__name__, False, f"error: {type(error).__name__}"))
    return results
