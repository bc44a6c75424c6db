"""What the governance notifications say, written from what happened (core.notify) in the reader's language."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grappe.core.notify import Kind
from grappe.members.models import in_language

from .models import Minutes, MinutesStatus

KINDS: dict = {}


# Minutes (services/minutes.py): params hold the minutes' id and version, the body's name in both languages and the
# meeting's date (ISO), written in the reader's words when read.

def _minutes(params: dict) -> dict:
    return {**params, "body": in_language(params["body_fr"], params["body_en"]),
            "date": date_format(datetime.date.fromisoformat(params["date"]), "DATE_FORMAT")}


def _minutes_no_longer_circulated(params: dict) -> str:
    if Minutes.objects.filter(pk=params["minutes_id"], status=MinutesStatus.CIRCULATED).exists():
        return ""
    return _("These minutes were since approved or replaced by a later version.")


KINDS.update({
    "governance.minutes_circulated": Kind(lambda p: _(
        "The minutes of the meeting of %(date)s of “%(body)s” (version %(version)s) are circulated: read them and "
        "comment until they are approved.") % _minutes(p), lapsed=_minutes_no_longer_circulated),
    "governance.minutes_approved": Kind(lambda p: _(
        "The minutes of the meeting of %(date)s of “%(body)s” are approved (version %(version)s).") % _minutes(p)),
    "governance.minutes_commented": Kind(lambda p: _(
        "%(author)s commented on the minutes of the meeting of %(date)s of “%(body)s” (version %(version)s).")
        % _minutes(p)),
})
