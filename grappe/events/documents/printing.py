"""The organiser's print run: every participant's agenda (agenda.py, each in its participant's language) and
one sign per table (its number in large print, the event's title, the meetings held there), as one PDF.
Whose agendas are printed is a read (selectors/organiser.py `printed_participants`): the print page counts
them too.

WeasyPrint costs about 0.07 s of CPU per agenda page, so a day of 500 participants takes a minute or more:
the print run is a background job (services/print_jobs.py). The agendas are rendered in batches so that the
job can report its progress between them.
"""

from collections.abc import Callable

from django.template.loader import render_to_string

from ..models import Event, Meeting, MeetingStatus
from ..selectors import organiser as selectors
from . import agenda

BATCH = 25  # agendas rendered together: large enough to share the document's set-up, small enough to report


def table_signs(event: Event) -> list[dict]:
    """Each table with its published meetings in time order."""
    at_table: dict[int, list[Meeting]] = {}
    for meeting in selectors.event_meetings(event).filter(status=MeetingStatus.PUBLISHED):
        at_table.setdefault(meeting.table_id, []).append(meeting)
    return [{"table": table, "meetings": at_table.get(table.pk, [])} for table in event.tables.all()]


def signs_html(event: Event) -> str:
    return render_to_string("events/organiser/print_signs.html", {"event": event,
                                                                  "signs": table_signs(event)})


def event_document(event: Event, progress: Callable[[int, int], None] = lambda done, total: None):
    """The validated participants' agendas (by name), then the table signs, as one WeasyPrint document.
    `progress(done, total)` is called after each batch of agendas and after the signs (total = agendas + 1)."""
    from weasyprint import HTML  # slow to import; only the PDF needs it

    people = list(selectors.printed_participants(event))
    total = len(people) + 1
    pages = []
    for start in range(0, len(people), BATCH):
        batch = people[start:start + BATCH]
        pages += HTML(string=agenda.agendas_html(batch)).render().pages
        progress(start + len(batch), total)
    signs = HTML(string=signs_html(event)).render()
    progress(total, total)
    return signs.copy([*pages, *signs.pages])
