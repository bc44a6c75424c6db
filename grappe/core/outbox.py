"""Every mail Grappe sends leaves through the outbox.

A service writes its messages as rows (`queue`) inside its transaction: a change that rolls back mails
nobody, and the request never talks to the mail server. Once the transaction commits, a background task
sends the messages (`send_due`), each on its own: a server that refuses one address, or is down for a
while, neither fails the request nor stops the other messages. A message that fails is tried again later,
each time after a longer delay, and given up after MAX_ATTEMPTS tries with its last error kept.

With a backend that can run a task later (the database backend in production), a run that saw failures
queues one retry at the earliest next attempt; `manage.py queue_daily_tasks` also sends whatever is due,
should a worker have died in between.

Throttled: at most settings.GRAPPE_MAIL_PER_MINUTE messages leave in any minute (a bulletin to 50,000 people must
not get the cluster's server listed as a spammer). A run that uses up the quota stops there and, when the backend
can wait, queues one run for when the oldest message of the minute leaves the window. Workers running at the same
moment each read the quota at their start, so together they may pass it by a few messages: a soft limit.

A permanent refusal of the recipient (a 5xx answer to RCPT TO: the mailbox does not exist) is not tried again: the
message fails at once and its address is flagged (core.BouncedAddress), so that bulletins and digests skip it and
the staff see it. Nothing else flags an address: not a message given up after MAX_ATTEMPTS (the server may have been
down for hours), not a refused sender or sign-in (the cluster's own configuration), not a refusal of the message's
content after DATA (554: its text, not the address). A 4xx answer (mailbox busy, try later), a refused sender or
sign-in, a lost connection are tried again; a 5xx refusal of the content fails at once without flagging.

Optional mail waits in the outbox for hours when it is big (a bulletin to 50,000 people at the throttled rate): a
person may unsubscribe or withdraw consent meanwhile. Such a message carries a `stream` ("bulletins") and a
`context` ({"person": id, "topic": …}); the app that owns the stream registers a check
(`register_stream_check`, from its AppConfig.ready: core never imports the apps above it), and `send_due` asks it
just before sending. A message its check refuses is not sent: it is marked WITHDRAWN and its body emptied.

A message given up (FAILED) sends core.signals.mail_failed: the operations app tells the staff administrators.
"""

import base64
import datetime
import logging
import re
import smtplib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import signals
from .models import BouncedAddress, MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = datetime.timedelta(minutes=2)  # then 4, 8, 16… minutes: about four hours in all
LONGEST_RETRY = datetime.timedelta(hours=6)
# By name, as grappe.core.jobs.enqueue does: tasks.py imports this module, never the reverse.
SENDING_TASK = "grappe.core.tasks.send_mail_task"
THROTTLE_WINDOW = datetime.timedelta(minutes=1)
# The SMTP answers to RCPT TO that say the mailbox is not there for good (RFC 5321): unknown user, not local,
# mailbox name not allowed. A 554 or 552 after DATA is about the message, not the address.
RECIPIENT_REFUSED = frozenset({550, 551, 553})

# stream -> check(context) -> may the message still go? (register_stream_check)
_STREAM_CHECKS: dict[str, Callable[[dict], bool]] = {}


def register_stream_check(stream: str, check: Callable[[dict], bool]) -> None:
    """Have `send_due` ask `check(message.context)` just before it sends a message of `stream`; False: the message
    is not sent (WITHDRAWN). Called by the app that owns the stream, from its AppConfig.ready."""
    _STREAM_CHECKS[stream] = check


def may_still_go(message: OutgoingMail) -> bool:
    """Whether the message's stream (if any) still lets it go. A stream nobody registered lets it go."""
    check = _STREAM_CHECKS.get(message.stream) if message.stream else None
    return check is None or bool(check(message.context or {}))


def queue(to: str, subject: str, body: str,
          attachments: Iterable[tuple[str, bytes | str, str]] = (), *, html_body: str = "",
          headers: dict[str, str] | None = None, stream: str = "", context: dict | None = None) -> OutgoingMail:
    """Put a message in the outbox, inside the caller's transaction: it is sent only once that commits.
    `attachments` are files sent with it, each as (name, content, mimetype); `html_body` an HTML version sent
    beside the text; `headers` extra headers (List-Unsubscribe); `stream` and `context` what its stream's check
    reads just before sending (see the module's docstring)."""
    message = OutgoingMail.objects.create(**message_fields(to, subject, body, html_body=html_body, headers=headers,
                                                           stream=stream, context=context),
                                          attachments=[_stored(*attachment) for attachment in attachments])
    _send_after_commit()
    return message


def queue_many(messages: list[OutgoingMail]) -> int:
    """Put many messages (built with `message_fields`) in the outbox at once, inside the caller's transaction: a
    bulletin's batch or a run of digests; how many. One sending task for the transaction, as with `queue`.

    On PostgreSQL the rows are written with COPY, several times faster than an INSERT of thousands of rows: a run
    of digests writes one per reader (the rows' ids are not read back)."""
    if not messages:
        return 0
    if connection.vendor == "postgresql":
        _copy(messages)
    else:
        OutgoingMail.objects.bulk_create(messages)
    _send_after_commit()
    return len(messages)


def _copy(messages: list[OutgoingMail]) -> None:
    fields = [field for field in OutgoingMail._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {connection.ops.quote_name(OutgoingMail._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for message in messages:
            copy.write_row([field.get_db_prep_save(field.pre_save(message, True), connection) for field in fields])


def message_fields(to: str, subject: str, body: str, *, html_body: str = "",
                   headers: dict[str, str] | None = None, stream: str = "", context: dict | None = None) -> dict:
    """The fields of an outbox row: the subject on one line, as a header must be."""
    return {"to": to, "subject": " ".join(subject.split())[:300], "body": body, "html_body": html_body,
            "headers": headers or {}, "stream": stream, "context": context or {}}


def _stored(name: str, content: bytes | str, mimetype: str) -> dict:
    content = content.encode() if isinstance(content, str) else content
    return {"name": name, "mimetype": mimetype, "content": base64.b64encode(content).decode("ascii")}


def _send_after_commit() -> None:
    """Queue the sending task when the transaction commits: once per transaction, however many messages it
    wrote (publishing a schedule writes one per participant). Django keeps the transaction's callbacks (and
    drops those of a savepoint that rolls back) in `run_on_commit`; one of ours not run yet will send these
    messages too. Robust: a task queue that cannot be reached leaves the messages pending for the next run,
    it does not fail the committed request."""
    if any(isinstance(callback, _SendingTask) and not callback.queued
           for _savepoints, callback, _robust in transaction.get_connection().run_on_commit):
        return
    transaction.on_commit(_SendingTask(), robust=True)


class _SendingTask:
    """The after-commit callback that queues the sending task, and remembers that it did."""

    queued = False

    def __call__(self) -> None:
        self.queued = True
        _enqueue()


def _enqueue(run_after: datetime.datetime | None = None) -> None:
    send_mail_task = import_string(SENDING_TASK)
    (send_mail_task.using(run_after=run_after) if run_after else send_mail_task).enqueue()


def send_due() -> int:
    """Send every pending message whose time has come, one transaction each; return how many were sent.

    Each message is locked while it is sent (`skip_locked`: two workers never send the same one), so a
    worker that dies mid-way leaves it pending for the next run. Stops when the minute's quota is used (see the
    module's docstring)."""
    sent = failed = 0
    quota = _quota_left()
    while True:
        if sent + failed >= quota:
            _resume_when_quota_frees()
            break
        with transaction.atomic():
            message = (OutgoingMail.objects.select_for_update(skip_locked=True)
                       .filter(status=MailStatus.PENDING, next_attempt_at__lte=timezone.now())
                       .order_by("pk").first())
            if message is None:
                break
            if not may_still_go(message):
                _withdraw(message)
                continue
            if _send(message):
                sent += 1
            else:
                failed += 1
    if failed:
        _retry_later()
    return sent


def _quota_left() -> int:
    """How many messages may still leave in this minute (those sent in the last minute count)."""
    recent = OutgoingMail.objects.filter(sent_at__gte=timezone.now() - THROTTLE_WINDOW).count()
    return max(settings.GRAPPE_MAIL_PER_MINUTE - recent, 0)


def _resume_when_quota_frees() -> None:
    """One run for when the oldest message of the minute leaves the window, when the backend can wait (otherwise
    the next message queued, or the daily tasks, send the rest)."""
    if (not import_string(SENDING_TASK).get_backend().supports_defer
            or not OutgoingMail.objects.filter(status=MailStatus.PENDING).exists()):
        return
    oldest = (OutgoingMail.objects.filter(sent_at__gte=timezone.now() - THROTTLE_WINDOW).order_by("sent_at")
              .values_list("sent_at", flat=True).first())
    _enqueue(run_after=(oldest or timezone.now()) + THROTTLE_WINDOW)


def _email(message: OutgoingMail) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(message.subject, message.body, None, [message.to], headers=message.headers or None)
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["name"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return email


def _withdraw(message: OutgoingMail) -> None:
    message.status = MailStatus.WITHDRAWN
    message.body, message.html_body, message.attachments = "", "", []
    message.save(update_fields=["status", "body", "html_body", "attachments"])
    logger.info("mail %s withdrawn: its stream %s no longer lets it go", message.pk, message.stream)


def is_permanent_refusal(error: Exception) -> bool:
    """The mail server said for good that it will not take mail for this address: a 5xx answer to RCPT TO (every
    recipient refused with a 5xx code, or a 550/551/553 answer). Only this flags the address. A refused sender
    or sign-in is the cluster's configuration; a refusal after DATA (554: content rejected) is about the message;
    neither says anything of the address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError, smtplib.SMTPDataError)):
        return False
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code in RECIPIENT_REFUSED


def is_refused_for_good(error: Exception) -> bool:
    """A 5xx answer that trying again will not change (the content refused after DATA, a recipient refused): the
    message fails at once; only `is_permanent_refusal` flags the address."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and is_permanent_refusal(error) or (
        isinstance(error, smtplib.SMTPResponseException)
        and not isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError))
        and error.smtp_code >= 500)


def flag_bounced(email: str, reason: str) -> None:
    """Record that the server refuses `email` for good. Safe under concurrency: the unique index on the lowered
    address makes a second flag of the same address (two workers, a retry) a no-op."""
    BouncedAddress.objects.bulk_create([BouncedAddress(email=email, reason=reason[:2000])], ignore_conflicts=True)


def _loggable_error(message: OutgoingMail) -> str:
    """The mail server's error without the address it often names (SMTPRecipientsRefused): logs carry ids, never
    a person's address; the message's row keeps the whole error for the staff."""
    if not message.to:
        return message.last_error
    return re.sub(re.escape(message.to), "…", message.last_error, flags=re.IGNORECASE)


def _send(message: OutgoingMail) -> bool:
    message.attempts += 1
    try:
        _email(message).send()
    except Exception as error:  # noqa: BLE001 — whatever the mail server says, the other messages go on
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if is_permanent_refusal(error):
            message.status = MailStatus.FAILED
            flag_bounced(message.to, message.last_error)
            logger.warning("mail %s refused for good: %s", message.pk, _loggable_error(message))
        elif is_refused_for_good(error):
            message.status = MailStatus.FAILED
            logger.warning("mail %s refused (not the address): %s", message.pk, _loggable_error(message))
        elif message.attempts >= MAX_ATTEMPTS:
            message.status = MailStatus.FAILED
            logger.error("mail %s given up after %s attempts: %s", message.pk, message.attempts,
                         _loggable_error(message))
        else:
            message.next_attempt_at = timezone.now() + min(FIRST_RETRY * 2 ** (message.attempts - 1),
                                                           LONGEST_RETRY)
            logger.warning("mail %s failed (attempt %s): %s", message.pk, message.attempts,
                           _loggable_error(message))
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        if message.status == MailStatus.FAILED:
            signals.mail_failed.send(sender=OutgoingMail, message=message)
        return False
    # The body may hold a personal link (a guest's access, a key to choose a password, an unsubscribe link), an
    # attachment a video link: not kept once sent.
    message.status, message.sent_at = MailStatus.SENT, timezone.now()
    message.body, message.html_body, message.attachments = "", "", []
    message.save(update_fields=["attempts", "status", "sent_at", "body", "html_body", "attachments"])
    return True


def _retry_later() -> None:
    """One retry of the sending task at the earliest next attempt, when the task backend can wait."""
    if not import_string(SENDING_TASK).get_backend().supports_defer:
        return
    earliest = (OutgoingMail.objects.filter(status=MailStatus.PENDING).order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True).first())
    if earliest is not None:
        _enqueue(run_after=earliest)
