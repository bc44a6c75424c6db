"""An opportunity's analysis as the page and the API show it: the engine's answer, turned back into rows.

A read (a selector): `analyse_needs` runs the engine (matching/) on the cluster's cached index (engine.py):
the gap and the verdict, the ranked partners, and — when partners are needed — up to three consortia under
the chosen rules. It writes nothing (services.opportunities.analyse stores the chosen rules). Every code of
the answer is turned back into its Capability, CertificationType or Organisation in a handful of queries,
whatever the number of partners shown, so that templates and the API read plain objects.

What another member learns of a partner is what the directory already shows members: its capabilities with
their level and evidence, its certifications, and which of the initiator's competencies it declared it needs
(never the wording of its needs, nor its contacts). Organisations that asked not to be listed in the
directory are proposed to the staff only.

Partners from outside the cluster (the capability profiles partner clusters shared, engine.CandidateSource)
are ranked and put in teams with the members, by the same scores; they come back as `engine.OutsidePartner`
where a member comes back as its Organisation (`is_outside`, `origin`), and have no local introduction: their
page in cooperation between clusters is where a member expresses interest.
"""

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from grappe.members.models import Capability, CertificationType, Organisation, Region
from matching.consortia import ConsortiaResult, Rules, SolveStatus, find_consortia
from matching.gap import Gap, Verdict, analyse_gap
from matching.partners import CERTIFICATION, DEFAULT_COMPETITOR_THRESHOLD, EVIDENCE, Candidate, Need, PartnerIndex
from matching.ranking import RankedPartner, rank_partners

from .. import engine, explain
from ..engine import OutsidePartner
from ..models import Introduction, Opportunity

PARTNERS_SHOWN = 10
CONSORTIA_SHOWN = 3
CONSORTIA_TIME_LIMIT = 2.0  # seconds; past it the best team found is shown with its gap to the optimum
# Seconds each alternative team may take. The best team must be proven optimal: it may use the whole limit
# (a 30-competency gap usually takes 50-150 ms); an alternative past this is shown with its gap, so that
# proving two more teams of 8-10 partners does not make the page wait (it used to take up to 2 s).
ALTERNATIVE_SECONDS = 0.1
# Below the engine's "direct competitor" share, a partner sharing this much of the core is still worth a word.
POTENTIAL_COMPETITOR_SHARE = 0.25


class Competition(StrEnum):
    """How much a partner competes with the initiator, from the share of their core competencies in common."""

    NONE = "none"
    LOW = "low"
    POTENTIAL = "potential"
    DIRECT = "direct"


def competition(shared: int, share: float) -> Competition:
    if shared == 0:
        return Competition.NONE
    if share >= DEFAULT_COMPETITOR_THRESHOLD:
        return Competition.DIRECT
    return Competition.POTENTIAL if share >= POTENTIAL_COMPETITOR_SHARE else Competition.LOW


# Consortium rules, as stored on the opportunity (JSON) and sent by the page's form and the API ---------

RULE_FIELDS = ("max_size", "at_least_one_sme", "at_least_one_research", "required_region", "excluded",
               "no_two_competitors")


def rules_from_json(data: dict | None) -> Rules:
    """The stored rules; unknown keys or values that no longer make sense are ignored, not fatal."""
    data = data or {}
    max_size = data.get("max_size")
    region = data.get("required_region") or None
    return Rules(
        max_size=int(max_size) if isinstance(max_size, int) and max_size > 0 else None,
        at_least_one_sme=bool(data.get("at_least_one_sme")),
        at_least_one_research=bool(data.get("at_least_one_research")),
        required_region=region if region in Region.values else None,
        excluded=frozenset(int(pk) for pk in data.get("excluded") or () if str(pk).isdigit()),
        no_two_competitors=bool(data.get("no_two_competitors")),
    )


def rules_to_json(rules: Rules) -> dict:
    return {
        "max_size": rules.max_size, "at_least_one_sme": rules.at_least_one_sme,
        "at_least_one_research": rules.at_least_one_research, "required_region": rules.required_region or "",
        "excluded": sorted(rules.excluded), "no_two_competitors": rules.no_two_competitors,
    }


# The answer, as rows ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NeedLine:
    capability: Capability
    must_have: bool
    held: str  # the initiator's level: "core", "secondary" or "" when it lacks it
    # A domain-level need ("any NDT method"): the capabilities of the proposed partners that cover it.
    covered_by: tuple[tuple[Capability, Organisation | OutsidePartner], ...] = ()

    @property
    def covered_by_sentence(self) -> str:
        return explain.covered_by(self.covered_by)


@dataclass(frozen=True)
class Brought:
    capability: Capability
    level: str
    evidence: str
    must_have: bool
    covered_by: tuple[Capability, ...] = ()  # for a domain: the partner's capabilities under it


@dataclass(frozen=True)
class PartnerCard:
    organisation: Organisation | OutsidePartner
    score: float
    brings: tuple[Brought, ...]
    adds_certifications: tuple[CertificationType, ...]
    gives_back: tuple[Capability, ...]  # the initiator's core competencies this partner declared it needs
    shared_core: int  # core competencies both hold
    initiator_core: int
    overlap_share: float
    competition: Competition
    introduction: Introduction | None = None
    material_reasons: tuple[str, ...] = ()  # where it names the opportunity's materials

    @property
    def overlap_sentence(self) -> str:
        return explain.overlap(self.shared_core, self.initiator_core, self.competition)

    @property
    def gives_back_sentence(self) -> str:
        return explain.gives_back(self.gives_back)


@dataclass(frozen=True)
class TeamMemberRow:
    organisation: Organisation | OutsidePartner
    brings: tuple[Brought, ...]
    certifications: tuple[CertificationType, ...]
    overlap: int


@dataclass(frozen=True)
class TeamRow:
    members: tuple[TeamMemberRow, ...]
    secondary_only: tuple[Capability, ...]
    status: SolveStatus
    gap: float
    partners_lower_bound: int

    @property
    def status_sentence(self) -> str:
        return explain.team_status(self.status, self.gap, self.partners_lower_bound)


@dataclass(frozen=True)
class Suggestion:
    rules: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class Consortia:
    status: SolveStatus
    teams: tuple[TeamRow, ...]
    nobody_has: tuple[Capability, ...]
    nobody_certified: tuple[CertificationType, ...]
    suggestions: tuple[Suggestion, ...]
    kept_at_initiator_level: tuple[Capability, ...]
    seconds: float

    @property
    def explanation(self) -> list[str]:
        return explain.infeasible(self.nobody_has, self.nobody_certified, bool(self.suggestions), self.status)


@dataclass(frozen=True)
class Analysis:
    initiator: Organisation
    verdict: Verdict
    needs: tuple[NeedLine, ...]
    missing: tuple[Capability, ...]  # must-haves the initiator does not hold at core level
    missing_certifications: tuple[CertificationType, ...]
    reasons: tuple[str, ...]  # why the verdict, in the reader's language
    partners: tuple[PartnerCard, ...]
    consortia: Consortia | None
    rules: Rules
    seconds: float = 0.0
    excluded: tuple[Organisation, ...] = field(default=())
    materials: tuple[str, ...] = ()  # codes of the materials the text names (matching.mentions)

    @property
    def materials_sentence(self) -> str:
        return explain.materials_named(self.materials)

    @property
    def go_alone(self) -> bool:
        return self.verdict == Verdict.GO_ALONE

    @property
    def headline(self) -> str:
        return explain.headline(self.verdict)


class _Labels:
    """Codes and ids of one answer turned into rows, in one query per kind."""

    def __init__(self, codes: Iterable[str], certification_codes: Iterable[str], organisation_ids: Iterable):
        self.capabilities = engine.capabilities_by_code(codes)
        self.certifications = engine.certification_types_by_code(certification_codes)
        self.organisations = engine.organisations_by_id(organisation_ids)

    def capability_rows(self, codes: Iterable[str]) -> tuple[Capability, ...]:
        return tuple(self.capabilities[code] for code in codes if code in self.capabilities)

    def certification_rows(self, codes: Iterable[str]) -> tuple[CertificationType, ...]:
        return tuple(self.certifications[code] for code in codes if code in self.certifications)

    def brought(self, contributions) -> tuple[Brought, ...]:
        return tuple(Brought(self.capabilities[c.code], c.level, c.evidence, c.must_have,
                             self.capability_rows(c.covered_by))
                     for c in contributions if c.code in self.capabilities)


def partner_index_for(user) -> PartnerIndex:
    """The staff see every active member; members see the ones listed in the directory. Both see the partners
    from outside the cluster."""
    if user.has_perm("partnering.view_cluster_partnering"):
        return engine.partner_index()
    return engine.listed_partner_index()


NO_RULES = Rules()


def analyse_needs(*, user, initiator: Organisation, needs: Collection[Need], required_certifications: Collection[str],
                  rules: Rules = NO_RULES, opportunity: Opportunity | None = None,
                  materials: Collection[str] = ()) -> Analysis:
    """The whole answer for these needs, seen by `user` (it decides which organisations may be proposed).
    Partners naming the `materials` (codes of matching.mentions.MATERIALS) in their own words are preferred."""
    started = time.perf_counter()
    index = partner_index_for(user)
    candidate = engine.candidate_for(initiator)
    gap = analyse_gap(candidate, list(needs), required_certifications)
    ranked = rank_partners(candidate, gap, index, top_k=PARTNERS_SHOWN, exclude=rules.excluded,
                           materials=materials)
    result = None
    if gap.verdict == Verdict.PARTNERS:
        result = find_consortia(candidate, gap, index, rules, n=CONSORTIA_SHOWN, time_limit=CONSORTIA_TIME_LIMIT,
                                alternative_seconds=ALTERNATIVE_SECONDS)
    labels = _labels_for(candidate, gap, ranked, result, rules)
    introductions = _introductions(opportunity, [p.candidate.id for p in ranked])
    covering = _covering(ranked, result, labels)
    return Analysis(
        initiator=initiator,
        verdict=gap.verdict,
        needs=tuple(NeedLine(labels.capabilities[n.code], n.must_have, _held(candidate, n.code),
                             covering.get(n.code, ()))
                    for n in _ordered(needs) if n.code in labels.capabilities),
        missing=labels.capability_rows(gap.must_gap),
        missing_certifications=labels.certification_rows(gap.missing_certifications),
        reasons=tuple(explain.reasons(gap, labels.capabilities, labels.certifications)),
        partners=tuple(_card(p, candidate, labels, introductions.get(p.candidate.id)) for p in ranked),
        consortia=_consortia(result, labels) if result is not None else None,
        rules=rules,
        seconds=time.perf_counter() - started,
        excluded=tuple(labels.organisations[pk] for pk in sorted(rules.excluded) if pk in labels.organisations),
        materials=tuple(materials),
    )


def _covering(ranked: list[RankedPartner], result: ConsortiaResult | None,
              labels: _Labels) -> dict[str, tuple[tuple[Capability, Organisation | OutsidePartner], ...]]:
    """For each domain-level need, the capabilities of the partners proposed (ranked, then in teams) under it,
    each (capability, partner) once."""
    members = [(m.candidate, m.brings) for team in (result.teams if result else ()) for m in team.members]
    covering: dict[str, dict] = {}
    for partner, brings in [*((p.candidate, p.brings) for p in ranked), *members]:
        for contribution in brings:
            for code in contribution.covered_by:
                if code in labels.capabilities:
                    pair = (labels.capabilities[code], labels.organisations[partner.id])
                    covering.setdefault(contribution.code, {})[pair] = None
    return {code: tuple(pairs) for code, pairs in covering.items()}


def _ordered(needs: Collection[Need]) -> list[Need]:
    return sorted(needs, key=lambda need: not need.must_have)


def _held(candidate: Candidate, code: str) -> str:
    holding = candidate.holdings.get(code)
    return holding.level if holding else ""


def _labels_for(candidate: Candidate, gap: Gap, ranked: list[RankedPartner], result: ConsortiaResult | None,
                rules: Rules) -> _Labels:
    codes = {*gap.must_haves, *gap.nice_to_haves}
    certifications = set(gap.required_certifications)
    ids = {candidate.id, *rules.excluded}
    for partner in ranked:
        codes.update(partner.reciprocity)
        codes.update(code for c in partner.brings for code in c.covered_by)
        codes.update(m.code for m in partner.materials if m.source == EVIDENCE)
        certifications.update(m.code for m in partner.materials if m.source == CERTIFICATION)
        ids.add(partner.candidate.id)
    if result is not None:
        codes.update(code for team in result.teams for m in team.members for c in m.brings for code in c.covered_by)
        codes.update(result.nobody_has)
        certifications.update(result.nobody_certified)
        ids.update(m.candidate.id for team in result.teams for m in team.members)
        ids.update(pk for s in result.suggestions if isinstance(s.value, tuple) for pk in s.value)
    return _Labels(codes, certifications, ids)


def _introductions(opportunity: Opportunity | None, partner_ids: list) -> dict[int, Introduction]:
    """The opportunity's introductions to these partners: members only (an outside partner has none here)."""
    if opportunity is None or opportunity.pk is None:
        return {}
    members = [pk for pk in partner_ids if engine.is_member_id(pk)]
    return {i.partner_id: i for i in opportunity.introductions.filter(partner__in=members)}


def _card(partner: RankedPartner, initiator: Candidate, labels: _Labels,
          introduction: Introduction | None) -> PartnerCard:
    shared = len(partner.overlap)
    return PartnerCard(
        organisation=labels.organisations[partner.candidate.id],
        score=round(partner.score, 4),
        brings=labels.brought(partner.brings),
        adds_certifications=labels.certification_rows(partner.adds_certifications),
        gives_back=labels.capability_rows(partner.reciprocity),
        shared_core=shared,
        initiator_core=len(initiator.core_codes),
        overlap_share=round(partner.overlap_share, 4),
        competition=competition(shared, partner.overlap_share),
        introduction=introduction,
        material_reasons=tuple(explain.material_reasons(partner.materials, labels.capabilities,
                                                        labels.certifications)),
    )


def _consortia(result: ConsortiaResult, labels: _Labels) -> Consortia:
    teams = tuple(
        TeamRow(
            members=tuple(TeamMemberRow(labels.organisations[m.candidate.id], labels.brought(m.brings),
                                        labels.certification_rows(m.certifications), m.overlap)
                          for m in team.members),
            secondary_only=labels.capability_rows(team.secondary_only),
            status=team.status, gap=team.gap, partners_lower_bound=team.partners_lower_bound,
        )
        for team in result.teams
    )
    suggestions = tuple(Suggestion(s.rules, explain.relaxation(s.rules, s.value, labels.organisations))
                        for s in result.suggestions)
    return Consortia(
        status=result.status, teams=teams,
        nobody_has=labels.capability_rows(result.nobody_has),
        nobody_certified=labels.certification_rows(result.nobody_certified),
        suggestions=suggestions,
        kept_at_initiator_level=labels.capability_rows(result.kept_at_initiator_level),
        seconds=result.seconds,
    )


def opportunity_needs(opportunity: Opportunity) -> list[Need]:
    return [Need(code, must) for code, must in opportunity.needs.values_list("capability__code", "must_have")]


def analyse_opportunity(*, user, opportunity: Opportunity, rules: Rules) -> Analysis:
    """The answer for a saved opportunity: its confirmed needs and required certifications."""
    return analyse_needs(
        user=user, initiator=opportunity.initiator, needs=opportunity_needs(opportunity),
        required_certifications=list(opportunity.required_certifications.values_list("code", flat=True)),
        rules=rules, opportunity=opportunity, materials=opportunity.materials)

