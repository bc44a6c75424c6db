"""The organiser's endpoints (cluster staff), a router beside the participants' (api/__init__.py joins both): run
the scheduler, follow a run, read the event's meetings. Anyone else signed in gets 403."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status

from grappe.core.api_schemas import answers
from grappe.core.permissions import require

from ..models import Event, ScheduleRun
from ..selectors import organiser as selectors
from ..selectors import runs
from ..services import scheduling

router = Router(tags=["events"])


class UnplacedOut(Schema):
    request: int
    reason: str = Field(description="unavailable, organisation_pair, participant_cap, participant_busy, "
                                    "both_busy, no_table, too_many_in_a_row or outweighed (participant_full "
                                    "in older runs); participant_left, request_closed or meeting_cancelled "
                                    "when the write found it gone.")
    explanation: str = Field(description="The reason in words, in the caller's language.")
    participant: int | None = Field(None, description="The registration that is the bottleneck, if one is.")


class RunOut(Schema):
    id: int
    status: str = Field(description="queued, running, done or failed.")
    progress: int = Field(description="Percent done.")
    requests_count: int
    placed_count: int
    placed_weight: int
    upper_bound: int = Field(description="Proven bound on the best placed weight.")
    gap: float = Field(description="(upper_bound - placed_weight) / upper_bound.")
    solver_status: str = Field(description="optimal, feasible or greedy.")
    greedy_count: int
    greedy_weight: int
    idle_gaps: int
    seconds: float
    error: str
    unplaced: list[UnplacedOut]


class SideOut(Schema):
    registration: int
    name: str
    organisation: str


class MeetingOut(Schema):
    id: int
    status: str = Field(description="planned (not yet published) or published.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    slot: int = Field(description="The slot's index in the event.")
    table: int = Field(description="The table's number.")
    table_label: str
    request: int
    requester: SideOut
    recipient: SideOut


def _organised(request, event_id: int) -> Event:
    require(request.auth, "events.manage_event")
    return get_object_or_404(Event, pk=event_id)


def _run(run: ScheduleRun) -> dict:
    unplaced = ([{"request": row["request"].pk, "reason": row["code"], "explanation": row["reason"],
                  "participant": row["participant"].pk if row["participant"] else None}
                 for row in runs.unplaced_rows(run)] if run.unplaced else [])
    return {**{name: getattr(run, name) for name in RunOut.model_fields if name not in ("progress", "unplaced")},
            "progress": run.progress_percent, "unplaced": unplaced}


def _side(registration) -> dict:
    return {"registration": registration.pk, "name": registration.display_name,
            "organisation": registration.organisation_name}


@router.post("/events/{event_id}/schedule-runs", response=answers({202: RunOut}, 403, 404, 409, 422),
             url_name="events-organiser-run")
def run_scheduler(request, event_id: int):
    """Start a run of the scheduler (staff). A run already queued or running is returned instead. Before
    the meeting requests are closed, 409 with the reason: the event is not in a state to be scheduled."""
    event = _organised(request, event_id)
    run = scheduling.start_run(actor=request.auth, event=event, language=get_language())
    return Status(202, _run(ScheduleRun.objects.get(pk=run.pk)))


@router.get("/events/{event_id}/schedule-runs/{run_id}", response=answers(RunOut, 403, 404, 422),
            url_name="events-organiser-run-status")
def run_status(request, event_id: int, run_id: int):
    """A run's progress, and once done its figures and the requests it left out with their reasons (staff)."""
    event = _organised(request, event_id)
    return _run(get_object_or_404(ScheduleRun, pk=run_id, event=event))


@router.get("/events/{event_id}/meetings", response=answers(list[MeetingOut], 403, 404, 422),
            url_name="events-organiser-meetings")
def event_meetings(request, event_id: int):
    """Every live meeting of the event, planned or published, in time and table order (staff)."""
    event = _organised(request, event_id)
    return [{"id": m.pk, "status": m.status, "starts_at": m.slot.starts_at, "ends_at": m.slot.ends_at,
             "slot": m.slot.index, "table": m.table.number, "table_label": m.table.label,
             "request": m.request_id,
             "requester": _side(m.request.requester), "recipient": _side(m.request.recipient)}
            for m in selectors.event_meetings(event)]
