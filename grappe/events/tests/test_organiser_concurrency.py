"""Two organisers moving meetings at once never double-book a table or a person (PostgreSQL, real threads).

See grappe/core/tests/test_concurrency.py for how the races are made to happen on every run: each service
transaction stays open a moment after its audit entry, so the other thread's write lands inside it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grappe.conftest import make_member, make_organisation
from grappe.core.models import JobStatus
from grappe.core.tests.test_concurrency import no_errors, overlapping_transactions, run_together  # noqa: F401
from grappe.events.models import LIVE_MEETING, Meeting, MeetingSeat, MeetingStatus, ScheduleRun
from grappe.events.services import meetings, registrations, scheduling

from .factories import make_event, make_request, place, register

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("overlapping_transactions"),
]


@pytest.fixture
def day(staff):
    """Four participants of four organisations; A–B at slot 0 table 1, C–D at slot 1 table 2, A–D at slot 2
    table 3 (planned)."""
    event = make_event(staff, phase="scheduling")
    people = [register(event, make_member(make_organisation(f"Org {n}", neq=f"{n}" * 10), f"p{n}@org.test"))
              for n in range(1, 5)]
    a, b, c, d = people
    return event, (place(make_request(a, b, "accepted"), 0, 1, MeetingStatus.PLANNED),
                   place(make_request(c, d, "accepted"), 1, 2, MeetingStatus.PLANNED),
                   place(make_request(a, d, "accepted"), 2, 3, MeetingStatus.PLANNED))


def move(staff, meeting, slot, table):
    return lambda: meetings.move_meeting(actor=staff, meeting=meeting, slot=slot, table=table)


def test_two_moves_onto_the_same_table_and_slot_place_one(staff, day):
    event, (first, second, _third) = day
    slot, table = event.slots.get(index=3), event.tables.get(number=1)

    outcomes = run_together(move(staff, first, slot, table), move(staff, second, slot, table))

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "table_taken", outcomes
    assert Meeting.objects.filter(slot=slot, table=table).count() == 1


def test_two_moves_of_one_persons_meetings_into_one_slot_place_one(staff, day):
    event, (first, _second, third) = day  # A meets B (first) and D (third)
    slot = event.slots.get(index=3)

    outcomes = run_together(move(staff, first, slot, event.tables.get(number=1)),
                            move(staff, third, slot, event.tables.get(number=2)))

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "person_busy", outcomes
    a = first.request.requester
    assert MeetingSeat.objects.filter(registration=a, slot=slot, live=True).count() == 1


def test_a_double_clicked_run_starts_one_run(staff, day, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    event, _meetings = day

    outcomes = run_together(lambda: scheduling.start_run(actor=staff, event=event),
                            lambda: scheduling.start_run(actor=staff, event=event))

    no_errors(outcomes)
    assert outcomes[0].pk == outcomes[1].pk
    assert ScheduleRun.objects.filter(status=JobStatus.QUEUED).count() == 1


def test_a_participant_who_cancels_while_the_scheduler_runs_keeps_no_meeting(staff, day, settings):
    """The run reads its snapshot while the cancellation is under way and writes after it: its write re-checks
    the registration under lock, or the cancellation (waiting for that lock) closes what the run wrote."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # run by hand below
    event, (first, _second, third) = day
    a = first.request.requester  # A meets B and D
    queued = scheduling.start_run(actor=staff, event=event)

    outcomes = run_together(
        lambda: scheduling.execute_run(queued, time_limit=2),
        lambda: registrations.cancel_registration(user=a.person.user, participant=a))

    no_errors(outcomes)
    assert outcomes[0].status == JobStatus.DONE, outcomes[0].error
    assert not MeetingSeat.objects.filter(registration=a, live=True).exists()
    assert not Meeting.objects.filter(LIVE_MEETING, request__in=[first.request, third.request]).exists()
    assert Meeting.objects.filter(LIVE_MEETING, event=event).count() == 1  # C meets D
