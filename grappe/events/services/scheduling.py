"""Running the scheduler on an event: the database as a `matching.scheduler.Problem`, the run as a background
task with its figures (`ScheduleRun`), and the result written back as meetings in one transaction.

What a run places: every accepted request between two validated participants whose meeting was not
cancelled by the organiser. Published meetings are `fixed`: they keep their slot and table (unless the
event allows moves; they then stay placed, perhaps elsewhere, and their participants are told). Planned
meetings (not yet published) are replaced by the new schedule.
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.permissions import require
from matching import scheduler

from ..models import (
    LIVE_MEETING,
    Event,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    MeetingStatus,
    Phase,
    Registration,
    RegistrationStatus,
    RequestStatus,
    RunStatus,
    ScheduleRun,
    Slot,
)
from . import jobs
from .meetings import create_meeting, tell_changed

logger = logging.getLogger(__name__)
RUNNABLE_PHASES = {Phase.SCHEDULING, Phase.PUBLISHED}
DEFAULT_TIME_LIMIT = 20.0  # seconds; settings.GRAPPE_SCHEDULER_SECONDS may say otherwise


class Snapshot:
    """The event as the scheduler sees it, with the maps back from its plain ids to the rows."""

    def __init__(self, event: Event):
        self.event = event
        self.slots = {slot.index: slot for slot in event.slots.all()}
        self.tables = list(event.tables.order_by("number"))
        self.table_index = {table.pk: i for i, table in enumerate(self.tables)}
        self.registrations = {r.pk: r for r in (
            Registration.objects.filter(event=event, status=RegistrationStatus.VALIDATED)
            .select_related("person", "organisation")
            .prefetch_related(Prefetch("unavailable_slots", queryset=Slot.objects.only("index"))))}
        self.published = list(Meeting.objects.filter(event=event, status=MeetingStatus.PUBLISHED)
                              .select_related("slot", "table", "request__requester", "request__recipient"))
        self.requests = self._requests()

    def _requests(self) -> dict[tuple[int, int], MeetingRequest]:
        """Accepted requests between two validated participants of different organisations, by pair, and
        those of published meetings (they hold their slot and table whatever became of their request)."""
        meetings = Meeting.objects.filter(event=self.event)
        cancelled = (set(meetings.filter(status=MeetingStatus.CANCELLED).values_list("request", flat=True))
                     - set(meetings.filter(LIVE_MEETING).values_list("request", flat=True)))
        accepted = MeetingRequest.objects.filter(event=self.event, status=RequestStatus.ACCEPTED)
        found = {}
        for request in [*accepted, *(m.request for m in self.published)]:
            a, b = self.registrations.get(request.requester_id), self.registrations.get(request.recipient_id)
            if a is None or b is None or request.pk in cancelled or a.organisation_key == b.organisation_key:
                continue
            found[scheduler.pair_key(a.pk, b.pk)] = request
        return found

    def problem(self) -> scheduler.Problem:
        event = self.event
        participants = tuple(
            scheduler.Participant(id=r.pk, organisation=r.organisation_key,
                                  unavailable=frozenset(s.index for s in r.unavailable_slots.all()))
            for r in self.registrations.values())
        requests = tuple(scheduler.Request(a=a, b=b, weight=max(1, r.weight))
                         for (a, b), r in self.requests.items())
        fixed = tuple(
            scheduler.Meeting(a=m.request.requester_id, b=m.request.recipient_id, slot=m.slot.index,
                              table=self.table_index[m.table_id])
            for m in self.published if scheduler.pair_key(m.request.requester_id, m.request.recipient_id)
            in self.requests)
        return scheduler.Problem(
            participants=participants, requests=requests, slots=tuple(sorted(self.slots)),
            tables=len(self.tables),
            session_of={index: slot.session_id for index, slot in self.slots.items()},
            max_meetings=event.max_meetings, max_consecutive=event.max_consecutive, fixed=fixed,
            allow_moves=event.allow_moves)


# Starting a run ----------------------------------------------------------------------------------------

def start_run(*, actor, event: Event, language: str = "fr") -> ScheduleRun:
    """Queue a run of the scheduler; while one is queued or running, return it instead (jobs.start_once)."""
    from ..tasks import run_schedule_task

    require(actor, "events.manage_event", event)
    if event.phase not in RUNNABLE_PHASES:
        raise ValidationError(_("Close the meeting requests before running the scheduler."),
                              code="wrong_phase")
    return jobs.start_once(ScheduleRun, actor=actor, event=event, action="schedule.run_started",
                           task=run_schedule_task, language=language)


# The run itself (in a background task) ---------------------------------------------------------------------

def execute_run(run: ScheduleRun, *, time_limit: float | None = None) -> ScheduleRun:
    """Solve, record the figures, write the meetings. A crash marks the run failed, with nothing written."""
    if time_limit is None:
        time_limit = getattr(settings, "GRAPPE_SCHEDULER_SECONDS", DEFAULT_TIME_LIMIT)
    claimed = ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=5)
    if not claimed:
        return ScheduleRun.objects.get(pk=run.pk)
    try:
        _solve_and_apply(ScheduleRun.objects.select_related("event", "started_by").get(pk=run.pk), time_limit)
    except Exception as error:
        logger.exception("schedule run %s failed", run.pk)
        ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, progress=100,
                                                      error=str(error)[:2000],
                                                      finished_at=timezone.now())
    return ScheduleRun.objects.get(pk=run.pk)


def _progress(run: ScheduleRun, percent: int, **figures) -> None:
    ScheduleRun.objects.filter(pk=run.pk).update(progress=percent, **figures)


def _solve_and_apply(run: ScheduleRun, time_limit: float) -> None:
    started = time.monotonic()
    snapshot = Snapshot(run.event)
    problem = snapshot.problem()
    greedy = scheduler.greedy(problem)
    _progress(run, 20, requests_count=len(problem.requests), greedy_count=len(greedy.meetings),
              greedy_weight=greedy.placed_weight)
    result = scheduler.schedule(problem, time_limit=time_limit)
    _progress(run, 90)
    problems = scheduler.violations(problem, result.meetings)
    if problems:
        raise ValueError("; ".join(problems))
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=run.event_id)
        counts = apply_result(snapshot, result)
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, progress=100, placed_count=len(result.meetings),
            placed_weight=result.placed_weight, upper_bound=result.upper_bound, solver_status=result.status,
            idle_gaps=result.idle_gaps, seconds=round(time.monotonic() - started, 2),
            finished_at=timezone.now(),
            unplaced=[{"request": snapshot.requests[scheduler.pair_key(u.request.a, u.request.b)].pk,
                       "reason": u.reason, "participant": u.participant} for u in result.unplaced])
        audit.record(run.started_by, "schedule.applied", run.event, after={
            "run": run.pk, **counts, "placed_weight": result.placed_weight,
            "upper_bound": result.upper_bound})


def apply_result(snapshot: Snapshot, result: scheduler.Result) -> dict:
    """Write a result (inside the caller's transaction, the event locked): planned meetings replaced,
    published ones kept where they are, or moved if the event allows it (their participants told)."""
    event = snapshot.event
    Meeting.objects.filter(event=event, status=MeetingStatus.PLANNED).delete()
    published = {scheduler.pair_key(m.request.requester_id, m.request.recipient_id): m
                 for m in snapshot.published}
    placed = {scheduler.pair_key(m.a, m.b): m for m in result.meetings}
    moved = [(m, placed[pair]) for pair, m in published.items()
             if pair in placed and (m.slot.index, snapshot.table_index[m.table_id]) != (placed[pair].slot,
                                                                                     placed[pair].table)]
    _move_published(snapshot, moved)
    created = 0
    for pair, meeting in placed.items():
        if pair in published:
            continue
        create_meeting(snapshot.requests[pair], snapshot.slots[meeting.slot], snapshot.tables[meeting.table],
                       MeetingStatus.PLANNED)
        created += 1
    return {"planned": created, "kept": len(published) - len(moved), "moved": len(moved)}


def _move_published(snapshot: Snapshot, moves) -> None:
    """Published meetings the scheduler moved (moves allowed). They may swap places, and the constraints
    are checked row by row: each is first set aside (cancelled, seats not live), then put back in its new
    place."""
    if not moves:
        return
    ids = [meeting.pk for meeting, _new in moves]
    Meeting.objects.filter(pk__in=ids).update(status=MeetingStatus.CANCELLED)
    MeetingSeat.objects.filter(meeting__in=ids).update(live=False)
    for meeting, new in moves:
        slot, table = snapshot.slots[new.slot], snapshot.tables[new.table]
        Meeting.objects.filter(pk=meeting.pk).update(slot=slot, table=table, status=MeetingStatus.PUBLISHED)
        MeetingSeat.objects.filter(meeting=meeting).update(slot=slot, live=True)
        tell_changed([meeting.request.requester, meeting.request.recipient])


# Reading a run -------------------------------------------------------------------------------------------

REASONS = {
    "unavailable": lambda: _("the two have no free slot in common"),
    "participant_full": lambda: _("%(participant)s has no room left (cap reached, or every free slot taken)"),
    "organisation_pair": lambda: _("their organisations already meet through other people"),
    "no_table": lambda: _("every slot they could share has all its tables taken"),
    "outweighed": lambda: _("placing it would have meant dropping more important meetings"),
}


def unplaced_rows(run: ScheduleRun) -> list[dict]:
    """Each request the run left out, with both sides and the reason in words (in the active language)."""
    ids = [item["request"] for item in run.unplaced]
    requests = MeetingRequest.objects.select_related(
        "requester__person", "requester__organisation", "recipient__person", "recipient__organisation",
    ).in_bulk(ids)
    people = {r.pk: r for request in requests.values() for r in (request.requester, request.recipient)}
    rows = []
    for item in run.unplaced:
        request = requests.get(item["request"])
        if request is None:
            continue
        participant = people.get(item.get("participant"))
        reason = REASONS.get(item["reason"], lambda: item["reason"])()
        if "%(participant)s" in reason:
            who = participant.display_name if participant else _("one of the two")
            reason = reason % {"participant": who}
        rows.append({"request": request, "reason": reason, "code": item["reason"],
                     "participant": participant})
    return rows
