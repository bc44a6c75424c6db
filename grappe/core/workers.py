"""Background workers' signs of life, and the tasks of those that died.

django-tasks-db's worker (`manage.py db_worker`) claims a task by writing its id on the task's row, runs it and
writes the outcome. Killed in the middle (a deploy, the machine's out-of-memory killer, a reboot), it leaves the task
"running" for ever. Grappe's `db_worker` (grappe/core/management/commands/db_worker.py) adds a heartbeat thread that
every `BEAT_SECONDS`:
- records that this worker lives (a `core.Worker` row);
- queues again the tasks claimed by a worker that is not alive: one silent for GRAPPE_WORKER_LOST_SECONDS, or this
  very worker id in an earlier life (systemd restarts a worker under the same id: its tasks are orphans at once).
  A job's task also puts its job back to queued (grappe.core.jobs.requeue), so the job runs to its end once.
A task is thus run at least once; the jobs' claim (jobs.start) makes their work happen once.
"""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import jobs
from .models import Worker

logger = logging.getLogger(__name__)

BEAT_SECONDS = 10


def beat(worker_id: str, *, starting: bool = False) -> None:
    """Record that `worker_id` (this process) is alive now."""
    now = timezone.now()
    defaults = {"hostname": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now, "stopped_at": None}
    if starting:
        defaults["started_at"] = now
    Worker.objects.update_or_create(worker_id=worker_id, defaults=defaults,
                                    create_defaults={**defaults, "started_at": now})


def stopped(worker_id: str) -> None:
    """Record that `worker_id` stopped on request (a graceful shutdown)."""
    Worker.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def alive(now: datetime.datetime | None = None):
    """The workers seen within GRAPPE_WORKER_LOST_SECONDS that did not stop."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.GRAPPE_WORKER_LOST_SECONDS)
    return Worker.objects.filter(seen_at__gte=cutoff, stopped_at__isnull=True)


def requeue_orphaned_tasks(current_worker_id: str, *, started_at: datetime.datetime) -> int:
    """Queue again the running tasks whose worker is dead: claimed by a worker not alive, or by this worker's id
    before this process started (`started_at`). Returns how many were queued again."""
    requeued = 0
    with transaction.atomic():
        running = list(DBTaskResult.objects.select_for_update(skip_locked=True)
                       .filter(status=TaskResultStatus.RUNNING))
        # The living are read after the running tasks, never before: a worker beats before it claims a task, so
        # every claimer of a task read above is seen here if it lives. Read first, a worker that started between
        # the two reads and claimed a task would look dead, and its task would run twice.
        living = set(alive().exclude(worker_id=current_worker_id).values_list("worker_id", flat=True))
        for result in running:
            claimed_by = result.worker_ids[-1] if result.worker_ids else ""
            mine_before = claimed_by == current_worker_id and result.started_at and result.started_at < started_at
            if claimed_by in living or (claimed_by == current_worker_id and not mine_before):
                continue
            jobs.requeue(result.task_path, result.args_kwargs.get("args", []))
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            logger.warning("Task %s (%s) was running on worker %s, which died: queued again",
                           result.id, result.task_path, claimed_by or "?")
            requeued += 1
    return requeued


class Heartbeat(threading.Thread):
    """The thread beside a worker's loop: its signs of life, and the recovery of dead workers' tasks."""

    def __init__(self, worker_id: str):
        super().__init__(name="grappe-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                beat(self.worker_id)
                requeue_orphaned_tasks(self.worker_id, started_at=self.started_at)
            except Exception:  # the database may be down for a while: say so, try again at the next beat
                logger.exception("Worker %s could not record its heartbeat", self.worker_id)
            finally:
                close_old_connections()
            self.halt.wait(BEAT_SECONDS)
        connection.close()
