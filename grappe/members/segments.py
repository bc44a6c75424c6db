"""Segments: which organisations a saved (or not yet saved) description matches, and how to say it.

One place turns criteria into organisations so that a survey's targets, a bulletin's recipients and a
dashboard's filter always mean the same set. Figures about a segment shown to someone who may not see its
rows still go through grappe.core.aggregates (minimum sizes, differencing).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import (
    Capability,
    CertificationType,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Region,
    Segment,
    SizeBand,
)


@dataclass(frozen=True)
class Criteria:
    """What a segment asks for. Any listed value matches within a criterion; every criterion must match."""

    kinds: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    membership_statuses: tuple[str, ...] = ()
    capabilities: tuple[int, ...] = ()          # capability or domain ids: holding any of them matches
    certification_types: tuple[int, ...] = ()  # holding any of them matches
    # Committees: when governance adds them, add `committees: tuple[int, ...] = ()` here, a field on Segment,
    # one function in FILTERS and one phrase in `describe`. Nothing else changes for the callers.

    @classmethod
    def of(cls, segment: Segment) -> "Criteria":
        return cls(kinds=tuple(segment.kinds), size_bands=tuple(segment.size_bands),
                   regions=tuple(segment.regions),
                   membership_statuses=tuple(segment.membership_statuses),
                   capabilities=tuple(c.pk for c in segment.capabilities.all()),  # .all(): uses a prefetch
                   certification_types=tuple(c.pk for c in segment.certification_types.all()))

    @classmethod
    def from_form(cls, data: dict) -> "Criteria":
        """From a SegmentForm's cleaned data (model instances or ids)."""
        def ids(items):
            return tuple(getattr(item, "pk", item) for item in items or ())
        return cls(kinds=tuple(data.get("kinds") or ()), size_bands=tuple(data.get("size_bands") or ()),
                   regions=tuple(data.get("regions") or ()),
                   membership_statuses=tuple(data.get("membership_statuses") or ()),
                   capabilities=ids(data.get("capabilities")),
                   certification_types=ids(data.get("certification_types")))


def _by_field(name: str, attribute: str) -> Callable[[Criteria], Q | None]:
    def condition(criteria: Criteria) -> Q | None:
        values = getattr(criteria, attribute)
        return Q(**{f"{name}__in": values}) if values else None
    return condition


def _by_capability(criteria: Criteria) -> Q | None:
    if not criteria.capabilities:
        return None
    # A domain stands for every capability in it, as in the directory's filter.
    ids = set(criteria.capabilities)
    ids |= set(Capability.objects.filter(parent__in=criteria.capabilities).values_list("pk", flat=True))
    return Q(pk__in=Organisation.objects.filter(capabilities__capability__in=ids).values("pk"))


def _by_certification(criteria: Criteria) -> Q | None:
    if not criteria.certification_types:
        return None
    return Q(pk__in=Organisation.objects.filter(
        certifications__certification_type__in=criteria.certification_types).values("pk"))


# Each criterion is one condition on organisations (None: does not filter). Committees go here.
FILTERS: tuple[Callable[[Criteria], Q | None], ...] = (
    _by_field("kind", "kinds"),
    _by_field("size_band", "size_bands"),
    _by_field("region", "regions"),
    _by_field("membership_status", "membership_statuses"),
    _by_capability,
    _by_certification,
)


def organisations_in(segment: Segment | Criteria, queryset: QuerySet | None = None) -> QuerySet:
    """The organisations a segment (or unsaved criteria) describes, within `queryset` (all by default).
    Subqueries, not joins: an organisation holding two of the capabilities is listed once."""
    criteria = segment if isinstance(segment, Criteria) else Criteria.of(segment)
    queryset = Organisation.objects.all() if queryset is None else queryset
    for condition in FILTERS:
        q = condition(criteria)
        if q is not None:
            queryset = queryset.filter(q)
    return queryset


def describe(segment: Segment | Criteria) -> str:
    """The segment in words, in the active language: "SMEs in Montérégie with 5-axis machining"."""
    criteria = segment if isinstance(segment, Criteria) else Criteria.of(segment)
    kinds = [str(KIND_PLURALS[k]) for k in criteria.kinds if k in KIND_PLURALS]
    text = _either(kinds) or _("Organisations")
    if criteria.size_bands:
        text = _("%(who)s (%(sizes)s)") % {"who": text, "sizes": _either(
            [str(SizeBand(s).label) for s in criteria.size_bands if s in SizeBand.values])}
    if criteria.regions:
        text = _("%(who)s in %(regions)s") % {"who": text, "regions": _either(
            [str(Region(r).label) for r in criteria.regions if r in Region.values])}
    if criteria.capabilities:
        labels = [c.label for c in Capability.objects.filter(pk__in=criteria.capabilities)]
        text = _("%(who)s with %(capabilities)s") % {"who": text, "capabilities": _either(labels)}
    if criteria.certification_types:
        labels = [c.label for c in CertificationType.objects.filter(pk__in=criteria.certification_types)]
        text = _("%(who)s certified %(certifications)s") % {"who": text, "certifications": _either(labels)}
    if criteria.membership_statuses:
        statuses = [str(STATUS_PLURALS[s]) for s in criteria.membership_statuses if s in STATUS_PLURALS]
        text = _("%(who)s — %(statuses)s") % {"who": text, "statuses": _either(statuses)}
    return text[:1].upper() + text[1:]


def _either(items: list[str]) -> str:
    """"a, b or c" in the active language."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s or %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def count_label(n: int) -> str:
    return ngettext("%(n)d organisation", "%(n)d organisations", n) % {"n": n}


# Kinds as the subject of a sentence ("SMEs in Montérégie"): plural, which the choices' labels are not.
KIND_PLURALS = {
    OrganisationKind.PRIME: gettext_lazy("primes / OEMs"),
    OrganisationKind.TIER1: gettext_lazy("tier 1 suppliers"),
    OrganisationKind.TIER2: gettext_lazy("tier 2 suppliers"),
    OrganisationKind.TIER3: gettext_lazy("tier 3 suppliers"),
    OrganisationKind.SME: gettext_lazy("SMEs"),
    OrganisationKind.MRO: gettext_lazy("MROs"),
    OrganisationKind.UNIVERSITY: gettext_lazy("universities"),
    OrganisationKind.COLLEGE: gettext_lazy("colleges"),
    OrganisationKind.RESEARCH_CENTRE: gettext_lazy("research centres"),
    OrganisationKind.SERVICE_FIRM: gettext_lazy("service firms"),
    OrganisationKind.OTHER: gettext_lazy("other organisations"),
}

STATUS_PLURALS = {
    MembershipStatus.PROSPECT: gettext_lazy("prospects"),
    MembershipStatus.ACTIVE: gettext_lazy("active members"),
    MembershipStatus.SUSPENDED: gettext_lazy("suspended members"),
    MembershipStatus.FORMER: gettext_lazy("former members"),
}
