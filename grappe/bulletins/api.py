"""The bulletins API (django-ninja): the bulletins the caller may read (public ones for anyone), one bulletin, and
a member's organisation's feed. grappe/api.py adds the router."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from grappe.core.api_auth import PUBLIC_ENDPOINT
from grappe.core.api_errors import invalid
from grappe.core.api_schemas import answers
from grappe.core.paging import ApiPagination
from grappe.core.permissions import require

from . import feed, selectors

router = Router(tags=["bulletins"])


class BulletinOut(Schema):
    id: int
    category: str
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    is_public: bool
    sent_at: datetime.datetime
    call_id: int | None
    event_id: int | None
    resolution_id: int | None


class BulletinDetailOut(BulletinOut):
    body_fr: str
    body_en: str


class FeedItemOut(Schema):
    kind: str
    kind_label: str
    when: datetime.datetime
    title: str
    url: str
    summary: str


@router.get("/bulletins", response=answers(list[BulletinOut], 422), **PUBLIC_ENDPOINT, url_name="bulletins-list",
            summary="The bulletins the caller may read")
@paginate(ApiPagination)
def bulletin_list(request):
    """Sent bulletins, newest first: the public ones for anyone; also those sent to a member's organisation for
    its people; every one for the staff."""
    return selectors.bulletins_for(request.auth)


@router.get("/bulletins/{bulletin_id}", response=answers(BulletinDetailOut, 404, 422), **PUBLIC_ENDPOINT,
            url_name="bulletins-detail", summary="One bulletin, with its text (cleaned HTML)")
def bulletin_detail(request, bulletin_id: int):
    """404 when the caller may not read it (a draft, or one sent to another organisation)."""
    bulletin = get_object_or_404(selectors.sent(), pk=bulletin_id)
    if not request.auth.has_perm("bulletins.view_bulletin", bulletin):
        raise Http404
    return bulletin


@router.get("/feed", response=answers(list[FeedItemOut], 403, 422), url_name="bulletins-feed",
            summary="Everything that concerns the caller's organisation (members)")
@paginate(ApiPagination)
def member_feed(request, since: datetime.datetime | None = None):
    """Bulletins sent to the organisation, open calls it may apply to, its events, its committees' approved
    minutes, surveys and votes waiting for it, newest first; `since`: only what is newer."""
    require(request.auth, "bulletins.view_feed")
    if since is not None:
        try:  # the database takes offsets of up to ±15:59 and years from 1: read it in UTC
            since = since.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise invalid(["query", "since"], "Out of range.") from None
        if since.tzinfo is None or since.year < 2:
            raise invalid(["query", "since"], "Out of range.")
    return [FeedItemOut(kind=item.kind, kind_label=item.kind_label, when=item.when, title=item.title, url=item.url,
                        summary=item.summary) for item in feed.feed_for(request.auth.organisation, since=since)]
