"""Telling a participant about something: a member in the app and by mail, a guest by mail. The notification
stores what happened (core.notify; its sentences are in events.notifications) and reads in its reader's language;
the mail repeats the same sentence in the registration's language. Call `tell` inside the service's transaction:
the notification and the mail are rows of that transaction (the mail leaves through core's outbox once it
commits), so a change that rolls back tells nobody, and a mail server that fails never fails the service."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grappe.core import notify, outbox
from grappe.core.links import absolute_url

from ..models import Registration


def names(registration: Registration) -> dict:
    """The participant as the messages about it name it: %(name)s, %(organisation)s, and %(event)s."""
    return {"name": registration.display_name, "organisation": registration.organisation_name,
            "event": registration.event.title}


def link_for(registration: Registration, path: str) -> str:
    """The address a participant follows from a mail: a guest's goes through its personal access link."""
    if not registration.is_guest:
        return absolute_url(path)
    access = reverse("events:guest-confirm", args=[registration.event_id, registration.access_key])
    return absolute_url(f"{access}?{urlencode({'next': path})}")


def tell(registration: Registration, kind: str, params: dict | None = None,
         url_name: str = "events:request-list", subject: Callable[[], str] | None = None) -> None:
    """Tell the participant that `kind` happened (params beside the event's, which every kind has), linking to
    its page `url_name` of the event. The mail's subject is `subject()` (called in the registration's
    language), or the event's title."""
    event = registration.event
    params = {"event_id": event.pk, "event": event.title, **(params or {})}
    user = None if registration.is_guest else registration.person.user
    if user is not None and user.is_active:
        notify.send([user], kind, params, reverse(url_name, args=[registration.event_id]))
    with translation.override(registration.language):
        path = reverse(url_name, args=[registration.event_id])
        message = notify.text(kind, params)
        title = subject() if subject else f"{event.title} — Grappe"
        email = registration.guest_email if registration.is_guest else registration.person.email
        context = {"registration": registration, "event": event, "message": message,
                   "link": link_for(registration, path)}
        outbox.queue(email, title, render_to_string("events/participant/email/notice.txt", context))


# What the organiser's decisions tell a registrant: the mail's subject and the page of the event it links to,
# by message name (the sentence is the notification kind "events.<name>").
MESSAGES = {
    "registration_validated": (
        lambda event: _("Your registration to “%(event)s” is validated") % {"event": event.title},
        "events:my-registration"),
    "registration_refused": (
        lambda event: _("Your registration to “%(event)s”") % {"event": event.title},
        "events:event-detail"),
    "requests_open": (
        lambda event: _("Meeting requests are open for “%(event)s”") % {"event": event.title},
        "events:participant-list"),
    "agenda_published": (
        lambda event: _("Your agenda for “%(event)s”") % {"event": event.title},
        "events:agenda"),
    "agenda_changed": (
        lambda event: _("Your agenda for “%(event)s” changed") % {"event": event.title},
        "events:agenda"),
}


def tell_registrant(registration: Registration, message: str) -> None:
    """Tell the registrant MESSAGES[message] (notification and mail)."""
    subject, url_name = MESSAGES[message]
    event = registration.event
    tell(registration, f"events.{message}", url_name=url_name, subject=lambda: subject(event))
