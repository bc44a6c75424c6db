"""A meeting as a calendar entry (.ics): attached to its invitations (METHOD:REQUEST, or CANCEL once cancelled)
and downloaded from the meeting's page. UID is the meeting's, SEQUENCE counts the changes sent, so that a calendar
replaces the entry it holds; the summary and description speak the active language (the recipient's)."""

from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grappe.core import calendars
from grappe.core.links import absolute_url

from ..models import Meeting, MeetingStatus


def summary(meeting: Meeting) -> str:
    if meeting.title:
        return _("%(body)s: %(title)s") % {"body": meeting.body.name, "title": meeting.title}
    return _("Meeting of %(body)s") % {"body": meeting.body.name}


def meeting_ics(meeting: Meeting, *, method: str = "", attendee=None) -> bytes:
    """The meeting's calendar file in the active language. For an invitation, `method` REQUEST or CANCEL and
    `attendee` its recipient (a user): the file names the cluster as ORGANIZER and the recipient as ATTENDEE
    (RFC 5546). Without a method, a plain file to import (downloaded from the meeting's page) that names no one."""
    url = absolute_url(reverse("governance:meeting-detail", args=[meeting.pk]))
    items = [f"{position}. {item.title} ({item.duration_minutes} min)"
             for position, item in enumerate(meeting.items.all(), 1)]
    description = "\n".join([*([_("Agenda:"), *items, ""] if items else []), meeting.video_url, url]).strip()
    cancelled = meeting.status == MeetingStatus.CANCELLED
    entry = calendars.Entry(
        uid=str(meeting.uid), starts_at=meeting.starts_at, ends_at=meeting.ends_at,
        summary=summary(meeting), location=meeting.place or meeting.video_url, description=description, url=url,
        sequence=meeting.sequence, status="CANCELLED" if cancelled else "CONFIRMED",
        organizer=calendars.organizer() if method else None,
        attendees=(calendars.Person(email=attendee.email, name=attendee.full_name),) if method and attendee else ())
    return calendars.calendar_file([entry], product="Governance", method=method)


def file_name(meeting: Meeting) -> str:
    """Named by the meeting's date where it is held (its time zone), not in UTC."""
    day = timezone.localtime(meeting.starts_at, ZoneInfo(meeting.time_zone)).date()
    return pgettext("file name", "meeting-%(date)s.ics") % {"date": day.isoformat()}
