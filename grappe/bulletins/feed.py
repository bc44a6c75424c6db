"""A member's feed: one list, newest first, of everything that concerns its organisation.

Each source is a function (organisation, since) → FeedItems; `feed_for` merges them. The home page shows the first
few, the feed page all of them, and a digest the items newer than the person's last digest. Sources read through
each app's selectors, so what the feed shows is what the organisation's people may open.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from grappe.members.models import Organisation

from .models import Audience, Bulletin, BulletinStatus


@dataclass(frozen=True)
class FeedItem:
    kind: str            # "bulletin", "call", "event", "minutes", "survey"
    kind_label: str      # what it is, in the active language
    when: datetime.datetime
    title: str
    url: str
    summary: str = ""


def bulletins(organisation: Organisation, since: datetime.datetime | None) -> list[FeedItem]:
    """The bulletins sent to the organisation."""
    sent = Bulletin.objects.filter(status=BulletinStatus.SENT, pk__in=Audience.objects.filter(
        organisation=organisation).values("bulletin"))
    if since is not None:
        sent = sent.filter(sent_at__gt=since)
    return [FeedItem("bulletin", str(bulletin.get_category_display()), bulletin.sent_at, bulletin.title,
                     reverse("bulletins:detail", args=[bulletin.pk]), bulletin.summary)
            for bulletin in sent.order_by("-sent_at")[:LIMIT]]


LIMIT = 50  # per source: more than a feed page shows
SOURCES: tuple[Callable[[Organisation, datetime.datetime | None], list[FeedItem]], ...] = (bulletins,)


def feed_for(organisation: Organisation, *, since: datetime.datetime | None = None,
             limit: int | None = None) -> list[FeedItem]:
    """Everything that concerns the organisation (newer than `since`), newest first."""
    items = sorted((item for source in SOURCES for item in source(organisation, since)),
                   key=lambda item: item.when, reverse=True)
    return items[:limit] if limit else items

