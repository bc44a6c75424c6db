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

Cached: `feed_for` (without `since`) keeps each organisation's whole feed built, per language, in each process's
"local" cache, under the feed's versions (grappe/core/feed_versions.py: one for the cluster, one for the
organisation, bumped by the services that change what a feed shows) and the directory version (what eligibility
for calls reads of the organisation), read in one query before the feed. What time changes is in it too: each
item carries the moment it leaves the feed (a call's deadline, the end of an event's registration, a vote's
closing), past which it is left out when read; the entry is rebuilt once something published starts (a call or a
vote opening, an event's registration opening) and at the latest every BUCKET_SECONDS (the day's certifications
and membership).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import cache_versions, feed_versions

from grappe.events.models import Event, Phase, Registration, RegistrationStatus
from grappe.governance import selectors as governance
from grappe.governance.models import BodyMember, Elector, MembershipState, Participation, Resolution, Vote
from grappe.listening.selectors.surveys import surveys_to_answer
from grappe.members import directory_cache
from grappe.members.models import Certification, Organisation, in_language
from grappe.programs import selectors as programs
from grappe.programs.eligibility import reasons_not_eligible
from grappe.programs.models import Call, CallStatus

from .models import Audience, Bulletin, BulletinStatus, Category


@dataclass(frozen=True)
class FeedItem:
    kind: str            # "bulletin", "call", "event", "minutes", "survey", "vote"
    kind_label: str      # what it is, in the active language
    when: datetime.datetime
    title: str
    url: str
    summary: str = ""
    until: datetime.datetime | None = None  # when it leaves the feed by itself (a deadline), if it does


# The kinds a feed holds, in the order the feed page's filter offers them (labels read in the active language).
KINDS = ("bulletin", "call", "event", "minutes", "survey", "vote")


def kind_labels() -> dict[str, str]:
    return {"bulletin": _("Bulletin"), "call": _("Call for applications"), "event": _("Event"),
            "minutes": _("Minutes"), "survey": _("Survey"), "vote": _("Vote")}


_PK = 987654321  # stands for the primary key in a reversed address (`_linker`)


def _linker(name: str) -> Callable[[int], str]:
    """pk → the address of `name` for that pk, in the active language: reversed once, not once per item."""
    before, after = reverse(name, args=[_PK]).split(str(_PK), 1)
    return lambda pk: f"{before}{pk}{after}"


def _newer(when: datetime.datetime | None, since: datetime.datetime | None) -> bool:
    return when is not None and (since is None or when > since)


def bulletins(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The bulletins sent to the organisation."""
    sent = Bulletin.objects.filter(status=BulletinStatus.SENT, pk__in=Audience.objects.filter(
        organisation=organisation).values("bulletin"))
    if since is not None:
        sent = sent.filter(sent_at__gt=since)
    labels = {value: str(label) for value, label in Category.choices}
    link = _linker("bulletins:detail")
    rows = sent.order_by("-sent_at").values_list("pk", "category", "sent_at", "title_fr", "title_en", "summary_fr",
                                                  "summary_en")[:limit or LIMIT]
    return [FeedItem("bulletin", labels.get(category, category), sent_at, in_language(title_fr, title_en),
                     link(pk), in_language(summary_fr, summary_en))
            for pk, category, sent_at, title_fr, title_en, summary_fr, summary_en in rows]


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
    link = _linker("programs:call-detail")
    return [FeedItem("call", label, call.opens_at, call.title, link(call.pk),
                     deadline % {"date": timezone.localtime(call.closes_at).strftime("%Y-%m-%d")}, call.closes_at)
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
    registered_line = _("Your organisation is registered.")
    link = _linker("events:event-detail")
    rows = found.order_by("-registration_opens").values_list(
        "pk", "title", "venue", "registration_opens", "registration_closes", "registered")[:limit or LIMIT]
    return [FeedItem("event", label, opens, title, link(pk), registered_line if registered else (venue or ""),
                     None if registered else closes)
            for pk, title, venue, opens, closes, registered in rows]


def minutes(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The approved minutes of the bodies where the organisation holds an active seat."""
    seats = BodyMember.objects.filter(organisation=organisation, state=MembershipState.ACTIVE).values("body")
    found = governance.approved_minutes().filter(meeting__body__in=seats)
    if since is not None:
        found = found.filter(approved_at__gt=since)
    label = _("Minutes")
    title = _("Minutes of %(body)s, %(date)s")
    link = _linker("governance:meeting-minutes")
    rows = found.values_list("meeting_id", "approved_at", "meeting__starts_at", "meeting__title",
                             "meeting__body__name_fr", "meeting__body__name_en")[:limit or LIMIT]
    return [FeedItem("minutes", label, approved_at or starts_at,
                     title % {"body": in_language(name_fr, name_en),
                              "date": timezone.localtime(starts_at).strftime("%Y-%m-%d")},
                     link(meeting_id), meeting_title)
            for meeting_id, approved_at, starts_at, meeting_title, name_fr, name_en in rows]


def surveys(organisation: Organisation, since: datetime.datetime | None, limit: int = 0) -> list[FeedItem]:
    """The open surveys waiting for the organisation's answer."""
    label = _("Survey")
    waiting = _("Waiting for your organisation's answer.")
    link = _linker("listening:survey-answer")
    items = []
    for survey in surveys_to_answer(organisation)[:limit or LIMIT]:
        when = survey.opens_at or survey.created_at
        if _newer(when, since):
            items.append(FeedItem("survey", label, when, survey.title, link(survey.pk), waiting))
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
    link = _linker("governance:resolution-detail")
    return [FeedItem("vote", label, resolution.opens_at, resolution.title, link(resolution.pk),
                     closes % {"date": timezone.localtime(resolution.closes_at).strftime("%Y-%m-%d %H:%M")},
                     resolution.closes_at)
            for resolution in found.order_by("-opens_at")[:limit or LIMIT]]


LIMIT = 50  # per source: more than a feed page shows
# Each source: (organisation, since, limit=0) → its newest items (at most `limit`, or LIMIT when 0).
SOURCES: tuple[Callable[..., list[FeedItem]], ...] = (
    bulletins, calls, events, minutes, surveys, votes)


def build_feed(organisation: Organisation, *, since: datetime.datetime | None = None,
               limit: int | None = None) -> list[FeedItem]:
    """Everything that concerns the organisation (newer than `since`), newest first, read now (no cache)."""
    # Each source's newest `limit` items hold the merged feed's newest `limit`: the home page reads 8 per source.
    items = sorted((item for source in SOURCES for item in source(organisation, since, limit or LIMIT)),
                   key=lambda item: item.when, reverse=True)
    return items[:limit] if limit else items


def feed_for(organisation: Organisation, *, since: datetime.datetime | None = None,
             limit: int | None = None) -> list[FeedItem]:
    """Everything that concerns the organisation (newer than `since`), newest first. Without `since`, from the
    cache (`cached_feed`): one query when the organisation's feed is there."""
    if since is not None:
        return build_feed(organisation, since=since, limit=limit)
    items = cached_feed(organisation)
    return items[:limit] if limit else items


BUCKET_SECONDS = 10 * 60  # at most this long without a rebuild (a ten-minute bucket of the clock is in the key)
CACHE = "local"


def cache_key(organisation_id: int, now: datetime.datetime) -> str:
    """The key of the organisation's feed now: its versions (read here, one query), the language, the bucket."""
    names = [feed_versions.CLUSTER, feed_versions.organisation_name(organisation_id), directory_cache.VERSION_NAME]
    versions = cache_versions.current_many(names)
    bucket = int(now.timestamp()) // BUCKET_SECONDS
    return (f"{feed_versions.CLUSTER}:{':'.join(str(versions[name]) for name in names)}:"
            f"{translation.get_language()}:{bucket}:{organisation_id}")


def cached_feed(organisation: Organisation) -> list[FeedItem]:
    """The organisation's whole feed (at most LIMIT items per source), newest first, in the active language: built
    once per version, language and bucket, and kept by each process. Items whose deadline passed are left out;
    the entry is built again once something published starts (`_next_start`)."""
    now = timezone.now()
    key = cache_key(organisation.pk, now)  # the versions before the data (cache_versions.bump_on_commit)
    entry = caches[CACHE].get(key)
    if entry is None or (entry[0] is not None and entry[0] <= now):
        entry = (_next_start(now), build_feed(organisation))
        caches[CACHE].set(key, entry, BUCKET_SECONDS)
    return [item for item in entry[1] if item.until is None or item.until > now]


def _next_start(now: datetime.datetime) -> datetime.datetime | None:
    """The next moment something already published enters feeds by the clock alone (a call or a vote opens, an
    event's registration opens), in one query; None when nothing is waiting."""
    calls = (Call.objects.filter(status=CallStatus.PUBLISHED, opens_at__gt=now)
             .annotate(at=F("opens_at")).values_list("at"))
    votes = (Resolution.objects.filter(published_at__isnull=False, counted_at__isnull=True, opens_at__gt=now)
             .annotate(at=F("opens_at")).values_list("at"))
    events = (Event.objects.filter(phase__in=[Phase.REGISTRATION, Phase.REQUESTS], registration_opens__gt=now)
              .annotate(at=F("registration_opens")).values_list("at"))
    found = calls.union(votes, events).order_by("at")[:1]
    return found[0][0] if found else None
