"""A member's feed: one list, newest first, of everything that concerns its organisation.

Each source is a function (organisation, since) → FeedItems; `feed_for` merges them. The home page shows the first
few, the feed page all of them, and a digest the items newer than the person's last digest. Sources read through
each app's selectors, so what the feed shows is what the organisation's people may open. Each source costs one to
three queries whatever the organisation's size (no query per item).

- bulletins: those sent to the organisation (its frozen audience), dated by their sending;
- calls: the open calls whose rules the organisation meets, dated by their opening;
- events: the announced events taking registrations and those the organisation's people registered to, dated by
  the opening of their registration;
- minutes: the approved minutes of the bodies where one of its people holds an active seat, dated by approval;
- surveys: the open surveys it is invited to and has not submitted, dated by their opening;
- votes: the open resolutions it is an elector of and has not voted on yet, dated by their opening.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.events.models import Event, Phase, Registration, RegistrationStatus
from grappe.governance import selectors as governance
from grappe.governance.models import BodyMember, Elector, MembershipState, Participation, Resolution, Vote
from grappe.listening.selectors.surveys import surveys_to_answer
from grappe.members.models import Certification, Organisation
from grappe.programs import selectors as programs
from grappe.programs.eligibility import reasons_not_eligible

from .models import Audience, Bulletin, BulletinStatus


@dataclass(frozen=True)
class FeedItem:
    kind: str            # "bulletin", "call", "event", "minutes", "survey", "vote"
    kind_label: str      # what it is, in the active language
    when: datetime.datetime
    title: str
    url: str
    summary: str = ""


# The kinds a feed holds, in the order the feed page's filter offers them (labels read in the active language).
KINDS = ("bulletin", "call", "event", "minutes", "survey", "vote")


def kind_labels() -> dict[str, str]:
    return {"bulletin": _("Bulletin"), "call": _("Call for applications"), "event": _("Event"),
            "minutes": _("Minutes"), "survey": _("Survey"), "vote": _("Vote")}


def _newer(when: datetime.datetime | None, since: datetime.datetime | None) -> bool:
    return when is not None and (since is None or when > since)


def bulletins(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The bulletins sent to the organisation."""
    sent = Bulletin.objects.filter(status=BulletinStatus.SENT, pk__in=Audience.objects.filter(
        organisation=organisation).values("bulletin"))
    if since is not None:
        sent = sent.filter(sent_at__gt=since)
    return [FeedItem("bulletin", str(bulletin.get_category_display()), bulletin.sent_at, bulletin.title,
                     reverse("bulletins:detail", args=[bulletin.pk]), bulletin.summary)
            for bulletin in sent.order_by("-sent_at").defer("body_fr", "body_en")[:limit or LIMIT]]


def calls(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The open calls the organisation may apply to (their rules read against it: programs.eligibility). One
    query when no call is open; three otherwise (the calls, their required certifications, the organisation's)."""
    now = timezone.now()
    found = programs.open_calls(now)
    if since is not None:
        found = found.filter(opens_at__gt=since)
    found = list(found)
    if not found:
        return []
    prefetch_related_objects([organisation], Prefetch("certifications", Certification.objects.all()))
    today = timezone.localdate(now)
    label = _("Call for applications")
    deadline = _("Deadline: %(date)s")
    return [FeedItem("call", label, call.opens_at, call.title, reverse("programs:call-detail", args=[call.pk]),
                     deadline % {"date": timezone.localtime(call.closes_at).strftime("%Y-%m-%d")})
            for call in found if not reasons_not_eligible(call, organisation, today)]


def events(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The events taking registrations now, and those the organisation's people registered to (not over)."""
    now = timezone.now()
    registered = Registration.objects.filter(
        event=OuterRef("pk"), organisation=organisation,
        status__in=[RegistrationStatus.PENDING, RegistrationStatus.VALIDATED])
    found = (Event.objects.exclude(phase__in=[Phase.DRAFT, Phase.FINISHED])
             .annotate(registered=Exists(registered))
             .filter(Q(registered=True) | Q(phase__in=[Phase.REGISTRATION, Phase.REQUESTS],
                                            registration_opens__lte=now, registration_closes__gt=now)))
    if since is not None:
        found = found.filter(registration_opens__gt=since)
    label = _("Event")
    return [FeedItem("event", label, event.registration_opens, event.title,
                     reverse("events:event-detail", args=[event.pk]),
                     _("Your organisation is registered.") if event.registered else (event.venue or ""))
            for event in found.order_by("-registration_opens")[:limit or LIMIT]]


def minutes(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The approved minutes of the bodies where the organisation holds an active seat."""
    seats = BodyMember.objects.filter(organisation=organisation, state=MembershipState.ACTIVE).values("body")
    found = governance.approved_minutes().filter(meeting__body__in=seats).defer("content")
    if since is not None:
        found = found.filter(approved_at__gt=since)
    label = _("Minutes")
    return [FeedItem("minutes", label, entry.approved_at or entry.meeting.starts_at,
                     _("Minutes of %(body)s, %(date)s") % {
                         "body": entry.meeting.body.name,
                         "date": timezone.localtime(entry.meeting.starts_at).strftime("%Y-%m-%d")},
                     reverse("governance:meeting-minutes", args=[entry.meeting_id]), entry.meeting.title)
            for entry in found[:limit or LIMIT]]


def surveys(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The open surveys waiting for the organisation's answer."""
    label = _("Survey")
    items = []
    for survey in surveys_to_answer(organisation)[:limit or LIMIT]:
        when = survey.opens_at or survey.created_at
        if _newer(when, since):
            items.append(FeedItem("survey", label, when, survey.title,
                                  reverse("listening:survey-answer", args=[survey.pk]),
                                  _("Waiting for your organisation's answer.")))
    return items


def votes(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The open votes the organisation is an elector of and has not cast yet (openly or in a secret ballot)."""
    now = timezone.now()
    found = (Resolution.objects.filter(published_at__isnull=False, counted_at__isnull=True,
                                       opens_at__lte=now, closes_at__gt=now)
             .filter(Exists(Elector.objects.filter(resolution=OuterRef("pk"), organisation=organisation)))
             .exclude(Exists(Vote.objects.filter(resolution=OuterRef("pk"), organisation=organisation)))
             .exclude(Exists(Participation.objects.filter(resolution=OuterRef("pk"), organisation=organisation))))
    if since is not None:
        found = found.filter(opens_at__gt=since)
    label = _("Vote")
    closes = _("Voting closes %(date)s")
    return [FeedItem("vote", label, resolution.opens_at, resolution.title,
                     reverse("governance:resolution-detail", args=[resolution.pk]),
                     closes % {"date": timezone.localtime(resolution.closes_at).strftime("%Y-%m-%d %H:%M")})
            for resolution in found.order_by("-opens_at")[:limit or LIMIT]]


LIMIT = 50  # per source: more than a feed page shows
# Each source: (organisation, since, limit=0) → its newest items (at most `limit`, or LIMIT when 0).
SOURCES: tuple[Callable[..., list[FeedItem]], ...] = (
    bulletins, calls, events, minutes, surveys, votes)


def feed_for(organisation: Organisation, *, since: datetime.datetime | None = None,
             limit: int | None = None) -> list[FeedItem]:
    """Everything that concerns the organisation (newer than `since`), newest first."""
    # Each source's newest `limit` items hold the merged feed's newest `limit`: the home page reads 8 per source.
    items = sorted((item for source in SOURCES for item in source(organisation, since, limit or LIMIT)),
                   key=lambda item: item.when, reverse=True)
    return items[:limit] if limit else items
