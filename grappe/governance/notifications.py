"""What the governance notifications say, written from what happened (core.notify) in the reader's language.

Params hold plain values: the body's id and its names in both languages (`body_fr`, `body_en`), people's names."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from grappe.core.notify import Kind
from grappe.members.models import in_language

from .models import Minutes, MinutesStatus

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


# Minutes (services/minutes.py): params hold the minutes' id and version, the body's name in both languages and the
# meeting's date (ISO), written in the reader's words when read.

def _minutes(params: dict) -> dict:
    return {**params, "body": in_language(params["body_fr"], params["body_en"]),
            "date": date_format(datetime.date.fromisoformat(params["date"]), "DATE_FORMAT")}


def _minutes_no_longer_circulated(params: dict) -> str:
    if Minutes.objects.filter(pk=params["minutes_id"], status=MinutesStatus.CIRCULATED).exists():
        return ""
    return _("These minutes were since approved or replaced by a later version.")


KINDS.update({
    "governance.minutes_circulated": Kind(lambda p: _(
        "The minutes of the meeting of %(date)s of “%(body)s” (version %(version)s) are circulated: read them and "
        "comment until they are approved.") % _minutes(p), lapsed=_minutes_no_longer_circulated),
    "governance.minutes_approved": Kind(lambda p: _(
        "The minutes of the meeting of %(date)s of “%(body)s” are approved (version %(version)s).") % _minutes(p)),
    "governance.minutes_commented": Kind(lambda p: _(
        "%(author)s commented on the minutes of the meeting of %(date)s of “%(body)s” (version %(version)s).")
        % _minutes(p)),
})


# Meetings and action items (services/meetings.py, services/record.py).
def _meeting(params: dict) -> dict:
    starts = datetime.datetime.fromisoformat(params["starts_at"]).astimezone(ZoneInfo(params["time_zone"]))
    return {"body": in_language(params["body_fr"], params["body_en"]), "title": params.get("title") or "",
            "when": date_format(starts, "DATETIME_FORMAT")}


KINDS.update({
    "governance.meeting_scheduled": Kind(lambda p: _(
        "You are invited to a meeting of %(body)s on %(when)s.") % _meeting(p)),
    "governance.meeting_changed": Kind(lambda p: _(
        "The meeting of %(body)s has changed: it is now on %(when)s.") % _meeting(p)),
    "governance.meeting_cancelled": Kind(lambda p: _(
        "The meeting of %(body)s on %(when)s is cancelled.") % _meeting(p)),
    "governance.action_assigned": Kind(lambda p: _(
        "An action of %(body)s is yours, due on %(due)s: %(description)s") % {
            **p, "body": _body(p), "due": date_format(datetime.date.fromisoformat(p["due_on"]), "DATE_FORMAT")}),
})


# --- resolutions and votes (services/resolutions.py) ---
def _resolution_published(p: dict) -> str:
    closes = formats.date_format(timezone.localtime(parse_datetime(p["closes_at"])), "DATETIME_FORMAT")
    return _("A resolution is put to your organisation’s vote: “%(title)s”, until %(closes)s.") % {
        "title": in_language(p["title_fr"], p["title_en"]), "closes": closes}


KINDS.update({
    "governance.resolution_published": Kind(_resolution_published),
})
