"""Events test data made directly (not through the services), for the tests of both audiences."""

import datetime

from django.utils import timezone

from grappe.events.models import (
    Audience,
    Event,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    MeetingStatus,
    Phase,
    Registration,
    RegistrationStatus,
    RequestStatus,
    Session,
    Slot,
    Table,
)


def make_event(created_by, *, phase: str = Phase.REQUESTS, audience: str = Audience.MEMBERS_AND_GUESTS,
               slots: int = 4, tables: int = 3, title: str = "Journée B2B aéro", day: datetime.date | None = None,
               **fields) -> Event:
    """An event whose registration window is open now, one session of `slots` 25-minute slots from 9:00 on
    `day` (in a month by default), and `tables` tables."""
    now = timezone.now()
    event = Event.objects.create(
        title=title, phase=phase, audience=audience, created_by=created_by, venue="Palais des congrès",
        registration_opens=now - datetime.timedelta(days=7), registration_closes=now + datetime.timedelta(days=7),
        **fields)
    day = day or (timezone.localdate() + datetime.timedelta(days=30))
    session = Session.objects.create(event=event, date=day, starts=datetime.time(9), ends=datetime.time(12))
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    length = datetime.timedelta(minutes=event.slot_minutes)
    Slot.objects.bulk_create([Slot(event=event, session=session, index=i, starts_at=start + i * length,
                                   ends_at=start + (i + 1) * length) for i in range(slots)])
    Table.objects.bulk_create([Table(event=event, number=n) for n in range(1, tables + 1)])
    return event


def register(event: Event, user, status: str = RegistrationStatus.VALIDATED, **fields) -> Registration:
    """A member user's registration (its active person and organisation)."""
    person = user.person
    return Registration.objects.create(event=event, person=person, organisation=person.organisation,
                                       status=status, language=person.language, **fields)


def register_guest(event: Event, email: str = "guest@example.test", status: str = RegistrationStatus.VALIDATED,
                   **fields) -> Registration:
    defaults = {"guest_name": "Gaëlle Invitée", "guest_organisation": "Studio Externe"}
    return Registration.objects.create(event=event, guest_email=email, status=status, **{**defaults, **fields})


def make_request(requester: Registration, recipient: Registration, status: str = RequestStatus.PENDING,
                 **fields) -> MeetingRequest:
    return MeetingRequest.objects.create(event=requester.event, requester=requester, recipient=recipient,
                                         status=status, **fields)


def place(meeting_request: MeetingRequest, slot_index: int = 0, table_number: int = 1,
          status: str = MeetingStatus.PUBLISHED) -> Meeting:
    """A meeting of an accepted request, with both seats, as the scheduler's service would write it."""
    event = meeting_request.event
    slot = event.slots.get(index=slot_index)
    sides = (meeting_request.requester, meeting_request.recipient)
    low, high = sorted(side.organisation_key for side in sides)
    meeting = Meeting.objects.create(event=event, request=meeting_request, slot=slot,
                                     table=event.tables.get(number=table_number), status=status,
                                     organisation_low=low, organisation_high=high)
    MeetingSeat.objects.bulk_create([MeetingSeat(meeting=meeting, registration=side, slot=slot) for side in sides])
    return meeting
