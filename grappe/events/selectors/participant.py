"""What the participants' pages, the API and the services read: the announced events, the participants,
their meeting requests, and a participant's agenda.

The agenda is read here, not in documents/agenda.py, because the agenda page and the API show the same rows
as the PDF and the .ics file: only published meetings appear (a planned one may still move).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    LIVE_MEETING,
    OPEN_REQUEST_STATUSES,
    Event,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    MeetingStatus,
    Phase,
    Registration,
    RegistrationStatus,
    RequestStatus,
    Slot,
)
from . import runs

PARTICIPANT_RELATIONS = ("person", "organisation")


def visible_events(user) -> QuerySet[Event]:
    """Announced events for everyone; the staff also see their drafts."""
    events = Event.objects.all()
    if not user.has_perm("events.manage_event"):
        events = events.exclude(phase=Phase.DRAFT)
    return events.prefetch_related("sessions")


def registration_is_open(event: Event, now=None) -> bool:
    """People may register while the event takes registrations and its window is open."""
    now = now or timezone.now()
    return (event.phase in (Phase.REGISTRATION, Phase.REQUESTS)
            and event.registration_opens <= now < event.registration_closes)


def participants(event: Event, *, excluding: Registration | None = None) -> QuerySet[Registration]:
    """The validated participants of the event, with what they offer and seek."""
    rows = (Registration.objects.filter(event=event, status=RegistrationStatus.VALIDATED)
            .select_related(*PARTICIPANT_RELATIONS).prefetch_related("offers__parent", "seeks__parent"))
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    return rows


def open_requests_between(a: Registration, b: Registration) -> QuerySet[MeetingRequest]:
    """The open (pending or accepted) request of the pair, whoever asked: there is at most one."""
    return MeetingRequest.objects.filter(
        Q(requester=a, recipient=b) | Q(requester=b, recipient=a), status__in=OPEN_REQUEST_STATUSES)


def with_live_meetings(requests: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    """The requests, each with `live`: its live meeting (planned or published) in a list, or an empty list."""
    return requests.prefetch_related(Prefetch("meetings", queryset=Meeting.objects.filter(LIVE_MEETING)
                                              .select_related("slot", "table"), to_attr="live"))


def requests_sent(registration: Registration) -> QuerySet[MeetingRequest]:
    return (registration.requests_sent.select_related(*(f"recipient__{r}" for r in PARTICIPANT_RELATIONS))
            .order_by("-created_at"))


def requests_received(registration: Registration) -> QuerySet[MeetingRequest]:
    return (registration.requests_received.select_related(*(f"requester__{r}" for r in PARTICIPANT_RELATIONS))
            .order_by("-created_at"))


def request_counts(registration: Registration) -> dict:
    """What the participant's page counts: requests awaiting its answer, its accepted ones (either way), and of
    those how many are in its agenda (a published meeting) and how many are agreed but not placed there."""
    mine = MeetingRequest.objects.filter(Q(requester=registration) | Q(recipient=registration))
    accepted = mine.filter(status=RequestStatus.ACCEPTED)
    placed = accepted.filter(meetings__status=MeetingStatus.PUBLISHED).distinct().count()
    total = accepted.count()
    return {"received": mine.filter(recipient=registration, status=RequestStatus.PENDING).count(),
            "accepted": total, "placed": placed, "not_placed": total - placed}


def requests_by_other_side(registration: Registration) -> dict[int, MeetingRequest]:
    """Each participant the registration has an open request with (either way), to its request (with
    `live`)."""
    found = {}
    for request in with_live_meetings(MeetingRequest.objects.filter(
            Q(requester=registration) | Q(recipient=registration), status__in=OPEN_REQUEST_STATUSES)):
        found[request.recipient_id if request.requester_id == registration.pk else request.requester_id] = request
    return found


def colleagues_requests(participant: Registration, other: Registration) -> list[MeetingRequest]:
    """Open requests between the participant's colleagues (its member organisation's other people) and the
    other's organisation (the other alone when it is a guest). The scheduler places at most one meeting between
    two organisations, so a participant is warned before asking too."""
    if participant.organisation_id is None:
        return []
    event = participant.event_id
    colleagues = Registration.objects.filter(event=event, organisation=participant.organisation_id).exclude(
        pk=participant.pk)
    theirs = (Registration.objects.filter(event=event, organisation=other.organisation_id)
              if other.organisation_id is not None else Registration.objects.filter(pk=other.pk))
    sides = [f"{side}__{r}" for side in ("requester", "recipient") for r in PARTICIPANT_RELATIONS]
    return list(MeetingRequest.objects.filter(
        Q(requester__in=colleagues, recipient__in=theirs) | Q(requester__in=theirs, recipient__in=colleagues),
        status__in=OPEN_REQUEST_STATUSES).select_related(*sides).order_by("created_at"))


# Agreed meetings: placed or not, and whose ------------------------------------------------------------------

@dataclass(frozen=True)
class Agreed:
    """An accepted request of the participant or of a colleague (another person of its organisation), as the
    participant's pages show it: placed in the published schedule (slot and table), placed in a schedule not
    yet published, or agreed but not placed, with the reason the organiser reads on the scheduler's page."""

    request: MeetingRequest
    owner: Registration  # whose meeting it is: the participant, or a colleague
    other: Registration  # whom they meet
    meeting: Meeting | None  # the live meeting, if any
    mine: bool
    reason: str = ""  # why it is not placed, in words

    @property
    def state(self) -> str:
        """published, planned (placed, not yet published) or not_placed."""
        if self.meeting is None:
            return "not_placed"
        return "published" if self.meeting.status == MeetingStatus.PUBLISHED else "planned"


def agreed_meetings(registration: Registration) -> list[Agreed]:
    """The participant's accepted requests then its colleagues', each placed or not and why (see `Agreed`)."""
    people = [registration.pk]
    if registration.organisation_id is not None:
        people += list(Registration.objects.filter(event=registration.event_id,
                                                   organisation=registration.organisation_id)
                       .exclude(pk=registration.pk).values_list("pk", flat=True))
    sides = [f"{side}__{r}" for side in ("requester", "recipient") for r in PARTICIPANT_RELATIONS]
    accepted = (MeetingRequest.objects.filter(Q(requester__in=people) | Q(recipient__in=people),
                                              event=registration.event_id, status=RequestStatus.ACCEPTED)
                .select_related(*sides))
    accepted = with_live_meetings(accepted)
    run = runs.last_done_run(registration.event)
    left_out = {item["request"]: item for item in run.unplaced} if run else {}
    cancelled = set(Meeting.objects.filter(event=registration.event_id, status=MeetingStatus.CANCELLED,
                                           request__in=accepted).values_list("request", flat=True))
    rows = []
    for request in accepted:
        owner, other = ((request.requester, request.recipient) if request.requester_id in people
                        else (request.recipient, request.requester))
        meeting = request.live[0] if request.live else None
        reason = ""
        if meeting is None:
            reason = _not_placed_because(request, left_out.get(request.pk), cancelled,
                                         scheduled=run is not None)
        rows.append(Agreed(request=request, owner=owner, other=other, meeting=meeting,
                           mine=owner.pk == registration.pk, reason=reason))
    order = {"published": 0, "planned": 1, "not_placed": 2}
    return sorted(rows, key=lambda row: (not row.mine, order[row.state], row.meeting.slot.index if row.meeting
                                         else 0, row.other.display_name))


def _not_placed_because(request: MeetingRequest, left_out: dict | None, cancelled: set[int], *,
                        scheduled: bool) -> str:
    if request.pk in cancelled:
        return _("The organiser cancelled this meeting")
    if left_out is None and scheduled:
        return _("Not scheduled yet: agreed after the organiser last ran the scheduler")
    if left_out is None:
        return _("Not scheduled yet: the organiser places the agreed meetings once the requests close")
    sides = {side.pk: side for side in (request.requester, request.recipient)}
    return runs.in_words(left_out["reason"], sides.get(left_out.get("participant")))


# A participant's agenda -------------------------------------------------------------------------------------

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


def sheet_context(registration: Registration, rows: list[AgendaRow] | None = None) -> dict:
    """What an agenda shows; `published` is false until the organiser publishes (the page then says so)."""
    rows = full_day(registration) if rows is None else rows
    count = sum(1 for row in rows if row.seat)
    return {"registration": registration, "event": registration.event, "sessions": _sessions(rows),
            "meeting_count": count,
            "published": count > 0 or registration.event.phase in (Phase.PUBLISHED, Phase.FINISHED)}


def upcoming_registrations(user) -> QuerySet[Registration]:
    """The signed-in person's live registrations (pending or validated) to events not over yet, soonest first,
    each with `first_day`: what the home page lists as "your next event"."""
    person = getattr(user, "person", None)
    if person is None:
        return Registration.objects.none()
    today = timezone.localdate()
    return (Registration.objects.filter(person=person, status__in=[RegistrationStatus.PENDING,
                                                                    RegistrationStatus.VALIDATED])
            .select_related("event").annotate(first_day=Min("event__sessions__date"),
                                              last_day=Max("event__sessions__date"))
            .filter(last_day__gte=today).order_by("first_day", "event_id"))
