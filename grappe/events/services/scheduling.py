"""Running the scheduler on an event: the database as a `matching.scheduler.Problem`, the run as a background
task with its figures (`ScheduleRun`), and the result written back as meetings in one transaction.

What a run places: every accepted request between two validated participants whose meeting was not
cancelled by the organiser. Published meetings are `fixed`: they keep their slot and table (unless the
event allows moves; they then stay placed, perhaps elsewhere, and their participants are told). Planned
meetings (not yet published) are replaced by the new schedule.

The solver works for up to a minute on a snapshot, without locks; people go on meanwhile. So the write
locks the event, the snapshot's registrations, requests and live meetings, and checks them again: a meeting
whose participant cancelled or was refused, whose request was withdrawn, or whose meeting the organiser
cancelled during the solve is not written, and is reported as left out with that reason. A participant who
acts after the locks waits for the write, then closes what it wrote. If the organiser changed the schedule
by hand (or reopened the requests) meanwhile, the run writes nothing and says so.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from grappe.core import audit, jobs
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from matching import scheduler

from ..models import (
    LIVE_MEETING,
    Event,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Phase,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
    Slot,
)
from .meetings import create_meeting, discard_planned, relocate, tell_changed

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
        self.live_meetings = live_meetings(Meeting.objects.filter(LIVE_MEETING, event=event))
        self.cancelled = cancelled_requests(event)
        self.requests = self._requests()

    def _requests(self) -> dict[tuple[int, int], MeetingRequest]:
        """Accepted requests between two validated participants of different organisations, by pair, and
        those of published meetings (they hold their slot and table whatever became of their request)."""
        cancelled = self.cancelled
        accepted = MeetingRequest.objects.filter(event=self.event, status=RequestStatus.ACCEPTED)
        found = {}
        for request in [*accepted, *(m.request for m in self.published)]:
            a, b = self.registrations.get(request.requester_id), self.registrations.get(request.recipient_id)
            if a is None or b is None or request.pk in cancelled or a.organisation_key == b.organisation_key:
                continue
            found[scheduler.pair_key(a.pk, b.pk)] = request
        return found

    def pair_of(self, request: MeetingRequest) -> tuple[int, int]:
        return scheduler.pair_key(request.requester_id, request.recipient_id)

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


def cancelled_requests(event: Event) -> set[int]:
    """Requests whose meeting the organiser cancelled (and did not place again): not for the scheduler."""
    meetings = Meeting.objects.filter(event=event)
    return (set(meetings.filter(status=MeetingStatus.CANCELLED).values_list("request", flat=True))
            - set(meetings.filter(LIVE_MEETING).values_list("request", flat=True)))


def live_meetings(meetings) -> dict[int, tuple]:
    """Each live meeting as a change by hand would alter it: its request and sides, status, slot and table."""
    return {m[0]: m[1:] for m in meetings.order_by("pk").values_list(
        "pk", "request", "request__requester", "request__recipient", "status", "slot", "table")}


# Starting a run ----------------------------------------------------------------------------------------

def start_run(*, actor, event: Event, language: str = "fr") -> ScheduleRun:
    """Queue a run of the scheduler; while one is queued or running, return it instead (jobs.start_once)."""
    require(actor, "events.manage_event", event)
    if event.phase not in RUNNABLE_PHASES:
        raise Conflict(_("Close the meeting requests before running the scheduler."), code="wrong_phase")
    return jobs.start_once(ScheduleRun, actor=actor, action="schedule.run_started", target=event,
                           task="grappe.events.tasks.run_schedule_task", args=(language,), event=event)


# The run itself (in a background task) ---------------------------------------------------------------------

def execute_run(run: ScheduleRun, *, time_limit: float | None = None) -> ScheduleRun:
    """Solve, record the figures, write the meetings. A crash marks the run failed, with nothing written."""
    if time_limit is None:
        time_limit = getattr(settings, "GRAPPE_SCHEDULER_SECONDS", DEFAULT_TIME_LIMIT)
    if not jobs.start(run):
        return ScheduleRun.objects.get(pk=run.pk)
    try:
        _solve_and_apply(ScheduleRun.objects.select_related("event", "owner").get(pk=run.pk), time_limit)
    except jobs.JobLost:
        logger.warning("schedule run %s was failed as stale while it solved; its result is dropped", run.pk)
    except Exception as error:
        logger.exception("schedule run %s failed", run.pk)
        jobs.fail(run, str(error))
    return ScheduleRun.objects.get(pk=run.pk)


def _solve_and_apply(run: ScheduleRun, time_limit: float) -> None:
    started = time.monotonic()
    jobs.beat(run, 5, 100)
    snapshot = Snapshot(run.event)
    problem = snapshot.problem()
    greedy = scheduler.greedy(problem)
    jobs.beat(run, 20, 100, requests_count=len(problem.requests), greedy_count=len(greedy.meetings),
              greedy_weight=greedy.placed_weight,
              message=_("A first pass placed %(count)s meetings; looking for a better schedule…")
              % {"count": len(greedy.meetings)})
    result = scheduler.schedule(problem, time_limit=time_limit)
    jobs.beat(run, 90, 100)
    problems = scheduler.violations(problem, result.meetings)
    if problems:
        raise ValueError("; ".join(problems))
    with transaction.atomic():
        written = apply_result(snapshot, problem, result)
        jobs.finish(
            run, placed_count=written.placed_count,
            placed_weight=written.placed_weight, upper_bound=result.upper_bound, solver_status=result.status,
            idle_gaps=result.idle_gaps, seconds=round(time.monotonic() - started, 2), unplaced=written.unplaced)
        audit.record(run.owner, "schedule.applied", run.event, after={
            "run": run.pk, **written.counts, "placed_weight": written.placed_weight,
            "upper_bound": result.upper_bound, "dropped": written.dropped})


class ScheduleChanged(Exception):
    """The event changed by hand while the scheduler ran: its result no longer fits, nothing is written."""


@dataclass(frozen=True)
class Written:
    """What the write did: meetings planned, published ones kept or moved, pairs dropped at the re-check, and
    the requests left out (the solver's, then the dropped ones) as ScheduleRun.unplaced stores them."""

    counts: dict
    placed_count: int
    placed_weight: int
    dropped: int
    unplaced: list[dict]


def apply_result(snapshot: Snapshot, problem: scheduler.Problem, result: scheduler.Result) -> Written:
    """Write a result, inside the caller's transaction: lock and check again what the solver read (see the
    module's docstring), then replace the planned meetings and keep the published ones where they are, or
    move them if the event allows it (their participants told)."""
    gone = _recheck(snapshot)
    placed = {pair: m for m in result.meetings if (pair := scheduler.pair_key(m.a, m.b)) not in gone}
    published = {pair: m for m in snapshot.published if (pair := snapshot.pair_of(m.request)) not in gone}
    discard_planned(snapshot.event)
    moved = [(m, snapshot.slots[placed[pair].slot], snapshot.tables[placed[pair].table])
             for pair, m in published.items()
             if pair in placed and (m.slot.index, snapshot.table_index[m.table_id]) != (placed[pair].slot,
                                                                                     placed[pair].table)]
    relocate(moved)
    for meeting, _slot, _table in moved:
        tell_changed([meeting.request.requester, meeting.request.recipient])
    created = 0
    for pair, meeting in placed.items():
        if pair not in published:
            create_meeting(snapshot.requests[pair], snapshot.slots[meeting.slot],
                           snapshot.tables[meeting.table], MeetingStatus.PLANNED)
            created += 1
    weights = {scheduler.pair_key(r.a, r.b): r.weight for r in problem.requests}
    left_out = {scheduler.pair_key(u.request.a, u.request.b): {"reason": u.reason,
                                                                "participant": u.participant}
                for u in result.unplaced}
    left_out.update(gone)
    return Written(
        counts={"planned": created, "kept": len(published) - len(moved), "moved": len(moved)},
        placed_count=len(placed), placed_weight=sum(weights[pair] for pair in placed), dropped=len(gone),
        unplaced=[{"request": snapshot.requests[pair].pk, **why} for pair, why in left_out.items()])


def _recheck(snapshot: Snapshot) -> dict[tuple[int, int], dict]:
    """Lock what the solver read and return the pairs that can no longer meet, each with why (a reason code
    and the participant concerned). Lock order as the participants' services take them: registrations, then
    requests, then meetings, so that nobody waits for the other in a circle."""
    event = Event.objects.select_for_update().get(pk=snapshot.event.pk)
    if event.phase not in RUNNABLE_PHASES:
        raise ScheduleChanged(_("The event went to “%(phase)s” while the scheduler ran: nothing was written.")
                              % {"phase": event.get_phase_display()})
    validated = set(Registration.objects.select_for_update().filter(
        pk__in=list(snapshot.registrations), status=RegistrationStatus.VALIDATED).order_by("pk")
        .values_list("pk", flat=True))
    statuses = dict(MeetingRequest.objects.select_for_update().filter(
        pk__in=[r.pk for r in snapshot.requests.values()]).order_by("pk").values_list("pk", "status"))
    now_cancelled = cancelled_requests(event) - snapshot.cancelled
    gone = {}
    for pair, request in snapshot.requests.items():
        left = next((side for side in (request.requester_id, request.recipient_id) if side not in validated),
                    None)
        if left is not None:
            gone[pair] = {"reason": "participant_left", "participant": left}
        elif statuses[request.pk] != request.status:
            gone[pair] = {"reason": "request_closed", "participant": None}
        elif request.pk in now_cancelled:
            gone[pair] = {"reason": "meeting_cancelled", "participant": None}
    _check_no_change_by_hand(snapshot, left=set(snapshot.registrations) - validated,
                             gone_requests={snapshot.requests[pair].pk for pair in gone})
    return gone


def _check_no_change_by_hand(snapshot: Snapshot, *, left: set[int], gone_requests: set[int]) -> None:
    """Refuse to write over a schedule the organiser changed during the solve (a meeting moved, placed or
    published): the result was made for the schedule as it was. Meetings closed by a participant who left or
    withdrew, or cancelled by the organiser, are the re-check's business, not a change that stops the run."""
    def kept(meetings: dict) -> dict:
        return {pk: m for pk, m in meetings.items()
                if m[0] not in gone_requests and m[1] not in left and m[2] not in left}

    now = live_meetings(Meeting.objects.select_for_update(of=("self",)).filter(LIVE_MEETING,
                                                                             event=snapshot.event))
    if kept(now) != kept(snapshot.live_meetings):
        raise ScheduleChanged(_("The schedule was changed by hand while the scheduler ran: nothing was "
                                "written. Run it again."))
