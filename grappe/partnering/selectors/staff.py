"""What the cluster staff read across the cluster: partnering activity, pooling groups, succession, consolidation.

Read-only queries, shown only on staff pages. The computing is matching's (pure, no database): which free-text
needs are alike (matching.pooling), who could take a seller over (matching.succession), which members are
close enough to merge (matching.consolidation). Succession and consolidation run on the engine's cached
`PartnerIndex` (grappe.partnering.engine.cluster_index); this module reads the rows they need and turns the
answer back into organisations and capabilities.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.members.models import (
    Capability,
    MembershipStatus,
    Organisation,
    OrgRole,
    Person,
    Region,
    SizeBand,
)
from matching import consolidation, pooling, succession
from matching.partners import Candidate, PartnerIndex

from .. import engine
from ..models import (
    DeclaredNeed,
    Introduction,
    IntroductionStatus,
    NeedKind,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    SuccessionFlag,
)

# Partnering activity ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a label, a count and its share of the whole in percent."""

    label: str
    n: int
    percent: int


def _bars(counts: dict[str, int], choices) -> list[Bar]:
    """Every choice, in its declared order, zero counts included, sized by its share of the total."""
    total = sum(counts.values()) or 1
    return [Bar(label, counts.get(value, 0), round(100 * counts.get(value, 0) / total))
            for value, label in choices.choices]


def _counts_by(queryset: QuerySet, field_name: str) -> dict[str, int]:
    return dict(queryset.order_by().values_list(field_name).annotate(n=Count("id")))


def partnering_activity() -> dict:
    """Opportunities by status and by kind, introductions by status."""
    return {
        "opportunity_count": Opportunity.objects.count(),
        "opportunities_by_status": _bars(_counts_by(Opportunity.objects, "status"), OpportunityStatus),
        "opportunities_by_kind": _bars(_counts_by(Opportunity.objects, "kind"), OpportunityKind),
        "introduction_count": Introduction.objects.count(),
        "introductions_by_status": _bars(_counts_by(Introduction.objects, "status"), IntroductionStatus),
    }


def most_asked_partners(limit: int = 10) -> QuerySet:
    """The organisations most often asked for an introduction, with how many accepted."""
    return (Organisation.objects.annotate(
        asked=Count("introductions_received"),
        accepted=Count("introductions_received", filter=Q(introductions_received__status=IntroductionStatus.ACCEPTED)))
        .filter(asked__gt=0).order_by("-asked", "legal_name")[:limit])


def never_asked_members() -> QuerySet:
    """Active members nobody asked for an introduction yet: those the staff may want to make known."""
    return (Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE)
            .exclude(pk__in=Introduction.objects.values("partner")).order_by("legal_name"))


# Pooling ----------------------------------------------------------------------------------------

@dataclass
class PoolingGroup:
    """Organisations that declared the same need: the staff may propose them one shared solution."""

    kind: str
    subject: str
    needs: list[DeclaredNeed]
    admin_emails: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return NeedKind(self.kind).label

    @property
    def organisations(self) -> list[Organisation]:
        return list({need.organisation_id: need.organisation for need in self.needs}.values())


def pooling_groups() -> list[PoolingGroup]:
    """Active members' needs grouped by what they need, groups of two organisations or more, largest first.

    The same competency or certification type makes the same need; free texts (training, equipment, a
    purchase…) are grouped when they share most of their folded, stemmed keywords.
    """
    needs = list(DeclaredNeed.objects.filter(is_active=True, organisation__membership_status=MembershipStatus.ACTIVE)
                 .select_related("organisation", "capability", "certification_type").order_by("created_at", "id"))
    named: dict[tuple, list[DeclaredNeed]] = defaultdict(list)
    free_text: dict[str, list[DeclaredNeed]] = defaultdict(list)
    for need in needs:
        if need.capability_id:
            named[(need.kind, "capability", need.capability_id)].append(need)
        elif need.certification_type_id:
            named[(need.kind, "certification", need.certification_type_id)].append(need)
        else:
            free_text[need.kind].append(need)
    groups = [PoolingGroup(need_list[0].kind, str(need_list[0].capability or need_list[0].certification_type),
                           need_list) for need_list in named.values()]
    for kind, need_list in free_text.items():
        for positions in pooling.similar_texts([need.description for need in need_list]):
            similar = [need_list[i] for i in positions]
            subject = pooling.shared_words([need.description for need in similar])
            groups.append(PoolingGroup(kind, subject, similar))
    groups = [group for group in groups if len(group.organisations) >= 2]
    groups.sort(key=lambda group: (-len(group.organisations), group.kind_label, group.subject))
    _attach_admin_emails(groups)
    return groups


def _attach_admin_emails(groups: list[PoolingGroup]) -> None:
    organisation_ids = {organisation.pk for group in groups for organisation in group.organisations}
    emails = defaultdict(list)
    admins = Person.objects.filter(organisation__in=organisation_ids, org_role=OrgRole.ADMIN, is_active=True)
    for organisation_id, email in admins.values_list("organisation", "email").order_by("email"):
        emails[organisation_id].append(email)
    for group in groups:
        group.admin_emails = [email for organisation in group.organisations for email in emails[organisation.pk]]


# Succession -------------------------------------------------------------------------------------


@dataclass
class Acquirer:
    organisation: Organisation
    covered: list[Capability]
    covered_core: int
    seller_core_count: int
    larger: bool
    same_region: bool

    @property
    def reasons(self) -> list[str]:
        """Why this member could take the seller over, in words."""
        names = ", ".join(capability.label for capability in self.covered)
        reasons = [ngettext(
            "Holds %(n)s of its %(total)s core competency (%(core)s at core level): %(names)s.",
            "Holds %(n)s of its %(total)s core competencies (%(core)s at core level): %(names)s.",
            self.seller_core_count) % {"n": len(self.covered), "total": self.seller_core_count,
                                       "core": self.covered_core, "names": names}]
        if self.larger:
            reasons.append(_("Larger: %(size)s.") % {"size": self.organisation.get_size_band_display()})
        if self.same_region:
            reasons.append(_("Same region: %(region)s.") % {"region": self.organisation.get_region_display()})
        return reasons


@dataclass
class SuccessionCase:
    flag: SuccessionFlag
    core_capabilities: list[Capability]
    acquirers: list[Acquirer]


def succession_cases(limit: int = 10) -> list[SuccessionCase]:
    """Every current succession flag, with the members that could plausibly take the organisation over."""
    flags = list(SuccessionFlag.objects.filter(is_active=True).select_related("organisation", "created_by")
                 .order_by("-created_at"))
    if not flags:
        return []
    index = engine.cluster_index()
    ranked = []
    for flag in flags:
        seller = _candidate(index, flag.organisation)
        ranked.append((flag, seller, succession.rank_acquirers(index, seller, SizeBand.values, limit)))
    organisations = engine.organisations_by_id(
        index.candidates[acquirer.row].id for _flag, _seller, rows in ranked for acquirer in rows)
    capabilities = engine.capabilities_by_code(code for _flag, seller, _rows in ranked for code in seller.core_codes)
    return [SuccessionCase(flag, _labelled(seller.core_codes, capabilities), [
        Acquirer(organisations[index.candidates[row.row].id], _labelled(row.covered, capabilities), row.covered_core,
                 len(seller.core_codes), row.larger, row.same_region) for row in rows])
        for flag, seller, rows in ranked]


def _candidate(index: PartnerIndex, organisation: Organisation) -> Candidate:
    """The organisation as this index holds it, or read alone (a suspended member is not in the index).
    Unlike engine.candidate_for, does not check the index's freshness again for each flag."""
    if organisation.pk in index.row_of:
        return index.candidates[index.row_of[organisation.pk]]
    return engine.candidate_for(organisation)


def _labelled(codes, capabilities: dict[str, Capability]) -> list[Capability]:
    return sorted((capabilities[code] for code in codes if code in capabilities), key=lambda c: c.label)


# Consolidation ----------------------------------------------------------------------------------


@dataclass
class ConsolidationPair:
    first: Organisation
    second: Organisation
    shared: list[Capability]
    share: float

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def region_label(self) -> str:
        return Region(self.first.region).label


def consolidation_pairs(limit: int = 50) -> list[ConsolidationPair]:
    """Members so close in capabilities, size and region that a merger or an alliance would make sense."""
    index = engine.cluster_index()
    rows = consolidation.close_pairs(index, SizeBand.values, limit=limit)
    ids = [index.candidates[row].id for pair in rows for row in (pair.first, pair.second)]
    organisations = engine.organisations_by_id(ids)
    shared_codes = [index.candidates[pair.first].core_codes & index.candidates[pair.second].core_codes
                    for pair in rows]
    capabilities = engine.capabilities_by_code(code for codes in shared_codes for code in codes)
    return [ConsolidationPair(organisations[index.candidates[pair.first].id],
                              organisations[index.candidates[pair.second].id],
                              _labelled(codes, capabilities), pair.share)
            for pair, codes in zip(rows, shared_codes)]
