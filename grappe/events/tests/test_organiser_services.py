"""The organiser's services: events with their sessions, slots and tables; registrations; phases."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grappe.conftest import committed
from grappe.core.models import AuditEntry, JobStatus, Notification
from grappe.events.models import (
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Phase,
    Registration,
    RegistrationStatus,
    RequestStatus,
)
from grappe.events.services import meetings, organiser, registrations, requests, scheduling
from grappe.events.services.organiser import SessionSpec

from .factories import make_request, place, register, register_guest

pytestmark = pytest.mark.django_db
DAY = datetime.date(2031, 5, 13)


def event_data(**changes):
    now = timezone.now()
    return {"title": "Journée B2B aéro", "venue": "Palais", "audience": "guests", "slot_minutes": 30,
            "registration_opens": now, "registration_closes": now + datetime.timedelta(days=10), **changes}


def morning_and_afternoon():
    return [SessionSpec(DAY, datetime.time(9), datetime.time(12)),
            SessionSpec(DAY, datetime.time(14), datetime.time(16, 15))]


def test_sessions_are_cut_into_slots_and_the_lunch_is_a_break(staff):
    event = organiser.save_event(actor=staff, data=event_data(), sessions=morning_and_afternoon(), tables=5)

    slots = list(event.slots.all())
    assert len(slots) == 6 + 4  # 9:00–12:00 in 30 minutes; 14:00–16:15 leaves a last quarter out
    assert [s.index for s in slots] == list(range(10))
    assert timezone.localtime(slots[6].starts_at).time() == datetime.time(14)
    assert slots[5].session_id != slots[6].session_id
    assert [t.number for t in event.tables.all()] == [1, 2, 3, 4, 5]
    assert AuditEntry.objects.filter(action="event.created").count() == 1


def test_named_rooms_are_numbered_in_order(staff):
    event = organiser.save_event(actor=staff, data=event_data(), sessions=morning_and_afternoon(),
                                 tables=["Salon Bleu", "Salon Rouge"])

    assert [(t.number, t.label) for t in event.tables.all()] == [(1, "Salon Bleu"), (2, "Salon Rouge")]


def test_only_the_staff_organise(org_admin):
    with pytest.raises(PermissionDenied):
        organiser.save_event(actor=org_admin, data=event_data(), sessions=morning_and_afternoon(), tables=3)


@pytest.mark.parametrize("sessions, code", [
    ([], "no_session"),
    ([SessionSpec(DAY, datetime.time(12), datetime.time(9))], "session_order"),
    ([SessionSpec(DAY, datetime.time(9), datetime.time(12)), SessionSpec(DAY, datetime.time(11),
                                                                         datetime.time(13))],
     "session_overlap"),
    ([SessionSpec(DAY, datetime.time(9), datetime.time(9, 20))], "no_slot"),
])
def test_impossible_sessions_are_refused_and_nothing_is_saved(staff, sessions, code):
    with pytest.raises(ValidationError) as refused:
        organiser.save_event(actor=staff, data=event_data(), sessions=sessions, tables=3)

    assert refused.value.code == code
    assert not AuditEntry.objects.exists()


def test_changing_the_sessions_keeps_the_unavailability_of_slots_that_stay(staff, org_user):
    event = organiser.save_event(actor=staff, data=event_data(), sessions=morning_and_afternoon(), tables=3)
    registration = register(event, org_user)
    kept = event.slots.get(index=2)
    registration.unavailable_slots.add(kept)

    organiser.save_event(actor=staff, event=event, data={}, tables=3, sessions=[
        SessionSpec(DAY, datetime.time(8), datetime.time(12)), SessionSpec(DAY, datetime.time(14),
                                                                           datetime.time(16))])

    kept.refresh_from_db()
    assert event.slots.count() == 8 + 4
    assert kept.index == 4  # two slots came before it
    assert list(registration.unavailable_slots.all()) == [kept]


def test_slots_cannot_be_cut_again_once_meetings_exist(event, alpha, bravo, staff):
    place(make_request(alpha, bravo, status="accepted"))

    with pytest.raises(ValidationError) as refused:
        organiser.save_event(actor=staff, event=event, data={"slot_minutes": 20}, tables=3,
                             sessions=[SessionSpec(event.sessions.get().date, datetime.time(9),
                                                   datetime.time(12))])
    assert refused.value.code == "meetings_exist"


def test_a_table_holding_a_meeting_is_not_removed(event, alpha, bravo, staff):
    place(make_request(alpha, bravo, status="accepted"), table_number=3)
    session = event.sessions.get()

    same_slots = [SessionSpec(session.date, datetime.time(9), datetime.time(10, 40))]  # the factory's 4 slots

    with pytest.raises(ValidationError) as refused:
        organiser.save_event(actor=staff, event=event, data={}, tables=2, sessions=same_slots)
    assert refused.value.code == "table_in_use"
    assert event.tables.count() == 3


def test_validating_tells_each_registrant_in_its_language(event, staff, org_user, charlie_user,
                                                          django_capture_on_commit_callbacks):
    pending = [register(event, org_user, status=RegistrationStatus.PENDING),
               register(event, charlie_user, status=RegistrationStatus.PENDING),
               register_guest(event, "guest@example.test", status=RegistrationStatus.PENDING, language="en")]

    with django_capture_on_commit_callbacks(execute=True):
        changed = organiser.answer_registrations(actor=staff, event=event, registrations=pending,
                                                 validate=True)

    assert changed == 3
    assert set(Registration.objects.values_list("status", flat=True)) == {RegistrationStatus.VALIDATED}
    links = {message.to[0]: message.body for message in mail.outbox}  # each links to its language's pages
    assert f"/fr/events/{event.pk}/" in links["user@alpha.test"]
    assert f"/en/events/{event.pk}/" in links["user@charlie.test"]
    assert f"/en/events/{event.pk}/" in links["guest@example.test"]
    # A guest has no account: its link opens its participation through its personal access key.
    assert f"/guest/{pending[2].access_key}/?next=" in links["guest@example.test"]
    assert Notification.objects.filter(user=charlie_user).count() == 1


def test_validating_twice_changes_nothing_the_second_time(event, staff, org_user):
    registration = register(event, org_user, status=RegistrationStatus.PENDING)
    organiser.answer_registrations(actor=staff, event=event, registrations=[registration], validate=True)

    assert organiser.answer_registrations(actor=staff, event=event, registrations=[registration],
                                          validate=True) == 0
    assert AuditEntry.objects.filter(action="registration.validated").count() == 1


def test_refusing_a_validated_participant_cancels_its_meetings(event, staff, alpha, bravo,
                                                               django_capture_on_commit_callbacks):
    event.phase = Phase.PUBLISHED
    event.save()
    meeting = place(make_request(alpha, bravo, status="accepted"))

    with django_capture_on_commit_callbacks(execute=True):
        organiser.answer_registrations(actor=staff, event=event, registrations=[alpha], validate=False)

    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert not meeting.seats.filter(live=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@bravo.test", "user@alpha.test"]


def test_refusing_a_participant_closes_its_open_requests_and_tells_the_others(
        event, staff, alpha, bravo, charlie, django_capture_on_commit_callbacks):
    event.phase = Phase.PUBLISHED
    event.save()
    asked = make_request(alpha, charlie)  # pending
    accepted = make_request(bravo, alpha, status=RequestStatus.ACCEPTED)
    meeting = place(accepted)
    untouched = make_request(bravo, charlie, status=RequestStatus.ACCEPTED)

    with django_capture_on_commit_callbacks(execute=True):
        organiser.answer_registrations(actor=staff, event=event, registrations=[alpha], validate=False)

    assert set(MeetingRequest.objects.filter(pk__in=[asked.pk, accepted.pk]).values_list("status", flat=True)) \
        == {RequestStatus.WITHDRAWN}
    untouched.refresh_from_db()
    assert untouched.status == RequestStatus.ACCEPTED
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and not meeting.seats.filter(live=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@bravo.test", "user@alpha.test", "user@charlie.test"]
    [entry] = AuditEntry.objects.filter(target_type="events.registration")
    assert entry.action == "registration.refused"
    assert entry.after == {"status": "refused", "requests_withdrawn": [asked.pk, accepted.pk],
                           "meetings_cancelled": [meeting.pk]}


def test_a_participant_refused_then_validated_again_is_not_scheduled_on_its_old_requests(
        event, staff, alpha, bravo):
    event.phase = Phase.SCHEDULING
    event.save()
    make_request(alpha, bravo, status=RequestStatus.ACCEPTED)
    organiser.answer_registrations(actor=staff, event=event, registrations=[alpha], validate=False)
    organiser.answer_registrations(actor=staff, event=event, registrations=[alpha], validate=True)

    with committed():
        done = scheduling.start_run(actor=staff, event=event)

    done.refresh_from_db()
    assert done.status == JobStatus.DONE and done.requests_count == 0
    assert not Meeting.objects.filter(event=event).exists()


def test_a_meetings_seats_follow_it_through_every_transition(event, staff, org_user, alpha, bravo, charlie,
                                                           charlie_user):
    """meetings.py owns a meeting's status, place and seats: after each change, both seats sit in the
    meeting's slot and are live exactly while the meeting is."""
    def in_step():
        for meeting in Meeting.objects.filter(event=event).prefetch_related("seats"):
            seats = list(meeting.seats.all())
            assert len(seats) == 2 and {seat.slot_id for seat in seats} == {meeting.slot_id}
            assert {seat.live for seat in seats} == {meeting.status != MeetingStatus.CANCELLED}

    event.phase = Phase.SCHEDULING
    event.save()
    slot, table = event.slots.get(index=2), event.tables.get(number=2)
    first = meetings.place_request(actor=staff, meeting_request=make_request(alpha, bravo, RequestStatus.ACCEPTED),
                                   slot=event.slots.get(index=0), table=event.tables.get(number=1))
    second = place(make_request(charlie, bravo, RequestStatus.ACCEPTED), 1, 1, MeetingStatus.PLANNED)
    third = place(make_request(alpha, charlie, RequestStatus.ACCEPTED), 3, 3, MeetingStatus.PLANNED)
    in_step()
    meetings.move_meeting(actor=staff, meeting=first, slot=slot, table=table)
    in_step()
    meetings.publish(actor=staff, event=event)
    in_step()
    meetings.cancel_meeting(actor=staff, meeting=second)
    in_step()
    requests.withdraw_request(user=org_user, participant=alpha, meeting_request=first.request)
    in_step()
    registrations.cancel_registration(user=charlie_user, participant=charlie)
    in_step()
    assert set(Meeting.objects.values_list("status", flat=True)) == {MeetingStatus.CANCELLED}
    assert third.seats.filter(live=False).count() == 2


def test_phases_follow_in_order_with_their_checks(staff, org_user):
    event = organiser.save_event(actor=staff, data=event_data(), sessions=morning_and_afternoon(), tables=3)
    with pytest.raises(ValidationError):
        organiser.change_phase(actor=staff, event=event, action="close_requests")
    organiser.change_phase(actor=staff, event=event, action="open_registration")
    register(event, org_user)
    with pytest.raises(ValidationError) as refused:
        organiser.change_phase(actor=staff, event=event, action="open_requests")
    assert refused.value.code == "not_ready"
    assert phase_of(event) == Phase.REGISTRATION


def phase_of(event):
    event.refresh_from_db()
    return event.phase


def test_opening_the_requests_tells_the_validated_participants(event, staff, alpha, bravo,
                                                              django_capture_on_commit_callbacks):
    event.phase = Phase.REGISTRATION
    event.save()

    with django_capture_on_commit_callbacks(execute=True):
        organiser.change_phase(actor=staff, event=event, action="open_requests")

    assert phase_of(event) == Phase.REQUESTS
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@bravo.test", "user@alpha.test"]
