"""Who may use the operations' pages and probes (grappe/core/tests/permission_matrix.py): the system page and its
actions are the staff's; the probes answer anybody (a load balancer has no account)."""

import pytest
from django_tasks_db.models import DBTaskResult

from grappe.core.tests.permission_matrix import ACTORS, PUBLIC, STAFF, STAFF_ONLY, PermissionMatrix

from .factories import failed_result, filled_system

STAFF_WRITE = {**STAFF_ONLY, STAFF: 302}


def a_failed_task(ctx):
    return [failed_result().pk]


def still_failed(ctx, pk) -> bool:
    return DBTaskResult.objects.filter(pk=pk).exists()


class TestHealthz(PermissionMatrix):
    url = "healthz"
    expect = PUBLIC


class TestReadyz(PermissionMatrix):
    """With tasks run in the request (no worker needed), the matrix's cluster is ready."""
    url = "readyz"
    expect = PUBLIC

    @pytest.mark.parametrize("actor", ACTORS)
    def test_access(self, actor, matrix, client, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        self.check_access(actor, matrix, client)


def system_with_activity(ctx):
    """The system page filled (a failed task with its buttons, workers, a failed job, backups, the chart), so that
    the browser sweep, which builds a page's objects through its policy's args, reads it as the staff will."""
    filled_system(ctx.staff)
    return []


class TestSystem(PermissionMatrix):
    url = "operations:system"
    args = staticmethod(system_with_activity)
    expect = STAFF_ONLY


class TestTaskRetry(PermissionMatrix):
    url = "operations:task-retry"
    method = "post"
    args = staticmethod(a_failed_task)
    expect = STAFF_WRITE
    audit_action = "task.retried"
    effect = staticmethod(still_failed)


class TestTaskDiscard(PermissionMatrix):
    url = "operations:task-discard"
    method = "post"
    args = staticmethod(a_failed_task)
    expect = STAFF_WRITE
    audit_action = "task.discarded"
    effect = staticmethod(still_failed)

