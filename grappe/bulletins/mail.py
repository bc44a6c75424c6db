"""A bulletin's email, and a digest's: built fast enough for 50,000 people.

Rendering a template per person would take most of a minute for a large cluster, so each email is rendered once
per (bulletin, language) with markers where a reader's own parts go (their signed links: open pixel, tracked
links, preferences, unsubscribe; their organisation's name), and `fill` substitutes those parts per person — a
string substitution. The markers carry a random key drawn at each rendering, so a bulletin's text cannot forge
one.

Every email carries a footer that says why the person receives it, a link to their preferences and one to leave
the category, and the RFC 8058 headers (`List-Unsubscribe` and `List-Unsubscribe-Post`: a mail client's one-click
unsubscribe). A notice to members (a required category) cannot be left while the organisation is a member: its
`List-Unsubscribe` points to the person's preferences (which say so), without the one-click header.
"""

import html
import re
import secrets
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from grappe.core.links import absolute_url

from . import links
from .html import plain_text
from .models import Bulletin

ONE_CLICK = {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
_LINK = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)
_IMAGE = re.compile(r'(<img\b[^>]*?\bsrc=")(/[^"]*)(")', re.IGNORECASE)


class Markers:
    """Placeholders for a reader's own parts, with a key drawn now: "⟦key:name⟧"."""

    def __init__(self):
        self.key = secrets.token_hex(6)
        self.pattern = re.compile(rf"⟦{self.key}:([a-z0-9_]+)⟧")

    def __call__(self, name: str) -> str:
        return f"⟦{self.key}:{name}⟧"

    def fill(self, text: str, values: dict[str, str]) -> str:
        return self.pattern.sub(lambda match: values[match[1]], text)


def absolute(url: str) -> str:
    return absolute_url(url) if url.startswith("/") else url


def tracked_links(body: str, marker: Markers) -> tuple[str, list[str]]:
    """The (sanitised) body with each web link replaced by a marker, and the links in their order; images served
    by Grappe get absolute addresses (a mail client has no site to resolve them against)."""
    found: list[str] = []

    def replace(match):
        url = absolute(html.unescape(match[2]))
        if not url.lower().startswith(("http://", "https://")):  # a scheme is case-insensitive (HTTPS://)
            return match[0]  # mailto:, a page anchor: left as they are
        if url not in found:
            found.append(url)
        return f"{match[1]}{marker(f'click{found.index(url)}')}{match[3]}"

    return _LINK.sub(replace, absolute_images(body)), found


def absolute_images(body: str, request=None) -> str:
    """The (sanitised) body with the images Grappe serves given absolute addresses, for a reader with no site to
    resolve them against (a mail client, a feed reader)."""
    return _IMAGE.sub(lambda m: f"{m[1]}{html.escape(absolute_url(html.unescape(m[2]), request))}{m[3]}", body)


def text_of(body: str) -> str:
    """The plain-text version of a sanitised body for an email (html.plain_text, the app's one converter): each
    link followed by its address, made absolute."""
    return plain_text(body, address=absolute)


def linked_page(bulletin: Bulletin) -> tuple[str, str] | None:
    """(what the button says, the page's absolute address) of the call, event or vote the bulletin links to."""
    from django.utils.translation import gettext as _

    if bulletin.call_id:
        return _("See the call for applications"), absolute_url(reverse("programs:call-detail",
                                                                          args=[bulletin.call_id]))
    if bulletin.event_id:
        return _("See the event"), absolute_url(reverse("events:event-detail", args=[bulletin.event_id]))
    if bulletin.resolution_id:
        return _("See the vote"), absolute_url(reverse("governance:resolution-detail",
                                                       args=[bulletin.resolution_id]))
    return None


def footer_links(person_id: int, topic: str | None) -> dict[str, str]:
    """A reader's preferences and unsubscribe links, and the List-Unsubscribe headers that go with them (topic
    None: a required notice, which cannot be left)."""
    preferences = links.preferences_url(person_id)
    if topic is None:
        return {"preferences": preferences, "unsubscribe": preferences,
                "headers": {"List-Unsubscribe": f"<{preferences}>"}}
    unsubscribe = links.unsubscribe_url(person_id, topic)
    return {"preferences": preferences, "unsubscribe": unsubscribe,
            "headers": {"List-Unsubscribe": f"<{unsubscribe}>", **ONE_CLICK}}


@dataclass
class Message:
    """One email, ready for the outbox."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


class BulletinMail:
    """A bulletin's email in one language, rendered once; `for_person` fills in one reader's parts."""

    def __init__(self, bulletin: Bulletin, language: str):
        self.bulletin, self.language, self.marker = bulletin, language, Markers()
        with translation.override(language):
            self.subject = bulletin.title
            body, self.urls = tracked_links(bulletin.body, self.marker)
            button = linked_page(bulletin)
            if button is not None:
                self.urls.append(button[1])
            context = {
                "bulletin": bulletin, "body": body, "text_body": text_of(bulletin.body), "language": language,
                "button": button and {"label": button[0], "url": self.marker(f"click{len(self.urls) - 1}"),
                                      "text_url": button[1]},
                "open_url": self.marker("open"), "preferences_url": self.marker("preferences"),
                "unsubscribe_url": self.marker("unsubscribe"), "organisation": self.marker("organisation"),
                "required": bulletin.is_required, "category": bulletin.get_category_display(),
            }
            self.html = render_to_string("bulletins/email/bulletin.html", context)
            self.text = render_to_string("bulletins/email/bulletin.txt", context)

    def for_person(self, *, to: str, person_id: int, delivery_id: int, organisation: str) -> Message:
        with translation.override(self.language):
            footer = footer_links(person_id, None if self.bulletin.is_required else self.bulletin.category)
            values = {"open": links.open_url(delivery_id), "preferences": footer["preferences"],
                      "unsubscribe": footer["unsubscribe"], "organisation": organisation,
                      **{f"click{n}": links.click_url(delivery_id, url) for n, url in enumerate(self.urls)}}
        escaped = {name: html.escape(value) for name, value in values.items()}
        return Message(to=to, subject=self.subject, html=self.marker.fill(self.html, escaped),
                       text=self.marker.fill(self.text, values), headers=footer["headers"])
