"""A body's meetings: scheduled, changed and cancelled by a co-chair (or the staff). Every member sitting on the
body is mailed an invitation in their language with the meeting's .ics (METHOD:REQUEST, its SEQUENCE one higher
at each change; METHOD:CANCEL once cancelled), a file of their own naming them as ATTENDEE and the cluster as
ORGANIZER, and notified."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grappe.core import audit, calendars, notify, outbox
from grappe.core.errors import Conflict
from grappe.core.links import absolute_url
from grappe.core.permissions import require

from .. import selectors
from ..documents import invitation
from ..models import Body, Meeting, MeetingStatus

FIELDS = ("title", "starts_at", "ends_at", "time_zone", "place", "video_url")


def schedule_meeting(*, actor, body: Body, **fields) -> Meeting:
    """Schedule a meeting of the body (fields: FIELDS) and invite its members."""
    require(actor, "governance.chair_body", body)
    _check(fields)
    with transaction.atomic():
        meeting = Meeting.objects.create(body=body, created_by=actor, **fields)
        audit.record(actor, "meeting.scheduled", meeting, after=_state(meeting))
        _invite(meeting, "scheduled")
    return meeting


def change_meeting(*, actor, meeting: Meeting, **fields) -> Meeting:
    """Change a scheduled meeting's title, times or place: its members get the invitation again, SEQUENCE + 1."""
    require(actor, "governance.run_meeting", meeting)
    _check(fields)
    with transaction.atomic():
        meeting = _scheduled(meeting)
        before = _state(meeting)
        for name in FIELDS:
            setattr(meeting, name, fields[name])
        if _state(meeting) == before:
            return meeting
        meeting.sequence += 1
        meeting.save()
        audit.record(actor, "meeting.changed", meeting, before=before, after=_state(meeting))
        _invite(meeting, "changed")
    return meeting


def cancel_meeting(*, actor, meeting: Meeting) -> Meeting:
    require(actor, "governance.run_meeting", meeting)
    with transaction.atomic():
        meeting = _scheduled(meeting)
        meeting.status, meeting.sequence = MeetingStatus.CANCELLED, meeting.sequence + 1
        meeting.save(update_fields=["status", "sequence"])
        audit.record(actor, "meeting.cancelled", meeting, before={"status": MeetingStatus.SCHEDULED},
                     after={"status": meeting.status})
        _invite(meeting, "cancelled")
    return meeting


def _check(fields: dict) -> None:
    if fields["ends_at"] <= fields["starts_at"]:
        raise ValidationError(_("A meeting ends after it starts."), code="ends_before_start")
    if not (fields.get("place") or fields.get("video_url")):
        raise ValidationError(_("Give the meeting's place, its video link, or both."), code="no_place")


def _scheduled(meeting: Meeting) -> Meeting:
    """The meeting locked (two co-chairs may change it at once), if it is still to be held."""
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(_("This meeting is no longer scheduled: it cannot be changed."), code="not_scheduled")
    return meeting


def _state(meeting: Meeting) -> dict:
    return {name: audit.json_value(getattr(meeting, name)) for name in (*FIELDS, "status", "sequence")}


def _invite(meeting: Meeting, kind: str) -> None:
    """Mail each member sitting on the body, in their language, with the .ics; notify them once committed."""
    method = "CANCEL" if kind == "cancelled" else "REQUEST"
    path = reverse("governance:meeting-detail", args=[meeting.pk])
    users = [seat.user for seat in selectors.members_sitting(meeting.body)]
    for user in users:
        with translation.override(user.language):
            subject = {"scheduled": _("Invitation: %(meeting)s"), "changed": _("Changed: %(meeting)s"),
                       "cancelled": _("Cancelled: %(meeting)s")}[kind] % {"meeting": invitation.summary(meeting)}
            body = render_to_string("governance/email/meeting_invitation.txt", {
                "user": user, "meeting": meeting, "kind": kind, "url": absolute_url(path),
                "starts_at": meeting.starts_at, "time_zone": meeting.time_zone})
            outbox.queue(user.email, subject, body, attachments=[
                (invitation.file_name(meeting), invitation.meeting_ics(meeting, method=method, attendee=user),
                 calendars.content_type(method))])
    notify.on_commit(notify.send, users, f"governance.meeting_{kind}",
                     {"meeting_id": meeting.pk, "body_fr": meeting.body.name_fr, "body_en": meeting.body.name_en,
                      "title": meeting.title, "starts_at": meeting.starts_at.isoformat(),
                      "time_zone": meeting.time_zone}, path)
