"""The availabilities that suit a need and the needs an availability suits, ranked by matching.labour, each with
its reasons in words. Only posts on the board (open, not over) of other organisations are matched."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.members.models import Capability
from matching import labour

from . import selectors
from .models import Availability, Need


@dataclass
class Suggestion:
    post: Availability | Need
    score: float
    reasons: list[str]


def availabilities_for(need: Need) -> list[Suggestion]:
    candidates = selectors.open_availabilities().exclude(organisation=need.organisation)
    return _suggested(candidates, lambda posts, parents: labour.rank_availabilities(_plain(need), posts, parents))


def needs_for(availability: Availability) -> list[Suggestion]:
    candidates = selectors.open_needs().exclude(organisation=availability.organisation)
    return _suggested(candidates, lambda posts, parents: labour.rank_needs(_plain(availability), posts, parents))


def _suggested(candidates, rank) -> list[Suggestion]:
    by_key = {post.pk: post for post in candidates}
    parents = dict(Capability.objects.values_list("pk", "parent_id"))
    ranked = rank([_plain(post) for post in by_key.values()], parents)
    return [Suggestion(by_key[found.key], round(found.score * 100), [said(reason) for reason in found.reasons])
            for found in ranked]


def _plain(post) -> labour.Post:
    return labour.Post(key=post.pk, skills=frozenset(skill.pk for skill in post.skills.all()), people=post.people,
                       start=post.start, end=post.end, region=post.region, mode=post.mode,
                       clearance=post.clearance, controlled_goods=post.controlled_goods)


WEEK = 7


def said(reason: labour.Reason) -> str:
    """A reason of matching.labour as a short sentence in the active language."""
    values = reason.values
    if reason.code == "skills":
        shared, needed = values
        return ngettext("%(shared)d of %(needed)d skill", "%(shared)d of %(needed)d skills", needed) % {
            "shared": shared, "needed": needed}
    if reason.code == "period":
        overlap, needed = values
        if needed >= 2 * WEEK and overlap >= WEEK:
            weeks = round(needed / WEEK)
            return ngettext("overlaps %(overlap)d of %(needed)d week", "overlaps %(overlap)d of %(needed)d weeks",
                            weeks) % {"overlap": min(weeks, round(overlap / WEEK)), "needed": weeks}
        return ngettext("overlaps %(overlap)d of %(needed)d day", "overlaps %(overlap)d of %(needed)d days",
                        needed) % {"overlap": overlap, "needed": needed}
    if reason.code == "distance":
        km = values[0]
        return _("same region") if km == 0 else _("%(km)d km away") % {"km": km}
    if reason.code == "remote":
        return _("remote")
    if reason.code == "distance_unknown":
        return _("outside Quebec: distance unknown")
    available, needed = values
    if available >= needed:
        return _("enough people")
    return ngettext("%(available)d of %(needed)d person", "%(available)d of %(needed)d people", needed) % {
        "available": available, "needed": needed}
