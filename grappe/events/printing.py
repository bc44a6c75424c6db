"""The organiser's print run: every participant's agenda (agenda.py, each in its participant's language) and
one sign per table (its number in large print, the event's title, the meetings held there), as one PDF."""

from django.template.loader import render_to_string

from . import agenda
from .models import Event, Meeting, MeetingStatus, RegistrationStatus

SIDES = ("request__requester__person", "request__requester__organisation", "request__recipient__person",
         "request__recipient__organisation")


def table_signs(event: Event) -> list[dict]:
    """Each table with its published meetings in time order."""
    at_table: dict[int, list[Meeting]] = {}
    for meeting in (Meeting.objects.filter(event=event, status=MeetingStatus.PUBLISHED)
                    .select_related("slot", *SIDES).order_by("slot__index")):
        at_table.setdefault(meeting.table_id, []).append(meeting)
    return [{"table": table, "meetings": at_table.get(table.pk, [])} for table in event.tables.all()]


def signs_html(event: Event) -> str:
    return render_to_string("events/organiser/print_signs.html", {"event": event,
                                                                  "signs": table_signs(event)})


def event_pdf(event: Event) -> bytes:
    return event_document(event).write_pdf()


def event_document(event: Event):
    """The validated participants' agendas (by name), then the table signs, as one WeasyPrint document."""
    from weasyprint import HTML  # slow to import; only the PDF needs it

    participants = (event.registrations.filter(status=RegistrationStatus.VALIDATED)
                    .select_related("event", "person", "organisation")
                    .order_by("person__last_name", "guest_name", "pk"))
    documents = [HTML(string=signs_html(event)).render()]
    if participants:
        documents.insert(0, HTML(string=agenda.agendas_html(participants)).render())
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages)
