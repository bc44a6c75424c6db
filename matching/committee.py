"""The committee's reading of a call's evaluations: each evaluator's weighted score, the mean, the spread between
evaluators, whether they agree, the ranking and how far the envelope goes down it.

Pure Python on plain data (Decimal in, Decimal out: money and scores are never floats); the programs app reads
the scores from the database and stores nothing from here.

The weighted score of one evaluation is on a scale of 100, whatever the grid:

    score = 100 × Σ weight × value / Σ weight × max_score

so that 100 means every criterion at its maximum, grids with different maxima or weights read alike, and the
call's passing score is a number of points out of 100. A criterion the evaluator left unscored counts 0 (an
evaluation is submitted complete; a partial one is not read). The mean is the plain mean of the evaluators'
scores; the spread is max − min between them, flagged as large from LARGE_SPREAD points (a fifth of the scale:
two evaluators one "good" and one "weak" apart). The evaluators agree when all of them made the same
recommendation (fund, or do not fund); one evaluator alone neither agrees nor disagrees.

The ranking: the highest mean first; between equal means, the smaller spread (the steadier judgement), then
the smaller amount asked, then the key (a stable order). The amount asked is added down the ranking, over the
rows still to decide only (the decided ones are already in the committed total or out), and each row says
whether that cumulative amount still fits in what remains of the envelope.
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

SCALE = Decimal(100)
LARGE_SPREAD = Decimal(20)
POINT = Decimal("0.01")

AGREE = "agree"
DISAGREE = "disagree"
SINGLE = "single"


@dataclass(frozen=True)
class Criterion:
    key: Hashable
    weight: Decimal
    max_score: int


@dataclass(frozen=True)
class Evaluation:
    """One evaluator's submitted scores ({criterion key: value}) and recommendation."""

    evaluator: Hashable
    scores: dict
    recommendation: str = ""


@dataclass(frozen=True)
class Candidate:
    """An application as the committee ranks it: its key, the amount asked and its submitted evaluations."""

    key: Hashable
    amount: Decimal
    evaluations: tuple[Evaluation, ...]


@dataclass(frozen=True)
class Row:
    """A ranked application: each evaluator's weighted score (in the candidate's order), their mean and spread,
    whether the evaluators agree, whether the mean meets the passing score, and the cumulative amount asked down
    the ranking (None for a row not counted) and whether it fits in the remaining envelope."""

    rank: int
    key: Hashable
    amount: Decimal
    scores: tuple[tuple[Hashable, Decimal], ...]
    mean: Decimal
    spread: Decimal
    large_spread: bool
    agreement: str
    passes: bool | None
    cumulative: Decimal | None = None
    within_envelope: bool | None = None
    recommendations: tuple[str, ...] = field(default_factory=tuple)


def _points(value: Decimal) -> Decimal:
    return value.quantize(POINT, rounding=ROUND_HALF_UP)


def weighted_score(criteria: Iterable[Criterion], scores: dict) -> Decimal:
    """One evaluation on the scale of 100 (see the module's docstring), to two decimals."""
    criteria = list(criteria)
    top = sum((c.weight * c.max_score for c in criteria), Decimal(0))
    if not top:
        return Decimal("0.00")
    got = sum((c.weight * Decimal(scores.get(c.key, 0)) for c in criteria), Decimal(0))
    return _points(SCALE * got / top)


def agreement(recommendations: Iterable[str]) -> str:
    """AGREE when every evaluator recommends the same, DISAGREE otherwise, SINGLE for one evaluator alone."""
    given = [r for r in recommendations if r]
    if len(given) < 2:
        return SINGLE
    return AGREE if len(set(given)) == 1 else DISAGREE


def assess(candidate: Candidate, criteria: Iterable[Criterion], passing_score: Decimal | None,
           large_spread: Decimal = LARGE_SPREAD) -> Row:
    """A candidate's figures, not yet ranked (rank 0). A candidate without evaluations has mean and spread 0."""
    criteria = list(criteria)
    scores = tuple((e.evaluator, weighted_score(criteria, e.scores)) for e in candidate.evaluations)
    values = [value for _evaluator, value in scores]
    mean = _points(sum(values, Decimal(0)) / len(values)) if values else Decimal("0.00")
    spread = max(values) - min(values) if values else Decimal("0.00")
    recommendations = tuple(e.recommendation for e in candidate.evaluations)
    return Row(rank=0, key=candidate.key, amount=candidate.amount, scores=scores, mean=mean, spread=spread,
               large_spread=spread >= large_spread, agreement=agreement(recommendations),
               passes=None if passing_score is None else mean >= passing_score, recommendations=recommendations)


def rank(candidates: Iterable[Candidate], criteria: Iterable[Criterion], *, passing_score: Decimal | None,
         remaining: Decimal, counted: Callable[[Hashable], bool] = lambda key: True,
         large_spread: Decimal = LARGE_SPREAD) -> list[Row]:
    """The candidates ranked (see the module's docstring), ranks from 1; the amount asked is added down the
    ranking over the rows `counted` says are still to decide, and compared with `remaining`."""
    criteria = list(criteria)
    rows = sorted((assess(c, criteria, passing_score, large_spread) for c in candidates),
                  key=lambda row: (-row.mean, row.spread, row.amount, str(row.key)))
    ranked, total = [], Decimal("0.00")
    for position, row in enumerate(rows, 1):
        cumulative = within = None
        if counted(row.key):
            total += row.amount
            cumulative, within = total, total <= remaining
        ranked.append(replace(row, rank=position, cumulative=cumulative, within_envelope=within))
    return ranked
