"""Telling the staff administrators (active STAFF_ADMIN users and superusers) that background work failed: a
task that raised (django-tasks' task_finished signal) or a message of the outbox given up
(core.signals.mail_failed). Connected in apps.py.

Throttled, so that a storm (a task failing for every member, a mail server down for a night) makes few
notifications: at most one per task path, and one for all mail, within THROTTLE. The check reads the recent
notifications themselves, so every process (web and workers) sees the same ones.

A receiver never raises: django-tasks-db's worker sends task_finished inside its own error handling, and an
error there would mark a task that succeeded as failed.
"""

import datetime
import logging

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from grappe.core import notify
from grappe.core.models import Notification
from grappe.members.models import Role, User

from ..notifications import MAIL_FAILED, TASK_FAILED

logger = logging.getLogger(__name__)

THROTTLE = datetime.timedelta(hours=1)


def staff_admins():
    return User.objects.filter(Q(role=Role.STAFF_ADMIN) | Q(is_superuser=True), is_active=True)


def notified_lately(kind: str, **params) -> bool:
    since = timezone.now() - THROTTLE
    return Notification.objects.filter(kind=kind, created_at__gte=since,
                                       **{f"params__{name}": value for name, value in params.items()}).exists()


def tell_task_failed(task_path: str, error: str) -> bool:
    """Tell the staff administrators that a task of `task_path` failed, unless they were told within THROTTLE.
    Whether they were told now."""
    if notified_lately(TASK_FAILED, task=task_path):
        return False
    notify.send(staff_admins(), TASK_FAILED, {"task": task_path, "error": error[:300]},
                url=reverse("operations:system"))
    return True


def tell_mail_failed(error_kind: str) -> bool:
    """Tell the staff administrators that a message was given up, unless they were told of one within THROTTLE."""
    if notified_lately(MAIL_FAILED):
        return False
    notify.send(staff_admins(), MAIL_FAILED, {"error": error_kind}, url=reverse("operations:system"))
    return True


def on_task_finished(sender, task_result, **kwargs) -> None:
    if task_result.status != TaskResultStatus.FAILED:
        return
    try:
        # The kind of error, not its text (it may quote a row's values: an address, a name); the system page
        # shows the staff the whole line.
        error = task_result.errors[-1].exception_class_path.rsplit(".", 1)[-1] if task_result.errors else "?"
        tell_task_failed(task_result.task.module_path, error)
    except Exception:  # see the module's docstring
        logger.exception("The staff could not be told that task %s failed", task_result.id)


def on_mail_failed(sender, message, **kwargs) -> None:
    try:
        # "SMTPRecipientsRefused: {...}": the kind of error, not its text (it names the address).
        tell_mail_failed(message.last_error.split(":", 1)[0][:100] or "?")
    except Exception:  # see the module's docstring
        logger.exception("The staff could not be told that message %s was given up", message.pk)
