"""Ranked partners: who brings what is missing, what it gets back, and how much it competes."""

from dataclasses import replace

import pytest

from matching.gap import analyse_gap
from matching.partners import CERTIFICATION, EVIDENCE, Holding, MaterialMention, Need, PartnerIndex
from matching.ranking import rank_partners

from .organisations import org

INITIATOR = org("init", kind="tier2", size_band="500-999", core=["machining", "grinding"])
NEEDS = [Need("machining"), Need("composites"), Need("ndt"), Need("painting", must_have=False)]


def ids(ranking):
    return [partner.candidate.id for partner in ranking]


def rank(candidates, needs=NEEDS, certifications=(), **options):
    gap = analyse_gap(INITIATOR, needs, certifications)
    return rank_partners(INITIATOR, gap, PartnerIndex.build(candidates), **options)


def test_a_partner_covering_the_whole_gap_ranks_above_one_covering_part_of_it():
    ranking = rank([org("half", core=["composites"]), org("whole", core=["composites", "ndt"])])

    assert ids(ranking) == ["whole", "half"]


def test_core_level_ranks_above_secondary_level_for_the_same_competency():
    ranking = rank([org("secondary", secondary=["composites"]), org("core", core=["composites"])])

    assert ids(ranking) == ["core", "secondary"]
    assert ranking[0].parts.must_have == pytest.approx(2 * ranking[1].parts.must_have)


def test_each_partner_says_what_it_brings_at_which_level_and_with_what_evidence():
    partner = rank([org("p", core=["composites"], secondary=["painting"], certifications=["nadcap-ndt"])],
                   certifications={"nadcap-ndt"})[0]

    assert [(b.code, b.level, b.evidence, b.must_have) for b in partner.brings] == [
        ("composites", "core", "p does composites", True),
        ("painting", "secondary", "p also does painting", False),
    ]
    assert partner.adds_certifications == ("nadcap-ndt",)


def test_reciprocity_lists_what_the_initiator_brings_back_and_breaks_ties():
    ranking = rank([org("takes", core=["composites"]),
                    org("gives", core=["composites"], needs=["grinding", "welding"])])

    assert ids(ranking) == ["gives", "takes"]
    assert ranking[0].reciprocity == ("grinding",)
    assert ranking[1].reciprocity == ()


def test_a_competitor_is_penalised_and_its_overlap_is_shown():
    ranking = rank([org("rival", core=["composites", "machining", "grinding"]),
                    org("complement", core=["composites", "welding"])])

    assert ids(ranking) == ["complement", "rival"]
    rival = ranking[1]
    assert rival.overlap == ("grinding", "machining")
    assert rival.overlap_share == pytest.approx(2 / 3)
    assert rival.parts.overlap_penalty < 0


def test_the_score_is_the_sum_of_its_parts():
    partner = rank([org("p", core=["composites", "machining"], secondary=["ndt"], needs=["grinding"])])[0]

    parts = partner.parts
    assert partner.score == pytest.approx(parts.must_have + parts.nice_to_have + parts.certifications
                                          + parts.reciprocity + parts.overlap_penalty)


def test_organisations_bringing_nothing_missing_the_initiator_and_excluded_ones_are_not_ranked():
    candidates = [INITIATOR, org("nothing", core=["machining"]), org("excluded", core=["ndt"]),
                  org("useful", core=["ndt"])]

    assert ids(rank(candidates, exclude={"excluded"})) == ["useful"]


def test_when_going_alone_only_partners_for_the_nice_to_haves_are_listed():
    ranking = rank([org("painter", core=["painting"]), org("grinder", core=["grinding"])],
                   needs=[Need("machining"), Need("painting", must_have=False)])

    assert ids(ranking) == ["painter"]
    assert ranking[0].parts.must_have == 0


def test_top_k_cuts_the_list_and_a_plain_list_of_candidates_gives_the_same_ranking():
    candidates = [org(f"p{i}", core=["composites"] + (["ndt"] if i % 2 else [])) for i in range(10)]
    gap = analyse_gap(INITIATOR, NEEDS)

    ranking = rank_partners(INITIATOR, gap, candidates, top_k=3)

    assert ids(ranking) == ["p1", "p3", "p5"]
    assert ids(ranking) == ids(rank_partners(INITIATOR, gap, PartnerIndex.build(candidates), top_k=3))


def test_a_partner_naming_the_opportunitys_material_in_its_evidence_ranks_higher_and_says_where():
    plain = org("plain", core=["composites"])
    titanium = org("titanium", core=["composites"])
    titanium = replace(titanium, holdings={"composites": Holding("composites", "core", "Brackets en titane TA6V")})

    ranking = rank([plain, titanium], materials=["titanium"])

    assert ids(ranking) == ["titanium", "plain"]
    assert ranking[0].materials == (MaterialMention("titanium", EVIDENCE, "composites"),)
    assert ranking[0].parts.materials > 0 and ranking[1].parts.materials == 0
    assert ranking[1].materials == ()


def test_a_certification_scope_naming_the_material_counts_too():
    scoped = replace(org("scoped", core=["ndt"], certifications=["nadcap"]),
                     certification_scopes={"nadcap": "Heat treating of Inconel and titanium alloys"})

    ranking = rank([org("plain", core=["ndt"]), scoped], materials=["inconel"])

    assert ids(ranking) == ["scoped", "plain"]
    assert ranking[0].materials == (MaterialMention("inconel", CERTIFICATION, "nadcap"),)


def test_a_material_is_a_preference_never_a_filter_nor_above_a_better_coverage():
    better = org("better", core=["composites", "ndt"])
    named = replace(org("named", core=["composites"]),
                    holdings={"composites": Holding("composites", "core", "titanium and carbon fibre")})
    nothing = replace(org("nothing", core=["welding"]),
                      holdings={"welding": Holding("welding", "core", "titanium welding")})

    ranking = rank([named, better, nothing], materials=["titanium", "carbon-fibre"])

    assert ids(ranking) == ["better", "named"]  # one who brings nothing is not ranked for its material
    assert rank([named, better])[1].candidate.id == "named"  # no material: ranked all the same


def test_a_domain_need_says_which_of_the_partners_capabilities_cover_it():
    holdings = {"ndt-pt": Holding("ndt-pt", "core", "", "ndt"), "ndt-ut": Holding("ndt-ut", "core", "", "ndt"),
                "ndt": Holding("ndt", "secondary")}
    partner = replace(org("p"), holdings=holdings)

    brought = rank([partner])[0].brings

    assert [(b.code, b.covered_by) for b in brought] == [("ndt", ("ndt-pt", "ndt-ut"))]
