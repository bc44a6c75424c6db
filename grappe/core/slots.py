"""Places in a lower app's page where an app above it adds a part, without the lower app importing it.

Layers point down (docs/architecture.md): the directory, Partnering, events and labour sharing cannot import
cooperation between clusters, yet their lists should show what partner clusters shared. So a page names a
slot (`{% slot "partnering.opportunities" %}`, from `core`'s template tags) and the app above registers, from its
`apps.py` `ready()`, a function that renders that part for a request (`register("partnering.opportunities",
render)`). A slot nobody fills renders nothing; a part that fails is logged and left out, never the page.
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

_parts: dict[str, list[Callable[[HttpRequest], str]]] = {}


def register(slot: str, render: Callable[[HttpRequest], str]) -> None:
    """Add `render(request) -> HTML` (already escaped, e.g. from render_to_string) to the slot."""
    _parts.setdefault(slot, []).append(render)


def render(slot: str, request: HttpRequest) -> SafeString:
    html = []
    for part in _parts.get(slot, ()):
        try:
            html.append(part(request))
        except Exception:
            logger.exception("the part %s of slot %s failed; the page goes on without it", part, slot)
    return mark_safe("".join(html))  # noqa: S308 — each part is rendered by a template or format_html
