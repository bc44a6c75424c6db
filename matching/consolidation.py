"""Companies so close in competencies, size and region that a merger or an alliance would make sense.

Pairs of companies sharing at least a share of their core competencies (the Jaccard index of
matching.partners), in the same region, of the same or an adjacent size band. Starts from the cluster's
competitor graph (one sparse product, cached with the PartnerIndex), so a 5,000-organisation cluster is not
a Python loop over every pair.

Plain data in and out: rows of the index; the partnering app turns them back into organisations.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from matching.partners import DEFAULT_COMPETITOR_THRESHOLD, PartnerIndex, size_ranks

CONSOLIDATION_SHARE = 0.6  # share of the two members' core competencies both hold (matching.partners)
CONSOLIDATION_MIN_SHARED = 2  # one competency in common is a coincidence, not a business to merge


@dataclass(frozen=True)
class PairRow:
    """Two rows of the index, how many core competencies both hold and what share of their union it is."""

    first: int
    second: int
    shared: int
    share: float


def close_pairs(index: PartnerIndex, size_bands: Sequence[str], threshold: float = CONSOLIDATION_SHARE,
                limit: int = 50) -> list[PairRow]:
    """Pairs of companies sharing at least `threshold` of their core competencies, in the same region, of the
    same or an adjacent size band (`size_bands`: every band, smallest first); the closest first.

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
    sizes = size_ranks(index.candidates, size_bands)
    keep = ((shared >= CONSOLIDATION_MIN_SHARED) & (share >= threshold - 1e-9)
            & (index.regions[first] == index.regions[second]) & (index.regions[first] != "")
            & (sizes[first] >= 0) & (sizes[second] >= 0) & (np.abs(sizes[first] - sizes[second]) <= 1)
            & ~index.is_research[first] & ~index.is_research[second])
    first, second, shared, share = first[keep], second[keep], shared[keep], share[keep]
    order = np.lexsort((-shared, -share))[:limit]
    return [PairRow(int(first[i]), int(second[i]), int(shared[i]), float(share[i])) for i in order]
