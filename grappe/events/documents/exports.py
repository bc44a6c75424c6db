"""The organiser's spreadsheets after the event: attendance, and the outcome of each meeting as both sides
recorded it. Headers and values are in the organiser's language; grappe.core.spreadsheets writes them (names,
organisations and notes typed by participants and guests stay text, never formulas)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import spreadsheets

from ..models import Event, Outcome
from ..selectors import organiser as selectors


def attendance_xlsx(event: Event) -> bytes:
    """One line per registration: who, which organisation, member or guest, its status, meetings planned
    and held."""
    rows = ([r.display_name, r.organisation_name, _("Guest") if r.is_guest else _("Member"),
             r.guest_email if r.is_guest else r.person.email, r.get_status_display(), r.planned, r.held]
            for r in selectors.attendance(event))
    return spreadsheets.xlsx(spreadsheets.Sheet(
        _("Attendance"), [_("Name"), _("Organisation"), _("Kind"), _("Email"), _("Status"), _("Meetings planned"),
                          _("Meetings held")], rows))


def _happened(value) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def outcomes_xlsx(event: Event) -> bytes:
    """One line per live meeting: when, where, both sides, and each side's account (held, outcome, notes)."""
    outcomes = dict(Outcome.choices)
    rows = []
    for meeting in selectors.event_meetings(event):
        seats = {seat.registration_id: seat for seat in meeting.seats.all()}
        line = [timezone.localtime(meeting.slot.starts_at).strftime("%Y-%m-%d %H:%M"), str(meeting.table),
                meeting.get_status_display()]
        for side in (meeting.request.requester, meeting.request.recipient):
            seat = seats.get(side.pk)
            line += [side.display_name, side.organisation_name,
                     _happened(seat.happened) if seat else "", str(outcomes.get(seat.outcome,
                                                                                "")) if seat else "",
                     seat.notes if seat else ""]
        rows.append(line)
    side_headers = [_("Name"), _("Organisation"), _("Took place"), _("Outcome"), _("Notes")]
    requester, recipient = _("Requester: %(column)s"), _("Recipient: %(column)s")
    headers = [_("Time"), _("Table"), _("Status"), *(requester % {"column": h} for h in side_headers),
               *(recipient % {"column": h} for h in side_headers)]
    return spreadsheets.xlsx(spreadsheets.Sheet(_("Outcomes"), headers, rows))


KINDS = {"attendance": attendance_xlsx, "outcomes": outcomes_xlsx}
