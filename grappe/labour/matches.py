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
    """The availabilities with people still free during the need's period, counted as free."""
    candidates = list(selectors.open_availabilities().exclude(organisation=need.organisation))
    held = selectors.loans_holding([post.pk for post in candidates])
    free = {post.pk: post.people - labour.peak_people(held.get(post.pk, ()), need.start, need.end)
            for post in candidates}
    return _suggested([post for post in candidates if free[post.pk] > 0], free,
                      lambda posts, parents: labour.rank_availabilities(_plain(need), posts, parents))


def needs_for(availability: Availability) -> list[Suggestion]:
    """The needs the availability suits, with the people its loans leave free at their busiest."""
    candidates = selectors.open_needs().exclude(organisation=availability.organisation)
    held = selectors.loans_holding([availability.pk]).get(availability.pk, ())
    free = availability.people - labour.peak_people(held, availability.start, availability.end)
    if free <= 0:
        return []
    plain = _plain(availability, free)
    return _suggested(candidates, {}, lambda posts, parents: labour.rank_needs(plain, posts, parents))


def _suggested(candidates, people: dict, rank) -> list[Suggestion]:
    by_key = {post.pk: post for post in candidates}
    parents = dict(Capability.objects.values_list("pk", "parent_id"))
    ranked = rank([_plain(post, people.get(post.pk)) for post in by_key.values()], parents)
    return [Suggestion(by_key[found.key], round(found.score * 100), [said(reason) for reason in found.reasons])
            for found in ranked]


def _plain(post, people: int | None = None) -> labour.Post:
    """The post as matching reads it; `people` in place of those posted (an availability's still free)."""
    return labour.Post(key=post.pk, skills=frozenset(skill.pk for skill in post.skills.all()),
                       people=post.people if people is None else people,
                       start=post.start, end=post.end, region=post.region, mode=post.mode,
                       clearance=post.clearance, controlled_goods=post.controlled_goods)


WEEK = 7


def said(reason: labour.Reason) -> str:
    """A reason of matching.labour as a short sentence in the active language. A part is counted by its first
    number ("1 compétence sur 3", "1 of 3 skills"): the whole is at least two, or the reason says "all"."""
    values = reason.values
    if reason.code == "skills":
        shared, needed = values
        if shared == needed:
            return _("all the skills needed")
        return ngettext("%(shared)d of %(needed)d skills", "%(shared)d of %(needed)d skills", shared) % {
            "shared": shared, "needed": needed}
    if reason.code == "period":
        overlap, needed = values
        if overlap >= needed:
            return _("the whole period")
        if needed >= 2 * WEEK and overlap >= WEEK:
            weeks, part = round(needed / WEEK), min(round(needed / WEEK) - 1, round(overlap / WEEK))
            return ngettext("overlaps %(overlap)d of %(needed)d weeks", "overlaps %(overlap)d of %(needed)d weeks",
                            part) % {"overlap": part, "needed": weeks}
        return ngettext("overlaps %(overlap)d of %(needed)d days", "overlaps %(overlap)d of %(needed)d days",
                        overlap) % {"overlap": overlap, "needed": needed}
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
    return ngettext("%(available)d of %(needed)d people", "%(available)d of %(needed)d people", available) % {
        "available": available, "needed": needed}
