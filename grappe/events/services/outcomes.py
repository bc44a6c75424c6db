"""After a meeting, each side records whether it took place and what came of it, on its own seat: the two
accounts may differ, and neither sees the other's notes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit

from ..models import MeetingSeat, MeetingStatus, Outcome, Registration

OUTCOME_FIELDS = ("happened", "outcome", "notes")


def record_outcome(*, user, participant: Registration, seat: MeetingSeat, happened: bool | None,
                   outcome: str = Outcome.NONE, notes: str = "") -> MeetingSeat:
    """Record the participant's account of a published meeting once its time has come. A meeting that did not
    take place has no outcome."""
    if outcome not in Outcome.values:
        raise ValidationError(_("Unknown outcome."), code="outcome")
    with transaction.atomic():
        seat = MeetingSeat.objects.select_for_update(of=("self",)).select_related("meeting__slot").get(pk=seat.pk)
        if seat.registration_id != participant.pk:
            raise PermissionDenied
        if seat.meeting.status != MeetingStatus.PUBLISHED or not seat.live:
            raise ValidationError(_("This meeting was cancelled."), code="cancelled")
        if seat.meeting.slot.starts_at > timezone.now():
            raise ValidationError(_("You can say how the meeting went once it has started."), code="too_early")
        before = {name: getattr(seat, name) for name in OUTCOME_FIELDS}
        seat.happened = happened
        seat.outcome = outcome if happened else Outcome.NONE
        seat.notes = notes.strip()
        seat.full_clean(exclude=["meeting", "registration", "slot"])
        seat.save(update_fields=list(OUTCOME_FIELDS))
        after = {name: getattr(seat, name) for name in OUTCOME_FIELDS}
        if after != before:
            audit.record(user, "event.meeting_outcome", seat, before=before, after=after,
                         target_label=str(seat.meeting))
    return seat
