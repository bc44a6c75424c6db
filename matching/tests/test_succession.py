"""Who could take a seller over: coverage of its core competencies first, then a larger size, then its region."""

from matching.partners import PartnerIndex
from matching.succession import rank_acquirers

from .organisations import SIZE_BANDS, org


def test_acquirers_rank_by_coverage_then_larger_size_then_same_region():
    seller = org("seller", core=["a", "b", "c", "d"], size_band="10-49", region="06")
    index = PartnerIndex.build([
        seller,
        org("small-same", core=["a", "b", "c", "d"], size_band="1-9", region="06"),
        org("large-far", core=["a", "b", "c"], secondary=["d"], size_band="200-499", region="03"),
        org("large-near", core=["a", "b", "c", "d"], size_band="50-199", region="06"),
        org("large-two", core=["a", "b", "x"], size_band="1000+", region="06"),
        org("university", core=["a", "b", "c", "d"], kind="university", size_band="1000+"),
        org("unrelated", core=["x", "y"], size_band="1000+"),
    ])
    ranked = rank_acquirers(index, seller, SIZE_BANDS)
    names = [index.candidates[row.row].id for row in ranked]
    assert names == ["large-near", "large-far", "small-same", "large-two"]
    near, far = ranked[0], ranked[1]
    assert near.covered == ("a", "b", "c", "d") and near.covered_core == 4 and near.larger and near.same_region
    assert far.covered_core == 3 and far.larger and not far.same_region


def test_acquirers_are_cut_to_the_limit_and_a_seller_without_core_competencies_has_none():
    seller = org("seller", core=["a"])
    index = PartnerIndex.build([seller, *(org(f"c{n}", core=["a"]) for n in range(15))])
    assert len(rank_acquirers(index, seller, SIZE_BANDS)) == 10
    assert rank_acquirers(index, org("empty", secondary=["a"]), SIZE_BANDS) == []
