"""Two participants acting at once (PostgreSQL, real threads, real transactions): the database constraints and
the row locks keep one request per pair and one registration per person, whatever the timing.

See grappe/core/tests/test_concurrency.py for how the races are made to happen on every run.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from grappe.core.models import AuditEntry
from grappe.core.tests.test_concurrency import no_errors, overlapping_transactions, run_together  # noqa: F401
from grappe.events.models import MeetingRequest, Priority, Registration, RequestStatus
from grappe.events.services import registrations, requests

from .factories import make_request

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("overlapping_transactions"),
]


def test_two_participants_asking_each_other_at_once_make_one_mutual_request(org_user, other_member, alpha, bravo):
    outcomes = run_together(
        lambda: requests.send_request(user=org_user, participant=alpha, recipient=bravo, priority=Priority.HIGH),
        lambda: requests.send_request(user=other_member, participant=bravo, recipient=alpha, priority=Priority.LOW))

    no_errors(outcomes)
    assert outcomes[0].pk == outcomes[1].pk
    meeting_request = MeetingRequest.objects.get()
    assert meeting_request.status == RequestStatus.ACCEPTED
    assert {meeting_request.priority, meeting_request.recipient_priority} == {Priority.HIGH, Priority.LOW}


def test_a_double_submitted_registration_makes_one(event, org_user):
    outcomes = run_together(*(lambda: registrations.register_member(actor=org_user, event=event)
                              for _ in range(2)))

    no_errors(outcomes)
    assert outcomes[0].pk == outcomes[1].pk
    assert Registration.objects.count() == 1
    assert AuditEntry.objects.filter(action="event.registered").count() == 1


def test_a_guest_form_sent_twice_at_once_makes_one_registration(event):
    url = reverse("events:register", args=[event.pk])
    data = {"name": "Gaëlle Invitée", "email": "gaelle@ext.test", "organisation": "Ext", "language": "fr",
            "form_token": "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"}

    responses = run_together(*(lambda: Client().post(url, data) for _ in range(2)))

    no_errors(responses)
    assert [r.status_code for r in responses] == [302, 302]
    assert Registration.objects.count() == 1


def test_two_guests_with_one_address_at_once_make_one_registration(event):
    def register(name):
        return lambda: registrations.register_guest(actor=AnonymousUser(), event=event, name=name,
                                                    email="Shared@Ext.test", organisation="")

    no_errors(run_together(register("Un"), register("Deux")))
    assert Registration.objects.count() == 1


def test_accepting_while_the_requester_withdraws_ends_withdrawn(org_user, other_member, alpha, bravo):
    meeting_request = make_request(alpha, bravo)

    outcomes = run_together(
        lambda: requests.withdraw_request(user=org_user, participant=alpha, meeting_request=meeting_request),
        lambda: requests.answer_request(user=other_member, participant=bravo, meeting_request=meeting_request,
                                        accept=True))

    assert not any(isinstance(o, Exception) and not isinstance(o, ValidationError) for o in outcomes), outcomes
    meeting_request.refresh_from_db()
    assert meeting_request.status == RequestStatus.WITHDRAWN
