"""Counting opens and clicks of a bulletin's email, once each per delivery (and link): figures shown in aggregate
only (grappe/bulletins/statistics.py), never per person. A count is not an action of anyone's: no audit entry.

Each write is one conditional statement, so that two requests at once (a mail client fetching the pixel twice)
count once: the first open wins, `UPDATE … WHERE opened_at IS NULL`; a click row is unique per delivery and link.
"""

from django.db import transaction
from django.urls import reverse
from django.conf import settings
from django.utils import timezone, translation

from grappe.core.links import absolute_url

from ..models import Delivery, LinkClick

URL_LENGTH = LinkClick._meta.get_field("url").max_length


def _own_pages(bulletin_id: int) -> set[str]:
    """The bulletin's page in each language, as a digest links to it."""
    pages = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            pages.add(absolute_url(reverse("bulletins:detail", args=[bulletin_id])))
    return pages


def record_open(delivery_id: int) -> None:
    Delivery.objects.filter(pk=delivery_id, opened_at__isnull=True).update(opened_at=timezone.now())


def record_click(delivery_id: int, url: str) -> None:
    """A followed link: once per delivery and link; it is the delivery's first click maybe, and an open too
    (a mail client that blocks images still lets its reader click)."""
    now = timezone.now()
    with transaction.atomic():
        bulletin_id = Delivery.objects.filter(pk=delivery_id).values_list("bulletin", flat=True).first()
        if bulletin_id is None:
            return
        # A digest links to the bulletin's own page: a click of the bulletin, not one of its links (which the
        # statistics list), so it is counted as clicked and opened only.
        if url not in _own_pages(bulletin_id):
            LinkClick.objects.bulk_create([LinkClick(delivery_id=delivery_id, url=url[:URL_LENGTH])],
                                          ignore_conflicts=True)
        Delivery.objects.filter(pk=delivery_id, clicked_at__isnull=True).update(clicked_at=now)
        Delivery.objects.filter(pk=delivery_id, opened_at__isnull=True).update(opened_at=now)
