"""What the scheduler's last run says about the requests it left out: why each could not be placed, in the
words an organiser would use. The organiser's scheduler and schedule pages, the API and the participants'
pages read the same reasons, so that everybody is told the same thing."""

from django.utils.translation import gettext as _

from grappe.core.models import JobStatus

from ..models import Event, MeetingRequest, ScheduleRun

REASONS = {
    "unavailable": lambda: _("The two have no free slot in common"),
    "organisation_pair": lambda: _("Their organisations already meet through other people"),
    "participant_cap": lambda: _("%(participant)s has reached their maximum number of meetings"),
    "participant_busy": lambda: _("%(participant)s is already in another meeting in every slot the two "
                                  "share"),
    "both_busy": lambda: _("Both participants are already in other meetings in every slot they share"),
    "no_table": lambda: _("No table is free any more in the slots they could share"),
    "too_many_in_a_row": lambda: _("%(participant)s would have too many meetings in a row"),
    "outweighed": lambda: _("Placing it would have meant giving up meetings that people asked for more"),
    # runs made before the reason told a full agenda from a reached maximum
    "participant_full": lambda: _("%(participant)s has no free slot left, or has reached their maximum "
                                  "number of meetings"),
    "participant_left": lambda: _("%(participant)s left the event (cancelled, or refused) while the "
                                  "scheduler ran"),
    "request_closed": lambda: _("The request was withdrawn while the scheduler ran"),
    "meeting_cancelled": lambda: _("The organiser cancelled their meeting while the scheduler ran"),
}


def last_done_run(event: Event) -> ScheduleRun | None:
    return event.schedule_runs.filter(status=JobStatus.DONE).first()


def in_words(code: str, participant=None) -> str:
    """A reason code of `ScheduleRun.unplaced` in the active language; `participant` is who is concerned."""
    reason = REASONS.get(code, lambda: code)()
    if "%(participant)s" in reason:
        who = participant.display_name if participant else _("one of the two")
        reason = reason % {"participant": who}
    return reason


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
        rows.append({"request": request, "reason": in_words(item["reason"], participant),
                     "code": item["reason"], "participant": participant})
    return rows
