"""What the organiser (cluster staff) does to an event: create and edit it, cut its sessions into slots, set
its tables, validate or refuse registrations, and move it from phase to phase.

Every function checks `events.manage_event`, works in one transaction on the event locked (two organisers
editing the same event at once take turns), records an audit entry and tells participants once the
transaction commits. Bad input raises ValidationError with a message for the organiser; nothing is saved.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions
from grappe.core.permissions import require

from . import notices
from .locks import locked_event
from .requests import close_participation
from ..models import LIVE_MEETING, Event, Phase, Registration, RegistrationStatus, Session, Slot, Table

EVENT_FIELDS = ("title", "description", "venue", "audience", "registration_opens", "registration_closes",
                "slot_minutes", "max_meetings", "max_consecutive", "allow_moves")
MAX_SLOTS = 400  # a week of 25-minute meetings from 8:00 to 20:00; more is a typing mistake
MAX_TABLES = 500


@dataclass(frozen=True)
class SessionSpec:
    """A session as the organiser describes it: a day, a start and an end."""

    date: datetime.date
    starts: datetime.time
    ends: datetime.time


# Creating and editing an event --------------------------------------------------------------------------

def save_event(*, actor, data: dict, sessions: Sequence[SessionSpec], tables: int | Sequence[str],
               event: Event | None = None) -> Event:
    """Create or edit an event with its sessions (cut into slots) and its tables.

    `tables` is a number of numbered tables, or the names of rooms (numbered in that order). Slots are cut
    again when the sessions or the meeting length change, which is refused once a meeting exists (the
    meetings are in those slots); tables that hold a meeting cannot be removed.
    """
    require(actor, "events.manage_event", event)
    with transaction.atomic():
        creating = event is None
        if creating:
            event = Event(created_by=actor)
            before = None
        else:
            event = locked_event(actor, event)
            before = _event_snapshot(event)
        for name in EVENT_FIELDS:
            if name in data:
                setattr(event, name, data[name])
        event.full_clean(exclude=["created_by", "phase"])
        event.save()
        set_sessions(event, sessions)
        set_tables(event, tables)
        after = _event_snapshot(event)
        if after != before:
            audit.record(actor, "event.created" if creating else "event.changed", event, before=before,
                         after=after)
            feed_versions.bump_cluster()  # its title, venue or registration dates, in the members' feeds
    return event


def _event_snapshot(event: Event) -> dict:
    return {**audit.snapshot(event, exclude=("description",)),
            "sessions": [str(s) for s in event.sessions.all()],
            "slots": event.slots.count(),
            "tables": [str(t) for t in event.tables.all()]}


def slot_times(event: Event, sessions: Sequence[SessionSpec]) -> list[tuple[SessionSpec, datetime.datetime,
                                                                              datetime.datetime]]:
    """Each session cut into back-to-back slots of the event's length (a last piece too short is dropped)."""
    length = datetime.timedelta(minutes=event.slot_minutes)
    cut = []
    for spec in sorted(sessions, key=lambda s: (s.date, s.starts)):
        start = timezone.make_aware(datetime.datetime.combine(spec.date, spec.starts))
        end = timezone.make_aware(datetime.datetime.combine(spec.date, spec.ends))
        while start + length <= end:
            cut.append((spec, start, start + length))
            start += length
    return cut


def check_sessions(event: Event, sessions: Sequence[SessionSpec]) -> None:
    """Refuse sessions that end before they start, overlap, or make no slot or far too many."""
    ordered = sorted(sessions, key=lambda s: (s.date, s.starts))
    if not ordered:
        raise ValidationError(_("Give at least one session (a day, a start and an end)."), code="no_session")
    for spec in ordered:
        if spec.ends <= spec.starts:
            raise ValidationError(_("The session of %(date)s ends before it starts.") % {"date": spec.date},
                                  code="session_order")
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.date == second.date and second.starts < first.ends:
            raise ValidationError(_("Two sessions of %(date)s overlap: leave the break between them.")
                                  % {"date": first.date}, code="session_overlap")
    count = len(slot_times(event, ordered))
    if count == 0:
        raise ValidationError(_("No session is long enough for one meeting of %(minutes)s minutes.")
                              % {"minutes": event.slot_minutes}, code="no_slot")
    if count > MAX_SLOTS:
        raise ValidationError(_("These sessions make %(count)s slots; keep it under %(limit)s.")
                              % {"count": count, "limit": MAX_SLOTS}, code="too_many_slots")


def set_sessions(event: Event, sessions: Sequence[SessionSpec]) -> None:
    """Make the event's sessions and slots exactly these (inside the caller's transaction).

    Slots that stay the same are kept, so participants keep the unavailabilities they marked; the others
    are cut again only while no meeting exists.
    """
    check_sessions(event, sessions)
    wanted = slot_times(event, sessions)
    current = list(event.slots.select_related("session").order_by("index"))
    same_slots = [(s.starts_at, s.ends_at) for s in current] == [(start, end) for _spec, start, end in wanted]
    same_sessions = ({(s.date, s.starts, s.ends) for s in event.sessions.all()}
                     == {(s.date, s.starts, s.ends) for s in sessions})
    if same_slots and same_sessions:
        return
    if not same_slots and event.meetings.exists():
        raise ValidationError(_("Meetings are already placed in these slots: the sessions and the meeting "
                                "length can no longer change. Cancel the meetings first."),
                              code="meetings_exist")
    session_rows = _sessions_as(event, sessions)
    kept = {(s.starts_at, s.ends_at): s for s in current}
    wanted_keys = {(start, end) for _spec, start, end in wanted}
    Slot.objects.filter(pk__in=[s.pk for key, s in kept.items() if key not in wanted_keys]).delete()
    # Indexes are unique per event: move the kept slots out of the way before numbering everything again.
    Slot.objects.filter(event=event).update(index=F("index") + 100_000)
    for index, (spec, start, end) in enumerate(wanted):
        session = session_rows[(spec.date, spec.starts)]
        slot = kept.get((start, end))
        if slot is None:
            Slot.objects.create(event=event, session=session, index=index, starts_at=start, ends_at=end)
        else:
            Slot.objects.filter(pk=slot.pk).update(index=index, session=session)
    event.sessions.exclude(pk__in=[s.pk for s in session_rows.values()]).delete()


def _sessions_as(event: Event, sessions: Sequence[SessionSpec]) -> dict:
    """The Session rows for these specs, by (date, start): existing ones updated, missing ones created."""
    rows = {}
    for spec in sessions:
        session, _created = Session.objects.update_or_create(
            event=event, date=spec.date, starts=spec.starts, defaults={"ends": spec.ends})
        rows[(spec.date, spec.starts)] = session
    return rows


def set_tables(event: Event, tables: int | Sequence[str]) -> None:
    """Numbered tables 1…n, or named rooms numbered in order. A table holding a meeting is never removed."""
    labels = [""] * tables if isinstance(tables, int) else [name.strip() for name in tables if name.strip()]
    if not labels:
        raise ValidationError(_("Give at least one table."), code="no_table")
    if len(labels) > MAX_TABLES:
        raise ValidationError(_("Keep the number of tables under %(limit)s.") % {"limit": MAX_TABLES},
                              code="too_many_tables")
    existing = {t.number: t for t in event.tables.all()}
    dropped = [number for number in existing if number > len(labels)]
    busy = sorted(set(event.meetings.filter(table__number__in=dropped).values_list("table__number",
                                                                                   flat=True)))
    if busy:
        raise ValidationError(_("Table %(numbers)s holds meetings: it cannot be removed.")
                              % {"numbers": ", ".join(map(str, busy))}, code="table_in_use")
    event.tables.filter(number__in=dropped).delete()
    for number, label in enumerate(labels, start=1):
        table = existing.get(number)
        if table is None:
            Table.objects.create(event=event, number=number, label=label)
        elif table.label != label:
            Table.objects.filter(pk=table.pk).update(label=label)


# Registrations -------------------------------------------------------------------------------------------

ANSWERABLE = {
    RegistrationStatus.VALIDATED: {RegistrationStatus.PENDING, RegistrationStatus.REFUSED},
    RegistrationStatus.REFUSED: {RegistrationStatus.PENDING, RegistrationStatus.VALIDATED},
}


def answer_registrations(*, actor, event: Event, registrations: Iterable[Registration],
                         validate: bool) -> int:
    """Validate (or refuse) registrations of the event; each registrant is told, in its language.

    Registrations already answered this way, cancelled, or whose email is still to confirm are left as they
    are. A refused participant no longer takes part: its open requests are withdrawn and its meetings cancelled
    (requests.close_participation, the other sides are told). Returns how many changed.
    """

    wanted = RegistrationStatus.VALIDATED if validate else RegistrationStatus.REFUSED
    ids = [r.pk for r in registrations]
    with transaction.atomic():
        event = locked_event(actor, event)
        changing = list(Registration.objects.select_for_update(of=("self",))
                        .filter(event=event, pk__in=ids, status__in=ANSWERABLE[wanted])
                        .select_related("person__user", "organisation").order_by("pk"))
        for registration in changing:
            before = registration.status
            registration.status = wanted
            registration.save(update_fields=["status", "updated_at"])
            after = {"status": wanted}
            if not validate:
                closed = close_participation(registration)
                after.update(requests_withdrawn=[r.pk for r in closed.requests],
                             meetings_cancelled=[m.pk for m in closed.meetings])
            audit.record(actor, f"registration.{wanted}", registration, before={"status": before}, after=after)
            feed_versions.bump_organisation(registration.organisation_id)
            notices.tell_registrant(registration, "registration_" + wanted)
    return len(changing)


# What a registrant is told: the mail's subject, the line of the notification and the mail, and the page of
# the event it links to (notices.tell delivers them, in the registration's language).
# Phases ------------------------------------------------------------------------------------------------

# The organiser's buttons: which phase each leads to, and from where.
TRANSITIONS = {
    "open_registration": (Phase.REGISTRATION, {Phase.DRAFT}),
    "open_requests": (Phase.REQUESTS, {Phase.REGISTRATION, Phase.SCHEDULING}),
    "close_requests": (Phase.SCHEDULING, {Phase.REQUESTS}),
    "finish": (Phase.FINISHED, {Phase.PUBLISHED}),
}


def change_phase(*, actor, event: Event, action: str) -> Event:
    """Move the event to its next phase, after checking it is ready. Publishing is `meetings.publish`."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."), code="invalid")
    target, sources = TRANSITIONS[action]
    with transaction.atomic():
        event = locked_event(actor, event)
        if event.phase == target:
            return event
        if event.phase not in sources:
            raise ValidationError(_("The event is at “%(phase)s”: this step is not possible now.")
                                  % {"phase": event.get_phase_display()}, code="wrong_phase")
        _check_ready(event, target)
        before = event.phase
        event.phase = target
        event.save(update_fields=["phase", "updated_at"])
        audit.record(actor, "event.phase", event, before={"phase": before}, after={"phase": target})
        feed_versions.bump_cluster()
        if target == Phase.REQUESTS and before == Phase.REGISTRATION:
            for registration in event.registrations.filter(status=RegistrationStatus.VALIDATED):
                notices.tell_registrant(registration, "requests_open")
    return event


def _check_ready(event: Event, target: str) -> None:
    if target == Phase.REGISTRATION:
        if not event.slots.exists() or not event.tables.exists():
            raise ValidationError(_("Give the event its sessions and tables before opening registration."),
                                  code="not_ready")
    if target == Phase.REQUESTS:
        if event.registrations.filter(status=RegistrationStatus.VALIDATED).count() < 2:
            raise ValidationError(_("Validate at least two registrations before opening the requests."),
                                  code="not_ready")
    if target == Phase.FINISHED and event.meetings.filter(LIVE_MEETING,
                                                          slot__starts_at__gt=timezone.now()).exists():
        raise ValidationError(_("Meetings are still to come: finish the event once they are over."),
                              code="not_over")
