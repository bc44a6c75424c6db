"""A participant's agenda: published meetings only, in time order, as a page, a PDF and an .ics file."""

from icalendar import Calendar

from grappe.events.documents import agenda
from grappe.events.models import MeetingStatus, RequestStatus
from grappe.events.selectors.participant import agenda_rows, full_day

from .factories import make_request, place


def test_only_published_live_meetings_appear_in_time_order(alpha, bravo, charlie):
    late = place(make_request(alpha, bravo, RequestStatus.ACCEPTED), slot_index=2, table_number=3)
    early = place(make_request(charlie, alpha, RequestStatus.ACCEPTED), slot_index=0, table_number=2)
    rows = agenda_rows(alpha)
    assert [(row.meeting, row.other, row.table.number) for row in rows] == [(early, charlie, 2), (late, bravo, 3)]
    late.status = MeetingStatus.PLANNED
    late.save()
    assert [row.meeting for row in agenda_rows(alpha)] == [early]


def test_the_full_day_shows_free_and_unavailable_slots(event, alpha, bravo):
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED), slot_index=1)
    alpha.unavailable_slots.add(event.slots.get(index=3))
    day = full_day(alpha)
    assert [(row.seat is not None, row.unavailable) for row in day] == [
        (False, False), (True, False), (False, False), (False, True)]


def test_ics_has_one_entry_per_meeting_in_the_participants_language(alpha, charlie):
    place(make_request(alpha, charlie, RequestStatus.ACCEPTED), slot_index=1, table_number=2)
    calendar = Calendar.from_ical(agenda.agenda_ics(charlie))
    entries = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(entries) == 1
    assert str(entries[0]["summary"]).startswith("Meeting with ")
    assert "Alpha Usinage" in str(entries[0]["summary"])
    assert entries[0].decoded("dtstart") == alpha.event.slots.get(index=1).starts_at


def test_all_agendas_make_one_document_with_a_page_each_in_its_language(alpha, bravo, charlie):
    from weasyprint import HTML

    place(make_request(alpha, bravo, RequestStatus.ACCEPTED))
    html = agenda.agendas_html([alpha, bravo, charlie])
    assert html.count('<section class="sheet" lang="fr">') == 2
    assert html.count('<section class="sheet" lang="en">') == 1
    assert "0 meetings" in html  # Charlie reads English and has no meeting
    assert len(HTML(string=html).render().pages) == 3
    assert agenda.agendas_pdf([alpha]).startswith(b"%PDF")


def test_a_printed_sheet_shows_a_run_of_free_slots_as_one_line(event, alpha, bravo):
    place(make_request(alpha, bravo, RequestStatus.ACCEPTED), slot_index=1)
    alpha.unavailable_slots.add(event.slots.get(index=3))
    slots = list(event.slots.all())

    rows = agenda._merged(full_day(alpha))
    assert [(row.slot, row.ends_at, row.seat is not None, row.unavailable) for row in rows] == [
        (slots[0], slots[0].ends_at, False, False), (slots[1], slots[1].ends_at, True, False),
        (slots[2], slots[2].ends_at, False, False), (slots[3], slots[3].ends_at, False, True)]
    rows = agenda._merged(full_day(bravo))  # free, meeting, then two free slots in a row
    assert [(row.slot, row.ends_at) for row in rows][2:] == [(slots[2], slots[3].ends_at)]
