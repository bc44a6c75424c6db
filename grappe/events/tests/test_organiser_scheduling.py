"""Running the scheduler on an event, applying its result, and changing the schedule by hand."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks.signals import task_enqueued

from grappe.conftest import committed, make_member, make_organisation
from grappe.core import jobs
from grappe.core.models import AuditEntry, JobStatus
from grappe.events.models import (
    Meeting,
    MeetingSeat,
    MeetingStatus,
    Phase,
    RequestStatus,
    ScheduleRun,
)
from grappe.events.selectors import runs
from grappe.events.services import meetings, registrations, requests, scheduling
from grappe.events.services.organiser import answer_registrations, change_phase
from matching import scheduler as matching_scheduler

from .factories import make_request, place, register

pytestmark = pytest.mark.django_db
ACCEPTED = RequestStatus.ACCEPTED


@pytest.fixture
def scheduling_event(event):
    event.phase = Phase.SCHEDULING
    event.save()
    return event


@pytest.fixture
def delta(scheduling_event):
    user = make_member(make_organisation("Delta Avionique", neq="4444444444"), "user@delta.test")
    return register(scheduling_event, user)


def run(event, staff):
    with committed():
        return scheduling.start_run(actor=staff, event=event)


def live(event):
    return {(m.request_id, m.slot.index, m.table.number, m.status)
            for m in Meeting.objects.filter(event=event).exclude(status=MeetingStatus.CANCELLED)
            .select_related("slot", "table")}


def test_a_run_places_every_accepted_request_it_can(scheduling_event, staff, alpha, bravo, charlie, delta):
    requests = [make_request(alpha, bravo, ACCEPTED, priority=3), make_request(charlie, alpha, ACCEPTED),
                make_request(delta, bravo, ACCEPTED, recipient_priority=1), make_request(charlie, delta,
                                                                                         ACCEPTED)]
    make_request(delta, alpha)  # still pending: not for the scheduler

    done = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert done.status == JobStatus.DONE and done.progress_percent == 100
    assert (done.requests_count, done.placed_count) == (4, 4)
    assert done.placed_weight == sum(r.weight for r in requests) == done.upper_bound
    assert done.greedy_count == 4 and done.unplaced == []
    placed = Meeting.objects.filter(event=scheduling_event)
    assert set(placed.values_list("status", flat=True)) == {MeetingStatus.PLANNED}
    assert MeetingSeat.objects.filter(meeting__in=placed, live=True).count() == 8
    for meeting in placed.prefetch_related("seats"):
        assert {seat.slot_id for seat in meeting.seats.all()} == {meeting.slot_id}
    assert AuditEntry.objects.filter(action="schedule.applied").count() == 1


@pytest.mark.usefixtures("in_english")
def test_an_unplaced_request_says_why_in_words(scheduling_event, staff, alpha, bravo):
    alpha.unavailable_slots.set(scheduling_event.slots.filter(index__in=[0, 1]))
    bravo.unavailable_slots.set(scheduling_event.slots.filter(index__in=[2, 3]))
    request = make_request(alpha, bravo, ACCEPTED)

    done = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert done.placed_count == 0
    [row] = runs.unplaced_rows(done)
    assert row["request"] == request and row["code"] == "unavailable"
    assert "free slot" in row["reason"]


def test_a_double_click_on_run_starts_one_run(scheduling_event, staff):
    waiting = ScheduleRun.objects.create(event=scheduling_event, owner=staff)

    assert run(scheduling_event, staff) == waiting
    assert ScheduleRun.objects.count() == 1


@pytest.mark.usefixtures("in_english")
def test_a_run_whose_worker_died_no_longer_blocks_the_scheduler(scheduling_event, staff, alpha, bravo):
    make_request(alpha, bravo, ACCEPTED)
    dead = ScheduleRun.objects.create(event=scheduling_event, owner=staff, status=JobStatus.RUNNING)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ScheduleRun.objects.filter(pk=dead.pk).update(created_at=long_ago, heartbeat_at=long_ago)

    new = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert new.pk != dead.pk and new.status == JobStatus.DONE and new.placed_count == 1
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "signs of life" in dead.error


def test_a_run_failed_as_stale_while_it_solves_writes_no_meeting(scheduling_event, staff, alpha, bravo,
                                                                 monkeypatch, settings):
    make_request(alpha, bravo, ACCEPTED)
    solve = matching_scheduler.schedule

    def solve_too_long(*args, **kwargs):
        result = solve(*args, **kwargs)
        settings.GRAPPE_JOB_STALE_MINUTES = 0  # meanwhile, recovery judged the worker dead
        jobs.recover_stale_jobs()
        return result

    monkeypatch.setattr(matching_scheduler, "schedule", solve_too_long)

    lost = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert lost.status == JobStatus.FAILED and not Meeting.objects.exists()
    assert not AuditEntry.objects.filter(action="schedule.applied").exists()


def test_a_run_started_by_a_request_that_rolls_back_is_never_queued(scheduling_event, staff):
    queued = []

    def remember(sender, task_result, **kwargs):
        queued.append(task_result.task.name)

    task_enqueued.connect(remember)
    try:
        with committed(), pytest.raises(RuntimeError), transaction.atomic():
            scheduling.start_run(actor=staff, event=scheduling_event)
            raise RuntimeError("the request failed after starting the run")
    finally:
        task_enqueued.disconnect(remember)

    assert queued == [] and not ScheduleRun.objects.exists()


def test_the_scheduler_waits_for_the_requests_to_close(event, staff):
    with pytest.raises(ValidationError) as refused:
        run(event, staff)
    assert refused.value.code == "wrong_phase"


def test_rescheduling_after_a_cancellation_keeps_published_meetings_in_place(
        scheduling_event, staff, alpha, bravo, charlie, delta):
    make_request(alpha, bravo, ACCEPTED)
    make_request(charlie, delta, ACCEPTED)
    make_request(alpha, delta, ACCEPTED)
    run(scheduling_event, staff)
    meetings.publish(actor=staff, event=scheduling_event)
    published = live(scheduling_event)
    assert len(published) == 3

    answer_registrations(actor=staff, event=scheduling_event, registrations=[charlie], validate=False)
    late = make_request(bravo, delta, ACCEPTED)
    second = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    after = live(scheduling_event)
    kept = {m for m in published if m[0] != charlie.requests_sent.get().pk}
    assert kept <= after
    assert {m[0] for m in after - kept} == {late.pk}
    assert second.status == JobStatus.DONE and second.placed_count == 3


def test_moves_allowed_keep_published_meetings_placed(scheduling_event, staff, alpha, bravo, charlie, delta):
    scheduling_event.allow_moves = True
    scheduling_event.save()
    first = place(make_request(alpha, bravo, ACCEPTED), slot_index=0, table_number=1)
    make_request(charlie, delta, ACCEPTED)

    run(scheduling_event, staff)

    first.refresh_from_db()
    assert first.status == MeetingStatus.PUBLISHED
    assert Meeting.objects.filter(event=scheduling_event).exclude(status=MeetingStatus.CANCELLED).count() == 2


# Hand moves ----------------------------------------------------------------------------------------------

@pytest.fixture
def two_meetings(scheduling_event, alpha, bravo, charlie, delta):
    """alpha–bravo at slot 0 table 1; charlie–delta at slot 1 table 2 (both planned)."""
    return (place(make_request(alpha, bravo, ACCEPTED), 0, 1, MeetingStatus.PLANNED),
            place(make_request(charlie, delta, ACCEPTED), 1, 2, MeetingStatus.PLANNED))


def slot(event, index):
    return event.slots.get(index=index)


def table(event, number):
    return event.tables.get(number=number)


def test_a_meeting_moves_to_a_free_slot_and_table(scheduling_event, staff, two_meetings):
    first, _second = two_meetings

    meetings.move_meeting(actor=staff, meeting=first, slot=slot(scheduling_event, 3),
                          table=table(scheduling_event, 3))

    first.refresh_from_db()
    assert (first.slot.index, first.table.number) == (3, 3)
    assert set(first.seats.values_list("slot__index", flat=True)) == {3}
    assert AuditEntry.objects.filter(action="meeting.moved").count() == 1


def test_a_move_onto_a_taken_table_is_refused(scheduling_event, staff, two_meetings):
    first, _second = two_meetings

    with pytest.raises(ValidationError) as refused:
        meetings.move_meeting(actor=staff, meeting=first, slot=slot(scheduling_event, 1),
                              table=table(scheduling_event, 2))
    assert refused.value.code == "table_taken"


def test_a_move_when_a_person_is_busy_is_refused(scheduling_event, staff, two_meetings, alpha):
    first, second = two_meetings
    third = place(make_request(alpha, second.request.requester, ACCEPTED), 2, 1, MeetingStatus.PLANNED)

    with pytest.raises(ValidationError) as refused:
        meetings.move_meeting(actor=staff, meeting=third, slot=slot(scheduling_event, 1),
                              table=table(scheduling_event, 3))
    assert refused.value.code == "person_busy"
    assert "09:25" in refused.value.messages[0]  # says when


def test_a_move_into_a_slot_a_person_cannot_attend_is_refused(scheduling_event, staff, two_meetings, bravo):
    first, _second = two_meetings
    bravo.unavailable_slots.add(slot(scheduling_event, 3))

    with pytest.raises(ValidationError) as refused:
        meetings.move_meeting(actor=staff, meeting=first, slot=slot(scheduling_event, 3),
                              table=table(scheduling_event, 1))
    assert refused.value.code == "unavailable"
    first.refresh_from_db()
    assert first.slot.index == 0


def test_two_organisations_are_not_placed_twice_by_hand(scheduling_event, staff, two_meetings, bravo, alpha):
    colleague = register(scheduling_event, make_member(alpha.organisation, "second@alpha.test"))
    request = make_request(colleague, bravo, ACCEPTED)

    with pytest.raises(ValidationError) as refused:
        meetings.place_request(actor=staff, meeting_request=request, slot=slot(scheduling_event, 2),
                               table=table(scheduling_event, 1))
    assert refused.value.code == "organisation_pair"


def test_an_unplaced_request_is_placed_by_hand(scheduling_event, staff, two_meetings, alpha, delta):
    request = make_request(alpha, delta, ACCEPTED)

    meeting = meetings.place_request(actor=staff, meeting_request=request, slot=slot(scheduling_event, 2),
                                     table=table(scheduling_event, 1))

    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.seats.count() == 2


def test_a_cancelled_meeting_frees_its_place_and_is_not_scheduled_again(scheduling_event, staff,
                                                                        two_meetings):
    first, _second = two_meetings

    meetings.cancel_meeting(actor=staff, meeting=first)
    run(scheduling_event, staff)

    assert not Meeting.objects.filter(request=first.request).exclude(status=MeetingStatus.CANCELLED).exists()
    assert not MeetingSeat.objects.filter(meeting=first, live=True).exists()


def test_hand_changes_wait_for_the_requests_to_close(event, staff, alpha, bravo):
    meeting = place(make_request(alpha, bravo, ACCEPTED), 0, 1, MeetingStatus.PLANNED)

    with pytest.raises(ValidationError) as refused:
        meetings.move_meeting(actor=staff, meeting=meeting, slot=slot(event, 1), table=table(event, 1))
    assert refused.value.code == "wrong_phase"


def test_publishing_tells_every_participant(scheduling_event, staff, two_meetings,
                                            django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        count = meetings.publish(actor=staff, event=scheduling_event)

    assert count == 2
    assert set(Meeting.objects.values_list("status", flat=True)) == {MeetingStatus.PUBLISHED}
    assert len(mail.outbox) == 4
    scheduling_event.refresh_from_db()
    assert scheduling_event.phase == Phase.PUBLISHED


# What changes while the solver works (it reads a snapshot, solves for up to a minute, then writes) ---------

@pytest.fixture
def during_the_solve():
    """Do `action()` after the solver returned its result and before the run writes it."""
    solve = matching_scheduler.schedule
    actions = []

    def solve_then_act(*args, **kwargs):
        result = solve(*args, **kwargs)
        for action in actions:
            action()
        return result

    with mock.patch.object(matching_scheduler, "schedule", side_effect=solve_then_act):
        yield actions.append


def seats_of(registration):
    return MeetingSeat.objects.filter(registration=registration, live=True)


def test_a_participant_who_cancels_during_the_solve_gets_no_meeting(
        scheduling_event, staff, alpha, bravo, charlie, charlie_user, during_the_solve):
    make_request(alpha, bravo, ACCEPTED)
    left_out = make_request(charlie, alpha, ACCEPTED)
    during_the_solve(lambda: registrations.cancel_registration(user=charlie_user, participant=charlie))

    done = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert done.status == JobStatus.DONE
    assert not seats_of(charlie).exists()
    assert seats_of(alpha).count() == seats_of(bravo).count() == 1
    assert done.placed_count == 1
    assert done.unplaced == [{"request": left_out.pk, "reason": "participant_left", "participant": charlie.pk}]


@pytest.mark.usefixtures("in_english")
def test_a_participant_refused_during_the_solve_gets_no_meeting_and_the_organiser_reads_why(
        scheduling_event, staff, alpha, bravo, charlie, during_the_solve):
    request = make_request(charlie, bravo, ACCEPTED)
    during_the_solve(lambda: answer_registrations(actor=staff, event=scheduling_event, registrations=[charlie],
                                                  validate=False))

    done = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert done.status == JobStatus.DONE and not Meeting.objects.filter(request=request).exists()
    [row] = runs.unplaced_rows(done)
    assert row["request"] == request and row["participant"] == charlie
    assert row["reason"].startswith(charlie.display_name) and "while the scheduler ran" in row["reason"]


def test_a_request_withdrawn_during_the_solve_is_not_placed(
        scheduling_event, staff, alpha, bravo, org_user, during_the_solve):
    request = make_request(alpha, bravo, ACCEPTED)
    during_the_solve(lambda: requests.withdraw_request(user=org_user, participant=alpha, meeting_request=request))

    done = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert not Meeting.objects.filter(request=request).exists()
    assert done.unplaced == [{"request": request.pk, "reason": "request_closed", "participant": None}]


def test_a_published_meeting_the_organiser_cancels_during_the_solve_stays_cancelled(
        scheduling_event, staff, alpha, bravo, charlie, delta, during_the_solve):
    scheduling_event.allow_moves = True  # the run may move published meetings: it must not revive this one
    scheduling_event.save()
    meeting = place(make_request(alpha, bravo, ACCEPTED), slot_index=0, table_number=1)
    make_request(charlie, delta, ACCEPTED)
    during_the_solve(lambda: meetings.cancel_meeting(actor=staff, meeting=meeting))

    done = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and not meeting.seats.filter(live=True).exists()
    assert done.unplaced == [{"request": meeting.request_id, "reason": "meeting_cancelled", "participant": None}]
    assert done.placed_count == 1


def test_a_schedule_changed_by_hand_during_the_solve_is_not_overwritten(
        scheduling_event, staff, alpha, bravo, charlie, delta, during_the_solve):
    make_request(alpha, bravo, ACCEPTED)
    by_hand = make_request(charlie, delta, ACCEPTED)
    during_the_solve(lambda: meetings.place_request(actor=staff, meeting_request=by_hand,
                                                    slot=scheduling_event.slots.get(index=3),
                                                    table=scheduling_event.tables.get(number=3)))

    with committed():
        started = scheduling.start_run(actor=staff, event=scheduling_event, language="en")
    done = ScheduleRun.objects.get(pk=started.pk)

    assert done.status == JobStatus.FAILED and "changed by hand" in done.error
    assert live(scheduling_event) == {(by_hand.pk, 3, 3, MeetingStatus.PLANNED)}


def test_requests_reopened_during_the_solve_get_no_meetings(scheduling_event, staff, alpha, bravo,
                                                            during_the_solve):
    make_request(alpha, bravo, ACCEPTED)
    during_the_solve(lambda: change_phase(actor=staff, event=scheduling_event, action="open_requests"))

    done = ScheduleRun.objects.get(pk=run(scheduling_event, staff).pk)

    assert done.status == JobStatus.FAILED and not Meeting.objects.exists()
