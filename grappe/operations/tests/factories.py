"""Rows of the task queue and workers as the system page and its actions meet them."""

import datetime

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

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
