"""Mail leaves through the outbox: written in the service's transaction, sent by a task, each message on its
own, a failed one tried again later and given up after a few tries."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from grappe.core import outbox
from grappe.core.models import MailStatus, OutgoingMail

from .mail_backends import refusing_mail  # noqa: F401

pytestmark = pytest.mark.django_db


def the_clock_moves_on():
    """Every pending message is due now (as if its retry delay had passed)."""
    OutgoingMail.objects.filter(status=MailStatus.PENDING).update(next_attempt_at=timezone.now())


def test_a_refused_address_does_not_stop_the_others_and_is_tried_again_later(
        refusing_mail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("first@example.test", "bounce@example.test", "last@example.test"):
            outbox.queue(address, "Hello", "Body")

    assert sorted(m.to[0] for m in mail.outbox) == ["first@example.test", "last@example.test"]
    failed = OutgoingMail.objects.get(to="bounce@example.test")
    assert failed.status == MailStatus.PENDING and failed.attempts == 1
    assert failed.next_attempt_at > timezone.now() and "SMTPRecipientsRefused" in failed.last_error
    assert outbox.send_due() == 0  # not due yet: nothing is sent again

    refusing_mail.clear()  # the mailbox exists again
    the_clock_moves_on()
    assert outbox.send_due() == 1
    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT and failed.attempts == 2
    assert [m.to[0] for m in mail.outbox].count("bounce@example.test") == 1
    assert OutgoingMail.objects.filter(status=MailStatus.SENT).count() == 3


def test_a_message_that_keeps_failing_is_given_up_with_its_error(refusing_mail):
    message = outbox.queue("bounce@example.test", "Hello", "Body")
    for _attempt in range(outbox.MAX_ATTEMPTS):
        the_clock_moves_on()
        outbox.send_due()

    message.refresh_from_db()
    assert message.status == MailStatus.FAILED and message.attempts == outbox.MAX_ATTEMPTS
    assert "550" in message.last_error
    the_clock_moves_on()
    assert outbox.send_due() == 0 and mail.outbox == []


def test_the_delay_grows_between_attempts(refusing_mail):
    message = outbox.queue("bounce@example.test", "Hello", "Body")
    delays = []
    for _attempt in range(3):
        the_clock_moves_on()
        before = timezone.now()
        outbox.send_due()
        message.refresh_from_db()
        delays.append(round((message.next_attempt_at - before).total_seconds() / 60))
    assert delays == [2, 4, 8]


def test_a_mail_written_by_a_change_that_rolls_back_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.queue("someone@example.test", "Hello", "Body")
            raise RuntimeError("the service failed after writing its mail")

    assert callbacks == [] and not OutgoingMail.objects.exists() and mail.outbox == []


def test_one_sending_task_per_transaction_however_many_messages(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(20):
            outbox.queue(f"p{n}@example.test", "Hello", "Body")

    assert len(callbacks) == 1 and len(mail.outbox) == 20


def test_a_sent_message_does_not_keep_its_body():
    """Bodies hold personal links (a guest's access, a key to choose a password)."""
    message = outbox.queue("someone@example.test", "Invitation", "https://grappe.test/set-password/secret")
    outbox.send_due()

    message.refresh_from_db()
    assert message.status == MailStatus.SENT and message.body == "" and message.sent_at is not None
    assert mail.outbox[0].body == "https://grappe.test/set-password/secret"


def test_a_retry_is_queued_when_the_task_backend_can_wait(refusing_mail, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    outbox.queue("bounce@example.test", "Hello", "Body")
    default_task_backend.clear()
    outbox.send_due()

    [retry] = default_task_backend.results
    assert retry.task.name == "send_mail_task"
    assert retry.task.run_after == OutgoingMail.objects.get().next_attempt_at


def test_a_message_leaves_with_its_attachments_which_are_not_kept_once_sent(django_capture_on_commit_callbacks):
    calendar = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.queue("lea@example.test", "Invitation", "Body",
                               attachments=[("invitation.ics", calendar, "text/calendar"),
                                            ("notes.txt", "Ordre du jour — café", "text/plain")])

    [sent] = mail.outbox
    assert [(name, mimetype) for name, _content, mimetype in sent.attachments] == [
        ("invitation.ics", "text/calendar"), ("notes.txt", "text/plain")]
    assert "METHOD:REQUEST" in sent.attachments[0][1] and sent.attachments[1][1] == "Ordre du jour — café"
    message.refresh_from_db()
    assert message.status == MailStatus.SENT and message.attachments == []
