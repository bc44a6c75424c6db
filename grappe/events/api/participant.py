"""The participants' endpoints: announced events (public), and a member's own participation — registration,
profile, participants ranked by fit, meeting requests, agenda. The organiser's are in organiser.py.

Rights are those of the pages: a draft event answers 404 except to the staff; a participation's endpoints
answer 404 to a caller who has no (validated, where said) registration for the event. Guests use the pages
(their link opens their participation in the browser), not the API. A refusal by the rules of the event
(registration closed, request to a colleague, duplicate…) answers 422 with the reason.
"""

import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import WithJsonSchema

from grappe.core.api_auth import PUBLIC_ENDPOINT
from grappe.core.api_errors import invalid
from grappe.core.api_schemas import InputSchema, Named, answers
from grappe.core.permissions import require_visible
from grappe.members.models import Capability

from .. import access, suggestions
from ..models import Event, Priority, Registration
from ..selectors import participant as selectors
from ..services import registrations, requests

router = Router(tags=["events"])


# What goes out ------------------------------------------------------------------------------------------

# A time of day at the venue, as "09:00:00": JSON Schema's "time" format would require an offset, which a
# venue's local time has not, so the schema states its pattern instead.
LocalTime = Annotated[datetime.time, WithJsonSchema(
    {"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}(\.\d+)?$", "description": "Local time at the venue."})]


class SessionOut(Schema):
    date: datetime.date
    starts: LocalTime
    ends: LocalTime


class EventOut(Schema):
    id: int
    title: str
    description: str
    venue: str
    phase: str = Field(description="draft, registration, requests, scheduling, published or finished.")
    audience: str = Field(description="members, or guests (members and guests).")
    registration_opens: datetime.datetime
    registration_closes: datetime.datetime
    registration_open: bool
    slot_minutes: int
    sessions: list[SessionOut]

    @staticmethod
    def resolve_registration_open(event) -> bool:
        return selectors.registration_is_open(event)

    @staticmethod
    def resolve_sessions(event) -> list:
        return list(event.sessions.all())


def _named(capabilities) -> list[dict]:
    return [{"code": c.code, "label": c.label} for c in capabilities]


class RegistrationOut(Schema):
    id: int
    event: int
    status: str = Field(description="unconfirmed, pending (awaiting validation), validated, refused or cancelled.")
    language: str
    pitch: str
    offers: list[Named]
    seeks: list[Named]
    unavailable_slots: list[int] = Field(description="Indexes of the slots the participant cannot attend.")

    @staticmethod
    def resolve_event(registration) -> int:
        return registration.event_id

    @staticmethod
    def resolve_offers(registration) -> list[dict]:
        return _named(registration.offers.all())

    @staticmethod
    def resolve_seeks(registration) -> list[dict]:
        return _named(registration.seeks.all())

    @staticmethod
    def resolve_unavailable_slots(registration) -> list[int]:
        return sorted(registration.unavailable_slots.values_list("index", flat=True))


class ParticipantRef(Schema):
    id: int = Field(description="The registration's id.")
    name: str
    organisation: str


def _participant(registration: Registration) -> dict:
    return {"id": registration.pk, "name": registration.display_name, "organisation": registration.organisation_name}


class ParticipantOut(ParticipantRef):
    pitch: str
    offers: list[Named]
    seeks: list[Named]
    score: int = Field(description="Fit with the caller's offers and seeks (higher is better).")
    reasons: list[str]
    request: int | None = Field(description="The open request between the caller and this participant, if any.")


class RequestOut(Schema):
    id: int
    requester: ParticipantRef
    recipient: ParticipantRef
    priority: int = Field(description="1 nice to meet, 2 want to meet, 3 must meet.")
    recipient_priority: int | None
    message: str
    status: str = Field(description="pending, accepted, declined or withdrawn.")
    created_at: datetime.datetime
    answered_at: datetime.datetime | None

    @staticmethod
    def resolve_requester(meeting_request) -> dict:
        return _participant(meeting_request.requester)

    @staticmethod
    def resolve_recipient(meeting_request) -> dict:
        return _participant(meeting_request.recipient)


class RequestsOut(Schema):
    received: list[RequestOut]
    sent: list[RequestOut]


class AgendaItemOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    table: int
    table_label: str
    other: ParticipantRef = Field(description="Whom the caller meets.")


# What comes in ------------------------------------------------------------------------------------------

class RegisterIn(InputSchema):
    language: str | None = Field(None, description="fr or en: the language of the agenda and messages.")


class ProfileIn(InputSchema):
    """The whole profile: a PUT replaces it, so every part is sent (an empty list or text clears one)."""

    offers: list[str] = Field(description="Capability codes of the taxonomy.")
    seeks: list[str] = Field(description="Capability codes of the taxonomy.")
    pitch: str = Field(max_length=2000)
    language: str | None = Field(None, description="fr or en; left out: unchanged.")


class RequestIn(InputSchema):
    recipient: int = Field(description="The registration id of the participant to meet.")
    priority: int = Field(Priority.NORMAL, ge=1, le=3, description="1 nice to meet, 2 want to meet, 3 must meet.")
    message: str = Field("", max_length=2000)


class AnswerIn(InputSchema):
    accept: bool
    priority: int = Field(Priority.NORMAL, ge=1, le=3, description="How much the recipient wants the meeting.")


# Endpoints ----------------------------------------------------------------------------------------------

def _event(request, event_id: int) -> Event:
    event = get_object_or_404(Event, pk=event_id)
    require_visible(request.user, "events.view_event", event)
    return event


def _participation(request, event_id: int, *, active: bool = True) -> Registration:
    return access.participation(request, event_id, active=active)[1]


@router.get("/events", response=answers(list[EventOut]), **PUBLIC_ENDPOINT, url_name="events-list",
            summary="Announced events")
def list_events(request):
    """Every announced event, newest registration first; the staff also see their drafts."""
    return selectors.visible_events(request.user)


@router.get("/events/{event_id}", response=answers(EventOut, 404, 422), **PUBLIC_ENDPOINT,
            url_name="events-detail", summary="One event")
def event_detail(request, event_id: int):
    return _event(request, event_id)


@router.get("/events/{event_id}/registration", response=answers(RegistrationOut, 404, 422),
            url_name="events-my-registration", summary="My registration")
def my_registration(request, event_id: int):
    """The caller's registration, whatever its status (404 without one)."""
    return _participation(request, event_id, active=False)


@router.post("/events/{event_id}/registration", response=answers(RegistrationOut, 403, 404, 422),
             url_name="events-register", summary="Register for an event")
def register(request, event_id: int, payload: RegisterIn):
    """Registers the caller's person (a member user). Registering again answers the same registration; a
    cancelled one is re-opened. It then awaits the organiser's validation."""
    event = _event(request, event_id)
    return registrations.register_member(actor=request.user, event=event, language=payload.language)


def _capabilities(codes: list[str], field: str) -> list[Capability]:
    found = {c.code: c for c in Capability.objects.filter(code__in=codes, is_active=True, parent__isnull=False)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise invalid(["body", "payload", field], _("Unknown code: %(code)s.") % {"code": ", ".join(unknown)})
    return list(found.values())


@router.put("/events/{event_id}/registration/profile", response=answers(RegistrationOut, 404, 422),
            url_name="events-profile", summary="Say what I offer and seek")
def update_profile(request, event_id: int, payload: ProfileIn):
    """Replaces the caller's offers, seeks (capability codes), pitch and language."""
    registration = _participation(request, event_id, active=False)
    return registrations.update_profile(
        user=request.user, participant=registration, offers=_capabilities(payload.offers, "offers"),
        seeks=_capabilities(payload.seeks, "seeks"), pitch=payload.pitch, language=payload.language)


@router.get("/events/{event_id}/participants", response=answers(list[ParticipantOut], 404, 422),
            url_name="events-participants", summary="Participants, best fit first")
def participants(request, event_id: int):
    """The other validated participants ranked by fit with the caller's offers and seeks, with the reasons."""
    me = _participation(request, event_id)
    open_requests = selectors.requests_by_other_side(me)
    return [{**_participant(s.registration), "pitch": s.registration.pitch,
             "offers": _named(s.registration.offers.all()), "seeks": _named(s.registration.seeks.all()),
             "score": s.score, "reasons": s.reasons,
             "request": getattr(open_requests.get(s.registration.pk), "pk", None)}
            for s in suggestions.rank(me, selectors.participants(me.event, excluding=me))]


@router.get("/events/{event_id}/requests", response=answers(RequestsOut, 404, 422),
            url_name="events-requests", summary="My meeting requests, received and sent")
def my_requests(request, event_id: int):
    me = _participation(request, event_id)
    return {"received": list(selectors.requests_received(me)), "sent": list(selectors.requests_sent(me))}


@router.post("/events/{event_id}/requests", response=answers(RequestOut, 404, 422),
             url_name="events-request-send", summary="Ask a participant for a meeting")
def send_request(request, event_id: int, payload: RequestIn):
    """Only while the request phase is open. Asking back someone who already asked you accepts their request
    (the answer is then theirs, accepted). A request to oneself, to a colleague, or a second one answers 422."""
    me = _participation(request, event_id)
    recipient = get_object_or_404(Registration, pk=payload.recipient, event=me.event)
    return requests.send_request(user=request.user, participant=me, recipient=recipient,
                                 priority=payload.priority, message=payload.message)


@router.post("/events/{event_id}/requests/{request_id}/answer", response=answers(RequestOut, 403, 404, 422),
             url_name="events-request-answer", summary="Accept or decline a request")
def answer_request(request, event_id: int, request_id: int, payload: AnswerIn):
    me = _participation(request, event_id)
    meeting_request = access.own_request_or_404(me, request_id)
    return requests.answer_request(user=request.user, participant=me, meeting_request=meeting_request,
                                   accept=payload.accept, priority=payload.priority)


@router.post("/events/{event_id}/requests/{request_id}/withdraw", response=answers(RequestOut, 404, 422),
             url_name="events-request-withdraw", summary="Withdraw a request, or call off an accepted one")
def withdraw_request(request, event_id: int, request_id: int):
    me = _participation(request, event_id)
    return requests.withdraw_request(user=request.user, participant=me,
                                     meeting_request=access.own_request_or_404(me, request_id))


@router.get("/events/{event_id}/agenda", response=answers(list[AgendaItemOut], 404, 422),
            url_name="events-agenda", summary="My agenda (published meetings)")
def my_agenda(request, event_id: int):
    """The caller's published meetings in time order, with the table and the other side."""
    me = _participation(request, event_id)
    return [{"starts_at": row.slot.starts_at, "ends_at": row.slot.ends_at, "table": row.table.number,
             "table_label": row.table.label, "other": _participant(row.other)} for row in selectors.agenda_rows(me)]
