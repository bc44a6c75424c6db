"""Mail leaves through the outbox: written in the service's transaction, sent by a task, each message on its
own, a failed one tried again later and given up after a few tries."""

import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from grappe.core import outbox
from grappe.core.models import BouncedAddress, MailStatus, OutgoingMail

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
    assert "450" in message.last_error
    # A server busy for hours says nothing of the address: a good address is not flagged as bounced.
    assert not BouncedAddress.objects.exists()
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


def test_a_message_leaves_with_its_html_version_and_its_headers_which_are_not_kept_once_sent(
        django_capture_on_commit_callbacks):
    headers = {"List-Unsubscribe": "<https://grappe.test/u/token/>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.queue("lea@example.test", "Bulletin", "Le texte", html_body="<p>Le <b>texte</b></p>",
                               headers=headers)

    [sent] = mail.outbox
    assert sent.body == "Le texte" and sent.alternatives[0][0] == "<p>Le <b>texte</b></p>"
    assert sent.alternatives[0][1] == "text/html"
    raw = sent.message().as_string()
    assert "List-Unsubscribe: <https://grappe.test/u/token/>" in raw
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    message.refresh_from_db()
    assert message.status == MailStatus.SENT and message.body == "" and message.html_body == ""


def test_no_more_than_the_quota_leaves_in_a_minute(settings, django_capture_on_commit_callbacks):
    settings.GRAPPE_MAIL_PER_MINUTE = 5
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            outbox.queue(f"p{n}@example.test", "Hello", "Body")

    assert len(mail.outbox) == 5
    assert OutgoingMail.objects.filter(status=MailStatus.PENDING).count() == 3
    assert outbox.send_due() == 0  # the minute's quota is used

    OutgoingMail.objects.filter(status=MailStatus.SENT).update(sent_at=timezone.now() - timezone.timedelta(
        seconds=61))  # a minute later
    assert outbox.send_due() == 3 and len(mail.outbox) == 8


def test_a_run_stopped_by_the_quota_queues_one_for_when_a_slot_frees(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.GRAPPE_MAIL_PER_MINUTE = 2
    from django_tasks import default_task_backend

    for n in range(3):
        outbox.queue(f"p{n}@example.test", "Hello", "Body")
    default_task_backend.clear()
    assert outbox.send_due() == 2

    [resume] = default_task_backend.results
    first_sent = OutgoingMail.objects.filter(status=MailStatus.SENT).order_by("sent_at").first().sent_at
    assert resume.task.name == "send_mail_task" and resume.task.run_after == first_sent + outbox.THROTTLE_WINDOW


def test_an_address_refused_for_good_fails_at_once_and_is_flagged_once(refusing_mail):
    refusing_mail.clear()
    from .mail_backends import RefusingBackend

    RefusingBackend.refused_for_good = {"gone@example.test"}
    first = outbox.queue("gone@example.test", "Hello", "Body")
    second = outbox.queue("GONE@example.test".lower(), "Again", "Body")
    outbox.send_due()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == MailStatus.FAILED and first.attempts == 1  # no retry
    assert "550" in first.last_error
    [bounced] = BouncedAddress.objects.all()
    assert bounced.email == "gone@example.test" and "No such mailbox" in bounced.reason
    outbox.flag_bounced("Gone@Example.test", "again")  # whatever its case, flagged once
    assert BouncedAddress.objects.count() == 1


@pytest.mark.parametrize(("error", "permanent"), [
    (smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"no such user")}), True),
    (smtplib.SMTPRecipientsRefused({"a@x.test": (451, b"try later")}), False),
    (smtplib.SMTPDataError(554, b"rejected"), False),  # the content, after DATA: not the address
    (smtplib.SMTPResponseException(550, b"no such user"), True),
    (smtplib.SMTPResponseException(551, b"user not local"), True),
    (smtplib.SMTPResponseException(553, b"mailbox name not allowed"), True),
    (smtplib.SMTPResponseException(554, b"transaction failed"), False),
    (smtplib.SMTPServerDisconnected("lost"), False),
    (smtplib.SMTPDataError(421, b"busy"), False),
    (smtplib.SMTPSenderRefused(550, b"sender not allowed", "grappe@localhost"), False),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
    (ConnectionRefusedError(), False),
])
def test_only_a_5xx_answer_about_the_recipient_is_a_permanent_refusal(error, permanent):
    assert outbox.is_permanent_refusal(error) is permanent


class _FailingBackend:
    """A mail server that answers every message with `error`."""

    error: Exception = ConnectionRefusedError()

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise _FailingBackend.error


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}._FailingBackend"
    yield _FailingBackend


@pytest.mark.parametrize(("error", "fails_at_once"), [
    (smtplib.SMTPDataError(554, b"5.7.1 content rejected"), True),
    (smtplib.SMTPSenderRefused(550, b"sender not allowed", "grappe@localhost"), False),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
    (smtplib.SMTPConnectError(421, b"no service"), False),
    (ConnectionRefusedError(), False),
])
def test_a_failure_that_is_not_about_the_recipient_never_flags_the_address(failing_mail, error, fails_at_once):
    failing_mail.error = error
    message = outbox.queue("lea@example.test", "Hello", "Body")
    outbox.send_due()

    message.refresh_from_db()
    assert message.status == (MailStatus.FAILED if fails_at_once else MailStatus.PENDING)
    assert not BouncedAddress.objects.exists()


def test_a_recipient_refused_with_550_at_rcpt_is_flagged(failing_mail):
    failing_mail.error = smtplib.SMTPRecipientsRefused({"gone@example.test": (550, b"5.1.1 no such user")})
    message = outbox.queue("gone@example.test", "Hello", "Body")
    outbox.send_due()

    message.refresh_from_db()
    assert message.status == MailStatus.FAILED
    assert BouncedAddress.objects.filter(email="gone@example.test").exists()


def test_the_log_names_a_failed_message_by_its_id_never_by_its_address(failing_mail, caplog):
    failing_mail.error = smtplib.SMTPRecipientsRefused({"Gone@Example.test": (550, b"5.1.1 no such user")})
    message = outbox.queue("gone@example.test", "Hello", "Body")
    with caplog.at_level("INFO", logger="grappe.core.outbox"):
        outbox.send_due()

    assert f"mail {message.pk} refused for good" in caplog.text
    assert "example.test" not in caplog.text.lower()
    message.refresh_from_db()
    assert "Gone@Example.test" in message.last_error  # the staff still read the server's whole answer


@pytest.fixture
def stream_check():
    """A stream "test" whose check lets go only the people in `allowed`."""
    allowed: set[int] = set()
    outbox.register_stream_check("test", lambda context: context.get("person") in allowed)
    yield allowed
    outbox._STREAM_CHECKS.pop("test", None)


def test_a_message_its_stream_no_longer_allows_is_withdrawn_just_before_sending(stream_check):
    stream_check.add(1)
    kept = outbox.queue("kept@example.test", "News", "Body", stream="test", context={"person": 1})
    dropped = outbox.queue("gone@example.test", "News", "https://grappe.test/unsubscribe/secret", stream="test",
                           context={"person": 2})
    always = outbox.queue("always@example.test", "Notice", "Body")

    assert outbox.send_due() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["always@example.test", "kept@example.test"]
    dropped.refresh_from_db()
    assert dropped.status == MailStatus.WITHDRAWN and dropped.body == "" and dropped.sent_at is None
    kept.refresh_from_db()
    always.refresh_from_db()
    assert kept.status == always.status == MailStatus.SENT
