"""The minutes of a meeting: generated in one click from its record, circulated to the body's members for their
comments, approved by a co-chair; versioned.

- `generate` freezes the meeting's record into a version (minutes_record.build). While the latest version is a
  draft, generating again replaces that draft's content, keeping its number: nobody has been asked to read a
  draft, so its versions would be noise, and the numbers stay those of the texts members were sent (1, 2, 3…).
  Once circulated, the comments attach to that version: generating again keeps it, with its comments, as
  "replaced before approval", and makes the next version a draft. After an approval a correction is the next
  version in the same way; the approved one stays as it was, readable with its number and date.
- `circulate`: draft → circulated, the body's members told (core.notify, each in their language when read).
- `comment`: a member of the body comments a circulated version; its co-chairs are told.
- `approve`: circulated → approved, with who and when. An approved version never changes (see Minutes).

Each write checks the co-chair's (or member's) right, locks the meeting (select_for_update: two co-chairs
generating at once make one version, and nobody comments a version being approved), records one audit entry
and tells people once the transaction commits.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from .. import minutes_record
from ..models import BodyMember, Meeting, MeetingStatus, MembershipState, Minutes, MinutesComment, MinutesStatus
from ..rules import co_chairs, sits_on

CHAIR = "governance.chair_body"
COMMENT_MAX_LENGTH = 5000


def _locked_meeting(meeting_pk: int) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body").get(pk=meeting_pk)


def _locked_minutes(minutes: Minutes) -> tuple[Meeting, Minutes]:
    """The minutes' meeting locked (the one lock of every minutes write), then the version as it is now."""
    meeting = _locked_meeting(minutes.meeting_id)
    return meeting, Minutes.objects.select_related("meeting__body").get(pk=minutes.pk)


def _label(minutes: Minutes) -> str:
    return _("%(meeting)s, minutes version %(version)s") % {"meeting": minutes.meeting, "version": minutes.version}


def generate(*, actor, meeting: Meeting) -> Minutes:
    """Freeze the meeting's record into its minutes (see the module's doc): a new version, or the draft's content
    replaced."""
    require(actor, CHAIR, meeting.body)
    with transaction.atomic():
        meeting = _locked_meeting(meeting.pk)
        if meeting.status == MeetingStatus.CANCELLED:
            raise Conflict(_("A cancelled meeting has no minutes."), code="cancelled")
        # Before its start only if its co-chairs marked it held (the record's "save and mark held" is offered at once).
        if meeting.status != MeetingStatus.HELD and meeting.starts_at > timezone.now():
            raise Conflict(_("The minutes are generated once the meeting has begun."), code="not_held")
        latest = meeting.minutes.order_by("-version").first()
        if latest is not None and latest.status == MinutesStatus.DRAFT:
            return _replace_draft(actor, meeting, latest)
        before = None
        if latest is not None and latest.status == MinutesStatus.CIRCULATED:
            before = {"version": latest.version, "status": latest.status}
            latest.status = MinutesStatus.SUPERSEDED
            latest.save(update_fields=["status"])
        version = latest.version + 1 if latest is not None else 1
        minutes = Minutes.objects.create(
            meeting=meeting, version=version, created_by=actor,
            content=minutes_record.build(meeting, replaces=latest.version if latest is not None else None))
        audit.record(actor, "minutes.generated", minutes, before=before,
                     after={"version": version, "status": minutes.status}, target_label=_label(minutes))
    return minutes


def _replace_draft(actor, meeting: Meeting, draft: Minutes) -> Minutes:
    earlier = meeting.minutes.exclude(pk=draft.pk).aggregate(version=Max("version"))["version"]
    before = {"generated_at": draft.content["generated_at"]}
    draft.content = minutes_record.build(meeting, replaces=earlier)
    draft.created_by = actor
    draft.save(update_fields=["content", "created_by"])
    audit.record(actor, "minutes.regenerated", draft, before=before,
                 after={"version": draft.version, "generated_at": draft.content["generated_at"]},
                 target_label=_label(draft))
    return draft


def circulate(*, actor, minutes: Minutes) -> Minutes:
    """Send a draft to the body's members for their comments."""
    require(actor, CHAIR, minutes.meeting.body)
    with transaction.atomic():
        meeting, minutes = _locked_minutes(minutes)
        if minutes.status != MinutesStatus.DRAFT:
            raise Conflict(_("Only a draft is circulated for comments."), code="not_draft")
        minutes.status = MinutesStatus.CIRCULATED
        minutes.circulated_at = timezone.now()
        minutes.save(update_fields=["status", "circulated_at"])
        audit.record(actor, "minutes.circulated", minutes, before={"status": MinutesStatus.DRAFT},
                     after={"status": minutes.status, "circulated_at": minutes.circulated_at.isoformat()},
                     target_label=_label(minutes))
        notify.on_commit(_tell, _members(meeting.body, but=actor), "governance.minutes_circulated", minutes)
    return minutes


def approve(*, actor, minutes: Minutes) -> Minutes:
    """Approve a circulated version: from now on it never changes."""
    require(actor, CHAIR, minutes.meeting.body)
    with transaction.atomic():
        meeting, minutes = _locked_minutes(minutes)
        if minutes.status != MinutesStatus.CIRCULATED:
            raise Conflict(_("Circulate the minutes for comments before approving them."), code="not_circulated")
        minutes.status = MinutesStatus.APPROVED
        minutes.approved_at = timezone.now()
        minutes.approved_by = actor
        minutes.save(update_fields=["status", "approved_at", "approved_by"])
        audit.record(actor, "minutes.approved", minutes, before={"status": MinutesStatus.CIRCULATED},
                     after={"status": minutes.status, "approved_at": minutes.approved_at.isoformat()},
                     target_label=_label(minutes))
        notify.on_commit(_tell, _members(meeting.body, but=actor), "governance.minutes_approved", minutes)
        feed_versions.bump_cluster()  # in the feed of every organisation with a seat on the body
    return minutes


def comment(*, actor, minutes: Minutes, text: str) -> MinutesComment:
    """A member of the body comments a circulated version; the co-chairs are told."""
    require(actor, "governance.comment_minutes", minutes)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your comment."), code="empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(_("A comment holds at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH},
                              code="too_long")
    with transaction.atomic():
        meeting, minutes = _locked_minutes(minutes)
        if minutes.status != MinutesStatus.CIRCULATED:
            raise Conflict(_("These minutes are no longer open for comments."), code="not_circulated")
        made = MinutesComment.objects.create(minutes=minutes, author=actor, text=text)
        audit.record(actor, "minutes.commented", minutes, after={"comment": made.pk, "text": text},
                     target_label=_label(minutes))
        notify.on_commit(_tell, _co_chairs(meeting.body, but=actor), "governance.minutes_commented", minutes,
                         author=str(actor))
    return made


def generate_minutes(meeting: Meeting, actor) -> Minutes:
    """Approved minutes of a past meeting from its record, as a co-chair would make them (generate, circulate,
    approve): the demo data's past meetings."""
    minutes = generate(actor=actor, meeting=meeting)
    circulate(actor=actor, minutes=minutes)
    return approve(actor=actor, minutes=minutes)


def _members(body, *, but) -> list:
    """The body's members whose rights hold today (rules.seat_of), but the one acting."""
    seats = BodyMember.objects.filter(body=body, state=MembershipState.ACTIVE).exclude(user=but).select_related(
        "user__person__organisation")
    return [seat.user for seat in seats if sits_on(seat.user, body)]


def _co_chairs(body, *, but) -> list:
    seats = BodyMember.objects.filter(body=body, chair_seat__isnull=False).exclude(user=but).select_related(
        "user__person__organisation")
    return [seat.user for seat in seats if co_chairs(seat.user, body)]


def _tell(users, kind: str, minutes: Minutes, **params) -> None:
    content = minutes.content
    notify.send(users, kind, {
        "minutes_id": minutes.pk, "version": minutes.version, "body_fr": content["body"]["name_fr"],
        "body_en": content["body"]["name_en"], "date": content["meeting"]["starts_at"][:10], **params},
        reverse("governance:minutes-detail", args=[minutes.pk]))
