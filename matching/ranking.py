"""Who brings what the initiator lacks: partners ranked by an explainable score.

A partner's score adds what it brings and subtracts what makes it risky, each part kept so that the page
can say why a partner is where it is:

- must-have: the share of the must-have gap it covers, a secondary-level holding counting for
  `secondary_credit` of a core one;
- nice-to-have: the same over the nice-to-haves the initiator lacks at core level;
- certifications: the share of the missing required certifications it holds;
- reciprocity: the initiator's core competencies that the partner declared it needs (a partnership that
  serves both sides lasts), up to `reciprocity_cap` of them;
- overlap: minus the share of the two organisations' core competencies that both hold (competitor risk);
- materials: the share of the opportunity's materials (titanium, Inconel… read by matching.mentions) that the
  partner names in its capability evidence or certification scopes. A preference, never a filter: it only
  reorders partners that bring something, and weighs less than one must-have of a five-need gap.

The default weights make the must-have gap weigh most; `ScoreWeights` lets a caller change them.
Everything is computed for all candidates at once on a `PartnerIndex`; explanations are built for the
shortlist only.
"""

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .gap import Gap
from .partners import CORE, LEVEL_VALUE, SECONDARY, Candidate, MaterialMention, PartnerIndex


@dataclass(frozen=True)
class ScoreWeights:
    must_have: float = 1.0
    nice_to_have: float = 0.3
    certifications: float = 0.3
    reciprocity: float = 0.1
    overlap: float = 0.2
    materials: float = 0.15
    secondary_credit: float = 0.5
    reciprocity_cap: int = 3


@dataclass(frozen=True, slots=True)
class Contribution:
    """A competency of the gap that the partner holds, at which level, with its evidence. For a domain-level
    need ("any NDT method"), `covered_by` names the partner's capabilities under that domain."""

    code: str
    level: str
    evidence: str
    must_have: bool
    covered_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoreParts:
    must_have: float
    nice_to_have: float
    certifications: float
    reciprocity: float
    overlap_penalty: float  # zero or negative
    materials: float = 0.0

    @property
    def total(self) -> float:
        return (self.must_have + self.nice_to_have + self.certifications + self.reciprocity + self.overlap_penalty
                + self.materials)


@dataclass(frozen=True)
class RankedPartner:
    candidate: Candidate
    brings: tuple[Contribution, ...]
    adds_certifications: tuple[str, ...]
    reciprocity: tuple[str, ...]  # the initiator's core competencies this partner declared it needs
    overlap: tuple[str, ...]  # competencies both hold at core level
    overlap_share: float  # share of the two organisations' core competencies that both hold
    parts: ScoreParts
    materials: tuple[MaterialMention, ...] = ()  # where it names the opportunity's materials

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
                  exclude: Collection[Hashable] = (), materials: Collection[str] = ()) -> list[RankedPartner]:
    """The `top_k` candidates that bring something the initiator lacks, best first.

    Only candidates that bring at least one missing competency or certification are ranked; among them, those
    naming the opportunity's `materials` (codes of matching.mentions.MATERIALS) are preferred. Ties go to the
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
    rows = np.flatnonzero(_eligible_rows(index, initiator, exclude) & ((must + nice + certifications) > 0))
    materials = tuple(dict.fromkeys(materials))
    named = index.materials_named(rows.tolist(), materials)

    parts = np.stack([weights.must_have * must, weights.nice_to_have * nice,
                      weights.certifications * certifications, weights.reciprocity * reciprocity,
                      -weights.overlap * overlap_share, weights.materials * named], axis=1)
    score = parts.sum(axis=1)
    order = np.lexsort((rows, overlap_share[rows], -score[rows]))[:top_k]
    return [_explain(index, row, initiator, gap, ScoreParts(*parts[row].tolist()), float(overlap_share[row]),
                     materials)
            for row in rows[order]]


def covered_by(candidate: Candidate, code: str) -> tuple[str, ...]:
    """The candidate's capabilities under `code` when it is a domain (empty for a capability)."""
    return tuple(sorted(c for c, holding in candidate.holdings.items() if holding.domain == code and c != code))


def _explain(index: PartnerIndex, row: int, initiator: Candidate, gap: Gap, parts: ScoreParts,
             overlap_share: float, materials: Collection[str]) -> RankedPartner:
    candidate = index.candidates[row]
    brings = tuple(
        Contribution(code, candidate.holdings[code].level, candidate.holdings[code].evidence, must_have,
                     covered_by(candidate, code))
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
        materials=tuple(m for m in index.material_mentions(row) if m.material in materials) if materials else (),
    )
