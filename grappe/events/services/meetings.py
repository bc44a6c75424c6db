"""A meeting's life, in one place: the organiser's hand on the schedule (move a meeting, place a request by
hand, cancel a meeting, publish), and below them the transitions every other service goes through — the
scheduler writing its result, a participant leaving or withdrawing a request. Nothing else changes a
meeting's status, place or seats, so a meeting and its two seats never disagree.

A move is checked first so that the organiser reads why it is refused (a person busy or unavailable then,
the table taken, the two organisations already meeting). Two organisers acting at once pass those checks
together; the database constraints (one live meeting per table and slot, one per person and slot, two
organisations once) then refuse the second write, which is reported with the same reasons.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions

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
    Slot,
    Table,
)
from .locks import locked_event
from ..notifications import short_time
from .notices import tell_registrant

EDITABLE_PHASES = {Phase.SCHEDULING, Phase.PUBLISHED}

# The database constraint a concurrent write broke, and what it means for the organiser.
CONSTRAINT_REASONS = {
    "one_meeting_per_table": "table_taken",
    "one_meeting_per_person_per_slot": "person_busy",
    "organisations_meet_once": "organisation_pair",
    "one_meeting_per_request": "pair_meets",
}


def refusal(reason: str, **names) -> ValidationError:
    """A refused move or placement, in words (the code stays machine-readable for the API)."""
    texts = {
        "table_taken": _("Table %(table)s is already taken at %(time)s."),
        "person_busy": _("%(person)s already has a meeting at %(time)s."),
        "unavailable": _("%(person)s is not available at %(time)s."),
        "organisation_pair": _("%(first)s and %(second)s already meet (through other people): two "
                               "organisations meet once."),
        "pair_meets": _("These two participants already have a meeting."),
        "same_organisation": _("These two participants belong to the same organisation."),
        "not_accepted": _("Only an accepted request between two validated participants can be placed."),
        "cancelled": _("This meeting is cancelled: it cannot move."),
        "wrong_phase": _("The schedule can be changed by hand once the requests are closed, until the event "
                         "is finished."),
    }
    return ValidationError(texts[reason] % names if names else texts[reason], code=reason)


def _editable(actor, event: Event) -> Event:
    event = locked_event(actor, event)
    if event.phase not in EDITABLE_PHASES:
        raise refusal("wrong_phase")
    return event


def _check_place(sides: tuple[Registration, Registration], slot: Slot, table: Table,
                 exclude_meeting: int | None = None) -> None:
    """Why the two sides cannot meet at this slot and table, if they cannot (else nothing)."""
    others = Meeting.objects.filter(LIVE_MEETING, slot=slot).exclude(pk=exclude_meeting)
    if others.filter(table=table).exists():
        raise refusal("table_taken", table=table, time=short_time(slot.starts_at))
    for side in sides:
        if side.unavailable_slots.filter(pk=slot.pk).exists():
            raise refusal("unavailable", person=side.display_name, time=short_time(slot.starts_at))
        if MeetingSeat.objects.filter(registration=side, slot=slot, live=True).exclude(
                meeting=exclude_meeting).exists():
            raise refusal("person_busy", person=side.display_name, time=short_time(slot.starts_at))


def _write(action, sides, slot: Slot, table: Table):
    """Run a write of the schedule; a constraint a concurrent write made it break is refused in words."""
    try:
        with transaction.atomic():
            return action()
    except IntegrityError as error:
        reason = next((r for name, r in CONSTRAINT_REASONS.items() if name in str(error)), None)
        if reason is None:
            raise
        first, second = sides
        raise refusal(reason, table=table, time=short_time(slot.starts_at),
                      person=f"{first.display_name} / {second.display_name}",
                      first=first.organisation_name, second=second.organisation_name) from error


def _slot_and_table(event: Event, slot: Slot, table: Table) -> None:
    if slot.event_id != event.pk or table.event_id != event.pk:
        raise ValidationError(_("This slot or table belongs to another event."), code="other_event")


def move_meeting(*, actor, meeting: Meeting, slot: Slot, table: Table) -> Meeting:
    """Move a live meeting to another slot and/or table. A published meeting's two sides are told."""
    with transaction.atomic():
        event = _editable(actor, meeting.event)
        _slot_and_table(event, slot, table)
        meeting = (Meeting.objects.select_for_update(of=("self",))
                   .select_related("slot", "table", "request__requester__person",
                                   "request__requester__organisation",
                                   "request__recipient__person", "request__recipient__organisation")
                   .get(pk=meeting.pk, event=event))
        if meeting.status == MeetingStatus.CANCELLED:
            raise refusal("cancelled")
        if (meeting.slot_id, meeting.table_id) == (slot.pk, table.pk):
            return meeting
        sides = (meeting.request.requester, meeting.request.recipient)
        _check_place(sides, slot, table, exclude_meeting=meeting.pk)
        before = {"slot": meeting.slot.index, "table": meeting.table.number}
        _write(lambda: relocate([(meeting, slot, table)]), sides, slot, table)
        audit.record(actor, "meeting.moved", meeting, before=before, after={"slot": slot.index,
                                                                            "table": table.number})
        if meeting.status == MeetingStatus.PUBLISHED:
            tell_changed(sides)
    return meeting


def place_request(*, actor, meeting_request: MeetingRequest, slot: Slot, table: Table) -> Meeting:
    """Place an accepted request by hand (e.g. one the scheduler could not place), as a planned meeting."""
    with transaction.atomic():
        event = _editable(actor, meeting_request.event)
        _slot_and_table(event, slot, table)
        meeting_request = (MeetingRequest.objects.select_for_update(of=("self",))
                           .select_related("requester__person", "requester__organisation",
                                           "recipient__person",
                                           "recipient__organisation").get(pk=meeting_request.pk, event=event))
        sides = (meeting_request.requester, meeting_request.recipient)
        if meeting_request.status != RequestStatus.ACCEPTED or any(
                s.status != RegistrationStatus.VALIDATED for s in sides):
            raise refusal("not_accepted")
        low, high = sorted(side.organisation_key for side in sides)
        if low == high:
            raise refusal("same_organisation")
        if Meeting.objects.filter(LIVE_MEETING, request=meeting_request).exists():
            raise refusal("pair_meets")
        if Meeting.objects.filter(LIVE_MEETING, event=event, organisation_low=low,
                                  organisation_high=high).exists():
            raise refusal("organisation_pair", first=sides[0].organisation_name,
                          second=sides[1].organisation_name)
        _check_place(sides, slot, table)
        meeting = _write(lambda: create_meeting(meeting_request, slot, table, MeetingStatus.PLANNED), sides,
                         slot,
                         table)
        audit.record(actor, "meeting.placed", meeting, after={"slot": slot.index, "table": table.number})
    return meeting


def cancel_meeting(*, actor, meeting: Meeting) -> Meeting:
    """Cancel a meeting: its slot and table are free again; a published meeting's two sides are told.

    A cancelled meeting is not placed again by a later run of the scheduler: the organiser decided it would
    not take place.
    """
    with transaction.atomic():
        event = _editable(actor, meeting.event)
        meeting = Meeting.objects.get(pk=meeting.pk, event=event)
        for cancelled in cancel_meetings(Meeting.objects.filter(pk=meeting.pk)):
            meeting = cancelled
            audit.record(actor, "meeting.cancelled", meeting, before={"status": meeting.was},
                         after={"status": meeting.status})
            if meeting.was == MeetingStatus.PUBLISHED:
                tell_changed(Registration.objects.filter(seats__meeting=meeting))
    return meeting


def tell_changed(registrations: Iterable[Registration]) -> None:
    for registration in registrations:
        tell_registrant(registration, "agenda_changed")


def publish(*, actor, event: Event) -> int:
    """Publish the planned meetings: they appear in the participants' agendas.

    The first publication tells every validated participant that the agendas are out; a later one (after a
    re-scheduling) tells only those whose agenda gained a meeting. Returns the number of meetings published.
    """
    with transaction.atomic():
        event = _editable(actor, event)
        count, concerned = publish_planned(event)
        first = event.phase != Phase.PUBLISHED
        if first:
            event.phase = Phase.PUBLISHED
            event.save(update_fields=["phase", "updated_at"])
            feed_versions.bump_cluster()
        audit.record(actor, "event.published", event, after={"meetings": count, "first": first})
        told = event.registrations.filter(status=RegistrationStatus.VALIDATED)
        if not first:
            told = told.filter(pk__in=concerned)
        for registration in told:
            tell_registrant(registration, "agenda_published" if first else "agenda_changed")
    return count


# The transitions (inside the caller's transaction) --------------------------------------------------------

def create_meeting(meeting_request: MeetingRequest, slot: Slot, table: Table, status: str) -> Meeting:
    """A meeting with its two seats (the seats keep each person to one meeting per slot)."""
    sides = (meeting_request.requester, meeting_request.recipient)
    low, high = sorted(side.organisation_key for side in sides)
    meeting = Meeting.objects.create(event_id=meeting_request.event_id, request=meeting_request, slot=slot,
                                     table=table, status=status, organisation_low=low, organisation_high=high)
    MeetingSeat.objects.bulk_create([MeetingSeat(meeting=meeting, registration=side, slot=slot, live=True)
                                     for side in sides])
    return meeting


def relocate(moves: Sequence[tuple[Meeting, Slot, Table]]) -> None:
    """Put live meetings (with their seats) at new slots and tables; each keeps its status. They may swap
    places, and the constraints are checked row by row: each is first set aside (cancelled, seats not live),
    then put back in its new place."""
    if not moves:
        return
    ids = [meeting.pk for meeting, _slot, _table in moves]
    Meeting.objects.filter(pk__in=ids).update(status=MeetingStatus.CANCELLED)
    MeetingSeat.objects.filter(meeting__in=ids).update(live=False)
    now = timezone.now()
    for meeting, slot, table in moves:
        Meeting.objects.filter(pk=meeting.pk).update(slot=slot, table=table, status=meeting.status,
                                                     updated_at=now)
        MeetingSeat.objects.filter(meeting=meeting).update(slot=slot, live=True)
        meeting.slot, meeting.table = slot, table


def cancel_meetings(meetings: QuerySet) -> list[Meeting]:
    """Cancel these meetings (those still live, locked) and free both sides' seats. Returns the ones it
    cancelled, with the status each had (`was`), its slot and request."""
    live = list(meetings.filter(LIVE_MEETING).select_for_update(of=("self",))
                .select_related("slot", "request").order_by("pk"))
    if live:
        Meeting.objects.filter(pk__in=[m.pk for m in live]).update(status=MeetingStatus.CANCELLED,
                                                                  updated_at=timezone.now())
        MeetingSeat.objects.filter(meeting__in=live).update(live=False)
        for meeting in live:
            meeting.was, meeting.status = meeting.status, MeetingStatus.CANCELLED
    return live


def publish_planned(event: Event) -> tuple[int, set[int]]:
    """Publish the event's planned meetings: how many, and the registrations whose agenda gained one."""
    planned = Meeting.objects.filter(event=event, status=MeetingStatus.PLANNED)
    concerned = set(MeetingSeat.objects.filter(meeting__in=planned).values_list("registration", flat=True))
    return planned.update(status=MeetingStatus.PUBLISHED, updated_at=timezone.now()), concerned


def discard_planned(event: Event) -> None:
    """Remove the event's planned meetings (never shown to anyone): a new run of the scheduler replaces
    them."""
    Meeting.objects.filter(event=event, status=MeetingStatus.PLANNED).delete()
