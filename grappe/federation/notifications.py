"""What the notifications of cooperation between clusters say, written from what happened (core.notify) in the
reader's language.

Params hold plain values: the interest's id, the partner cluster's name, the item's title and, for an interest
received, the name of the partner's member organisation."""

from django.utils.translation import gettext as _

from grappe.core.notify import Kind

from .models import Interest, InterestStatus


def _received(p: dict) -> str:
    if p.get("organisation"):
        return _("%(organisation)s, a member of %(partner)s, is interested in “%(title)s”.") % p
    return _("A member of %(partner)s is interested in “%(title)s”.") % p


def _asked(p: dict) -> str:
    return _("%(organisation)s, a member of %(partner)s, is interested in your “%(title)s”: do you agree to "
             "be introduced?") % {**p, "organisation": p.get("organisation") or _("An organisation")}


def _no_longer_asked(p: dict) -> str:
    """An invitation to consent holds while the interest waits for the member's answer."""
    status = Interest.objects.filter(pk=p["interest_id"]).values_list("status", flat=True).first()
    if status == InterestStatus.ASKED:
        return ""
    return _("Introduction made.") if status == InterestStatus.INTRODUCED else _("No longer asked.")


KINDS = {
    "federation.interest_received": Kind(_received),
    "federation.interest_asked": Kind(_asked, lapsed=_no_longer_asked),
    "federation.interest_agreed": Kind(lambda p: _(
        "%(owner)s agreed to be introduced to %(organisation)s (%(partner)s) about “%(title)s”: its contact "
        "is sent.") % p),
    "federation.interest_refused": Kind(lambda p: _(
        "%(owner)s declined to be introduced to %(organisation)s (%(partner)s) about “%(title)s”.") % p),
    "federation.interest_introduced": Kind(lambda p: _(
        "%(partner)s made the introduction you asked for about “%(title)s”: see the contact.") % p),
    "federation.interest_declined": Kind(lambda p: _(
        "%(partner)s declined your interest in “%(title)s”.") % p),
}
