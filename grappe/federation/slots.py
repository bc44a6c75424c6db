"""The parts cooperation between clusters adds to lower apps' pages (core.slots): under the directory,
Partnering's opportunities, the events and the labour board, a short block saying what partner clusters shared
of that kind, a few of the newest items, and a link to the list of them. Only for people who may browse
partner clusters' items (members and staff), and nothing when there is nothing."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from grappe.core import slots

from . import selectors
from .models import ItemKind

SHOWN = 3  # items listed in a block; the link leads to the others

PARTS = {
    "members.directory": (ItemKind.PROFILE,),
    "partnering.opportunities": (ItemKind.OPPORTUNITY, ItemKind.DECLARED_NEED),
    "events.list": (ItemKind.EVENT,),
    "labour.board": (ItemKind.AVAILABILITY,),
}


def count_text(kind: str, count: int) -> str:
    """“3 opportunities”, in the reader's language."""
    texts = {
        ItemKind.OPPORTUNITY: ngettext("%(count)d opportunity", "%(count)d opportunities", count),
        ItemKind.DECLARED_NEED: ngettext("%(count)d declared need", "%(count)d declared needs", count),
        ItemKind.AVAILABILITY: ngettext("%(count)d staff availability", "%(count)d staff availabilities",
                                        count),
        ItemKind.EVENT: ngettext("%(count)d public event", "%(count)d public events", count),
        ItemKind.PROFILE: ngettext("%(count)d capability profile", "%(count)d capability profiles", count),
    }
    return texts[kind] % {"count": count}


def part(kinds: tuple[str, ...]):
    def render(request) -> str:
        if not request.user.has_perm("federation.browse"):
            return ""
        found = selectors.newest_by_kind(kinds, SHOWN)
        groups = [{"kind": kind, "text": count_text(kind, found[kind][0]), "items": found[kind][1],
                   "url": f"{reverse('federation:remote-list')}?kind={kind}"} for kind in kinds if kind in found]
        if not groups:
            return ""
        return render_to_string("federation/_slot.html", {"groups": groups}, request=request)
    return render


def register_parts() -> None:
    for slot, kinds in PARTS.items():
        slots.register(slot, part(kinds))
