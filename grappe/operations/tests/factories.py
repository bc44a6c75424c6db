"""Rows of the task queue and workers as the system page and its actions meet them."""

import datetime

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from grappe.core import workers
from grappe.core.models import JobStatus, Worker
from grappe.members.models import ImportJob
from grappe.operations.models import Backup

FAILING = "grappe.operations.tests.tasks.failing_task"
WORKING = "grappe.operations.tests.tasks.working_task"
TRACEBACK = ('Traceback (most recent call last):\n  File "x.py", line 1, in f\n'
             "grappe.operations.tests.tasks.Broken: the partner's server answered 502 (nightly)\n")


def failed_result(task_path: str = WORKING, *, ago: datetime.timedelta = datetime.timedelta(hours=1),
                  args=(7,), kwargs=None) -> DBTaskResult:
    finished = timezone.now() - ago
    result = DBTaskResult.objects.create(
        task_path=task_path, args_kwargs={"args": list(args), "kwargs": kwargs or {"reason": "nightly"}},
        backend_name="default", status=TaskResultStatus.FAILED, started_at=finished, finished_at=finished,
        exception_class_path="grappe.operations.tests.tasks.Broken", traceback=TRACEBACK, worker_ids=["w1"])
    DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=finished)
    return result


def done_result(ago: datetime.timedelta = datetime.timedelta(hours=2)) -> DBTaskResult:
    finished = timezone.now() - ago
    return DBTaskResult.objects.create(task_path=WORKING, args_kwargs={"args": [1], "kwargs": {}},
                                       backend_name="default", status=TaskResultStatus.SUCCESSFUL,
                                       started_at=finished, finished_at=finished)


def filled_system(staff) -> None:
    """A queue, workers, failures and backups as a cluster's week leaves them."""
    now = timezone.now()
    failed_result("grappe.federation.tasks.deliver", ago=datetime.timedelta(minutes=30))
    failed_result(ago=datetime.timedelta(hours=5))
    for hours in (1, 2, 2, 6, 12):
        done_result(ago=datetime.timedelta(hours=hours))
    workers.beat("grappe-worker-1", starting=True)
    workers.beat("grappe-worker-2", starting=True)
    Worker.objects.filter(worker_id="grappe-worker-2").update(seen_at=now - datetime.timedelta(hours=3))
    ImportJob.objects.create(kind="organisations", original_name="membres.xlsx", owner=staff, status=JobStatus.FAILED,
                             error="La colonne « NEQ » est absente de la feuille « Membres ».",
                             finished_at=now - datetime.timedelta(days=2))
    Backup.objects.create(started_at=now - datetime.timedelta(days=1, hours=2),
                          finished_at=now - datetime.timedelta(days=1), path="/var/backups/grappe-20261206-020000.tar", size_bytes=734_003_200, succeeded=True)
    Backup.objects.create(started_at=now - datetime.timedelta(hours=2), succeeded=False,
                          error="pg_dump: error: connection to server failed: No space left on device")
