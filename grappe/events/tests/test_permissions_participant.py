"""Who may use each participant page and endpoint (see grappe/core/tests/permission_matrix.py).

In the matrix's cluster, the event (in its request phase, open to guests) has two validated participants: A's
plain user (OWN_USER) and B's member (OTHER_MEMBER). A's administrator, the staff and the observer did not
register: the pages of a participation answer them 404, as to an anonymous visitor (a guest would be known by
its browser session). The staff organise events on the organiser's pages, not as participants.
"""

import datetime
import json

from django.utils import timezone

from grappe.core.tests.permission_matrix import (
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    PUBLIC,
    STAFF,
    PermissionMatrix,
)

from grappe.events.models import MeetingRequest, MeetingSeat, Phase, Registration, RequestStatus, Slot

from .factories import make_event, make_request, place, register

PARTICIPANTS_ONLY = {ANONYMOUS: 404, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 404, STAFF: 404, OBSERVER: 404}
PARTICIPANTS_ACT = {**PARTICIPANTS_ONLY, OTHER_MEMBER: 302, OWN_USER: 302}


def event_of(ctx, phase=Phase.REQUESTS):
    """The event with A's user and B's member as validated participants (made once per test)."""
    if not hasattr(ctx, "event"):
        ctx.event = make_event(ctx.staff, phase=phase)
        ctx.own_registration = register(ctx.event, ctx.own_user)
        ctx.other_registration = register(ctx.event, ctx.other_member)
    return ctx.event


def pitches(ctx, pk):
    return sorted(Registration.objects.filter(event=pk).values_list("pitch", flat=True))


def event_args(ctx):
    return [event_of(ctx).pk]


def draft_args(ctx):
    return [event_of(ctx, Phase.DRAFT).pk]


def b_asks_a(ctx):
    """The event, and the request B's member sent A's user."""
    event = event_of(ctx)
    return [event.pk, make_request(ctx.other_registration, ctx.own_registration).pk]


class TestEventList(PermissionMatrix):
    url = "events:event-list"
    expect = PUBLIC


class TestEventDetail(PermissionMatrix):
    url = "events:event-detail"
    args = staticmethod(event_args)
    expect = PUBLIC


class TestDraftEventDetail(PermissionMatrix):
    """A draft is the organiser's: nobody else learns it exists."""

    url = "events:event-detail"
    args = staticmethod(draft_args)
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 404}


class TestRegister(PermissionMatrix):
    """Anonymous visitors register as guests; members with their account (registered ones are sent to their
    page); the staff and observers have no organisation to register for."""

    url = "events:register"
    args = staticmethod(event_args)
    expect = {ANONYMOUS: 200, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}


class TestRegisterPost(PermissionMatrix):
    url = "events:register"
    method = "post"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: {"language": "fr", "form_token": "2b1f5a52-7c43-4ad5-9f53-0d8e1f2c3a4b",
                                     "name": "Invitée", "email": "invitee@ext.test", "organisation": "Ext"})
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 302, OWN_USER: 302, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403}
    # B's member and A's user are registered already: they are sent to their page.
    audit_action = {ANONYMOUS: "event.guest_registered", OWN_ADMIN: "event.registered"}


class TestGuestConfirm(PermissionMatrix):
    """The link is the credential: a wrong key is 404 for everyone."""

    url = "events:guest-confirm"
    args = staticmethod(lambda ctx: [event_of(ctx).pk, "not-a-key"])
    expect = dict.fromkeys(PUBLIC, 404)


class TestGuestResend(PermissionMatrix):
    url = "events:guest-resend"
    args = staticmethod(event_args)
    expect = PUBLIC


class TestMyRegistration(PermissionMatrix):
    url = "events:my-registration"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


class TestMyAvailability(PermissionMatrix):
    url = "events:my-availability"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


class TestMyRegistrationPost(PermissionMatrix):
    url = "events:my-registration"
    method = "post"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: {"pitch": "Titane", "offers": [ctx.capability.pk], "language": "fr"})
    expect = PARTICIPANTS_ACT
    audit_action = "event.profile_changed"
    effect = staticmethod(pitches)


class TestMyAvailabilityPost(PermissionMatrix):
    url = "events:my-availability"
    method = "post"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: {"unavailable": [ctx.event.slots.get(index=0).pk]})
    expect = PARTICIPANTS_ACT
    audit_action = "event.availability_changed"


class TestCancelRegistration(PermissionMatrix):
    url = "events:cancel-registration"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


class TestCancelRegistrationPost(PermissionMatrix):
    url = "events:cancel-registration"
    method = "post"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ACT
    audit_action = "event.registration_cancelled"
    effect = staticmethod(lambda ctx, pk: Registration.objects.filter(event=pk, status="cancelled").count())


class TestParticipantList(PermissionMatrix):
    url = "events:participant-list"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


class TestParticipantDetail(PermissionMatrix):
    """B's member seen by participants; B does not find itself among the others."""

    url = "events:participant-detail"
    args = staticmethod(lambda ctx: [event_of(ctx).pk, ctx.other_registration.pk])
    expect = {**PARTICIPANTS_ONLY, OTHER_MEMBER: 404}


class TestRequestSend(PermissionMatrix):
    url = "events:request-send"
    method = "post"
    args = staticmethod(lambda ctx: [event_of(ctx).pk, ctx.other_registration.pk])
    data = staticmethod(lambda ctx: {"priority": 2, "form_token": "0f8b3c1e-2d4a-4b6c-8e9f-1a2b3c4d5e6f"})
    expect = {**PARTICIPANTS_ACT, OTHER_MEMBER: 404}
    audit_action = "event.request_sent"


class TestRequestList(PermissionMatrix):
    url = "events:request-list"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


class TestRequestAnswer(PermissionMatrix):
    """Only the recipient (A's user) answers; the requester does not see an answer form for its own request."""

    url = "events:request-answer"
    method = "post"
    args = staticmethod(b_asks_a)
    data = staticmethod(lambda ctx: {"answer": "accept", "priority": 2})
    expect = {**PARTICIPANTS_ACT, OTHER_MEMBER: 404}
    audit_action = "event.request_accepted"
    effect = staticmethod(lambda ctx, event_pk, pk: MeetingRequest.objects.get(pk=pk).status)


class TestRequestWithdraw(PermissionMatrix):
    """Either side gets an answer (the recipient of a pending request is told it cannot withdraw it)."""

    url = "events:request-withdraw"
    method = "post"
    args = staticmethod(b_asks_a)
    expect = PARTICIPANTS_ACT
    audit_action = "event.request_withdrawn"
    writers = {OTHER_MEMBER}
    effect = staticmethod(lambda ctx, event_pk, pk: MeetingRequest.objects.get(pk=pk).status)


class TestAgenda(PermissionMatrix):
    url = "events:agenda"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


class TestAgendaPdf(PermissionMatrix):
    url = "events:agenda-pdf"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


class TestAgendaIcs(PermissionMatrix):
    url = "events:agenda-ics"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_ONLY


def a_seat(ctx):
    """The event, and A's seat in its published meeting with B, which has begun (an outcome may be told)."""
    event = event_of(ctx)
    meeting = place(make_request(ctx.own_registration, ctx.other_registration, RequestStatus.ACCEPTED))
    Slot.objects.filter(pk=meeting.slot_id).update(starts_at=timezone.now() - datetime.timedelta(minutes=30))
    ctx.seat = meeting.seats.get(registration=ctx.own_registration)
    return [event.pk, ctx.seat.pk]


class TestMeetingOutcome(PermissionMatrix):
    """A seat is its side's own: the other side gets 404."""

    url = "events:meeting-outcome"
    method = "post"
    args = staticmethod(a_seat)
    data = staticmethod(lambda ctx: {f"{ctx.seat.pk}-happened": "yes", f"{ctx.seat.pk}-outcome": "quote"})
    expect = {**PARTICIPANTS_ACT, OTHER_MEMBER: 404}
    audit_action = "event.meeting_outcome"
    effect = staticmethod(lambda ctx, event_pk, pk: MeetingSeat.objects.get(pk=pk).outcome)


# The API ----------------------------------------------------------------------------------------------------
# A caller without credentials gets 401 except on the public list and detail; the participation's endpoints
# answer 404 to a signed-in caller without a registration. A refusal by the event's rules answers 422.

PARTICIPANTS_API = {**PARTICIPANTS_ONLY, ANONYMOUS: 401}


class TestApiEvents(PermissionMatrix):
    url = "api:events-list"
    expect = PUBLIC


class TestApiEventDetail(PermissionMatrix):
    url = "api:events-detail"
    args = staticmethod(event_args)
    expect = PUBLIC


class TestApiDraftEventDetail(PermissionMatrix):
    url = "api:events-detail"
    args = staticmethod(draft_args)
    expect = {ANONYMOUS: 404, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 404}


class TestApiMyRegistration(PermissionMatrix):
    url = "api:events-my-registration"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_API


class TestApiRegister(PermissionMatrix):
    """Members register (again: the same registration); the staff and observers may not."""

    url = "api:events-register"
    method = "post"
    content_type = "application/json"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: json.dumps({"language": "en"}))
    expect = {ANONYMOUS: 401, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 403}
    audit_action = "event.registered"
    writers = {OWN_ADMIN}  # the participants are registered already


class TestApiProfile(PermissionMatrix):
    url = "api:events-profile"
    method = "put"
    content_type = "application/json"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: json.dumps({"offers": [ctx.capability.code], "seeks": [], "pitch": "Titane"}))
    expect = PARTICIPANTS_API
    audit_action = "event.profile_changed"
    effect = staticmethod(pitches)


class TestApiParticipants(PermissionMatrix):
    url = "api:events-participants"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_API


class TestApiRequests(PermissionMatrix):
    url = "api:events-requests"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_API


class TestApiRequestSend(PermissionMatrix):
    """A's user asks B's member; B asking itself is refused (422)."""

    url = "api:events-request-send"
    method = "post"
    content_type = "application/json"
    args = staticmethod(event_args)
    data = staticmethod(lambda ctx: json.dumps({"recipient": ctx.other_registration.pk, "priority": 3}))
    expect = {**PARTICIPANTS_API, OTHER_MEMBER: 422}
    audit_action = "event.request_sent"


class TestApiRequestAnswer(PermissionMatrix):
    """The recipient answers; the requester sees the request but may not answer it (403)."""

    url = "api:events-request-answer"
    method = "post"
    content_type = "application/json"
    args = staticmethod(b_asks_a)
    data = staticmethod(lambda ctx: json.dumps({"accept": True, "priority": 2}))
    expect = {**PARTICIPANTS_API, OTHER_MEMBER: 403}
    audit_action = "event.request_accepted"
    effect = staticmethod(lambda ctx, event_pk, pk: MeetingRequest.objects.get(pk=pk).status)


class TestApiRequestWithdraw(PermissionMatrix):
    """The requester withdraws; the recipient of a pending request may not (422: decline it instead)."""

    url = "api:events-request-withdraw"
    method = "post"
    args = staticmethod(b_asks_a)
    expect = {**PARTICIPANTS_API, OWN_USER: 422}
    audit_action = "event.request_withdrawn"
    effect = staticmethod(lambda ctx, event_pk, pk: MeetingRequest.objects.get(pk=pk).status)


class TestApiAgenda(PermissionMatrix):
    url = "api:events-agenda"
    args = staticmethod(event_args)
    expect = PARTICIPANTS_API
