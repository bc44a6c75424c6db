"""A bulletin's HTML, made safe, and its plain text.

`clean` is the authority: whatever the editor sends (or a request forged without it), the service stores only what
this lets through. An allow-list, nh3 (ammonia): a few formatting tags, links over http, https or mailto (each with
rel="noopener noreferrer"), tables, and images served by Grappe itself. No script, no event handler, no style or
class, no frame, form, SVG or MathML; an image from anywhere else (a tracking pixel, a data: URI) is removed, so a
bulletin never loads anything from elsewhere and never tells a third party who opened it.

`plain_text` turns that HTML into readable text (the text part of an email, a summary), link addresses kept.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from uuid import UUID

import nh3
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.text import Truncator

TAGS = {"p", "br", "strong", "em", "u", "s", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "img",
        "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "hr", "sub", "sup",
        "code", "pre"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
              "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"
# Elements removed with everything in them (the others not allowed leave their text).
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                        "textarea", "title", "select", "noembed", "noframes", "xmp", "head"}
IMAGE_VIEW = "bulletins:image"
NUMBER = re.compile(r"^\d{1,4}$")
IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def image_key(src: str) -> UUID | None:
    """The key of the bulletin image `src` shows when it is one of ours (a path of `bulletins:image`, with or
    without our own address before it), else None."""
    parts = urlsplit(src.strip())
    own = urlsplit(settings.GRAPPE_BASE_URL)
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
            return None
    if parts.query or parts.fragment:
        return None
    # The path starts with the language of the page it was uploaded from, which may not be the active one.
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
        return match.kwargs.get("key") if match.view_name == IMAGE_VIEW else None
    return None


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img":
        if name == "src":
            key = image_key(value)
            return reverse(IMAGE_VIEW, args=[key]) if key else None
        if name in ("width", "height"):
            return value if NUMBER.match(value) else None
        # No ">" in what an image keeps: removing images left without a source below can then read each tag whole.
        return value.replace("<", "").replace(">", "")
    if name in ("colspan", "rowspan"):
        return value if NUMBER.match(value) else None
    return value


# "*": no attribute on every tag (nh3 would otherwise allow "lang" and "title" anywhere).
_cleaner = nh3.Cleaner(tags=TAGS, clean_content_tags=REMOVED_WITH_CONTENT, attributes={**ATTRIBUTES, "*": set()},
                       attribute_filter=_attribute, url_schemes=URL_SCHEMES, link_rel=LINK_REL,
                       generic_attribute_prefixes=set(), strip_comments=True)


def clean(html: str) -> str:
    """The HTML a bulletin may hold: only the allowed formatting, links and our own images."""
    if not html or not html.strip():
        return ""
    cleaned = IMAGE_WITHOUT_SOURCE.sub("", _cleaner.clean(html)).strip()
    return "" if not plain_text(cleaned) and "<img" not in cleaned else cleaned


BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption", "table", "tr",
          "ul", "ol", "pre", "hr", "caption"}


class _TextWriter(HTMLParser):
    """Walks cleaned HTML and writes what a reader sees: paragraphs apart, list items with a dash, a link's
    address after its text, an image's description."""

    def __init__(self, address=None):
        super().__init__(convert_charrefs=True)
        self.address = address or (lambda href: href)  # how a link's address is written (made absolute)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.skipped = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skipped += 1
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "img" and attrs.get("alt"):
            self.parts.append(f"[{attrs['alt']}]")
        if tag == "a":
            self.links.append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipped = max(0, self.skipped - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href = self.address(self.links.pop())
            text = "".join(self.parts).rsplit("\n", 1)[-1]
            if href and not text.rstrip().endswith(href.removeprefix("mailto:")):
                self.parts.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data):
        if not self.skipped:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(html: str, *, address=None) -> str:
    """Readable text of a bulletin's HTML, each link's address kept in brackets after its text (written by
    `address(href)` when given: an email makes Grappe's own addresses absolute). The one converter of the app:
    an email's text part (mail.text_of), a summary left empty."""
    writer = _TextWriter(address)
    writer.feed(html or "")
    writer.close()
    return writer.text()


def summary_of(html: str, length: int = 300) -> str:
    """The start of a text, for a summary left empty."""
    return Truncator(" ".join(plain_text(html).split())).chars(length)
