"""Telling a participant about something: a member in the app and by mail, a guest by mail, each in the
registration's language. Call `tell` inside the service's transaction: the notification and the mail are rows
of that transaction (the mail leaves through core's outbox once it commits), so a change that rolls back tells
nobody, and a mail server that fails never fails the service."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from grappe.core import notify, outbox
from grappe.core.links import absolute_url

from ..models import Registration


def names(registration: Registration) -> dict:
    """The participant as the messages about it name it: %(name)s, %(organisation)s, and %(event)s."""
    return {"name": registration.display_name, "organisation": registration.organisation_name,
            "event": registration.event.title}


def short_time(moment) -> str:
    """A moment of the event as messages write it: the date and time at the venue, short."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def link_for(registration: Registration, path: str) -> str:
    """The address a participant follows from a mail: a guest's goes through its personal access link."""
    if not registration.is_guest:
        return absolute_url(path)
    access = reverse("events:guest-confirm", args=[registration.event_id, registration.access_key])
    return absolute_url(f"{access}?{urlencode({'next': path})}")


def tell(registration: Registration, text: Callable[[], str], url_name: str = "events:request-list",
         subject: Callable[[], str] | None = None) -> None:
    """Tell the participant `text()` (called in its language), linking to its page `url_name` of the event.
    The mail's subject is `subject()`, or the event's title."""
    with translation.override(registration.language):
        message = text()
        title = subject() if subject else f"{registration.event.title} — Grappe"
        path = reverse(url_name, args=[registration.event_id])
        user = None if registration.is_guest else registration.person.user
        if user is not None and user.is_active:
            notify.send([user], message, path)
        email = registration.guest_email if registration.is_guest else registration.person.email
        context = {"registration": registration, "event": registration.event, "message": message,
                   "link": link_for(registration, path)}
        outbox.queue(email, title, render_to_string("events/participant/email/notice.txt", context))


# What the organiser's decisions tell a registrant: (subject, text, page) by message name.
MESSAGES = {
    "registration_validated": (
        lambda event: _("Your registration to “%(event)s” is validated") % {"event": event.title},
        lambda event: _("Your registration to “%(event)s” is validated: you may now say what you offer and seek, "
                        "and ask for meetings when the organiser opens the requests.") % {"event": event.title},
        "events:my-registration"),
    "registration_refused": (
        lambda event: _("Your registration to “%(event)s”") % {"event": event.title},
        lambda event: _("The organiser could not accept your registration to “%(event)s”.")
        % {"event": event.title},
        "events:event-detail"),
    "requests_open": (
        lambda event: _("Meeting requests are open for “%(event)s”") % {"event": event.title},
        lambda event: _("You may now ask other participants of “%(event)s” for meetings, and answer their "
                        "requests.") % {"event": event.title},
        "events:participant-list"),
    "agenda_published": (
        lambda event: _("Your agenda for “%(event)s”") % {"event": event.title},
        lambda event: _("Your agenda for “%(event)s” is published: see your meetings, their times and tables.")
        % {"event": event.title},
        "events:agenda"),
    "agenda_changed": (
        lambda event: _("Your agenda for “%(event)s” changed") % {"event": event.title},
        lambda event: _("Your agenda for “%(event)s” changed: see your meetings, their times and tables.")
        % {"event": event.title},
        "events:agenda"),
}


def tell_registrant(registration: Registration, message: str) -> None:
    """Once the transaction commits, tell the registrant MESSAGES[message] (notification and mail)."""
    subject, text, url_name = MESSAGES[message]
    event = registration.event
    tell(registration, lambda: text(event), url_name, subject=lambda: subject(event))
