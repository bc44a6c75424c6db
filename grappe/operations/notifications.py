"""What the staff administrators are told when background work goes wrong (services/alerts.py), written from
what happened (core.notify) in the reader's language. Params: a task's dotted path and the kind of its error (its
text may quote personal data: the system page shows it to the staff), and for mail only the kind of error the mail
server gave (its text names the address)."""

from django.utils.translation import gettext as _

from grappe.core.notify import Kind

TASK_FAILED = "operations.task_failed"
MAIL_FAILED = "operations.mail_failed"

KINDS = {
    TASK_FAILED: Kind(lambda p: _(
        "A background task failed: %(task)s (%(error)s). Another failure of this task within the hour will not "
        "be notified; the system page lists them all.") % p),
    MAIL_FAILED: Kind(lambda p: _(
        "A message could not be sent and was given up (%(error)s). Other messages given up within the hour will "
        "not be notified; the system page counts them.") % p),
}
