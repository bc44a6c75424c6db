"""Who could take a company over when its owner wishes to sell or seeks a successor.

The companies of the cluster holding most of the seller's core competencies (at any level), then larger than
the seller, then in its region; at equal footing, those holding more of them at core level. Universities and
research centres are left out: they do not buy companies. A few column slices and vector operations on the
cluster's PartnerIndex (matching.partners), whatever its size.

Plain data in and out: rows of the index; the partnering app turns them back into organisations and says why.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.partners import Candidate, PartnerIndex, size_ranks


@dataclass(frozen=True)
class AcquirerRow:
    """A plausible acquirer as the index sees it: the seller's core codes it holds, and at core level."""

    row: int
    covered: tuple[str, ...]
    covered_core: int
    larger: bool
    same_region: bool


def rank_acquirers(index: PartnerIndex, seller: Candidate, size_bands: Sequence[str],
                   limit: int = 10) -> list[AcquirerRow]:
    """Companies holding most of the seller's core competencies (at any level), then larger than the seller,
    then in its region; at equal footing, those holding more of them at core level first.

    `size_bands`: every size band, smallest first (a candidate's band not in it is of unknown size).
    Universities and research centres are left out: they do not buy companies.
    """
    codes = sorted(seller.core_codes)
    if not codes or not len(index):
        return []
    levels = index.level_columns(codes)
    covered = (levels > 0).sum(axis=1)
    covered_core = (levels == 2).sum(axis=1)
    sizes = size_ranks(index.candidates, size_bands)
    [seller_size] = size_ranks([seller], size_bands)
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
