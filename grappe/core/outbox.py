"""Every mail Grappe sends leaves through the outbox.

A service writes its messages as rows (`queue`) inside its transaction: a change that rolls back mails
nobody, and the request never talks to the mail server. Once the transaction commits, a background task
sends the messages (`send_due`), each on its own: a server that refuses one address, or is down for a
while, neither fails the request nor stops the other messages. A message that fails is tried again later,
each time after a longer delay, and given up after MAX_ATTEMPTS tries with its last error kept.

With a backend that can run a task later (the database backend in production), a run that saw failures
queues one retry at the earliest next attempt; `manage.py queue_daily_tasks` also sends whatever is due,
should a worker have died in between.
"""

import base64
import datetime
import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = datetime.timedelta(minutes=2)  # then 4, 8, 16… minutes: about four hours in all
LONGEST_RETRY = datetime.timedelta(hours=6)
# By name, as grappe.core.jobs.enqueue does: tasks.py imports this module, never the reverse.
SENDING_TASK = "grappe.core.tasks.send_mail_task"


def queue(to: str, subject: str, body: str,
          attachments: Iterable[tuple[str, bytes | str, str]] = ()) -> OutgoingMail:
    """Put a message in the outbox, inside the caller's transaction: it is sent only once that commits.
    `attachments` are files sent with it, each as (name, content, mimetype)."""
    message = OutgoingMail.objects.create(to=to, subject=" ".join(subject.split())[:300], body=body,
                                          attachments=[_stored(*attachment) for attachment in attachments])
    _send_after_commit()
    return message


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
    worker that dies mid-way leaves it pending for the next run."""
    sent = failed = 0
    while True:
        with transaction.atomic():
            message = (OutgoingMail.objects.select_for_update(skip_locked=True)
                       .filter(status=MailStatus.PENDING, next_attempt_at__lte=timezone.now())
                       .order_by("pk").first())
            if message is None:
                break
            if _send(message):
                sent += 1
            else:
                failed += 1
    if failed:
        _retry_later()
    return sent


def _send(message: OutgoingMail) -> bool:
    message.attempts += 1
    try:
        email = EmailMessage(message.subject, message.body, None, [message.to])
        for attachment in message.attachments:
            email.attach(attachment["name"], base64.b64decode(attachment["content"]), attachment["mimetype"])
        email.send()
    except Exception as error:  # noqa: BLE001 — whatever the mail server says, the other messages go on
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MailStatus.FAILED
            logger.error("mail %s to %s given up after %s attempts: %s", message.pk, message.to,
                         message.attempts, message.last_error)
        else:
            message.next_attempt_at = timezone.now() + min(FIRST_RETRY * 2 ** (message.attempts - 1),
                                                           LONGEST_RETRY)
            logger.warning("mail %s to %s failed (attempt %s): %s", message.pk, message.to, message.attempts,
                           message.last_error)
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return False
    # The body may hold a personal link (a guest's access, a key to choose a password), an attachment a video
    # link: not kept once sent.
    message.status, message.sent_at, message.body, message.attachments = MailStatus.SENT, timezone.now(), "", []
    message.save(update_fields=["attempts", "status", "sent_at", "body", "attachments"])
    return True


def _retry_later() -> None:
    """One retry of the sending task at the earliest next attempt, when the task backend can wait."""
    if not import_string(SENDING_TASK).get_backend().supports_defer:
        return
    earliest = (OutgoingMail.objects.filter(status=MailStatus.PENDING).order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True).first())
    if earliest is not None:
        _enqueue(run_after=earliest)
