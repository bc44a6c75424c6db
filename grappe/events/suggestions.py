"""Whom a participant should meet: the other participants ranked by fit, each with the reasons.

The partnering engine ranks organisations against an opportunity's needs; here each participant declares what
it offers and seeks for the day, and a guest has no directory profile, so the fit is the taxonomy overlap
between the two declarations, both ways: what they offer that I seek (worth most), what they seek that I
offer, and, a little, what they offer in a domain where I seek something else. A member who declared no
offer is taken at its directory profile's core capabilities (and the reason says so). Colleagues (the same
organisation) are not suggested: one does not travel to a B2B day to meet them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from grappe.members.models import Capability, CapabilityLevel, OrganisationCapability

from .models import Registration

SOUGHT_OFFERED = 3   # they offer what I seek
OFFERED_SOUGHT = 2   # they seek what I offer
SAME_DOMAIN = 1      # they offer something else in a domain where I seek
BOTH_WAYS = 2        # the fit goes both ways


@dataclass
class Suggestion:
    registration: Registration
    they_offer: list[Capability] = field(default_factory=list)
    they_seek: list[Capability] = field(default_factory=list)
    same_domain: list[Capability] = field(default_factory=list)
    offers_from_directory: bool = False

    @property
    def score(self) -> int:
        both = BOTH_WAYS if self.they_offer and self.they_seek else 0
        return (SOUGHT_OFFERED * len(self.they_offer) + OFFERED_SOUGHT * len(self.they_seek)
                + SAME_DOMAIN * len(self.same_domain) + both)

    @property
    def in_common(self) -> int:
        """How many capabilities fit both ways: what they offer that I seek, plus what they seek that I offer
        (what a participant reads beside a suggestion; `score` weighs them to rank)."""
        return len(self.they_offer) + len(self.they_seek)

    @property
    def reasons(self) -> list[str]:
        """Why they fit, in sentences (the active language)."""
        reasons = []
        if self.they_offer:
            text = _("Offers what you seek: %(list)s") % {"list": _labels(self.they_offer)}
            if self.offers_from_directory:
                text = _("%(reason)s (from their directory profile)") % {"reason": text}
            reasons.append(text)
        if self.they_seek:
            reasons.append(_("Seeks what you offer: %(list)s") % {"list": _labels(self.they_seek)})
        if self.same_domain:
            reasons.append(_("Works in the domains you seek: %(list)s") % {"list": _labels(self.same_domain)})
        return reasons


def _labels(capabilities: list[Capability]) -> str:
    return ", ".join(sorted(c.label for c in capabilities))


def directory_offers(registrations: Iterable[Registration]) -> dict[int, list[Capability]]:
    """The core capabilities of each member organisation among the registrations, in one query."""
    organisations = {r.organisation_id for r in registrations if r.organisation_id}
    held = defaultdict(list)
    for row in (OrganisationCapability.objects.filter(organisation__in=organisations, level=CapabilityLevel.CORE)
                .select_related("capability__parent")):
        held[row.organisation_id].append(row.capability)
    return held


def rank(me: Registration, others: Iterable[Registration], colleagues: bool = False) -> list[Suggestion]:
    """Every other participant with its fit, best first (then by name), leaving out my colleagues (same
    organisation) unless `colleagues`. Pass them with offers__parent and seeks__parent prefetched."""
    others = [other for other in others if colleagues or not me.organisation_id
              or other.organisation_id != me.organisation_id]
    directory = directory_offers([me, *others])
    my_offers = _offers(me, directory)[0]
    my_seeks = list(me.seeks.all())
    sought_ids = {c.pk for c in my_seeks}
    sought_domains = {c.parent_id for c in my_seeks}
    offered_ids = {c.pk for c in my_offers}
    ranked = []
    for other in others:
        offers, from_directory = _offers(other, directory)
        suggestion = Suggestion(
            registration=other, offers_from_directory=from_directory,
            they_offer=[c for c in offers if c.pk in sought_ids],
            they_seek=[c for c in other.seeks.all() if c.pk in offered_ids],
            same_domain=[c for c in offers if c.pk not in sought_ids and c.parent_id in sought_domains])
        ranked.append(suggestion)
    ranked.sort(key=lambda s: (-s.score, s.registration.display_name.lower(), s.registration.pk))
    return ranked


def _offers(registration: Registration, directory: dict[int, list[Capability]]) -> tuple[list[Capability], bool]:
    declared = list(registration.offers.all())
    if declared or not registration.organisation_id:
        return declared, False
    held = directory.get(registration.organisation_id, [])
    return held, bool(held)
