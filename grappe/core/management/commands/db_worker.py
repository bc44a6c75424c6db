"""django-tasks-db's worker, with signs of life and the recovery of dead workers' tasks (grappe.core.workers).

Run it as `manage.py db_worker`; give each worker a stable `--worker-id` (the systemd unit does: grappe-worker-1) so
that a worker restarted after being killed queues its interrupted task again at once instead of a minute later."""

import os
import socket

from django_tasks_db.management.commands import db_worker

from grappe.core import workers


class Command(db_worker.Command):
    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # A readable default instead of django-tasks-db's random one, unique per process on a machine.
        parser.set_defaults(worker_id=f"{socket.gethostname()[:40]}-{os.getpid()}")

    def handle(self, *args, **options) -> None:
        worker_id = options["worker_id"]
        heartbeat = workers.Heartbeat(worker_id)
        workers.beat(worker_id, starting=True)
        workers.requeue_orphaned_tasks(worker_id, started_at=heartbeat.started_at)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:  # also on SIGTERM, which the worker turns into sys.exit; a killed worker records nothing
            heartbeat.halt.set()
            heartbeat.join(timeout=workers.BEAT_SECONDS)
            workers.stopped(worker_id)
