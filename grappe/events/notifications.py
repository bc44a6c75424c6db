"""What the events' notifications say, written from what happened (core.notify) in the active language: the
reader's on the notifications page, the registration's in the mail that repeats it. Params hold plain values
(the event's id and title, the other participant's name and organisation, a meeting's time in ISO form)."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grappe.core.notify import Kind

from .models import Event, Phase


def short_time(moment: datetime.datetime) -> str:
    """A moment of the event as messages write it: the date and time at the venue, short."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _requests_closed(params: dict) -> str:
    """An invitation to ask for meetings holds while the event takes requests (the organiser may reopen them):
    read from the event's phase when the notification is shown, not fixed when it was sent."""
    if Event.objects.filter(pk=params["event_id"], phase=Phase.REQUESTS).exists():
        return ""
    return _("Meeting requests are closed.")


KINDS = {
    "events.registration_validated": Kind(lambda p: _(
        "Your registration to “%(event)s” is validated: you may now say what you offer and seek, and ask for "
        "meetings when the organiser opens the requests.") % p),
    "events.registration_refused": Kind(lambda p: _(
        "The organiser could not accept your registration to “%(event)s”.") % p),
    "events.requests_open": Kind(lambda p: _(
        "You may now ask other participants of “%(event)s” for meetings, and answer their requests.") % p,
        lapsed=_requests_closed),
    "events.agenda_published": Kind(lambda p: _(
        "Your agenda for “%(event)s” is published: see your meetings, their times and tables.") % p),
    "events.agenda_changed": Kind(lambda p: _(
        "Your agenda for “%(event)s” changed: see your meetings, their times and tables.") % p),
    "events.request_sent": Kind(lambda p: _("%(name)s (%(organisation)s) asks to meet you at %(event)s.") % p),
    "events.request_accepted": Kind(lambda p: _(
        "%(name)s (%(organisation)s) accepted to meet you at %(event)s.") % p),
    "events.request_declined": Kind(lambda p: _(
        "%(name)s (%(organisation)s) declined your meeting request at %(event)s.") % p),
    "events.request_withdrawn": Kind(lambda p: _(
        "%(name)s (%(organisation)s) called off your meeting at %(event)s.") % p),
    "events.participant_left": Kind(lambda p: _(
        "%(name)s (%(organisation)s) no longer takes part in %(event)s: your meeting request with them is "
        "closed.") % p),
    "events.participant_left_meeting": Kind(lambda p: _(
        "%(name)s (%(organisation)s) no longer takes part in %(event)s: your meeting at %(time)s is cancelled.")
        % {**p, "time": short_time(datetime.datetime.fromisoformat(p["starts_at"]))}),
    "events.print_ready": Kind(lambda p: _(
        "The agendas and table signs of “%(event)s” are ready to print.") % p),
}
