"""A participant's agenda as a file to download: a PDF and an .ics calendar file.

The rows are read by selectors/participant.py (`agenda_rows`, `full_days`, `sheet_context`), which the agenda
page and the API read too; this module only lays them out as documents. Each agenda speaks its participant's
language (`Registration.language`) when the organiser prints every agenda at once with `agendas_pdf`, one
participant per page; a participant downloading their own agenda gets it in the language they are reading
(`language=`).
"""

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from grappe.core import calendars

from ..models import Registration
from ..selectors.participant import AgendaRow, agenda_rows, full_days, sheet_context


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


def agendas_html(registrations: Sequence[Registration], language: str | None = None) -> str:
    """The agendas of the registrations (of one event), in the order given, as one printable HTML document:
    each sheet starts on a new page and speaks its registrant's language. Pass them with their event, person
    and organisation. `language` speaks every sheet in that language instead."""
    days = full_days(registrations)
    sheets = []
    for registration in registrations:
        with translation.override(language or registration.language):
            context = sheet_context(registration, _merged(days[registration.pk]))
            sheets.append(mark_safe(render_to_string(  # noqa: S308 — our own template, escaped
                "events/participant/_agenda_sheet.html", context)))
    return render_to_string("events/participant/agenda_pdf.html", {"sheets": sheets})


def agendas_pdf(registrations: Sequence[Registration], language: str | None = None) -> bytes:
    """One PDF of the registrations' agendas (see agendas_html): the organiser prints them all at once."""
    from weasyprint import HTML  # slow to import; only the PDF needs it

    return HTML(string=agendas_html(registrations, language)).write_pdf()


def agenda_pdf(registration: Registration, language: str | None = None) -> bytes:
    """One participant's agenda, in `language` (the reader's) or else the registration's."""
    return agendas_pdf([registration], language)


def agenda_ics(registration: Registration, language: str | None = None) -> bytes:
    """The published meetings as calendar events (times in UTC), in `language` (the reader's) or else the
    registration's."""
    event = registration.event
    with translation.override(language or registration.language):
        entries = [calendars.Entry(
            uid=f"grappe-event-{event.pk}-meeting-{row.meeting.pk}-{registration.pk}@grappe",
            starts_at=row.slot.starts_at, ends_at=row.slot.ends_at,
            summary=_("Meeting with %(name)s (%(organisation)s)") % {
                "name": row.other.display_name, "organisation": row.other.organisation_name},
            location=(_("Table %(table)s, %(venue)s") % {"table": row.table, "venue": event.venue}
                      if event.venue else _("Table %(table)s") % {"table": row.table}),
            description=row.other.pitch or "") for row in agenda_rows(registration)]
        return calendars.calendar_file(entries, product="Matchmaking events", name=event.title)
