"""Which availabilities of skilled staff suit a staffing need, and which needs suit an availability.

A need and an availability match when the availability meets the need's requirements (a security clearance at
least the one needed, Controlled Goods registration when needed: hard filters), can be worked in the same way
(on site, remote, or either), shares at least one skill and overlaps the need's period. The matches are ranked
by a score between 0 and 1 that weighs:
- skills: the share of the need's skills the availability brings. A domain of the taxonomy stands for every
  capability in it, as the directory reads it: a need for "Machining" is met by "5-axis machining", and a lender
  offering "Machining" covers a need for "5-axis machining";
- period: the days of the need's period the availability covers;
- distance: between the two regions' main towns (great-circle); irrelevant when the work can be done remotely;
- people: the share of the people needed the availability has.
Each match says why, as reason codes with their values (`Reason`), which the Django side turns into sentences
("3 of 4 skills", "overlaps 6 of 8 weeks", "120 km away", "remote").

Plain data in (`Post`, and each capability's domain), matches out: grappe.labour calls it with its posts.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

WEIGHTS = {"skills": 0.45, "period": 0.25, "distance": 0.15, "people": 0.15}
# Distance counts for nothing past this (the width of southern Quebec, about); half of it halves the score.
FAR_KM = 600
# A region whose place is unknown (outside Quebec) is taken as this far.
UNKNOWN_KM_SCORE = 0.25

# The clearance levels in order (grappe.labour.models.Clearance): a higher one includes the lower ones.
CLEARANCE_ORDER = ("none", "reliability", "secret", "top_secret")

# Quebec's administrative regions (grappe.members.models.Region) by the latitude and longitude of their main
# town, approximately: enough to tell a neighbour from the other end of the province. "99" (outside Quebec) has
# no place.
REGION_PLACES = {
    "01": (48.45, -68.52),  # Rimouski
    "02": (48.43, -71.07),  # Saguenay
    "03": (46.81, -71.21),  # Québec
    "04": (46.35, -72.55),  # Trois-Rivières
    "05": (45.40, -71.89),  # Sherbrooke
    "06": (45.50, -73.57),  # Montréal
    "07": (45.48, -75.70),  # Gatineau
    "08": (48.24, -79.02),  # Rouyn-Noranda
    "09": (49.70, -67.30),  # between Baie-Comeau and Sept-Îles
    "10": (49.91, -74.37),  # Chibougamau
    "11": (48.60, -65.30),  # between Gaspé and New Richmond
    "12": (46.50, -70.90),  # between Lévis and Saint-Georges
    "13": (45.57, -73.69),  # Laval
    "14": (46.02, -73.44),  # Joliette
    "15": (45.78, -74.00),  # Saint-Jérôme
    "16": (45.45, -73.25),  # between Longueuil and Saint-Jean-sur-Richelieu
    "17": (45.95, -72.25),  # between Drummondville and Victoriaville
}
EARTH_RADIUS_KM = 6371.0

REMOTE, ON_SITE = "remote", "on_site"  # a third mode, "hybrid", is either


@dataclass(frozen=True)
class Post:
    """What matching reads of an availability or a need. `skills` are capability ids, a domain's among them when
    the post names a whole domain; `people` the people posted (or, for an availability, still free)."""

    key: int
    skills: frozenset[int]
    people: int
    start: date
    end: date
    region: str
    mode: str = ON_SITE
    clearance: str = "none"
    controlled_goods: bool = False


@dataclass(frozen=True)
class Reason:
    """Why a match ranks where it does: a code and its values.
    - ("skills", (shared, needed)): the need's skills the availability brings;
    - ("period", (overlap_days, needed_days));
    - ("distance", (km,)); ("remote", ()): the work can be done remotely; ("distance_unknown", ()): a region
      outside Quebec;
    - ("people", (available, needed)): enough people when available >= needed, else a part of them."""

    code: str
    values: tuple[int, ...] = ()


@dataclass(frozen=True)
class Match:
    key: int  # the other post's
    score: float
    reasons: tuple[Reason, ...]


def rank_availabilities(need: Post, availabilities: Iterable[Post], parents: Mapping[int, int | None]) -> list[Match]:
    """The availabilities that suit `need`, best first. `parents` gives each capability's domain (None for a
    domain)."""
    return _ranked(match(need, availability, parents) for availability in availabilities)


def rank_needs(availability: Post, needs: Iterable[Post], parents: Mapping[int, int | None]) -> list[Match]:
    """The needs `availability` suits, best first (each match keyed by the need)."""
    matches = []
    for need in needs:
        found = match(need, availability, parents)
        if found is not None:
            matches.append(Match(key=need.key, score=found.score, reasons=found.reasons))
    return _ranked(matches)


def _ranked(matches: Iterable[Match | None]) -> list[Match]:
    return sorted((m for m in matches if m is not None), key=lambda m: (-m.score, m.key))


def match(need: Post, availability: Post, parents: Mapping[int, int | None]) -> Match | None:
    """How well `availability` suits `need` (keyed by the availability), or None when it does not: a requirement
    unmet, modes that exclude each other, no shared skill, or no day in common."""
    if not meets_requirements(need, availability) or _modes_exclude(need.mode, availability.mode):
        return None
    shared = covered_skills(need.skills, availability.skills, parents)
    overlap = overlap_days(need, availability)
    if not shared or overlap <= 0:
        return None
    needed_days = (need.end - need.start).days + 1
    scores = {"skills": len(shared) / len(need.skills), "period": min(1.0, overlap / needed_days),
              "people": min(1.0, availability.people / need.people)}
    reasons = [Reason("skills", (len(shared), len(need.skills))), Reason("period", (overlap, needed_days))]
    if _remote_possible(need.mode, availability.mode):
        scores["distance"] = 1.0
        reasons.append(Reason("remote"))
    else:
        km = distance_km(need.region, availability.region)
        if km is None:
            scores["distance"] = UNKNOWN_KM_SCORE
            reasons.append(Reason("distance_unknown"))
        else:
            scores["distance"] = max(0.0, 1 - km / FAR_KM)
            reasons.append(Reason("distance", (round(km),)))
    reasons.append(Reason("people", (availability.people, need.people)))
    score = sum(WEIGHTS[name] * value for name, value in scores.items())
    return Match(key=availability.key, score=round(score, 4), reasons=tuple(reasons))


def meets_requirements(need: Post, availability: Post) -> bool:
    """The availability's people hold at least the clearance the need requires, and the Controlled Goods
    registration when it is required."""
    if CLEARANCE_ORDER.index(availability.clearance) < CLEARANCE_ORDER.index(need.clearance):
        return False
    return availability.controlled_goods or not need.controlled_goods


def covered_skills(needed: frozenset[int], offered: frozenset[int],
                   parents: Mapping[int, int | None]) -> frozenset[int]:
    """The needed skills the offered ones cover: the same capability, a capability of a needed domain, or the
    domain of a needed capability."""
    offered_domains = {parents.get(skill) for skill in offered} | offered
    return frozenset(skill for skill in needed
                     if skill in offered_domains or parents.get(skill) in offered)


def overlap_days(first: Post, second: Post) -> int:
    """The days both periods hold (ends included); 0 or less when they do not meet."""
    return (min(first.end, second.end) - max(first.start, second.start)).days + 1


def peak_people(loans: Iterable[tuple[int, date, date]], start: date = date.min, end: date = date.max) -> int:
    """The most people that loans (people, first day, last day) take at once on a day from `start` to `end`. The
    peak is reached on a day one of them starts (or on `start`)."""
    inside = [(people, max(first, start), min(last, end)) for people, first, last in loans
              if first <= end and last >= start]
    return max((sum(people for people, first, last in inside if first <= day <= last) for _p, day, _l in inside),
               default=0)


def distance_km(first: str, second: str) -> float | None:
    """The great-circle distance between two regions' main towns; None when one is outside Quebec."""
    if first not in REGION_PLACES or second not in REGION_PLACES:
        return None
    if first == second:
        return 0.0
    (lat1, lon1), (lat2, lon2) = (map(math.radians, REGION_PLACES[region]) for region in (first, second))
    haversine = (math.sin((lat2 - lat1) / 2) ** 2
                 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(haversine))


def _remote_possible(first: str, second: str) -> bool:
    return ON_SITE not in (first, second)


def _modes_exclude(first: str, second: str) -> bool:
    """One works only remotely, the other only on site."""
    return {first, second} == {REMOTE, ON_SITE}
