"""Who brings what the initiator lacks: partners ranked by an explainable score.

A partner's score adds what it brings and subtracts what makes it risky, each part kept so that the page
can say why a partner is where it is:

- must-have: the share of the must-have gap it covers, a secondary-level holding counting for
  `secondary_credit` of a core one;
- nice-to-have: the same over the nice-to-haves the initiator lacks at core level;
- certifications: the share of the missing required certifications it holds;
- reciprocity: the initiator's core competencies that the partner declared it needs (a partnership that
  serves both sides lasts), up to `reciprocity_cap` of them;
- overlap: minus the share of the two organisations' core competencies that both hold (competitor risk).

The default weights make the must-have gap weigh most; `ScoreWeights` lets a caller change them.
Everything is computed for all candidates at once on a `PartnerIndex`; explanations are built for the
shortlist only.
"""

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .gap import Gap
from .partners import CORE, LEVEL_VALUE, SECONDARY, Candidate, PartnerIndex


@dataclass(frozen=True)
class ScoreWeights:
    must_have: float = 1.0
    nice_to_have: float = 0.3
    certifications: float = 0.3
    reciprocity: float = 0.1
    overlap: float = 0.2
    secondary_credit: float = 0.5
    reciprocity_cap: int = 3


@dataclass(frozen=True, slots=True)
class Contribution:
    """A competency of the gap that the partner holds, at which level, with its evidence."""

    code: str
    level: str
    evidence: str
    must_have: bool


@dataclass(frozen=True, slots=True)
class ScoreParts:
    must_have: float
    nice_to_have: float
    certifications: float
    reciprocity: float
    overlap_penalty: float  # zero or negative

    @property
    def total(self) -> float:
        return self.must_have + self.nice_to_have + self.certifications + self.reciprocity + self.overlap_penalty


@dataclass(frozen=True)
class RankedPartner:
    candidate: Candidate
    brings: tuple[Contribution, ...]
    adds_certifications: tuple[str, ...]
    reciprocity: tuple[str, ...]  # the initiator's core competencies this partner declared it needs
    overlap: tuple[str, ...]  # competencies both hold at core level
    overlap_share: float  # share of the two organisations' core competencies that both hold
    parts: ScoreParts

    @property
    def score(self) -> float:
        return self.parts.total


def as_index(candidates: PartnerIndex | Iterable[Candidate]) -> PartnerIndex:
    """Accept a prebuilt index (the fast path, reused across analyses) or any list of candidates."""
    return candidates if isinstance(candidates, PartnerIndex) else PartnerIndex.build(candidates)


def _coverage(index: PartnerIndex, codes: Sequence[str], secondary_credit: float) -> np.ndarray:
    """Each candidate's share of these codes, secondary-level holdings counting `secondary_credit`."""
    if not codes:
        return np.zeros(len(index))
    levels = index.level_columns(codes)
    credit = np.where(levels == LEVEL_VALUE[CORE], 1.0, np.where(levels == LEVEL_VALUE[SECONDARY],
                                                                  secondary_credit, 0.0))
    return credit.sum(axis=1) / len(codes)


def _eligible_rows(index: PartnerIndex, initiator: Candidate, exclude: Collection[Hashable]) -> np.ndarray:
    eligible = np.ones(len(index), dtype=bool)
    for excluded_id in (initiator.id, *exclude):
        if excluded_id in index.row_of:
            eligible[index.row_of[excluded_id]] = False
    return eligible


def rank_partners(initiator: Candidate, gap: Gap, candidates: PartnerIndex | Iterable[Candidate],
                  top_k: int = 20, weights: ScoreWeights = ScoreWeights(),
                  exclude: Collection[Hashable] = ()) -> list[RankedPartner]:
    """The `top_k` candidates that bring something the initiator lacks, best first.

    Only candidates that bring at least one missing competency or certification are ranked. Ties go to the
    smaller overlap, then to the index order, so that the ranking is the same every time.
    """
    index = as_index(candidates)
    must = _coverage(index, gap.must_gap, weights.secondary_credit)
    nice = _coverage(index, gap.nice_gap, weights.secondary_credit)
    certifications = (index.certification_columns(gap.missing_certifications).mean(axis=1)
                      if gap.missing_certifications else np.zeros(len(index)))
    initiator_core = sorted(initiator.core_codes)
    wanted_back = index.need_columns(initiator_core).sum(axis=1)
    reciprocity = np.minimum(wanted_back, weights.reciprocity_cap) / max(weights.reciprocity_cap, 1)
    _, overlap_share = index.overlap_share_with(initiator.core_codes)

    parts = np.stack([weights.must_have * must, weights.nice_to_have * nice,
                      weights.certifications * certifications, weights.reciprocity * reciprocity,
                      -weights.overlap * overlap_share], axis=1)
    score = parts.sum(axis=1)
    rows = np.flatnonzero(_eligible_rows(index, initiator, exclude) & ((must + nice + certifications) > 0))
    order = np.lexsort((rows, overlap_share[rows], -score[rows]))[:top_k]
    return [_explain(index.candidates[row], initiator, gap, ScoreParts(*parts[row].tolist()),
                     float(overlap_share[row]))
            for row in rows[order]]


def _explain(candidate: Candidate, initiator: Candidate, gap: Gap, parts: ScoreParts,
             overlap_share: float) -> RankedPartner:
    brings = tuple(
        Contribution(code, candidate.holdings[code].level, candidate.holdings[code].evidence, must_have)
        for codes, must_have in ((gap.must_gap, True), (gap.nice_gap, False))
        for code in codes if code in candidate.holdings
    )
    return RankedPartner(
        candidate=candidate,
        brings=brings,
        adds_certifications=tuple(c for c in gap.missing_certifications if c in candidate.certifications),
        reciprocity=tuple(sorted(initiator.core_codes & set(candidate.needs))),
        overlap=tuple(sorted(initiator.core_codes & candidate.core_codes)),
        overlap_share=overlap_share,
        parts=parts,
    )
