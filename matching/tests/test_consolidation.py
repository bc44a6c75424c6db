"""Pairs close enough to merge: most of their core competencies in common, the same region, neighbouring sizes."""

from matching.consolidation import close_pairs
from matching.partners import Candidate, Holding, PartnerIndex

from .organisations import SIZE_BANDS, org


def test_close_pairs_need_overlap_neighbouring_size_and_the_same_region():
    index = PartnerIndex.build([
        org("twin-1", core=["a", "b", "c", "d"], size_band="10-49"),
        org("twin-2", core=["a", "b", "c", "d"], size_band="50-199"),
        org("near", core=["a", "b", "c", "e"], size_band="10-49"),  # 3/5 = 0.6 with each twin
        org("far-away", core=["a", "b", "c", "d"], size_band="10-49", region="03"),
        org("much-larger", core=["a", "b", "c", "d"], size_band="1000+"),
        org("lab", core=["a", "b", "c", "d"], kind="research", size_band="10-49"),
        org("one-in-common", core=["z"], size_band="10-49"),
        org("one-in-common-too", core=["z"], size_band="10-49"),
    ])
    pairs = [(index.candidates[p.first].id, index.candidates[p.second].id, p.shared, round(p.share, 2))
             for p in close_pairs(index, SIZE_BANDS)]
    assert pairs == [("twin-1", "twin-2", 4, 1.0), ("twin-1", "near", 3, 0.6), ("twin-2", "near", 3, 0.6)]


def test_declared_competitors_are_not_close_pairs_unless_they_overlap():
    first = Candidate("a", "a", "sme", "10-49", "06", {c: Holding(c) for c in "abc"}, competitor_of={"b"})
    second = Candidate("b", "b", "sme", "10-49", "06", {c: Holding(c) for c in "xyz"})
    assert close_pairs(PartnerIndex.build([first, second]), SIZE_BANDS) == []


def test_close_pairs_finds_the_planted_twins_among_five_thousand_organisations():
    """At cluster scale (its speed is measured by bench/, not here)."""
    import random

    chooser = random.Random(7)
    codes = [f"c{n}" for n in range(400)]
    sizes, regions = ["1-9", "10-49", "50-199", "200-499"], ["06", "16", "13", "03"]
    candidates = [org(f"o{n}", core=chooser.sample(codes, 20), size_band=chooser.choice(sizes),
                      region=chooser.choice(regions)) for n in range(5000)]
    for n in range(50):  # planted near-twins
        base = candidates[n]
        candidates.append(org(f"twin{n}", core=sorted(base.core_codes)[:18] + ["c0", "c1"],
                              size_band=base.size_band, region=base.region))
    index = PartnerIndex.build(candidates)
    pairs = close_pairs(index, SIZE_BANDS)
    assert len(pairs) == 50 and all(pair.share >= 0.6 for pair in pairs)
