"""What the governance notifications say, written from what happened (core.notify) in the reader's language.

Params hold plain values: the body's id and its names in both languages (`body_fr`, `body_en`), people's names."""

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from grappe.core.notify import Kind
from grappe.members.models import in_language

KINDS: dict = {}


# --- bodies and their membership (services/bodies.py, services/membership.py) ---
def _body(params: dict) -> str:
    return in_language(params.get("body_fr", ""), params.get("body_en", ""))


def _invitation_lapsed(params: dict) -> str:
    """An invitation to join holds while it waits for an answer."""
    from .models import BodyMember, MembershipState

    if BodyMember.objects.filter(body=params["body_id"], user=params.get("user_id"), state=MembershipState.INVITED,
                                 body__archived_at__isnull=True).exists():
        return ""
    return _("This invitation was since answered or withdrawn.")


def _seat(params: dict) -> str:
    return _("industry co-chair") if params.get("seat") == "industry" else _("staff co-chair")


KINDS.update({
    "governance.invited": Kind(lambda p: _(
        "%(by)s invites you to join “%(body)s”. Accept or decline the invitation on its page.") % {
            **p, "body": _body(p)}, lapsed=_invitation_lapsed),
    "governance.invitation_answered": Kind(lambda p: (
        _("%(person)s accepted your invitation to join “%(body)s”.") if p.get("accepted")
        else _("%(person)s declined your invitation to join “%(body)s”.")) % {**p, "body": _body(p)}),
    "governance.join_requested": Kind(lambda p: (
        _("%(person)s (%(organisation)s) asks to join “%(body)s”.") if p.get("organisation")
        else _("%(person)s asks to join “%(body)s”.")) % {**p, "body": _body(p)}),
    "governance.request_answered": Kind(lambda p: (
        _("Your request to join “%(body)s” is accepted: you are a member.") if p.get("accepted")
        else _("Your request to join “%(body)s” was not accepted.")) % {**p, "body": _body(p)}),
    "governance.removed": Kind(lambda p: _("You are no longer a member of “%(body)s”.") % {"body": _body(p)}),
    "governance.co_chair_appointed": Kind(lambda p: _("You are now %(seat)s of “%(body)s”.") % {
        "seat": _seat(p), "body": _body(p)}),
})


# --- resolutions and votes (services/resolutions.py) ---
def _resolution_published(p: dict) -> str:
    closes = formats.date_format(timezone.localtime(parse_datetime(p["closes_at"])), "DATETIME_FORMAT")
    return _("A resolution is put to your organisation’s vote: “%(title)s”, until %(closes)s.") % {
        "title": in_language(p["title_fr"], p["title_en"]), "closes": closes}


KINDS.update({
    "governance.resolution_published": Kind(_resolution_published),
})
