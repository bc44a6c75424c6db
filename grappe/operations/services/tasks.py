"""The staff act on failed background tasks (the system page): queue one again, or discard it.

Each: the permission (operations.manage_tasks), one transaction, one audit entry. A failed task's row of the
queue (django-tasks-db's DBTaskResult) is deleted either way, its id kept in the audit entry: the queue keeps
what waits, runs or ran, and a task queued again is a new row. A task that ran a job (grappe.core.jobs.job_task)
whose job was left running is put back to queued with it (jobs.requeue), so that the new run takes it up; a job
already failed stays failed: it is started again from its own page.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from grappe.core import audit, jobs
from grappe.core.permissions import require


def retry_task(actor, result_id) -> str:
    """Queue the failed task `result_id` again with the same arguments; the id of the new run."""
    require(actor, "operations.manage_tasks")
    with transaction.atomic():
        result = _failed(result_id)
        try:
            task = import_string(result.task_path)
        except ImportError:
            task = None
        if not isinstance(task, Task):
            raise ValidationError(_("This task no longer exists in this version of Grappe: discard it."))
        args, kwargs = result.args_kwargs.get("args", []), result.args_kwargs.get("kwargs", {})
        jobs.requeue(result.task_path, args)
        queued = task.enqueue(*args, **kwargs)
        audit.record(actor, "task.retried", result, target_label=result.task_path,
                     before={"task": str(result.pk)}, after={"task": str(queued.id)})
        result.delete()
    return str(queued.id)


def discard_task(actor, result_id) -> None:
    """Forget the failed task `result_id`: it will not run again."""
    require(actor, "operations.manage_tasks")
    with transaction.atomic():
        result = _failed(result_id)
        audit.record(actor, "task.discarded", result, target_label=result.task_path,
                     before={"task": str(result.pk), "error": result.exception_class_path})
        result.delete()


def _failed(result_id) -> DBTaskResult:
    result = DBTaskResult.objects.select_for_update().filter(pk=result_id, status=TaskResultStatus.FAILED).first()
    if result is None:
        raise ValidationError(_("This task is no longer among the failed ones: someone else dealt with it."))
    return result


