"""What the organiser's pages, documents and API read: the schedule grid, the meetings, attendance,
follow-ups, and whose agendas are printed."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from ..models import (
    LIVE_MEETING,
    Event,
    Meeting,
    MeetingSeat,
    MeetingStatus,
    Outcome,
    Registration,
    RegistrationStatus,
    RequestStatus,
    Slot,
)
from . import participant

SIDES = ("request__requester__person", "request__requester__organisation", "request__recipient__person",
         "request__recipient__organisation")
FOLLOW_UP_OUTCOMES = (Outcome.FOLLOW_UP, Outcome.QUOTE, Outcome.AGREEMENT)


def event_meetings(event: Event, *, live: bool = True):
    """The event's meetings in time and table order, with both sides and their seats."""
    meetings = Meeting.objects.filter(event=event)
    if live:
        meetings = meetings.filter(LIVE_MEETING)
    return (meetings.select_related("slot__session", "table", *SIDES)
            .prefetch_related(Prefetch("seats", queryset=MeetingSeat.objects.select_related("registration")))
            .order_by("slot__index", "table__number"))


@dataclass(frozen=True)
class GridRow:
    slot: Slot
    cells: list  # one per table, in table order: a Meeting or None
    new_session: bool  # a break (or a new day) comes before this slot


def schedule_grid(event: Event) -> tuple[list, list[GridRow]]:
    """The tables, and one row per slot with the live meeting at each table."""
    tables = list(event.tables.all())
    column = {table.pk: i for i, table in enumerate(tables)}
    placed: dict[int, list] = {}
    for meeting in event_meetings(event):
        placed.setdefault(meeting.slot_id, [None] * len(tables))[column[meeting.table_id]] = meeting
    rows, session = [], None
    for slot in event.slots.select_related("session"):
        rows.append(GridRow(slot, placed.get(slot.pk, [None] * len(tables)),
                            new_session=session is not None and slot.session_id != session))
        session = slot.session_id
    return tables, rows


def attendance(event: Event):
    """Every registration with its meetings planned (live) and held (a side said it took place)."""
    return (Registration.objects.filter(event=event).select_related("person", "organisation")
            .annotate(planned=Count("seats", filter=Q(seats__live=True), distinct=True),
                      held=Count("seats", filter=Q(seats__live=True, seats__happened=True), distinct=True))
            .order_by("status", "organisation__legal_name", "guest_organisation", "person__last_name",
                      "guest_name"))


def registrations_for_review(event: Event, status: str = ""):
    registrations = attendance(event)
    return registrations.filter(status=status) if status else registrations


def follow_ups(event: Event):
    """Meetings where at least one side planned a follow-up, asked for a quote or reached an agreement."""
    return event_meetings(event).filter(seats__outcome__in=FOLLOW_UP_OUTCOMES).distinct()


def event_figures(event: Event) -> dict:
    """The counts on the organiser's overview."""
    registrations = event.registrations.values("status").annotate(n=Count("pk"))
    by_status = {row["status"]: row["n"] for row in registrations}
    return {
        "registrations": by_status,
        "pending": by_status.get(RegistrationStatus.PENDING, 0),
        "validated": by_status.get(RegistrationStatus.VALIDATED, 0),
        "requests": _labelled(event.requests.all(), RequestStatus),
        "meetings": _labelled(event.meetings.filter(LIVE_MEETING), MeetingStatus),
        "slots": event.slots.count(),
        "tables": event.tables.count(),
    }


def _labelled(queryset, statuses) -> list[tuple[str, int]]:
    """(label, count) for each status present, in the order the statuses are declared."""
    counts = dict(queryset.values_list("status").annotate(n=Count("pk")).order_by())
    return [(label, counts[value]) for value, label in statuses.choices if counts.get(value)]


def printed_participants(event: Event):
    """Whose agendas are printed: the validated participants, by name."""
    return (participant.participants(event).prefetch_related(None).select_related("event")
            .order_by("person__last_name", "guest_name", "pk"))
