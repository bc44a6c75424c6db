"""Minimal consortia on hand-made cases: what the user expects of each rule, and of impossible requests."""

from matching.consortia import Relaxation, Rules, SolveStatus, find_consortia
from matching.gap import analyse_gap
from matching.partners import Need, PartnerIndex

from .organisations import org

INITIATOR = org("init", kind="tier2", size_band="500-999", region="06", core=["machining", "grinding"])
NO_RULES = Rules()


def solve(candidates, needs, rules=NO_RULES, certifications=(), initiator=INITIATOR, n=3, **options):
    gap = analyse_gap(initiator, [Need(code) for code in needs], certifications)
    return find_consortia(initiator, gap, PartnerIndex.build(candidates), rules, n=n, **options)


def teams(result):
    return [sorted(member.candidate.id for member in team.members) for team in result.teams]


def test_an_initiator_that_can_go_alone_needs_no_partner():
    result = solve([org("a", core=["composites"])], ["machining", "grinding"])

    assert result.status == SolveStatus.OPTIMAL
    assert teams(result) == [[]]


def test_one_partner_that_fills_the_whole_gap_is_the_best_team():
    candidates = [org("composites", core=["composites"]), org("ndt", core=["ndt"]),
                  org("both", core=["composites", "ndt"])]

    result = solve(candidates, ["machining", "composites", "ndt"])

    assert teams(result)[0] == ["both"]
    assert result.teams[0].status == SolveStatus.OPTIMAL
    assert result.teams[0].partners_lower_bound == 1


def test_two_partners_when_no_one_covers_the_gap_alone_and_alternatives_are_distinct():
    candidates = [org("c1", core=["composites"]), org("c2", core=["composites"]), org("n1", core=["ndt"])]

    result = solve(candidates, ["composites", "ndt"])

    assert sorted(teams(result)) == [["c1", "n1"], ["c2", "n1"]]
    covered = result.teams[0].members
    assert {b.code for member in covered for b in member.brings} == {"composites", "ndt"}


def test_fewest_partners_first_then_least_overlap_then_core_level():
    candidates = [
        org("rival", core=["composites", "ndt", "machining"]),  # one partner, but overlaps the initiator
        org("weak", secondary=["composites", "ndt"]),  # one partner, no overlap, secondary level only
        org("c", core=["composites"]), org("n", core=["ndt"]),  # two partners at core level
    ]

    result = solve(candidates, ["composites", "ndt"])

    assert teams(result) == [["weak"], ["rival"], ["c", "n"]]
    assert result.teams[0].secondary_only == ("composites", "ndt")
    assert result.teams[1].overlap == 1


def test_the_sme_rule_forces_a_different_team():
    candidates = [org("big", kind="tier1", size_band="1000+", core=["composites", "ndt"]),
                  org("small", kind="sme", core=["ndt"]), org("c", kind="tier1", size_band="1000+",
                                                               core=["composites"])]

    assert teams(solve(candidates, ["composites", "ndt"]))[0] == ["big"]
    result = solve(candidates, ["composites", "ndt"], Rules(at_least_one_sme=True))
    assert sorted(teams(result)) == [["big", "small"], ["c", "small"]]


def test_the_sme_rule_is_met_by_an_sme_initiator():
    initiator = org("init", kind="sme", core=["machining"])

    result = solve([org("big", kind="prime", size_band="1000+", core=["composites"])], ["composites"],
                   Rules(at_least_one_sme=True), initiator=initiator)

    assert teams(result) == [["big"]]


def test_the_research_rule_brings_in_a_university_or_research_centre():
    candidates = [org("shop", core=["composites", "ndt"]), org("uni", kind="university", core=["ndt"])]

    result = solve(candidates, ["composites", "ndt"], Rules(at_least_one_research=True))

    assert teams(result)[0] == ["shop", "uni"]


def test_the_region_rule_wants_one_team_member_in_the_region():
    candidates = [org("montreal", region="06", core=["composites"]), org("quebec", region="03", core=["composites"])]

    assert teams(solve(candidates, ["composites"], Rules(required_region="03")))[0] == ["quebec"]
    # An initiator in the region meets the rule itself: any partner will do.
    assert sorted(teams(solve(candidates, ["composites"], Rules(required_region="06")))) == [["montreal"], ["quebec"]]


def test_excluded_organisations_are_never_proposed():
    candidates = [org("best", core=["composites", "ndt"]), org("c", core=["composites"]), org("n", core=["ndt"])]

    result = solve(candidates, ["composites", "ndt"], Rules(excluded=frozenset({"best"})))

    assert teams(result) == [["c", "n"]]


def test_no_two_competitors_by_declaration_or_by_shared_core_competencies():
    candidates = [
        org("declared", core=["composites"], competitor_of=["n1"]),
        org("c2", core=["composites", "welding", "painting"]),
        org("n1", core=["ndt"]),
        org("n2", core=["ndt", "welding", "painting"]),  # shares 2 of 4 core competencies with c2
        org("initiators-rival", core=["composites", "ndt", "machining", "grinding"]),
    ]
    rules = Rules(no_two_competitors=True, competitor_threshold=0.5)

    result = solve(candidates, ["composites", "ndt"], rules)

    assert sorted(teams(result)) == [["c2", "n1"], ["declared", "n2"]]


def test_a_must_have_that_no_member_has_is_named():
    result = solve([org("c", core=["composites"])], ["composites", "hypersonics"])

    assert result.status == SolveStatus.INFEASIBLE
    assert result.nobody_has == ("hypersonics",)
    assert result.teams == ()


def test_a_certification_that_no_member_holds_is_named():
    result = solve([org("c", core=["composites"], certifications=["as9100"])], ["composites"],
                   certifications={"as9100", "nadcap-composites"})

    assert result.nobody_certified == ("nadcap-composites",)
    assert not result.feasible


def test_a_required_certification_is_brought_by_a_partner():
    candidates = [org("c", core=["composites"]), org("certified", core=["composites"], certifications=["nadcap-ndt"])]

    result = solve(candidates, ["composites"], certifications={"nadcap-ndt"})

    assert teams(result) == [["certified"]]
    assert result.teams[0].members[0].certifications == ("nadcap-ndt",)


def test_too_small_a_team_size_suggests_the_size_that_works():
    candidates = [org("c", core=["composites"]), org("n", core=["ndt"]), org("w", core=["welding"])]

    result = solve(candidates, ["composites", "ndt", "welding"], Rules(max_size=2, at_least_one_sme=True))

    assert result.status == SolveStatus.INFEASIBLE
    assert result.nobody_has == ()
    assert result.suggestions == (Relaxation(("max_size",), 3),)


def test_rules_that_block_every_team_are_suggested_for_relaxation():
    candidates = [org("uni", kind="university", core=["composites"], region="03"),
                  org("shop", core=["composites"], region="05")]

    rules = Rules(max_size=1, at_least_one_research=True, required_region="05", excluded=frozenset({"other"}))

    result = solve(candidates, ["composites"], rules)

    assert not result.feasible
    assert set(result.suggestions) == {Relaxation(("max_size",), 2), Relaxation(("at_least_one_research",)),
                                       Relaxation(("required_region",))}


def test_excluding_the_only_holder_suggests_reconsidering_the_exclusion():
    result = solve([org("only", core=["composites"])], ["composites"], Rules(excluded=frozenset({"only"})))

    assert result.nobody_has == ()
    assert result.suggestions == (Relaxation(("excluded",), ("only",)),)


def test_a_weak_must_have_nobody_else_holds_stays_with_the_initiator():
    initiator = org("init", core=["machining"], secondary=["ndt"])

    result = solve([org("c", core=["composites"])], ["machining", "ndt", "composites"], initiator=initiator)

    assert result.kept_at_initiator_level == ("ndt",)
    assert teams(result) == [["c"]]


def test_with_no_time_left_a_team_found_without_the_solver_is_shown_with_its_gap():
    candidates = [org("c", secondary=["composites"]), org("c2", core=["composites", "machining"]),
                  org("n", core=["ndt"]), org("r", core=["radar"])]

    result = solve(candidates, ["composites", "ndt", "radar"], n=1, time_limit=0)

    assert result.status == SolveStatus.FEASIBLE  # three partners, the fewest possible, one at secondary level
    assert teams(result) == [["c", "n", "r"]]
    assert result.teams[0].gap == 1.0
    assert result.teams[0].partners_lower_bound == 3


def test_teams_of_one_or_two_are_proven_by_trying_them_all_even_with_no_time_left():
    candidates = [org("rival", core=["composites", "ndt", "machining"]), org("c", core=["composites"]),
                  org("n", core=["ndt"])]

    result = solve(candidates, ["composites", "ndt"], time_limit=0)

    assert teams(result)[0] == ["rival"]
    assert result.teams[0].status == SolveStatus.OPTIMAL


def test_with_no_time_left_a_team_that_meets_every_bound_is_proven_without_the_solver():
    result = solve([org("c", core=["composites"])], ["composites"], time_limit=0)

    assert result.status == SolveStatus.OPTIMAL
    assert teams(result) == [["c"]]


def test_no_time_left_and_no_team_found_says_the_answer_is_unknown():
    # The greedy start takes "both" (it brings two of the three), whose competitors hold the third.
    candidates = [org("both", core=["composites", "ndt"], competitor_of=["r1", "r2"]), org("c", core=["composites"]),
                  org("n", core=["ndt"]), org("r1", core=["radar"]), org("r2", core=["radar"])]

    result = solve(candidates, ["composites", "ndt", "radar"], Rules(no_two_competitors=True), n=1, time_limit=0)

    assert result.status == SolveStatus.UNKNOWN
    assert not result.feasible


def test_alternatives_out_of_their_own_time_are_the_teams_found_without_the_solver():
    candidates = [org("c1", core=["composites"]), org("c2", core=["composites", "machining"]),
                  org("n1", core=["ndt"]), org("n2", core=["ndt", "grinding"]), org("n3", secondary=["ndt"])]

    result = solve(candidates, ["composites", "ndt"], alternative_seconds=0)

    assert teams(result)[0] == ["c1", "n1"]
    assert result.teams[0].status == SolveStatus.OPTIMAL
    assert len({tuple(team) for team in teams(result)}) == 3
    for team in result.teams[1:]:
        assert team.size == 2 and team.partners_lower_bound == 2
        assert team.status == SolveStatus.OPTIMAL or team.gap > 0
