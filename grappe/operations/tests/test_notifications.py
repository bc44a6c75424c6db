"""The staff administrators hear of failed background tasks and of mail given up, a few times in a storm
(grappe.operations.services.alerts)."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone, translation
from django_tasks.base import TaskResultStatus

from grappe.conftest import make_member, make_staff
from grappe.core import notify, outbox
from grappe.core.models import MailStatus, Notification, OutgoingMail
from grappe.members.models import OrgRole, Role, User
from grappe.operations.notifications import MAIL_FAILED, TASK_FAILED
from grappe.operations.services import alerts

from .tasks import failing_task, working_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(org_a):
    """Who is told (an administrator of the staff, a superuser) and who is not (other staff, an organisation's
    administrator, a deactivated administrator)."""
    told = [make_staff("admin@grappe.test"),
            User.objects.create_superuser("root@grappe.test", "x" * 12)]
    make_staff("programs@grappe.test", role=Role.STAFF_PROGRAMS)
    make_member(org_a, "boss@alpha.test", OrgRole.ADMIN)
    gone = make_staff("gone@grappe.test")
    gone.is_active = False
    gone.save()
    return told


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", flat=True))


def test_a_failed_task_tells_the_staff_administrators_once_an_hour_per_task(admins, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = failing_task.enqueue(7, reason="nightly")
    assert result.status == TaskResultStatus.FAILED
    assert told(TASK_FAILED) == ["admin@grappe.test", "root@grappe.test"]
    notification = Notification.objects.filter(kind=TASK_FAILED).first()
    assert notification.params == {"task": "grappe.operations.tests.tasks.failing_task",
                                   "error": "Broken"}  # the kind of error: its text may quote personal data
    assert notification.url == "/fr/system/"

    for _ in range(5):  # a storm
        failing_task.enqueue(8)
    assert Notification.objects.filter(kind=TASK_FAILED).count() == 2

    alerts.tell_task_failed("grappe.members.tasks.read_import_task", "ValueError: x")  # another task: told
    assert Notification.objects.filter(kind=TASK_FAILED).count() == 4

    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1, minutes=1))
    failing_task.enqueue(9)  # an hour later: told again
    assert Notification.objects.filter(kind=TASK_FAILED).count() == 6


def test_a_task_that_works_tells_nobody(admins, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    working_task.enqueue(1)
    assert not Notification.objects.exists()


def test_an_error_while_telling_never_fails_the_task(admins, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def broken(*args):
        raise RuntimeError("notifications are down")
    monkeypatch.setattr(alerts, "tell_task_failed", broken)
    assert failing_task.enqueue(1).status == TaskResultStatus.FAILED  # no exception out of the signal


class Refused:
    def send(self):
        raise smtplib.SMTPRecipientsRefused({"lea.roy@alpha.test": (550, b"no such user")})


def test_mail_given_up_tells_the_staff_administrators_once_an_hour_without_the_address(admins, monkeypatch):
    monkeypatch.setattr(outbox, "_email", lambda message: Refused())
    for to in ("lea.roy@alpha.test", "marc@alpha.test"):
        OutgoingMail.objects.create(to=to, subject="Votre invitation", body="…")
    outbox.send_due()
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.FAILED}
    assert told(MAIL_FAILED) == ["admin@grappe.test", "root@grappe.test"]
    notification = Notification.objects.filter(kind=MAIL_FAILED).first()
    assert notification.params == {"error": "SMTPRecipientsRefused"}
    assert "lea.roy" not in str(notification.params)


def test_mail_tried_again_later_tells_nobody(admins, monkeypatch):
    class Busy:
        def send(self):
            raise smtplib.SMTPServerDisconnected("connection lost")
    monkeypatch.setattr(outbox, "_email", lambda message: Busy())
    OutgoingMail.objects.create(to="lea.roy@alpha.test", subject="s", body="…")
    outbox.send_due()
    assert OutgoingMail.objects.get().status == MailStatus.PENDING
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("language, expected", [
    ("fr", "Une tâche de fond a échoué : grappe.x.tasks.t (ValueError: x)."),
    ("en", "A background task failed: grappe.x.tasks.t (ValueError: x)."),
])
def test_the_notifications_read_in_the_readers_language(language, expected):
    with translation.override(language):
        assert notify.text(TASK_FAILED, {"task": "grappe.x.tasks.t", "error": "ValueError: x"}).startswith(expected)
        assert notify.text(MAIL_FAILED, {"error": "SMTPDataError"})
