"""A member's feed: one list, newest first, of everything that concerns its organisation.

Each source is a function (organisations, since) → each organisation's FeedItems; `feed_for` merges them for
one organisation, `feeds_for` for many at once (a digest run). The home page shows the first
few, the feed page all of them, and a digest the items newer than the person's last digest. Sources read through
each app's selectors, so what the feed shows is what the organisation's people may open. Each source costs one to
three queries whatever the organisations' number and size (no query per item or per organisation).

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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import (BooleanField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q,
                              prefetch_related_objects)
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import cache_versions, feed_versions

from grappe.events.models import Event, Phase, Registration, RegistrationStatus
from grappe.governance import selectors as governance
from grappe.governance.models import BodyMember, Elector, MembershipState, Participation, Resolution, Vote
from grappe.listening.selectors.surveys import surveys_to_answer_by
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


# Each source: (organisations, since, limit=0) → {organisation id: its newest items, at most `limit` (LIMIT when
# 0)}, in a fixed number of queries however many organisations it is given: the home page asks for one, a digest
# run for a thousand readers' organisations at once.
Items = dict[int, list[FeedItem]]


def _newest(rows, limit: int, item) -> Items:
    """`rows` (organisation id, *fields), newest first → the first `limit` items of each organisation."""
    found: Items = defaultdict(list)
    for organisation_id, *fields in rows:
        if len(found[organisation_id]) < limit:
            found[organisation_id].append(item(*fields))
    return found


def _ids(organisations: list[Organisation]) -> list[int]:
    return [organisation.pk for organisation in organisations]


def bulletins(organisations: list[Organisation], since: datetime.datetime | None, limit: int = 0) -> Items:
    """The bulletins sent to each organisation (their frozen audience)."""
    sent = Audience.objects.filter(organisation__in=_ids(organisations), bulletin__status=BulletinStatus.SENT)
    if since is not None:
        sent = sent.filter(bulletin__sent_at__gt=since)
    rows = sent.order_by("-bulletin__sent_at", "-bulletin").values_list(
        "organisation", "bulletin", "bulletin__category", "bulletin__sent_at", "bulletin__title_fr",
        "bulletin__title_en", "bulletin__summary_fr", "bulletin__summary_en")
    if len(organisations) == 1:
        rows = rows[:limit or LIMIT]  # a member's feed: only its newest are read
    labels = {value: str(label) for value, label in Category.choices}
    link = _linker("bulletins:detail")
    return _newest(rows, limit or LIMIT, lambda pk, category, sent_at, title_fr, title_en, summary_fr, summary_en:
                   FeedItem("bulletin", labels.get(category, category), sent_at, in_language(title_fr, title_en),
                            link(pk), in_language(summary_fr, summary_en)))


def calls(organisations: list[Organisation], since: datetime.datetime | None, limit: int = 0) -> Items:
    """The open calls each organisation may apply to (their rules read against it: programs.eligibility). One
    query when no call is open; three otherwise (the calls, their required certifications, the organisations')."""
    now = timezone.now()
    found = programs.open_calls(now)
    if since is not None:
        found = found.filter(opens_at__gt=since)
    found = list(found)
    if not found:
        return {}
    prefetch_related_objects(organisations, Prefetch("certifications", Certification.objects.all()))
    today = timezone.localdate(now)
    label = _("Call for applications")
    deadline = _("Deadline: %(date)s")
    link = _linker("programs:call-detail")
    return {organisation.pk: [
        FeedItem("call", label, call.opens_at, call.title, link(call.pk),
                 deadline % {"date": timezone.localtime(call.closes_at).strftime("%Y-%m-%d")}, call.closes_at)
        for call in found if not reasons_not_eligible(call, organisation, today)][:limit or LIMIT]
        for organisation in organisations}


def events(organisations: list[Organisation], since: datetime.datetime | None, limit: int = 0) -> Items:
    """The events taking registrations now, and those each organisation's people registered to (not over). Two
    queries: the organisations' registrations, then the events."""
    now = timezone.now()
    announced = Event.objects.exclude(phase__in=[Phase.DRAFT, Phase.FINISHED])
    if since is not None:
        announced = announced.filter(registration_opens__gt=since)
    registered = defaultdict(set)
    for organisation_id, event_id in (
            Registration.objects.filter(organisation__in=_ids(organisations), event__in=announced,
                                        status__in=[RegistrationStatus.PENDING, RegistrationStatus.VALIDATED])
            .order_by().values_list("organisation", "event").distinct()):
        registered[organisation_id].add(event_id)
    taking = Q(phase__in=[Phase.REGISTRATION, Phase.REQUESTS], registration_opens__lte=now,
               registration_closes__gt=now)
    rows = (announced.filter(taking | Q(pk__in={pk for ids in registered.values() for pk in ids}))
            .annotate(taking=ExpressionWrapper(taking, output_field=BooleanField()))
            .order_by("-registration_opens", "-pk")
            .values_list("pk", "title", "venue", "registration_opens", "registration_closes", "taking"))
    label = _("Event")
    registered_line = _("Your organisation is registered.")
    link = _linker("events:event-detail")
    found: Items = {}
    for organisation in organisations:
        own = registered[organisation.pk]
        found[organisation.pk] = [
            FeedItem("event", label, opens, title, link(pk), registered_line if pk in own else (venue or ""),
                     None if pk in own else closes)
            for pk, title, venue, opens, closes, taking_now in rows if taking_now or pk in own][:limit or LIMIT]
    return found


def minutes(organisations: list[Organisation], since: datetime.datetime | None, limit: int = 0) -> Items:
    """The approved minutes of the bodies where each organisation holds an active seat. Two queries: the seats,
    then the minutes (none without a seat)."""
    bodies = defaultdict(set)
    for organisation_id, body_id in BodyMember.objects.filter(
            organisation__in=_ids(organisations), state=MembershipState.ACTIVE).values_list("organisation", "body"):
        bodies[organisation_id].add(body_id)
    if not bodies:
        return {}
    found = governance.approved_minutes().filter(meeting__body__in={pk for ids in bodies.values() for pk in ids})
    if since is not None:
        found = found.filter(approved_at__gt=since)
    rows = found.values_list("meeting__body", "meeting_id", "approved_at", "meeting__starts_at", "meeting__title",
                             "meeting__body__name_fr", "meeting__body__name_en")
    if len(organisations) == 1:
        rows = rows[:limit or LIMIT]
    rows = list(rows)
    label = _("Minutes")
    title = _("Minutes of %(body)s, %(date)s")
    link = _linker("governance:meeting-minutes")
    return {organisation.pk: [
        FeedItem("minutes", label, approved_at or starts_at,
                 title % {"body": in_language(name_fr, name_en),
                          "date": timezone.localtime(starts_at).strftime("%Y-%m-%d")},
                 link(meeting_id), meeting_title)
        for body_id, meeting_id, approved_at, starts_at, meeting_title, name_fr, name_en in rows
        if body_id in bodies[organisation.pk]][:limit or LIMIT]
        for organisation in organisations}


def surveys(organisations: list[Organisation], since: datetime.datetime | None, limit: int = 0) -> Items:
    """The open surveys waiting for each organisation's answer (listening's selector), in one query."""
    label = _("Survey")
    waiting = _("Waiting for your organisation's answer.")
    link = _linker("listening:survey-answer")
    rows = ((organisation_id, survey) for organisation_id, survey in surveys_to_answer_by(_ids(organisations))
            if _newer(survey.opens_at or survey.created_at, since))
    return _newest(rows, limit or LIMIT, lambda survey: FeedItem(
        "survey", label, survey.opens_at or survey.created_at, survey.title, link(survey.pk), waiting))


def votes(organisations: list[Organisation], since: datetime.datetime | None, limit: int = 0) -> Items:
    """The open votes each organisation is an elector of and has not cast yet (openly or in a secret ballot), in
    one query."""
    now = timezone.now()
    same = {"resolution": OuterRef("resolution"), "organisation": OuterRef("organisation")}
    electors = (Elector.objects.filter(organisation__in=_ids(organisations),
                                       resolution__published_at__isnull=False, resolution__counted_at__isnull=True,
                                       resolution__opens_at__lte=now, resolution__closes_at__gt=now)
                .exclude(Exists(Vote.objects.filter(**same)))
                .exclude(Exists(Participation.objects.filter(**same))))
    if since is not None:
        electors = electors.filter(resolution__opens_at__gt=since)
    label = _("Vote")
    closes = _("Voting closes %(date)s")
    link = _linker("governance:resolution-detail")
    rows = electors.select_related("resolution").order_by("-resolution__opens_at", "-resolution")
    return _newest(((elector.organisation_id, elector.resolution) for elector in rows), limit or LIMIT,
                   lambda resolution: FeedItem(
                       "vote", label, resolution.opens_at, resolution.title, link(resolution.pk),
                       closes % {"date": timezone.localtime(resolution.closes_at).strftime("%Y-%m-%d %H:%M")},
                       resolution.closes_at))


LIMIT = 50  # per source: more than a feed page shows
SOURCES: tuple[Callable[..., Items], ...] = (bulletins, calls, events, minutes, surveys, votes)


def feeds_for(organisations: list[Organisation], *, since: datetime.datetime | None = None,
              limit: int | None = None, sources=None) -> dict[int, list[FeedItem]]:
    """What concerns each organisation (newer than `since`), newest first, read now (no cache): each source (of
    `sources`, else all) read once for them all."""
    found = {organisation.pk: [] for organisation in organisations}
    for source in sources or SOURCES:
        for organisation_id, items in source(organisations, since, limit or LIMIT).items():
            found[organisation_id] += items
    # Each source's newest `limit` items hold the merged feed's newest `limit`: the home page reads 8 per source.
    return {organisation_id: sorted(items, key=lambda item: item.when, reverse=True)[:limit or None]
            for organisation_id, items in found.items()}


def build_feed(organisation: Organisation, *, since: datetime.datetime | None = None,
               limit: int | None = None) -> list[FeedItem]:
    """Everything that concerns the organisation (newer than `since`), newest first, read now (no cache)."""
    return feeds_for([organisation], since=since, limit=limit)[organisation.pk]


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
