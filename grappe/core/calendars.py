"""Calendar files (.ics, RFC 5545) as every app writes them: an events participant's agenda, a governance
meeting's invitation. Times are written in UTC, which every calendar reads and converts to its reader's zone."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

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
        calendar.add_component(event)
    return calendar.to_ical()
