"""Calendar files (.ics, RFC 5545) as every app writes them: an events participant's agenda, a governance
meeting's invitation. Times are written in UTC, which every calendar reads and converts to its reader's zone.

A file to import (no method: PUBLISH) names no one. An invitation (METHOD:REQUEST) or its cancellation
(METHOD:CANCEL) is an iTIP message (RFC 5546): it names its ORGANIZER (the cluster's address, see `organizer`) and
its ATTENDEE (each recipient gets a file of their own), and is attached to the mail as
`text/calendar; method=REQUEST` (`content_type`), so that a calendar treats the cancellation as one, never as a new
event to import."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone

CONTENT_TYPE = "text/calendar"


@dataclass(frozen=True)
class Entry:
    """One event of a calendar. `sequence` counts the changes sent of an invitation (a calendar replaces the
    entry of the same `uid` with the higher sequence); `status` is CONFIRMED or CANCELLED."""

    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int | None = None
    status: str = ""
    organizer: "Person | None" = None
    attendees: tuple["Person", ...] = ()


@dataclass(frozen=True)
class Person:
    """An ORGANIZER or ATTENDEE: an address and the name shown (CN)."""

    email: str
    name: str = ""


def organizer() -> Person:
    """The cluster, as the organizer of its invitations: DEFAULT_FROM_EMAIL, named by the cluster's name."""
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Person(email=email or settings.DEFAULT_FROM_EMAIL,
                  name=settings.GRAPPE_CLUSTER_NAME or name or "Grappe")


def content_type(method: str = "") -> str:
    """The attachment's content type: an invitation's carries its method (RFC 6047)."""
    return f"{CONTENT_TYPE}; method={method}" if method else CONTENT_TYPE


def calendar_file(entries: Iterable[Entry], *, product: str, name: str = "", method: str = "") -> bytes:
    """The .ics file of the entries. `method` is REQUEST for an invitation, CANCEL for its cancellation, none for
    a calendar to import."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//Grappe//{product}//FR")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
        event.add("dtstart", entry.starts_at.astimezone(datetime.UTC))
        event.add("dtend", entry.ends_at.astimezone(datetime.UTC))
        event.add("summary", entry.summary)
        if entry.sequence is not None:
            event.add("sequence", entry.sequence)
        if entry.status:
            event.add("status", entry.status)
        for field in ("location", "description", "url"):
            if getattr(entry, field):
                event.add(field, getattr(entry, field))
        if entry.organizer is not None:
            event.add("organizer", _address(entry.organizer))
        for attendee in entry.attendees:
            event.add("attendee", _address(attendee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION",
                                           rsvp="FALSE"))
        calendar.add_component(event)
    return calendar.to_ical()


def _address(person: Person, **parameters):
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = person.name
    for name, value in parameters.items():
        address.params[name] = value
    return address
