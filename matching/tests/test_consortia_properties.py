"""Properties of the consortia on random small clusters, checked against an enumeration of every team.

The checker below is written from the rules' definitions, independently of the solver: a team is a set of
partners; it is valid when it covers the requirements and respects every rule; the best team is the valid
one with the fewest partners, then the least overlap, then the fewest must-haves held at secondary level
only. On clusters of at most nine candidates every subset can be enumerated.
"""

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.consortia import Rules, SolveStatus, find_consortia
from matching.gap import analyse_gap
from matching.partners import Candidate, Need, PartnerIndex

from .organisations import org

COMPETENCIES = ["a", "b", "c", "d", "e", "f"]
CERTIFICATIONS = ["x", "y"]
KINDS = ["sme", "tier1", "prime", "university", "research", "services"]


LEVELS = st.lists(st.sampled_from([None, None, "core", "secondary"]), min_size=6, max_size=6)
KIND = st.sampled_from(KINDS)
SIZE = st.sampled_from(["10-49", "1000+"])
REGION = st.sampled_from(["03", "06"])
CERTIFIED = st.sets(st.sampled_from(CERTIFICATIONS), max_size=1)
DECLARED_COMPETITOR = st.sets(st.sampled_from([f"p{i}" for i in range(9)] + ["init"]), max_size=1)


@st.composite
def organisations(draw, id):
    levels = draw(LEVELS)
    return org(
        id,
        kind=draw(KIND),
        size_band=draw(SIZE),
        region=draw(REGION),
        core=[code for code, level in zip(COMPETENCIES, levels) if level == "core"],
        secondary=[code for code, level in zip(COMPETENCIES, levels) if level == "secondary"],
        certifications=draw(CERTIFIED),
        competitor_of=draw(DECLARED_COMPETITOR),
    )


@st.composite
def instances(draw):
    count = draw(st.integers(min_value=0, max_value=9))
    candidates = [draw(organisations(f"p{i}")) for i in range(count)]
    initiator = draw(organisations("init"))
    must = draw(st.sets(st.sampled_from(COMPETENCIES), min_size=1, max_size=4))
    nice = draw(st.sets(st.sampled_from(COMPETENCIES), max_size=2))
    needs = [Need(code) for code in sorted(must)] + [Need(code, must_have=False) for code in sorted(nice)]
    certifications = draw(st.sets(st.sampled_from(CERTIFICATIONS), max_size=1))
    rules = Rules(
        max_size=draw(st.sampled_from([None, 1, 2, 3])),
        at_least_one_sme=draw(st.booleans()),
        at_least_one_research=draw(st.booleans()),
        required_region=draw(st.sampled_from([None, "03"])),
        excluded=frozenset(draw(st.sets(st.sampled_from([c.id for c in candidates] or ["none"]), max_size=2))),
        no_two_competitors=draw(st.booleans()),
        competitor_threshold=draw(st.sampled_from([0.34, 0.5, 0.67])),
    )
    return initiator, candidates, needs, certifications, rules


def competitors(a: Candidate, b: Candidate, threshold: float) -> bool:
    if a.id in b.competitor_of or b.id in a.competitor_of:
        return True
    shared, union = len(a.core_codes & b.core_codes), len(a.core_codes | b.core_codes)
    return shared > 0 and shared / union >= threshold


def requirements(initiator, gap, candidates):
    """The must-haves partners must bring and the missing certifications.

    A must-have the initiator holds at secondary level and no one else holds at all stays with the initiator.
    """
    others = [c for c in candidates if c.id != initiator.id]
    competencies = [code for code in gap.must_gap
                    if code not in initiator.holdings or any(code in c.holdings for c in others)]
    return competencies, list(gap.missing_certifications)


def violations(team, initiator, gap, candidates, rules) -> list[str]:
    competencies, certifications = requirements(initiator, gap, candidates)
    broken = []
    for code in competencies:
        if not any(code in partner.holdings for partner in team):
            broken.append(f"{code} not covered")
    for code in certifications:
        if not any(code in partner.certifications for partner in team):
            broken.append(f"{code} not certified")
    for partner in team:
        if not (set(competencies) & set(partner.holdings) or set(certifications) & set(partner.certifications)):
            broken.append(f"{partner.id} brings nothing")
        if partner.id in rules.excluded or partner.id == initiator.id:
            broken.append(f"{partner.id} may not be proposed")
    everyone = [initiator, *team]
    if rules.max_size is not None and len(team) > rules.max_size:
        broken.append("too many partners")
    if rules.at_least_one_sme and not any(member.is_sme for member in everyone):
        broken.append("no SME")
    if rules.at_least_one_research and not any(member.is_research for member in everyone):
        broken.append("no research organisation")
    if rules.required_region and not any(member.region == rules.required_region for member in everyone):
        broken.append("nobody in the region")
    if rules.no_two_competitors:
        for a, b in combinations(everyone, 2):
            if competitors(a, b, rules.competitor_threshold):
                broken.append(f"{a.id} and {b.id} compete")
    return broken


def quality(team, initiator, gap, candidates) -> tuple[int, int, int]:
    competencies, _ = requirements(initiator, gap, candidates)
    overlap = sum(len(partner.core_codes & initiator.core_codes) for partner in team)
    secondary_only = sum(1 for code in competencies if not any(code in p.core_codes for p in team))
    return len(team), overlap, secondary_only


def valid_teams(initiator, gap, candidates, rules) -> list[tuple]:
    others = [c for c in candidates if c.id != initiator.id]
    return [team for size in range(len(others) + 1) for team in combinations(others, size)
            if not violations(team, initiator, gap, candidates, rules)]


def solve(instance, **options):
    initiator, candidates, needs, certifications, rules = instance
    gap = analyse_gap(initiator, needs, certifications)
    return gap, find_consortia(initiator, gap, PartnerIndex.build(candidates), rules, **options)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_every_proposed_consortium_covers_every_must_have_and_respects_every_rule(instance):
    initiator, candidates, _, _, rules = instance
    gap, result = solve(instance)

    for team in result.teams:
        partners = [member.candidate for member in team.members]
        assert violations(partners, initiator, gap, candidates, rules) == []
        assert team.status == SolveStatus.OPTIMAL
    assert len({frozenset(m.candidate.id for m in team.members) for team in result.teams}) == len(result.teams)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_teams_found_without_time_to_prove_them_still_respect_every_rule(instance):
    """With no time for alternatives (or for anything), the teams shown come from the greedy search and its
    swaps, or from trying every team of one or two: unproven, but each must still be a valid team."""
    initiator, candidates, _, _, rules = instance
    for options in ({"alternative_seconds": 0}, {"time_limit": 0}):
        gap, result = solve(instance, **options)
        for team in result.teams:
            partners = [member.candidate for member in team.members]
            assert violations(partners, initiator, gap, candidates, rules) == []
            assert team.status == SolveStatus.OPTIMAL or team.gap > 0
        assert len({frozenset(m.candidate.id for m in team.members) for team in result.teams}) == len(result.teams)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_the_solver_finds_the_best_team_and_a_team_exactly_when_one_exists(instance):
    initiator, candidates, _, _, rules = instance
    gap, result = solve(instance, n=1)
    valid = valid_teams(initiator, gap, candidates, rules)

    assert result.feasible == bool(valid)
    if valid:
        best = min(quality(team, initiator, gap, candidates) for team in valid)
        found = [member.candidate for member in result.teams[0].members]
        assert quality(found, initiator, gap, candidates) == best
    else:
        assert result.status == SolveStatus.INFEASIBLE


@settings(max_examples=200, deadline=None)
@given(instances())
def test_each_alternative_is_the_best_team_containing_none_proposed_before(instance):
    initiator, candidates, _, _, rules = instance
    gap, result = solve(instance, n=3)
    valid = valid_teams(initiator, gap, candidates, rules)

    earlier: list[set] = []
    for team in result.teams:
        allowed = [t for t in valid if not any(ids <= {c.id for c in t} for ids in earlier)]
        partners = [member.candidate for member in team.members]
        assert quality(partners, initiator, gap, candidates) == min(
            quality(t, initiator, gap, candidates) for t in allowed)
        earlier.append({c.id for c in partners})
    remaining = [t for t in valid if not any(ids <= {c.id for c in t} for ids in earlier)]
    assert len(result.teams) == 3 or not remaining


@settings(max_examples=200, deadline=None)
@given(instances())
def test_when_no_team_exists_each_suggested_relaxation_makes_one_possible(instance):
    initiator, candidates, _, _, rules = instance
    gap, result = solve(instance, n=1)

    if result.nobody_has or result.nobody_certified:
        assert valid_teams(initiator, gap, candidates, Rules()) == []
    for suggestion in result.suggestions:
        relaxed = rules
        for name in suggestion.rules:
            relaxed = relaxed.relaxed(name)
        assert valid_teams(initiator, gap, candidates, relaxed)
