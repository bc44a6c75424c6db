"""What the cluster staff read across the cluster: partnering activity, pooling groups, succession, consolidation.

Read-only queries, shown only on staff pages. Succession and consolidation reason over the engine's cached
`PartnerIndex` (grappe.partnering.engine.cluster_index), so that a 5,000-organisation cluster is a few sparse
products, not a Python loop over every pair.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy import sparse

from grappe.members.models import (
    Capability,
    MembershipStatus,
    Organisation,
    OrgRole,
    Person,
    Region,
    SizeBand,
)
from matching.partners import DEFAULT_COMPETITOR_THRESHOLD, Candidate, PartnerIndex
from matching.text import keys, words

from . import engine
from .models import (
    DeclaredNeed,
    Introduction,
    IntroductionStatus,
    NeedKind,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    SuccessionFlag,
)

SIZE_ORDER = {band: rank for rank, band in enumerate(SizeBand.values)}

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

# Words that say what kind of need it is (the kind already says so) and so must not make two needs alike.
_KIND_WORDS = "formation formations training cours course achat achats purchase buy equipement equipment audit besoin need"
_KIND_KEYS = frozenset(key for word in _KIND_WORDS.split() for key in keys(word))
# Two free-text needs of the same kind are alike when at least half of the shorter one's keywords are in the other.
SIMILAR_SHARE = 0.5


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
        groups.extend(PoolingGroup(kind, _shared_words(similar), similar) for similar in _similar_texts(need_list))
    groups = [group for group in groups if len(group.organisations) >= 2]
    groups.sort(key=lambda group: (-len(group.organisations), group.kind_label, group.subject))
    _attach_admin_emails(groups)
    return groups


def _stems(word) -> frozenset[str]:
    """The stems a word of a need may match by (French, English); none for a word that says nothing of
    what is needed: a stop word, a number, a word of the kind itself ("formation")."""
    if word.is_stop_word or len(word.folded) <= 2 or word.folded.isdigit():
        return frozenset()
    stems = frozenset(keys(word.folded))
    return frozenset() if stems & _KIND_KEYS or any(stem.isdigit() for stem in stems) else stems


def _keywords(text: str) -> list[frozenset[str]]:
    return [stems for word in words(text) if (stems := _stems(word))]


def _alike(first: list[frozenset[str]], second: list[frozenset[str]]) -> bool:
    shorter, longer = sorted((first, second), key=len)
    longer_stems = frozenset().union(*longer)
    shared = sum(1 for stems in shorter if stems & longer_stems)
    return shared > 0 and shared >= SIMILAR_SHARE * len(shorter)


def _similar_texts(needs: list[DeclaredNeed]) -> list[list[DeclaredNeed]]:
    """Needs linked, directly or through one another, by shared keywords (connected components)."""
    keywords = [_keywords(need.description) for need in needs]
    parent = list(range(len(needs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders: dict[str, list[int]] = defaultdict(list)
    for i, found in enumerate(keywords):
        for stem in frozenset().union(*found):
            holders[stem].append(i)
    compared = set()
    for positions in holders.values():  # only needs sharing a stem are compared
        for a_index, a in enumerate(positions):
            for b in positions[a_index + 1:]:
                if (a, b) not in compared:
                    compared.add((a, b))
                    if _alike(keywords[a], keywords[b]):
                        parent[root(a)] = root(b)
    components: dict[int, list[DeclaredNeed]] = defaultdict(list)
    for i, need in enumerate(needs):
        if keywords[i]:
            components[root(i)].append(need)
    return list(components.values())


def _shared_words(needs: list[DeclaredNeed]) -> str:
    """The words most of the group's texts use, as a short subject: 'soudage, tig'."""
    counts = Counter()
    for need in needs:
        counts.update({word.folded for word in words(need.description) if _stems(word)})
    common = [word for word, n in counts.most_common(4) if n >= 2]
    return ", ".join(common) or needs[0].description


def _attach_admin_emails(groups: list[PoolingGroup]) -> None:
    organisation_ids = {organisation.pk for group in groups for organisation in group.organisations}
    emails = defaultdict(list)
    admins = Person.objects.filter(organisation__in=organisation_ids, org_role=OrgRole.ADMIN, is_active=True)
    for organisation_id, email in admins.values_list("organisation", "email").order_by("email"):
        emails[organisation_id].append(email)
    for group in groups:
        group.admin_emails = [email for organisation in group.organisations for email in emails[organisation.pk]]


# Succession -------------------------------------------------------------------------------------


def _size_ranks(candidates) -> np.ndarray:
    """Each candidate's size band as a rank (0 for 1–9 employees …), -1 when unknown."""
    return np.array([SIZE_ORDER.get(candidate.size_band, -1) for candidate in candidates], dtype=np.int64)


@dataclass(frozen=True)
class AcquirerRow:
    """A plausible acquirer as the index sees it: the seller's core codes it holds, and at core level."""

    row: int
    covered: tuple[str, ...]
    covered_core: int
    larger: bool
    same_region: bool


def rank_acquirers(index: PartnerIndex, seller: Candidate, limit: int = 10) -> list[AcquirerRow]:
    """Companies holding most of the seller's core competencies (at any level), then larger than the seller,
    then in its region; at equal footing, those holding more of them at core level first.

    Universities and research centres are left out: they do not buy companies.
    """
    codes = sorted(seller.core_codes)
    if not codes or not len(index):
        return []
    levels = index.level_columns(codes)
    covered = (levels > 0).sum(axis=1)
    covered_core = (levels == 2).sum(axis=1)
    sizes = _size_ranks(index.candidates)
    seller_size = SIZE_ORDER.get(seller.size_band, -1)
    larger = (sizes > seller_size) & (seller_size >= 0)
    same_region = (index.regions == seller.region) & bool(seller.region)
    eligible = (covered > 0) & ~index.is_research
    if seller.id in index.row_of:
        eligible[index.row_of[seller.id]] = False
    rows = np.flatnonzero(eligible)
    # np.lexsort sorts by its last key first; negated to put the largest first.
    order = np.lexsort((-covered_core[rows], -same_region[rows].astype(np.int64),
                        -larger[rows].astype(np.int64), -covered[rows]))
    return [AcquirerRow(int(row), tuple(code for code, level in zip(codes, levels[row]) if level),
                        int(covered_core[row]), bool(larger[row]), bool(same_region[row]))
            for row in rows[order[:limit]]]


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
        ranked.append((flag, seller, rank_acquirers(index, seller, limit)))
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

CONSOLIDATION_SHARE = 0.6  # share of the two members' core competencies both hold (matching.partners)
CONSOLIDATION_MIN_SHARED = 2  # one competency in common is a coincidence, not a business to merge


@dataclass(frozen=True)
class PairRow:
    first: int
    second: int
    shared: int
    share: float


def close_pairs(index: PartnerIndex, threshold: float = CONSOLIDATION_SHARE, limit: int = 50) -> list[PairRow]:
    """Pairs of companies sharing at least `threshold` of their core competencies, in the same region, of the
    same or an adjacent size band; the closest first.

    Starts from the index's competitor graph (its sparse product of core competencies, computed once per
    threshold and cached with the index: at the analyses' threshold when it is lower, the analyses' graph is
    reused), then keeps pairs whose overlap itself reaches the threshold: the graph also holds competitors
    declared as such, whatever their overlap.
    """
    if len(index) < 2:
        return []
    graph = index.competitor_graph(min(threshold, DEFAULT_COMPETITOR_THRESHOLD))
    upper = sparse.triu(graph, k=1).tocoo()
    first, second = upper.row.astype(np.int64), upper.col.astype(np.int64)
    shared = np.asarray(index.core[first].multiply(index.core[second]).sum(axis=1)).ravel().astype(np.int64)
    union = index.core_counts[first] + index.core_counts[second] - shared
    share = np.divide(shared, union, out=np.zeros(len(shared)), where=union > 0)
    sizes = _size_ranks(index.candidates)
    keep = ((shared >= CONSOLIDATION_MIN_SHARED) & (share >= threshold - 1e-9)
            & (index.regions[first] == index.regions[second]) & (index.regions[first] != "")
            & (sizes[first] >= 0) & (sizes[second] >= 0) & (np.abs(sizes[first] - sizes[second]) <= 1)
            & ~index.is_research[first] & ~index.is_research[second])
    first, second, shared, share = first[keep], second[keep], shared[keep], share[keep]
    order = np.lexsort((-shared, -share))[:limit]
    return [PairRow(int(first[i]), int(second[i]), int(shared[i]), float(share[i])) for i in order]


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
    rows = close_pairs(index, limit=limit)
    ids = [index.candidates[row].id for pair in rows for row in (pair.first, pair.second)]
    organisations = engine.organisations_by_id(ids)
    shared_codes = [index.candidates[pair.first].core_codes & index.candidates[pair.second].core_codes
                    for pair in rows]
    capabilities = engine.capabilities_by_code(code for codes in shared_codes for code in codes)
    return [ConsolidationPair(organisations[index.candidates[pair.first].id],
                              organisations[index.candidates[pair.second].id],
                              _labelled(codes, capabilities), pair.share)
            for pair, codes in zip(rows, shared_codes)]
