"""What the participants' pages, the API and the services read: the announced events, the participants and
their meeting requests."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import (
    OPEN_REQUEST_STATUSES,
    Event,
    MeetingRequest,
    Phase,
    Registration,
    RegistrationStatus,
    RequestStatus,
)

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


def requests_sent(registration: Registration) -> QuerySet[MeetingRequest]:
    return (registration.requests_sent.select_related(*(f"recipient__{r}" for r in PARTICIPANT_RELATIONS))
            .order_by("-created_at"))


def requests_received(registration: Registration) -> QuerySet[MeetingRequest]:
    return (registration.requests_received.select_related(*(f"requester__{r}" for r in PARTICIPANT_RELATIONS))
            .order_by("-created_at"))


def request_counts(registration: Registration) -> dict:
    """What the participant's page counts: requests awaiting its answer, and its accepted ones (either way)."""
    mine = MeetingRequest.objects.filter(Q(requester=registration) | Q(recipient=registration))
    return {"received": mine.filter(recipient=registration, status=RequestStatus.PENDING).count(),
            "accepted": mine.filter(status=RequestStatus.ACCEPTED).count()}


def requests_by_other_side(registration: Registration) -> dict[int, MeetingRequest]:
    """Each participant the registration has an open request with (either way), to its request."""
    found = {}
    for request in (MeetingRequest.objects.filter(Q(requester=registration) | Q(recipient=registration),
                                                  status__in=OPEN_REQUEST_STATUSES)):
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

