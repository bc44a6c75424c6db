"""What partnering's notifications say, written from what happened (core.notify) in the reader's language."""

from django.utils.translation import gettext as _

from grappe.core.notify import Kind

from .models import SuccessionKind


def _wish(p: dict) -> str:
    return SuccessionKind(p["wish"]).label if p["wish"] in SuccessionKind.values else p["wish"]


KINDS = {
    "partnering.introduction_requested": Kind(lambda p: _(
        "%(organisation)s asks to be introduced to you for “%(title)s”.") % p),
    "partnering.introduction_accepted": Kind(lambda p: _(
        "%(organisation)s accepted your introduction request for “%(title)s”: its contacts are shared.") % p),
    "partnering.introduction_declined": Kind(lambda p: _(
        "%(organisation)s declined your introduction request for “%(title)s”.") % p),
    "partnering.introduction_withdrawn": Kind(lambda p: _(
        "%(organisation)s closed “%(title)s”: its introduction request is withdrawn.") % p),
    "partnering.introduction_message": Kind(lambda p: _("New message from %(author)s about “%(title)s”.") % p),
    "partnering.succession_flagged": Kind(lambda p: _("%(organisation)s flagged a succession wish: %(wish)s.") % {
        "organisation": p["organisation"], "wish": _wish(p)}),
}
