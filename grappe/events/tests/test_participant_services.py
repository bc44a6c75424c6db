"""What participants do, through the services: register, describe themselves, ask each other, answer, leave."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from grappe.conftest import make_member
from grappe.core import notify
from grappe.core.models import AuditEntry, Notification
from grappe.events.models import (
    Audience,
    MeetingStatus,
    Outcome,
    Phase,
    Priority,
    Registration,
    RegistrationStatus,
    RequestStatus,
)
from grappe.events.services import outcomes, registrations, requests

from .factories import make_event, make_request, place, register


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Call a service and deliver what it tells once it commits (the test's transaction never commits)."""
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)
    return run


def refused(code, function, **kwargs):
    with pytest.raises(ValidationError) as error:
        function(**kwargs)
    assert error.value.code == code, error.value.messages
    return error.value.messages[0]


# Registering ----------------------------------------------------------------------------------------------

def test_a_member_registers_once_and_awaits_validation(event, org_user):
    first = registrations.register_member(actor=org_user, event=event)
    again = registrations.register_member(actor=org_user, event=event)
    assert first == again and first.status == RegistrationStatus.PENDING
    assert first.organisation == org_user.organisation
    assert AuditEntry.objects.filter(action="event.registered").count() == 1


def test_a_cancelled_member_registers_again(event, org_user, alpha):
    registrations.cancel_registration(user=org_user, participant=alpha)
    again = registrations.register_member(actor=org_user, event=event)
    assert again.pk == alpha.pk and again.status == RegistrationStatus.PENDING


@pytest.mark.usefixtures("in_english")
def test_registration_is_refused_outside_its_window(staff, org_user):
    event = make_event(staff)
    event.registration_opens = timezone.now() + datetime.timedelta(days=2)
    event.registration_closes = timezone.now() + datetime.timedelta(days=9)
    event.save()
    assert "opens on" in refused("not_open_yet", registrations.register_member, actor=org_user, event=event)
    event.registration_opens = timezone.now() - datetime.timedelta(days=9)
    event.registration_closes = timezone.now() - datetime.timedelta(days=1)
    event.save()
    refused("closed", registrations.register_member, actor=org_user, event=event)
    assert not Registration.objects.exists()


def test_guests_register_only_where_the_organiser_allows_them(staff):
    event = make_event(staff, audience=Audience.MEMBERS)
    with pytest.raises(PermissionDenied):
        registrations.register_guest(actor=AnonymousUser(), event=event, name="Gaëlle", email="g@ext.test",
                                     organisation="Ext")


def test_a_guest_confirms_its_address_by_the_mailed_link(event, delivered):
    registration, created = delivered(
        registrations.register_guest, actor=AnonymousUser(), event=event, name="Gaëlle Invitée",
        email="Gaelle@Ext.test", organisation="Ext",
        language="en")
    assert created and registration.status == RegistrationStatus.UNCONFIRMED
    assert len(mail.outbox) == 1 and registration.access_key in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Confirm your registration")
    again, created = delivered(registrations.register_guest, actor=AnonymousUser(), event=event, name="Autre",
                               email="gaelle@ext.test", organisation="")
    assert again == registration and not created and len(mail.outbox) == 2  # the link is sent again
    assert registrations.confirm_guest(event=event, access_key="wrong") is None
    confirmed = registrations.confirm_guest(event=event, access_key=registration.access_key)
    assert confirmed.status == RegistrationStatus.PENDING and confirmed.confirmed_at is not None


def test_a_members_address_cannot_register_as_a_guest(event, org_user):
    refused("member_email", registrations.register_guest, actor=AnonymousUser(), event=event, name="X",
            email="USER@alpha.test", organisation="")


# Profile and availability ---------------------------------------------------------------------------------

def test_a_participant_says_what_it_offers_and_seeks(org_user, alpha, capability):
    registrations.update_profile(user=org_user, participant=alpha, offers=[capability], seeks=[], pitch=" Titane ",
                                 language="en")
    alpha.refresh_from_db()
    assert list(alpha.offers.all()) == [capability] and alpha.pitch == "Titane" and alpha.language == "en"
    refused("not_a_capability", registrations.update_profile, user=org_user, participant=alpha,
            offers=[capability.parent], seeks=[], pitch="")


def test_availability_is_fixed_once_the_requests_are_closed(event, org_user, alpha):
    slot = event.slots.get(index=2)
    registrations.set_unavailable_slots(user=org_user, participant=alpha, slots=[slot])
    assert list(alpha.unavailable_slots.all()) == [slot]
    event.phase = Phase.SCHEDULING
    event.save()
    refused("phase", registrations.set_unavailable_slots, user=org_user, participant=alpha, slots=[])


# Requests -------------------------------------------------------------------------------------------------

def read(notification: Notification) -> str:
    """The notification as a reader browsing in English reads it."""
    with translation.override("en"):
        return notify.readable(notification).text


def reads_english(registration):
    """Notices speak the registration's language: the tests that read their words make it English."""
    registration.language = "en"
    registration.save(update_fields=["language"])


def test_a_request_reaches_the_other_side(org_user, other_member, alpha, bravo, delivered):
    reads_english(bravo)
    sent = delivered(requests.send_request, user=org_user, participant=alpha, recipient=bravo,
                     priority=Priority.HIGH,
                     message="Vos pièces en titane")
    assert sent.status == RequestStatus.PENDING and sent.priority == Priority.HIGH
    assert read(Notification.objects.get(user=other_member)).startswith("user Test (Alpha Usinage) asks to meet")
    assert mail.outbox[-1].to == ["admin@bravo.test"]


@pytest.mark.usefixtures("in_english")
def test_wrong_requests_are_refused_with_a_reason(event, org_user, org_admin, alpha, bravo):
    refused("oneself", requests.send_request, user=org_user, participant=alpha, recipient=alpha)
    colleague = register(event, org_admin)
    assert "colleague" in refused("colleague", requests.send_request, user=org_user, participant=alpha,
                                  recipient=colleague)
    requests.send_request(user=org_user, participant=alpha, recipient=bravo)
    refused("duplicate", requests.send_request, user=org_user, participant=alpha, recipient=bravo)
    event.phase = Phase.SCHEDULING
    event.save()
    alpha.event.refresh_from_db()
    refused("phase", requests.send_request, user=org_user, participant=alpha, recipient=bravo)


def test_asking_back_accepts_the_first_request(org_user, other_member, alpha, bravo, delivered):
    reads_english(alpha)
    first = requests.send_request(user=org_user, participant=alpha, recipient=bravo, priority=Priority.LOW)
    back = delivered(requests.send_request, user=other_member, participant=bravo, recipient=alpha,
                     priority=Priority.HIGH)
    assert back.pk == first.pk
    first.refresh_from_db()
    assert first.status == RequestStatus.ACCEPTED and first.recipient_priority == Priority.HIGH
    assert first.weight == Priority.LOW + Priority.HIGH
    assert any("accepted to meet you" in read(n) for n in Notification.objects.filter(user=org_user))


def test_the_recipient_accepts_or_declines_once(org_user, other_member, alpha, bravo, charlie):
    one = make_request(alpha, bravo)
    with pytest.raises(PermissionDenied):
        requests.answer_request(user=org_user, participant=alpha, meeting_request=one, accept=True)
    requests.answer_request(user=other_member, participant=bravo, meeting_request=one, accept=True,
                            priority=Priority.NORMAL)
    refused("answered", requests.answer_request, user=other_member, participant=bravo, meeting_request=one,
            accept=False)
    two = make_request(charlie, bravo)
    requests.answer_request(user=other_member, participant=bravo, meeting_request=two, accept=False)
    two.refresh_from_db()
    assert two.status == RequestStatus.DECLINED and two.recipient_priority is None
    # Declined: the pair may ask again.
    requests.send_request(user=charlie.person.user, participant=charlie, recipient=bravo)


@pytest.mark.usefixtures("in_english")
def test_a_withdrawn_request_cannot_be_accepted(org_user, other_member, alpha, bravo):
    one = make_request(alpha, bravo)
    requests.withdraw_request(user=org_user, participant=alpha, meeting_request=one)
    assert "withdrawn" in refused("withdrawn", requests.answer_request, user=other_member, participant=bravo,
                                  meeting_request=one, accept=True)


def test_calling_off_an_accepted_request_cancels_its_meeting(other_member, alpha, bravo, delivered):
    meeting = place(make_request(alpha, bravo, RequestStatus.ACCEPTED))
    delivered(requests.withdraw_request, user=other_member, participant=bravo, meeting_request=meeting.request)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and not meeting.seats.filter(live=True).exists()
    assert mail.outbox[-1].to == ["user@alpha.test"]


# Leaving --------------------------------------------------------------------------------------------------

def test_cancelling_frees_the_meetings_and_tells_the_other_side(org_user, other_member, alpha, bravo, charlie,
                                                                delivered):
    reads_english(bravo)
    meeting = place(make_request(alpha, bravo, RequestStatus.ACCEPTED), slot_index=1)
    pending = make_request(charlie, alpha)
    delivered(registrations.cancel_registration, user=org_user, participant=alpha)
    meeting.refresh_from_db()
    pending.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and pending.status == RequestStatus.WITHDRAWN
    assert not meeting.seats.filter(live=True).exists()
    told = {n.user: read(n) for n in Notification.objects.all()}
    assert "your meeting at" in told[other_member]
    assert "no longer takes part" in told[charlie.person.user]
    # The freed slot can hold another meeting for Bravo.
    place(make_request(charlie, bravo, RequestStatus.ACCEPTED), slot_index=1, table_number=1)


# Outcomes -------------------------------------------------------------------------------------------------

def test_each_side_records_its_own_outcome_once_the_meeting_started(org_user, alpha, bravo):
    meeting = place(make_request(alpha, bravo, RequestStatus.ACCEPTED))
    seat = meeting.seats.get(registration=alpha)
    refused("too_early", outcomes.record_outcome, user=org_user, participant=alpha, seat=seat, happened=True)
    meeting.slot.starts_at = timezone.now() - datetime.timedelta(hours=1)
    meeting.slot.ends_at = timezone.now() - datetime.timedelta(minutes=30)
    meeting.slot.save()
    outcomes.record_outcome(user=org_user, participant=alpha, seat=seat, happened=True, outcome=Outcome.QUOTE,
                            notes="Devis pour 40 pièces")
    with pytest.raises(PermissionDenied):
        outcomes.record_outcome(user=org_user, participant=bravo, seat=seat, happened=False)
    seat.refresh_from_db()
    assert (seat.happened, seat.outcome) == (True, Outcome.QUOTE)
    assert meeting.seats.get(registration=bravo).outcome == Outcome.NONE


def test_member_user_of_another_organisation_is_a_separate_participant(event, org_b):
    colleague_of_bravo = make_member(org_b, "second@bravo.test")
    assert registrations.register_member(actor=colleague_of_bravo, event=event).organisation == org_b
