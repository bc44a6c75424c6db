"""Meeting requests between participants: send one, accept or decline it, withdraw it.

Two registrations have at most one open request between them, whoever asked (a partial unique index on the
pair): asking back someone who already asked you accepts theirs, which becomes mutual. Requests are sent only
while the organiser keeps the request phase open; answers are still taken while the schedule is made, so a
late acceptance can be placed by a new run. Each function works in one transaction with the rows two people
may change at once locked, audits, and tells the other side once it commits.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit

from ..models import (
    OPEN_REQUEST_STATUSES,
    Meeting,
    MeetingRequest,
    Phase,
    Priority,
    Registration,
    RegistrationStatus,
    RequestStatus,
)
from ..selectors.participant import open_requests_between
from . import notices
from .meetings import cancel_meetings

ANSWER_PHASES = (Phase.REQUESTS, Phase.SCHEDULING, Phase.PUBLISHED)


def _check_priority(priority) -> int:
    if priority not in Priority.values:
        raise ValidationError(_("Choose a priority."), code="priority")
    return int(priority)


def check_can_ask(participant: Registration, recipient: Registration) -> None:
    """Why the participant may not ask the recipient for a meeting, as a ValidationError (else nothing)."""
    event = participant.event
    if event.phase != Phase.REQUESTS:
        raise ValidationError(_("Meeting requests are not open for this event (%(phase)s).") % {
            "phase": event.get_phase_display()}, code="phase")
    if not participant.is_active:
        raise ValidationError(_("Your registration must be validated by the organiser before you send requests."),
                              code="not_validated")
    if recipient.pk == participant.pk:
        raise ValidationError(_("You cannot ask yourself for a meeting."), code="oneself")
    if recipient.event_id != participant.event_id or not recipient.is_active:
        raise ValidationError(_("%(name)s does not take part in this event.") % notices.names(recipient),
                              code="not_participant")
    if participant.organisation_id is not None and participant.organisation_id == recipient.organisation_id:
        raise ValidationError(_("%(name)s is a colleague from your own organisation: meetings here are with other "
                                "organisations.") % notices.names(recipient), code="colleague")


def send_request(*, user, participant: Registration, recipient: Registration, priority: int = Priority.NORMAL,
                 message: str = "") -> MeetingRequest:
    """Ask the recipient for a meeting. If the recipient already asked the participant, its request is accepted
    instead (with the participant's priority): the meeting is wanted by both sides."""
    check_can_ask(participant, recipient)
    priority = _check_priority(priority)
    message = message.strip()
    with transaction.atomic():
        existing = open_requests_between(participant, recipient).select_for_update().first()
        if existing is None:
            try:
                with transaction.atomic():
                    meeting_request = MeetingRequest.objects.create(
                        event=participant.event, requester=participant, recipient=recipient, priority=priority,
                        message=message)
            except IntegrityError:
                # The other side asked at the same moment and committed first: theirs stands.
                existing = open_requests_between(participant, recipient).select_for_update().get()
            else:
                audit.record(user, "event.request_sent", meeting_request, after=audit.snapshot(meeting_request))
                notices.tell(recipient, "events.request_sent", notices.names(participant))
                return meeting_request
        return _ask_back(user, participant, existing, priority)


def _ask_back(user, participant: Registration, existing: MeetingRequest, priority: int) -> MeetingRequest:
    if existing.requester_id == participant.pk:
        raise ValidationError(_("You have already asked %(name)s for a meeting.") % notices.names(existing.recipient),
                              code="duplicate")
    if existing.status == RequestStatus.ACCEPTED:
        raise ValidationError(_("You have already agreed to meet %(name)s.") % notices.names(existing.requester),
                              code="duplicate")
    _accept(user, existing, priority, "event.request_accepted_by_asking_back")
    return existing


def _accept(user, meeting_request: MeetingRequest, priority: int, action: str) -> None:
    meeting_request.status = RequestStatus.ACCEPTED
    meeting_request.recipient_priority = priority
    meeting_request.answered_at = timezone.now()
    meeting_request.save(update_fields=["status", "recipient_priority", "answered_at"])
    audit.record(user, action, meeting_request, before={"status": RequestStatus.PENDING},
                 after={"status": RequestStatus.ACCEPTED, "recipient_priority": priority})
    recipient = meeting_request.recipient
    notices.tell(meeting_request.requester, "events.request_accepted", notices.names(recipient))


def _locked_request(meeting_request: MeetingRequest) -> MeetingRequest:
    return (MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("event", "requester__person", "requester__organisation", "recipient__person",
                            "recipient__organisation")
            .get(pk=meeting_request.pk))


def answer_request(*, user, participant: Registration, meeting_request: MeetingRequest, accept: bool,
                   priority: int = Priority.NORMAL) -> MeetingRequest:
    """The recipient accepts (saying how much it wants the meeting) or declines a request awaiting its answer."""
    priority = _check_priority(priority) if accept else None
    with transaction.atomic():
        meeting_request = _locked_request(meeting_request)
        if meeting_request.recipient_id != participant.pk:
            raise PermissionDenied
        if meeting_request.event.phase not in ANSWER_PHASES:
            raise ValidationError(_("Requests can no longer be answered for this event."), code="phase")
        if meeting_request.status == RequestStatus.WITHDRAWN:
            raise ValidationError(_("%(name)s has withdrawn this request.") % notices.names(meeting_request.requester),
                                  code="withdrawn")
        if meeting_request.status != RequestStatus.PENDING:
            raise ValidationError(_("You have already answered this request."), code="answered")
        if not meeting_request.requester.is_active:
            raise ValidationError(_("%(name)s no longer takes part in this event.")
                                  % notices.names(meeting_request.requester), code="not_participant")
        if accept:
            _accept(user, meeting_request, priority, "event.request_accepted")
        else:
            meeting_request.status = RequestStatus.DECLINED
            meeting_request.answered_at = timezone.now()
            meeting_request.save(update_fields=["status", "answered_at"])
            audit.record(user, "event.request_declined", meeting_request, before={"status": RequestStatus.PENDING},
                         after={"status": RequestStatus.DECLINED})
            recipient = meeting_request.recipient
            notices.tell(meeting_request.requester, "events.request_declined", notices.names(recipient))
    return meeting_request


def withdraw_request(*, user, participant: Registration, meeting_request: MeetingRequest) -> MeetingRequest:
    """The requester takes back its request (pending or accepted); either side may call off an accepted one.
    A meeting already placed for it is cancelled and the other side told."""
    with transaction.atomic():
        meeting_request = _locked_request(meeting_request)
        sides = (meeting_request.requester_id, meeting_request.recipient_id)
        if participant.pk not in sides:
            raise PermissionDenied
        if meeting_request.event.phase == Phase.FINISHED:
            raise ValidationError(_("The event is over."), code="finished")
        is_requester = meeting_request.requester_id == participant.pk
        if meeting_request.status not in OPEN_REQUEST_STATUSES or (
                not is_requester and meeting_request.status == RequestStatus.PENDING):
            raise ValidationError(_("This request is no longer open."), code="closed")
        before = meeting_request.status
        meeting_request.status = RequestStatus.WITHDRAWN
        meeting_request.save(update_fields=["status"])
        meetings = cancel_meetings(Meeting.objects.filter(request=meeting_request))
        audit.record(user, "event.request_withdrawn", meeting_request, before={"status": before},
                     after={"status": RequestStatus.WITHDRAWN, "meetings_cancelled": [m.pk for m in meetings]})
        other = meeting_request.recipient if is_requester else meeting_request.requester
        notices.tell(other, "events.request_withdrawn", notices.names(participant),
                     "events:agenda" if meetings else "events:request-list")
    return meeting_request


# What a participant who no longer takes part leaves behind ---------------------------------------------------

@dataclass(frozen=True)
class Closed:
    requests: list[MeetingRequest]
    meetings: list[Meeting]


def close_participation(registration: Registration) -> Closed:
    """The participant no longer takes part (it cancelled, or the organiser refused it), inside the caller's
    transaction: every open request of it is withdrawn, its meetings are cancelled, and the people it was to
    meet or had asked are told. Without this a refused participant's accepted requests would stay open, and
    the next run of the scheduler could place them again."""
    locked = list(MeetingRequest.objects.select_for_update(of=("self",))
                  .filter(Q(requester=registration) | Q(recipient=registration), status__in=OPEN_REQUEST_STATUSES)
                  .select_related("requester__person", "requester__organisation", "recipient__person",
                                  "recipient__organisation").order_by("pk"))
    MeetingRequest.objects.filter(pk__in=[r.pk for r in locked]).update(status=RequestStatus.WITHDRAWN)
    meetings = cancel_meetings(Meeting.objects.filter(seats__registration=registration))
    closed = Closed(requests=locked, meetings=meetings)
    _tell_others(registration, closed)
    return closed


def _tell_others(registration: Registration, closed: Closed) -> None:
    cancelled_with = {}
    for meeting in closed.meetings:
        other = meeting.request.recipient if meeting.request.requester_id == registration.pk \
            else meeting.request.requester
        cancelled_with[other.pk] = (other, meeting)
    for meeting_request in closed.requests:
        other = meeting_request.recipient if meeting_request.requester_id == registration.pk \
            else meeting_request.requester
        if other.pk in cancelled_with or other.status == RegistrationStatus.CANCELLED:
            continue
        notices.tell(other, "events.participant_left", notices.names(registration))
    for other, meeting in cancelled_with.values():
        notices.tell(other, "events.participant_left_meeting",
                     {**notices.names(registration), "starts_at": meeting.slot.starts_at.isoformat()}, "events:agenda")
