"""What the governance notifications say, written from what happened (core.notify) in the reader's language."""

import datetime
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grappe.core.notify import Kind
from grappe.members.models import in_language

KINDS: dict = {}


# Meetings and action items (services/meetings.py, services/record.py).
def _meeting(params: dict) -> dict:
    starts = datetime.datetime.fromisoformat(params["starts_at"]).astimezone(ZoneInfo(params["time_zone"]))
    return {"body": in_language(params["body_fr"], params["body_en"]), "title": params.get("title") or "",
            "when": date_format(starts, "DATETIME_FORMAT")}


def _body(params: dict) -> str:
    return in_language(params["body_fr"], params["body_en"])


KINDS.update({
    "governance.meeting_scheduled": Kind(lambda p: _(
        "You are invited to a meeting of %(body)s on %(when)s.") % _meeting(p)),
    "governance.meeting_changed": Kind(lambda p: _(
        "The meeting of %(body)s has changed: it is now on %(when)s.") % _meeting(p)),
    "governance.meeting_cancelled": Kind(lambda p: _(
        "The meeting of %(body)s on %(when)s is cancelled.") % _meeting(p)),
    "governance.action_assigned": Kind(lambda p: _(
        "An action of %(body)s is yours, due on %(due)s: %(description)s") % {
            **p, "body": _body(p), "due": date_format(datetime.date.fromisoformat(p["due_on"]), "DATE_FORMAT")}),
})
