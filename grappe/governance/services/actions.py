"""Action items after the meeting: the owner (while they still sit on the body) or a co-chair marks one done or
open again; owners are reminded by mail, in their language, of the actions due within REMIND_DAYS or overdue, at
most once a (local) day per action (the daily task, tasks.send_action_reminders_task)."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import audit, outbox
from grappe.core.errors import Conflict
from grappe.core.links import absolute_url
from grappe.core.permissions import require

from ..models import ActionItem, ActionStatus
from ..rules import seat_of

REMIND_DAYS = 3


def set_done(*, actor, action: ActionItem, done: bool = True) -> ActionItem:
    require(actor, "governance.complete_action", action)
    with transaction.atomic():
        action = ActionItem.objects.select_for_update().select_related("meeting__body").get(pk=action.pk)
        if (action.status == ActionStatus.DONE) == done:
            raise Conflict(_("This action is already done.") if done else _("This action is already open."),
                           code="unchanged")
        before = {"status": action.status}
        action.status, action.done_at = ((ActionStatus.DONE, timezone.now()) if done
                                         else (ActionStatus.OPEN, None))
        action.save(update_fields=["status", "done_at"])
        audit.record(actor, "action.done" if done else "action.reopened", action, before=before,
                     after={"status": action.status})
    return action


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Mail each owner of an open action due within REMIND_DAYS (or overdue) not reminded yet today (local dates:
    a run that starts a little earlier than yesterday's still reminds). Returns how many actions were reminded.

    An owner who no longer sits on the body for their organisation (rules.seat_of: they left it, or the body) is
    not reminded: they may no longer mark the action done, and the mail would tell a person without rights what
    the body is doing. The action stays open, overdue on the co-chairs' list, for them to follow up."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=REMIND_DAYS)
    with transaction.atomic():
        found = (ActionItem.objects.select_for_update(of=("self",), skip_locked=True)
                 .filter(status=ActionStatus.OPEN, due_on__lte=horizon)
                 .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__date__lt=today))
                 .select_related("owner", "meeting__body"))
        due = [action for action in found if seat_of(action.owner, action.meeting.body) is not None]
        url = absolute_url(reverse("governance:my-actions"))
        for action in due:
            with translation.override(action.owner.language):
                overdue = action.due_on < today
                subject = (_("Overdue action: %(action)s") if overdue else _("Action due soon: %(action)s")) % {
                    "action": action.description[:80]}
                outbox.queue(action.owner.email, subject, render_to_string(
                    "governance/email/action_reminder.txt",
                    {"action": action, "overdue": overdue, "url": url, "user": action.owner}))
        ActionItem.objects.filter(pk__in=[action.pk for action in due]).update(last_reminded_at=now)
        if due:
            audit.record(None, "action.reminders_sent", None, after={"actions": [action.pk for action in due]})
    return len(due)
