"""The record kept during a meeting, from which its minutes are generated: attendance (the members sitting on the
body, each present, excused or absent, with the organisation they sit for), notes and decisions per item, the
action items taken, the recusals. A co-chair saves it all at once from the one page of the meeting (typing is
never lost to another form), and marks the meeting held with the same save. A member declares their own conflict
of interest on an item; a co-chair records one for someone."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from .. import selectors
from ..models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingStatus,
    Recusal,
    Resolution,
)


def save_record(*, actor, meeting: Meeting, attendance: dict[int, str], notes: dict[int, str],
                decisions: dict[int, str], new_decisions: dict[int, str], action: dict | None = None,
                recusal: dict | None = None, held: bool = False) -> Meeting:
    """Save the meeting's record: `attendance` {user id: status}, `notes` {item id: text}, `decisions` {decision
    id: text, "" removes it}, `new_decisions` {item id: text}, one new `action` (description, owner, due_on,
    item) and one `recusal` (user, item, reason) if given; `held` marks the meeting held."""
    require(actor, "governance.run_meeting", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        if meeting.status == MeetingStatus.CANCELLED:
            raise Conflict(_("This meeting is cancelled: it has no record."), code="cancelled")
        sitting = {seat.user_id: seat for seat in selectors.members_sitting(meeting.body)}
        items = {item.pk: item for item in meeting.items.all()}
        before = record_state(meeting)
        _save_attendance(meeting, sitting, attendance)
        for item_id, text in notes.items():
            if item_id in items and items[item_id].notes != text:
                AgendaItem.objects.filter(pk=item_id).update(notes=text)
        for decision in Decision.objects.filter(item__meeting=meeting, pk__in=decisions):
            text = decisions[decision.pk].strip()
            if not text:
                decision.delete()
            elif text != decision.text:
                Decision.objects.filter(pk=decision.pk).update(text=text)
        for item_id, text in new_decisions.items():
            if item_id in items and text.strip():
                Decision.objects.create(item=items[item_id], text=text.strip())
        added = _add_action(meeting, sitting, items, action) if action else None
        if recusal:
            _record_recusal(actor, items.get(recusal["item"].pk) if recusal.get("item") else None,
                            recusal["user"], recusal["reason"], sitting)
        if held and meeting.status == MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.HELD
            meeting.save(update_fields=["status"])
        audit.record(actor, "meeting.held" if held else "meeting.record_saved", meeting, before=before,
                     after=record_state(meeting))
        if added is not None:
            notify.on_commit(notify.send, [added.owner], "governance.action_assigned",
                             {"action_id": added.pk, "description": added.description[:200],
                              "due_on": added.due_on.isoformat(), "body_fr": meeting.body.name_fr,
                              "body_en": meeting.body.name_en}, reverse("governance:my-actions"))
    return meeting


def _save_attendance(meeting: Meeting, sitting: dict, attendance: dict[int, str]) -> None:
    strangers = set(attendance) - set(sitting)
    if strangers:
        raise ValidationError(_("Attendance is taken of the members of %(body)s only.") % {"body": meeting.body.name},
                              code="not_member")
    if any(status not in AttendanceStatus.values for status in attendance.values() if status):
        raise ValidationError(_("Choose present, excused or absent."), code="status")
    for user_id, status in attendance.items():
        if status:
            Attendance.objects.update_or_create(meeting=meeting, user_id=user_id, defaults={
                "status": status, "organisation_id": sitting[user_id].organisation_id})
        else:
            Attendance.objects.filter(meeting=meeting, user_id=user_id).delete()


def _add_action(meeting: Meeting, sitting: dict, items: dict, action: dict) -> ActionItem:
    owner = action["owner"]
    if owner.pk not in sitting:
        raise ValidationError(_("An action's owner must be a member of %(body)s.") % {"body": meeting.body.name},
                              code="owner_not_member")
    item = action.get("item")
    if item is not None and item.pk not in items:
        raise ValidationError(_("Choose an item of this meeting."), code="item")
    return ActionItem.objects.create(meeting=meeting, item=item, description=action["description"], owner=owner,
                                     due_on=action["due_on"])


def declare_recusal(*, actor, item: AgendaItem, reason: str, user=None) -> Recusal:
    """Record a conflict of interest on the item: the actor's own (any member sitting on the body), or, for a
    co-chair or the staff, someone else's (`user`, a member of the body)."""
    meeting = item.meeting
    if user is None or user.pk == actor.pk:
        require(actor, "governance.declare_recusal", meeting)
        user = actor
    else:
        require(actor, "governance.run_meeting", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        if meeting.status == MeetingStatus.CANCELLED:
            raise Conflict(_("This meeting is cancelled."), code="cancelled")
        sitting = {seat.user_id: seat for seat in selectors.members_sitting(meeting.body)}
        recusal = _record_recusal(actor, item, user, reason, sitting)
        audit.record(actor, "recusal.declared", meeting, after=_recusal_state(recusal))
    return recusal


def withdraw_recusal(*, actor, recusal: Recusal) -> None:
    """A recusal withdrawn by the person who declared it, or by a co-chair (one recorded by mistake): a recusal a
    co-chair recorded for someone is lifted by a co-chair only, never by the recused person. Refused once the
    meeting is held (it is minuted) and while a published resolution on the item is open (the person would vote)."""
    meeting = recusal.item.meeting
    require(actor, "governance.declare_recusal" if recusal.recorded_by_id == actor.pk == recusal.user_id
            else "governance.run_meeting", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Conflict(_("This meeting is no longer scheduled: its recusals stay as they are."),
                           code="not_scheduled")
        now = timezone.now()
        if Resolution.objects.filter(item_id=recusal.item_id, published_at__isnull=False, counted_at__isnull=True,
                                     closes_at__gt=now).exists():
            raise Conflict(_("A vote on this item is open: the recusal stays until it closes."), code="vote_open")
        state = _recusal_state(recusal)
        recusal.delete()
        audit.record(actor, "recusal.withdrawn", meeting, before=state)


def _record_recusal(actor, item: AgendaItem | None, user, reason: str, sitting: dict) -> Recusal:
    reason = (reason or "").strip()
    if item is None:
        raise ValidationError(_("Choose the item the conflict of interest is about."), code="item")
    if user.pk not in sitting:
        raise ValidationError(_("Only a member of the body can be recused."), code="not_member")
    if not reason:
        raise ValidationError(_("Say what the conflict of interest is."), code="reason")
    if Recusal.objects.filter(item=item, user=user).exists():
        raise Conflict(_("%(person)s is already recused from this item.") % {"person": user}, code="recused")
    return Recusal.objects.create(item=item, user=user, reason=reason[:500], recorded_by=actor)


def _recusal_state(recusal: Recusal) -> dict:
    return {"item": recusal.item_id, "user": recusal.user_id, "reason": recusal.reason}


def record_state(meeting: Meeting) -> dict:
    """The record as the audit trail keeps it."""
    return {
        "status": meeting.status,
        "attendance": {str(user): status for user, status in meeting.attendance.values_list("user_id", "status")},
        "notes": {str(pk): notes for pk, notes in meeting.items.values_list("pk", "notes") if notes},
        "decisions": {str(pk): text for pk, text in Decision.objects.filter(item__meeting=meeting)
                      .values_list("pk", "text")},
        "actions": list(meeting.actions.values_list("pk", flat=True)),
        "recusals": [[item, user] for item, user in Recusal.objects.filter(item__meeting=meeting)
                     .values_list("item_id", "user_id")],
    }
