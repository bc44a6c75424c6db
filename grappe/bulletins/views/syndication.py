"""The public news as Atom and RSS feeds (feedgen), in the language of the address (/fr/news/… or /en/news/…).

Only public bulletins once sent, the newest first. A bulletin written in one language only appears with that
language's text. Every link is absolute (grappe.core.links.absolute_url), as a feed reader needs."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator

from grappe.core.links import absolute_url

from .. import selectors
from ..mail import absolute_images

NEWEST = 50


def _generator(request, kind: str) -> FeedGenerator:
    language = translation.get_language() or settings.LANGUAGE_CODE
    cluster = settings.GRAPPE_CLUSTER_NAME or "Grappe"
    bulletins = list(selectors.public_bulletins()[:NEWEST])
    generator = FeedGenerator()
    self_url = absolute_url(reverse(f"bulletins:{kind}"), request)
    generator.id(self_url)
    generator.title(_("%(cluster)s — news") % {"cluster": cluster})
    generator.subtitle(_("The public news of the cluster."))
    generator.author({"name": cluster})
    generator.link(href=absolute_url(reverse("bulletins:list"), request), rel="alternate")
    generator.link(href=self_url, rel="self")
    generator.language(language)
    generator.updated(max((b.updated_at for b in bulletins), default=timezone.now()))
    for bulletin in reversed(bulletins):  # feedgen puts each entry added first in the list
        url = absolute_url(reverse("bulletins:detail", args=[bulletin.pk]), request)
        entry = generator.add_entry()
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(bulletin.title)
        entry.link(href=url)
        entry.author({"name": cluster})
        entry.published(bulletin.sent_at)
        entry.updated(max(bulletin.updated_at, bulletin.sent_at))
        entry.category(term=bulletin.category, label=str(bulletin.get_category_display()))
        if bulletin.summary:
            entry.summary(bulletin.summary)
        if bulletin.body:
            entry.content(absolute_images(bulletin.body, request), type="html")
    return generator


def atom(request):
    return HttpResponse(_generator(request, "atom").atom_str(pretty=True),
                        content_type="application/atom+xml; charset=utf-8")


def rss(request):
    return HttpResponse(_generator(request, "rss").rss_str(pretty=True),
                        content_type="application/rss+xml; charset=utf-8")
