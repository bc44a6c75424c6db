"""A participant's agenda: its published meetings in time order, as a page, a PDF and an .ics calendar file.

Only published meetings appear (a planned one may still move). Each agenda speaks its participant's language
(`Registration.language`), whoever asks for it: the organiser prints every agenda at once with
`agendas_pdf`, one participant per page.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import Meeting, MeetingSeat, MeetingStatus, Phase, Registration, Slot


@dataclass(frozen=True)
class AgendaRow:
    """One slot of the agenda: a meeting (with the other side and the table) or a free / unavailable slot."""

    slot: Slot
    seat: MeetingSeat | None = None
    other: Registration | None = None
    unavailable: bool = False
    until: Slot | None = None  # on a printed sheet, the last of a run of free (or unavailable) slots

    @property
    def ends_at(self):
        return (self.until or self.slot).ends_at

    @property
    def meeting(self) -> Meeting | None:
        return self.seat.meeting if self.seat else None

    @property
    def table(self):
        return self.seat.meeting.table if self.seat else None


def published_seats(registrations: Sequence[Registration]):
    """The registrations' seats in published, live meetings, with everything an agenda line shows."""
    sides = ("person", "organisation")
    return (MeetingSeat.objects.filter(registration__in=registrations, live=True,
                                       meeting__status=MeetingStatus.PUBLISHED)
            .select_related("meeting__slot__session", "meeting__table",
                            *(f"meeting__request__{side}__{rel}" for side in ("requester", "recipient")
                              for rel in sides))
            .order_by("meeting__slot__index"))


def _other_side(seat: MeetingSeat) -> Registration:
    request = seat.meeting.request
    return request.recipient if request.requester_id == seat.registration_id else request.requester


def agenda_rows(registration: Registration) -> list[AgendaRow]:
    """The published meetings of the registration, in time order."""
    return [AgendaRow(slot=seat.meeting.slot, seat=seat, other=_other_side(seat))
            for seat in published_seats([registration])]


def full_days(registrations: Sequence[Registration]) -> dict[int, list[AgendaRow]]:
    """For each registration (of one event), every slot of the event: its meeting, or free, or marked
    unavailable by the participant. Three queries whatever the number of registrations (the print run)."""
    if not registrations:
        return {}
    slots = list(registrations[0].event.slots.select_related("session"))
    meetings: dict[int, dict[int, AgendaRow]] = {r.pk: {} for r in registrations}
    for seat in published_seats(registrations):
        meetings[seat.registration_id][seat.meeting.slot_id] = AgendaRow(slot=seat.meeting.slot, seat=seat,
                                                                         other=_other_side(seat))
    unavailable = set(Registration.unavailable_slots.through.objects.filter(registration__in=registrations)
                      .values_list("registration_id", "slot_id"))
    return {r.pk: [meetings[r.pk].get(slot.pk) or AgendaRow(slot=slot, unavailable=(r.pk, slot.pk) in unavailable)
                   for slot in slots]
            for r in registrations}


def full_day(registration: Registration) -> list[AgendaRow]:
    return full_days([registration])[registration.pk]


def _sessions(rows: list[AgendaRow]) -> list[tuple[object, list[AgendaRow]]]:
    """Rows grouped by session (a day's morning, afternoon…), in time order."""
    grouped: dict[int, tuple[object, list[AgendaRow]]] = {}
    for row in rows:
        grouped.setdefault(row.slot.session_id, (row.slot.session, []))[1].append(row)
    return list(grouped.values())


def _merged(rows: list[AgendaRow]) -> list[AgendaRow]:
    """Consecutive free (or unavailable) slots of a session as one row: a printed sheet is shorter to read, and
    each row costs the PDF renderer about 5 ms."""
    merged: list[AgendaRow] = []
    for row in rows:
        last = merged[-1] if merged else None
        if (row.seat is None and last is not None and last.seat is None and last.unavailable == row.unavailable
                and last.slot.session_id == row.slot.session_id):
            merged[-1] = AgendaRow(slot=last.slot, unavailable=last.unavailable, until=row.slot)
        else:
            merged.append(row)
    return merged


def sheet_context(registration: Registration, rows: list[AgendaRow] | None = None) -> dict:
    """What an agenda shows; `published` is false until the organiser publishes (the page then says so)."""
    rows = full_day(registration) if rows is None else rows
    count = sum(1 for row in rows if row.seat)
    return {"registration": registration, "event": registration.event, "sessions": _sessions(rows),
            "meeting_count": count,
            "published": count > 0 or registration.event.phase in (Phase.PUBLISHED, Phase.FINISHED)}


def agendas_html(registrations: Sequence[Registration]) -> str:
    """The agendas of the registrations (of one event), in the order given, as one printable HTML document:
    each sheet starts on a new page and speaks its registrant's language. Pass them with their event, person
    and organisation."""
    days = full_days(registrations)
    sheets = []
    for registration in registrations:
        with translation.override(registration.language):
            context = sheet_context(registration, _merged(days[registration.pk]))
            sheets.append(mark_safe(render_to_string(  # noqa: S308 — our own template, escaped
                "events/participant/_agenda_sheet.html", context)))
    return render_to_string("events/participant/agenda_pdf.html", {"sheets": sheets})


def agendas_pdf(registrations: Sequence[Registration]) -> bytes:
    """One PDF of the registrations' agendas (see agendas_html): the organiser prints them all at once."""
    from weasyprint import HTML  # slow to import; only the PDF needs it

    return HTML(string=agendas_html(registrations)).write_pdf()


def agenda_pdf(registration: Registration) -> bytes:
    return agendas_pdf([registration])


def agenda_ics(registration: Registration) -> bytes:
    """The published meetings as calendar events (times in UTC), in the registration's language."""
    from icalendar import Calendar, Event as CalendarEvent

    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", "-//Grappe//Matchmaking events//FR")
    calendar.add("version", "2.0")
    with translation.override(registration.language):
        calendar.add("x-wr-calname", event.title)
        for row in agenda_rows(registration):
            entry = CalendarEvent()
            entry.add("uid", f"grappe-event-{event.pk}-meeting-{row.meeting.pk}-{registration.pk}@grappe")
            entry.add("dtstamp", timezone.now())
            entry.add("dtstart", row.slot.starts_at)
            entry.add("dtend", row.slot.ends_at)
            entry.add("summary", _("Meeting with %(name)s (%(organisation)s)") % {
                "name": row.other.display_name, "organisation": row.other.organisation_name})
            entry.add("location", _("Table %(table)s, %(venue)s") % {"table": row.table, "venue": event.venue}
                      if event.venue else _("Table %(table)s") % {"table": row.table})
            if row.other.pitch:
                entry.add("description", row.other.pitch)
            calendar.add_component(entry)
    return calendar.to_ical()
