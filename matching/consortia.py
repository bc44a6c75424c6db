"""Minimal teams that, with the initiator, cover every must-have: a set cover solved exactly by HiGHS.

Why HiGHS (highspy) rather than OR-Tools CP-SAT: the problem is a weighted set cover with a few side
constraints, whose linear relaxation is tight, so HiGHS's branch-and-bound proves the optimum in tens of
milliseconds on a few hundred candidates. highspy is one small wheel that needs only numpy (OR-Tools
brings and pins protobuf), reports the proven bound and the gap when the time limit hits, and takes the
rows added to a model already built (the cuts that yield the alternative teams).

What a team must do — the requirements:
- each must-have the initiator lacks at core level (`Gap.must_gap`) is held by at least one partner, at
  any level. A must-have the initiator holds at secondary level and no candidate holds at all stays with
  the initiator (`kept_at_initiator_level`) instead of making every team impossible;
- each required certification the initiator lacks is held by at least one partner;
- each partner brings at least one requirement: nobody joins only to satisfy a rule.

The rules (`Rules`): at most `max_size` partners; at least one SME, one research organisation (university,
college or research centre), one organisation in `required_region` — in the team, the initiator counting,
as a funding call's eligibility reads ("the consortium includes an SME"); excluded organisations are never
proposed; no two direct competitors in the team, the initiator included: competitors are organisations
that declared so (either side) or that share at least `competitor_threshold` of their core competencies.

What "best" means, in this order: fewest partners; then least overlap — the core competencies each partner
shares with the initiator, summed; then fewest must-haves covered only at secondary level. Solved in two
phases (see `_Solver`): the fewest partners, then the best team of that size.

Alternatives: after each optimum, a no-good cut forbids that team and every team containing it, so the
next solve gives the best team that is not the previous one plus someone. The best team may use the whole
time limit; each alternative may be given less (`alternative_seconds`), past which the best alternative found
is shown with its gap. Every solve starts from a team found by a greedy cover and improving swaps (`_Search`),
and teams of one or two partners are proven by trying them all, without the solver.

So that the solver sees a few hundred candidates rather than thousands, candidates dominated by at least
`n` others are left out (see `_dominators`); every team they could be part of has an equal or better
team without them, so the best team over the reduced pool is the best team overall. The best team itself is
sought among the candidates nobody dominates (the same argument with n = 1): half the pool for large gaps.
"""

import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import combinations

import highspy
import numpy as np
from scipy import sparse

from .gap import Gap
from .partners import (
    CORE,
    DEFAULT_COMPETITOR_THRESHOLD,
    LEVEL_VALUE,
    Candidate,
    PartnerIndex,
)
from .ranking import Contribution, as_index, covered_by


@dataclass(frozen=True)
class Rules:
    max_size: int | None = None
    at_least_one_sme: bool = False
    at_least_one_research: bool = False
    required_region: str | None = None
    excluded: frozenset[Hashable] = frozenset()
    no_two_competitors: bool = False
    competitor_threshold: float = DEFAULT_COMPETITOR_THRESHOLD

    def relaxed(self, rule: str) -> "Rules":
        """The same rules without one of them (the relaxations suggested when no team is possible)."""
        cleared = {"max_size": None, "at_least_one_sme": False, "at_least_one_research": False,
                   "required_region": None, "excluded": frozenset(), "no_two_competitors": False}
        return replace(self, **{rule: cleared[rule]})


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven optimal
    FEASIBLE = "feasible"  # the time limit hit: the best team found, with the bound and gap
    INFEASIBLE = "infeasible"  # proven: no team meets the rules
    UNKNOWN = "unknown"  # the time limit hit before any team was found


@dataclass(frozen=True)
class TeamMember:
    candidate: Candidate
    brings: tuple[Contribution, ...]  # the must-have gap competencies it holds
    certifications: tuple[str, ...]  # the missing certifications it holds
    overlap: int  # core competencies it shares with the initiator


@dataclass(frozen=True)
class Team:
    members: tuple[TeamMember, ...]
    secondary_only: tuple[str, ...]  # must-haves no partner holds at core level
    status: SolveStatus
    partners_lower_bound: int  # no team (under this solve's cuts) has fewer partners
    gap: float  # HiGHS's relative gap between this team and the bound; 0 when proven optimal

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def overlap(self) -> int:
        return sum(member.overlap for member in self.members)


@dataclass(frozen=True)
class Relaxation:
    """Rules whose removal makes a team possible. `value`: for max_size, the size that suffices; for
    excluded, the excluded organisations that team needs."""

    rules: tuple[str, ...]
    value: object = None


@dataclass(frozen=True)
class ConsortiaResult:
    status: SolveStatus  # of the search for the first (best) team
    teams: tuple[Team, ...] = ()
    nobody_has: tuple[str, ...] = ()  # must-haves no candidate holds at any level
    nobody_certified: tuple[str, ...] = ()  # required certifications no candidate holds
    suggestions: tuple[Relaxation, ...] = ()
    kept_at_initiator_level: tuple[str, ...] = ()
    pool_size: int = 0  # candidates the solver saw
    seconds: float = 0.0

    @property
    def feasible(self) -> bool:
        return bool(self.teams)


RULE_ORDER = ("max_size", "at_least_one_sme", "at_least_one_research", "required_region", "excluded",
              "no_two_competitors")


@dataclass
class _Problem:
    """The solver's view: the pool of candidates left after reduction and what each brings."""

    index: PartnerIndex
    competencies: tuple[str, ...]  # competency requirements
    certifications: tuple[str, ...]  # certification requirements
    rows: np.ndarray  # index rows of the pool
    covers: np.ndarray  # pool x (competencies + certifications): holds it at any level
    core: np.ndarray  # pool x competencies: holds it at core level
    overlap: np.ndarray  # pool: core competencies shared with the initiator
    at_least_one: list[np.ndarray] = field(default_factory=list)  # one pool mask per "at least one" rule
    competitor_pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    size_cap: int = 0
    dominators: np.ndarray = field(default_factory=lambda: np.zeros(0))  # pool: how many dominate each

    @property
    def requirement_count(self) -> int:
        return len(self.competencies) + len(self.certifications)

    def undominated(self) -> "_Problem":
        """The same problem over the candidates nobody dominates: enough for the best team (see
        `_dominators`), and about half the pool for large gaps."""
        keep = self.dominators < 1
        if keep.all():
            return self
        position = np.cumsum(keep) - 1
        pairs = self.competitor_pairs
        pairs = position[pairs[keep[pairs].all(axis=1)]].reshape(-1, 2)
        return replace(self, rows=self.rows[keep], covers=self.covers[keep], core=self.core[keep],
                       overlap=self.overlap[keep], at_least_one=[mask[keep] for mask in self.at_least_one],
                       competitor_pairs=pairs, size_cap=min(self.size_cap, int(keep.sum())),
                       dominators=self.dominators[keep])

    def positions_of(self, rows: np.ndarray) -> np.ndarray:
        """Pool positions of these index rows (all in the pool)."""
        return np.searchsorted(self.rows, rows)


def find_consortia(initiator: Candidate, gap: Gap, candidates: PartnerIndex | Iterable[Candidate],
                   rules: Rules = Rules(), n: int = 3, time_limit: float = 5.0,
                   alternative_seconds: float | None = None) -> ConsortiaResult:
    """Up to `n` distinct minimal teams of partners that, with the initiator, meet the opportunity's needs.

    Pass the cluster's `PartnerIndex` for teams optimal over the whole cluster; a shortlist gives teams
    optimal over the shortlist. When no team is possible, the result says which must-have or certification
    nobody has, or else which rules to relax. The best team may use all of `time_limit`; each alternative at
    most `alternative_seconds` (None: the time left), past which it is the best found, with its gap.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    index = as_index(candidates)
    holders = _holders(index, initiator, gap)
    if holders["nobody_has"] or holders["nobody_certified"]:
        return ConsortiaResult(SolveStatus.INFEASIBLE, nobody_has=holders["nobody_has"],
                               nobody_certified=holders["nobody_certified"],
                               kept_at_initiator_level=holders["kept"], seconds=time.perf_counter() - started)
    problem = _build_problem(index, initiator, holders["competencies"], gap.missing_certifications, rules, n)
    status, teams = _solve(problem, n, deadline, alternative_seconds)
    suggestions = ()
    if status == SolveStatus.INFEASIBLE:
        suggestions = _suggest_relaxations(index, initiator, holders["competencies"], gap, rules, deadline)
    return ConsortiaResult(status, teams=tuple(teams), suggestions=suggestions,
                           kept_at_initiator_level=holders["kept"], pool_size=len(problem.rows),
                           seconds=time.perf_counter() - started)


def _holders(index: PartnerIndex, initiator: Candidate, gap: Gap) -> dict[str, tuple[str, ...]]:
    """Split the gap by whether anyone but the initiator holds each item, rules aside."""
    others = np.ones(len(index), dtype=bool)
    if initiator.id in index.row_of:
        others[index.row_of[initiator.id]] = False
    held = (index.level_columns(gap.must_gap)[others] > 0).any(axis=0)
    certified = index.certification_columns(gap.missing_certifications)[others].any(axis=0)
    unheld = {code for code, is_held in zip(gap.must_gap, held) if not is_held}
    return {
        "competencies": tuple(code for code in gap.must_gap if code not in unheld),
        "nobody_has": tuple(code for code in gap.must_gap if code in unheld and code in gap.missing_must_haves),
        "kept": tuple(code for code in gap.must_gap if code in unheld and code not in gap.missing_must_haves),
        "nobody_certified": tuple(c for c, ok in zip(gap.missing_certifications, certified) if not ok),
    }


def _build_problem(index: PartnerIndex, initiator: Candidate, competencies: tuple[str, ...],
                   certifications: tuple[str, ...], rules: Rules, n: int) -> _Problem:
    levels = index.level_columns(competencies)
    covers = np.concatenate([levels > 0, index.certification_columns(certifications)], axis=1)
    eligible = np.ones(len(index), dtype=bool)
    for excluded_id in (initiator.id, *rules.excluded):
        if excluded_id in index.row_of:
            eligible[index.row_of[excluded_id]] = False
    if rules.no_two_competitors:
        eligible &= ~index.competitors_of(initiator, rules.competitor_threshold)
    rows = np.flatnonzero(eligible & covers.any(axis=1))
    overlap = index.shared_core_with(initiator.core_codes)[rows]
    at_least_one = _at_least_one_masks(index, initiator, rules, rows)
    core = levels[rows] == LEVEL_VALUE[CORE]
    signature = np.concatenate([covers[rows], core, *(mask[:, None] for mask in at_least_one)], axis=1)
    competitors = index.competitor_matrix(rows, rules.competitor_threshold) if rules.no_two_competitors else None
    dominators = _dominators(signature, overlap, competitors)
    kept = dominators < n
    problem = _Problem(index, competencies, certifications, rows[kept], covers[rows][kept], core[kept],
                       overlap[kept], [mask[kept] for mask in at_least_one], dominators=dominators[kept])
    if competitors is not None:
        pairs = sparse.triu(competitors[kept][:, kept], k=1).tocoo()
        problem.competitor_pairs = np.c_[pairs.row, pairs.col]
    # A minimal team has at most one partner per requirement and per "at least one" rule: each partner is
    # the only one bringing something, or it could leave.
    natural_cap = problem.requirement_count + len(problem.at_least_one)
    problem.size_cap = min(natural_cap if rules.max_size is None else rules.max_size, len(problem.rows))
    return problem


def _at_least_one_masks(index: PartnerIndex, initiator: Candidate, rules: Rules,
                        rows: np.ndarray) -> list[np.ndarray]:
    """One pool mask per "at least one ..." rule the initiator does not already meet."""
    masks = []
    if rules.at_least_one_sme and not initiator.is_sme:
        masks.append(index.is_sme[rows])
    if rules.at_least_one_research and not initiator.is_research:
        masks.append(index.is_research[rows])
    if rules.required_region and initiator.region != rules.required_region:
        masks.append(index.regions[rows] == rules.required_region)
    return masks


def _dominators(signature: np.ndarray, overlap: np.ndarray, competitors: sparse.csr_matrix | None) -> np.ndarray:
    """How many candidates dominate each one; those with `n` dominators or more are left out of the pool.

    j dominates i when j covers every requirement i covers, at least at the same level, meets every rule
    attribute i meets (the signature), has no more overlap with the initiator, and — under the
    no-competitor rule — competes with nobody i does not compete with (or i itself); and when j is strictly
    ahead of i in the order (more signature bits, then less overlap, then position).

    Why dropping them is exact: take the dropped candidates from last to first in that order. When one is in
    a team, its dominators (all ahead of it, so still there) can replace it: the team stays valid and no
    worse. If one of them is already in the team, the dropped one can simply leave (better). For the k-th
    alternative, each of the k - 1 teams already proposed forbids at most one replacement, so one of the `n`
    dominators always fits. Hence the best team, and each alternative, over the reduced pool is the best over
    the whole pool.
    """
    words = _pack(signature)
    if competitors is None:
        return _free_dominators(words, overlap, np.ones(len(overlap), dtype=bool))
    rivals = np.asarray(competitors.sum(axis=1)).ravel()
    return _free_dominators(words, overlap, rivals == 0) + _rival_dominators(words, overlap, competitors, rivals)


def _pack(signature: np.ndarray) -> np.ndarray:
    """Boolean rows as 64-bit words, so that a subset test is a few integer operations."""
    packed = np.packbits(signature, axis=1)
    padded = np.zeros((len(signature), -(-packed.shape[1] // 8) * 8), dtype=np.uint8)
    padded[:, :packed.shape[1]] = packed
    return padded.view(np.uint64)


def _within(smaller: np.ndarray, larger: np.ndarray) -> np.ndarray:
    """Whether each row of `smaller` has its bits within the matching row of `larger` (broadcasting)."""
    return np.all((smaller & ~larger) == 0, axis=-1)


def _free_dominators(words: np.ndarray, overlap: np.ndarray, free: np.ndarray) -> np.ndarray:
    """How many dominators each candidate has among those that compete with nobody.

    Candidates with the same signature form a group; a group's dominators are the free members of the
    groups whose signature strictly contains it with no more overlap, plus the free members of its own group
    ahead of it in (overlap, position).
    """
    count = len(overlap)
    if count == 0:
        return np.zeros(0)
    groups, group_of = np.unique(words, axis=0, return_inverse=True)
    group_of = group_of.ravel()
    contained = _within(groups[:, None, :], groups[None, :, :])  # [g, h]: g's signature within h's
    np.fill_diagonal(contained, False)
    at_most = np.zeros((len(groups), int(overlap.max()) + 1))
    np.add.at(at_most, (group_of[free], overlap[free]), 1)
    at_most = np.cumsum(at_most, axis=1)  # [h, o]: free members of group h with overlap <= o
    from_larger_groups = (contained.astype(np.float64) @ at_most)[group_of, overlap]

    order = np.lexsort((np.arange(count), overlap, group_of))
    free_sorted = free[order].astype(np.int64)
    before = np.cumsum(free_sorted) - free_sorted
    group_sorted = group_of[order]
    group_start = np.r_[0, np.flatnonzero(np.diff(group_sorted)) + 1]
    within_group = np.empty(count)
    within_group[order] = before - before[group_start][group_sorted]
    return from_larger_groups + within_group


def _rival_dominators(words: np.ndarray, overlap: np.ndarray, competitors: sparse.csr_matrix,
                      rivals: np.ndarray) -> np.ndarray:
    """How many dominators each candidate has among those that compete with someone.

    Such a j can dominate i only if each of j's competitors is i or competes with i, so i is at most two
    steps from j in the competition graph: the pairs to test are the non-zeros of C @ C + C, whose value
    counts j's competitors that are i or i's competitors.
    """
    graph = competitors.astype(np.int32)
    reach = (graph @ graph + graph).tocoo()
    j, i = reach.row, reach.col
    candidate = (j != i) & (reach.data == rivals[j]) & (overlap[j] <= overlap[i])
    j, i = j[candidate], i[candidate]
    contained = _within(words[i], words[j])
    same = np.all(words[i] == words[j], axis=-1)
    ahead = (overlap[j] < overlap[i]) | ((overlap[j] == overlap[i]) & (j < i))
    dominating = contained & (~same | ahead)
    return np.bincount(i[dominating], minlength=len(overlap)).astype(np.float64)


def _solve(problem: _Problem, n: int, deadline: float,
           alternative_seconds: float | None = None) -> tuple[SolveStatus, list[Team]]:
    """The best team, then the best ones that contain none found before. The status is the best team's.

    The best team is sought among the candidates nobody dominates (exact, see `_dominators`), with the whole
    time until `deadline`; the alternatives over the whole pool, each with at most `alternative_seconds`
    (None: whatever time is left), after which the best alternative found is shown with its gap.
    """
    if not len(problem.rows):
        if problem.requirement_count or problem.at_least_one:
            return SolveStatus.INFEASIBLE, []
        return SolveStatus.OPTIMAL, [_team(problem, np.zeros(0, dtype=np.int64), SolveStatus.OPTIMAL, 0, 0.0)]
    best = _Solver(problem.undominated())
    status, chosen, lower_bound, gap = best.run(deadline)
    if chosen is None:
        return status, []
    teams = [_team(best.problem, chosen, status, lower_bound, gap)]
    if n == 1 or not len(chosen):  # the initiator alone: every other team contains this one
        return status, teams
    solver = best if best.problem is problem else _Solver(problem, last_size=best.last_size)
    solver.forbid(problem.positions_of(best.problem.rows[chosen]))
    while len(teams) < n:
        limit = deadline if alternative_seconds is None else min(deadline, time.perf_counter() + alternative_seconds)
        alternative_status, chosen, lower_bound, gap = solver.run(limit)
        if chosen is None:
            break
        teams.append(_team(problem, chosen, alternative_status, lower_bound, gap))
        solver.forbid(chosen)
    return status, teams


class _Solver:
    """The MILP, solved in two phases for the lexicographic order.

    x_i = 1 when pool candidate i is a partner; y_c = 1 when competency c has a partner holding it at core.
    Phase 1 minimises the number of partners. Phase 2 fixes that number and minimises
    overlap_weight * sum overlap_i x_i + (core-able competencies - sum y), overlap_weight exceeding the
    largest number of secondary-only competencies. Two phases rather than one objective with a huge weight on
    the size: with the size fixed the linear relaxation cannot spread a fractional team, so its bound on the
    overlap is tight and the proof takes milliseconds.

    Each phase starts from a team found by `_Search` (a warm start): HiGHS's root spends most of its time
    cutting and searching until it holds a team whose value meets its bound; given a good team at once, it
    stops as soon as the bound reaches it (measured on 30-competency gaps: half the time, and a third of
    the worst cases). When that team has as few partners as the lower bound, phase 1 is not run at all.
    """

    def __init__(self, problem: _Problem, last_size: int = 0):
        self.problem = problem
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 0.5)  # both objectives take integer values only
        self.highs.setOptionValue("threads", 1)
        # Presolve finds little to reduce in a pool already reduced, and spends seconds on the thousands of
        # pairwise competitor rows: on the benchmark cluster, solving without it is 10 % faster on average
        # and up to 50 times faster with the no-competitor rule.
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("mip_detect_symmetry", False)  # measured: its cost at the root outweighs it here
        pool = len(problem.rows)
        self.core_able = np.flatnonzero(problem.core.any(axis=0))
        self.columns = pool + len(self.core_able)
        self.size_costs = np.r_[np.ones(pool), np.zeros(len(self.core_able))]
        overlap_weight = len(self.core_able) + 1
        self.quality_costs = np.r_[overlap_weight * problem.overlap.astype(np.float64), -np.ones(len(self.core_able))]
        self.highs.addCols(self.columns, self.size_costs, np.zeros(self.columns), np.ones(self.columns), 0,
                           np.zeros(self.columns, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        self.highs.changeColsIntegrality(self.columns, np.arange(self.columns, dtype=np.int32),
                                         np.full(self.columns, highspy.HighsVarType.kInteger, dtype=np.uint8))
        self.last_size = last_size
        self._add_constraints()
        self.completing = _completing(problem)
        self.smallest_size = 1 if self.completing[1].any() else 2 if self.completing[2].any() else 3
        self.search = _Search(problem, self.core_able, overlap_weight)

    def _add_constraints(self) -> None:
        problem = self.problem
        pool = len(problem.rows)
        rows = [(np.flatnonzero(problem.covers[:, r]), 1.0, np.inf) for r in range(problem.requirement_count)]
        for y, competency in enumerate(self.core_able):
            holders = np.flatnonzero(problem.core[:, competency])
            rows.append((np.r_[pool + y, holders], -np.inf, 0.0, np.r_[1.0, -np.ones(len(holders))]))
        rows += [(np.flatnonzero(mask), 1.0, np.inf) for mask in problem.at_least_one]
        rows += [(pair, -np.inf, 1.0) for pair in problem.competitor_pairs]
        self.size_row = len(rows)
        rows.append((np.arange(pool), -np.inf, float(problem.size_cap)))
        self._add_rows(rows)

    def _add_rows(self, rows: list[tuple]) -> None:
        """Rows of (columns, lower, upper[, coefficients]; ones by default), in one call."""
        columns = [np.asarray(row[0], dtype=np.int32) for row in rows]
        values = [row[3] if len(row) > 3 else np.ones(len(row[0])) for row in rows]
        starts = np.r_[0, np.cumsum([len(c) for c in columns])[:-1]].astype(np.int32)
        self.highs.addRows(len(rows), np.array([row[1] for row in rows], dtype=np.float64),
                           np.array([row[2] for row in rows], dtype=np.float64), int(sum(map(len, columns))),
                           starts, np.concatenate(columns).astype(np.int32), np.concatenate(values).astype(np.float64))

    def forbid(self, chosen: np.ndarray) -> None:
        """No later team may contain this one."""
        self._add_rows([(chosen, -np.inf, len(chosen) - 1.0)])
        self.search.forbidden.append(np.sort(chosen))

    def _phase(self, costs: np.ndarray, offset: float, sizes: tuple[float, float], deadline: float,
               start: np.ndarray | None = None):
        """Run one phase from the team `start`: (status, chosen pool positions or None, objective, dual bound,
        gap)."""
        if deadline - time.perf_counter() <= 0:
            return SolveStatus.UNKNOWN, None, 0.0, 0.0, float("inf")
        self.highs.changeColsCost(self.columns, np.arange(self.columns, dtype=np.int32), costs)
        self.highs.changeObjectiveOffset(offset)
        self.highs.changeRowBounds(self.size_row, *sizes)
        self.highs.setOptionValue("time_limit", float(deadline - time.perf_counter()))
        if start is not None:
            self.highs.setSolution(self._solution(start))
        self.highs.run()
        model_status, info = self.highs.getModelStatus(), self.highs.getInfo()
        if model_status == highspy.HighsModelStatus.kInfeasible:
            return SolveStatus.INFEASIBLE, None, 0.0, 0.0, float("inf")
        if info.primal_solution_status != 2:  # no feasible solution yet
            return SolveStatus.UNKNOWN, None, 0.0, 0.0, float("inf")
        chosen = np.flatnonzero(np.asarray(self.highs.getSolution().col_value[:len(self.problem.rows)]) > 0.5)
        if model_status == highspy.HighsModelStatus.kOptimal:
            return SolveStatus.OPTIMAL, chosen, info.objective_function_value, info.objective_function_value, 0.0
        return (SolveStatus.FEASIBLE, chosen, info.objective_function_value, info.mip_dual_bound,
                float(info.mip_gap))

    def _solution(self, team: np.ndarray) -> highspy.HighsSolution:
        values = np.zeros(self.columns)
        values[team] = 1.0
        values[len(self.problem.rows):] = self.problem.core[team][:, self.core_able].any(axis=0)
        solution = highspy.HighsSolution()
        solution.col_value = values.tolist()
        solution.value_valid = True
        return solution

    def _allow_only(self, allowed: np.ndarray | None) -> None:
        """Fix the partners outside `allowed` to 0 (None: free them all again)."""
        pool = len(self.problem.rows)
        upper = np.ones(pool) if allowed is None else allowed.astype(np.float64)
        self.highs.changeColsBounds(pool, np.arange(pool, dtype=np.int32), np.zeros(pool), upper)

    def run(self, deadline: float):
        """(status, chosen pool positions or None, partners lower bound, relative gap) of the next best team.

        Teams only get larger from one solve to the next (each cut removes teams), and no team is smaller
        than `smallest_size`: phase 1 starts from there, so that its bound is right from the start. When the
        size is 1 or 2, phase 2 only looks at the candidates that can complete a team of that size.
        """
        floor = max(self.smallest_size, self.last_size)
        if floor > self.problem.size_cap:
            return SolveStatus.INFEASIBLE, None, floor, float("inf")
        while floor <= 2:
            found, enumerated = self.search.smallest(floor, self.completing[floor])
            if found is not None:
                self.last_size = floor
                return SolveStatus.OPTIMAL, found, floor, 0.0
            if not enumerated:
                break
            floor += 1  # no valid team of this size: the bound rises
            self.last_size = floor
        if floor > self.problem.size_cap:
            return SolveStatus.INFEASIBLE, None, floor, float("inf")
        start = self.search.team()
        if deadline - time.perf_counter() <= 0:
            return self._unsolved(start, floor)
        if start is not None and len(start) == floor:
            chosen, size = start, floor  # as few partners as the bound: the size is proven
        else:
            status, chosen, size, bound, gap = self._phase(self.size_costs, 0.0, (floor, self.problem.size_cap),
                                                           deadline, start)
            if status != SolveStatus.OPTIMAL:
                return status, chosen, max(int(np.ceil(bound - 1e-9)), floor), gap
            size = round(size)
            chosen = self.search.improve(chosen)
        self.last_size = size
        if self.search.quality(chosen) == 0:  # no overlap, all at core: nothing to improve
            return SolveStatus.OPTIMAL, chosen, size, 0.0
        self._allow_only(self.completing.get(size))
        quality = self._phase(self.quality_costs, float(len(self.core_able)), (size, size), deadline, chosen)
        self._allow_only(None)
        if quality[1] is None:  # out of time: a team of the fewest partners, its quality not proven
            return self._unsolved(chosen, size)
        return quality[0], quality[1], size, quality[4]

    def _unsolved(self, team: np.ndarray | None, floor: int):
        """The answer when no time is left for the solver: the team found without it, if any, with its gap
        to the bounds known without solving (no team has fewer than `floor` partners, none a better quality
        than 0). It is proven optimal only when it meets both."""
        if team is None:
            return SolveStatus.UNKNOWN, None, floor, float("inf")
        if len(team) > floor:
            return SolveStatus.FEASIBLE, team, floor, (len(team) - floor) / len(team)
        if self.search.quality(team) == 0:
            return SolveStatus.OPTIMAL, team, floor, 0.0
        return SolveStatus.FEASIBLE, team, floor, 1.0


class _Search:
    """Good teams found in a few milliseconds, to start the solver from: a greedy cover, then swaps.

    Every team it returns is valid (covers every requirement, no two competitors, at most the size cap,
    contains no team proposed before); none is claimed optimal — the solver proves or improves it.
    """

    MOVES = 50  # improving moves at most (each lowers the size or the quality: it ends long before)

    def __init__(self, problem: _Problem, core_able: np.ndarray, overlap_weight: int):
        self.needed = np.concatenate([problem.covers, *(mask[:, None] for mask in problem.at_least_one)], axis=1)
        self.core = problem.core[:, core_able]
        self.overlap = problem.overlap.astype(np.int64)
        self.weight = overlap_weight
        self.cap = problem.size_cap
        pool, pairs = len(problem.rows), problem.competitor_pairs
        self.rivals = np.zeros((pool, pool), dtype=bool)
        self.rivals[pairs[:, 0], pairs[:, 1]] = self.rivals[pairs[:, 1], pairs[:, 0]] = True
        self.forbidden: list[np.ndarray] = []

    def quality(self, team: np.ndarray) -> int:
        """Phase 2's objective: overlap first (weighted), then must-haves held at secondary level only."""
        at_core = self.core[team].any(axis=0).sum() if len(team) else 0
        return int(self.weight * self.overlap[team].sum() + self.core.shape[1] - at_core)

    def team(self) -> np.ndarray | None:
        """The best team reached from a greedy cover and from the last team proposed (one swap away from
        teams that do not contain it)."""
        found = [self.improve(start) for start in (self._greedy(), *self.forbidden[-1:]) if start is not None]
        found = [team for team in found if team is not None]
        return min(found, key=self._value) if found else None

    def smallest(self, size: int, completing: np.ndarray) -> tuple[np.ndarray | None, bool]:
        """The best valid team of 1 or 2 partners, by trying them all: (team or None, whether all were tried).

        Teams of one or two are where the solver is slowest to prove little (a pool of a thousand candidates,
        thousands of competitor rows) and where trying every team is cheapest: `completing` (see
        `_completing`) leaves the candidates, and pairs must join two complementary groups of requirements.
        """
        if size > self.cap:
            return None, True
        members = np.flatnonzero(completing)
        banned = {int(old[0]) for old in self.forbidden if len(old) == 1}
        if size == 1:
            teams = np.array([[m] for m in members if m not in banned], dtype=np.int64).reshape(-1, 1)
        else:
            teams = self._pairs(members, banned)
            if teams is None:
                return None, False
        if not len(teams):
            return None, True
        overlap = self.overlap[teams].sum(axis=1)
        at_core = self.core[teams].any(axis=1).sum(axis=1)
        return np.sort(teams[np.argmin(self.weight * overlap - at_core)]), True

    PAIRS_TRIED = 200_000  # beyond, the solver is left to it

    def _pairs(self, members: np.ndarray, banned: set[int]) -> np.ndarray | None:
        """Every valid pair of these candidates that meets every requirement (None: too many to try)."""
        members = np.array([m for m in members if m not in banned], dtype=np.int64)
        if len(members) < 2:
            return np.zeros((0, 2), dtype=np.int64)
        groups, group_of = np.unique(_pack(self.needed[members]), axis=0, return_inverse=True)
        group_of = group_of.ravel()
        full = _pack(np.ones((1, self.needed.shape[1]), dtype=bool))[0]
        first, second = np.nonzero(np.triu(np.all((groups[:, None, :] | groups[None, :, :]) == full, axis=-1)))
        sizes = np.bincount(group_of, minlength=len(groups))
        if int((sizes[first] * sizes[second]).sum()) > self.PAIRS_TRIED:
            return None
        in_group = [members[group_of == g] for g in range(len(groups))]
        pairs = [np.zeros((0, 2), dtype=np.int64)]
        for g, h in zip(first.tolist(), second.tolist()):
            if g == h:  # a group with itself: each pair once
                pairs.append(in_group[g][np.array(np.triu_indices(len(in_group[g]), k=1)).T])
            else:
                pairs.append(np.stack(np.meshgrid(in_group[g], in_group[h], indexing="ij"), axis=-1).reshape(-1, 2))
        pairs = np.sort(np.concatenate(pairs), axis=1)
        pairs = pairs[~self.rivals[pairs[:, 0], pairs[:, 1]]]
        old_pairs = {tuple(old.tolist()) for old in self.forbidden if len(old) == 2}
        if old_pairs:
            pairs = pairs[[tuple(pair) not in old_pairs for pair in pairs.tolist()]]
        return pairs

    def _greedy(self) -> np.ndarray | None:
        """Add the candidate that meets the most unmet requirements (then least overlap) until all are met."""
        unmet = np.ones(self.needed.shape[1], dtype=bool)
        available = np.ones(len(self.needed), dtype=bool)
        team = []
        while unmet.any():
            gain = np.where(available, self.needed[:, unmet].sum(axis=1), 0)
            ties = np.flatnonzero(gain == gain.max())
            if gain.max() == 0:
                return None
            pick = ties[np.argmin(self.overlap[ties])]
            team.append(pick)
            unmet &= ~self.needed[pick]
            available &= ~self.rivals[pick]
            available[pick] = False
        return np.sort(np.array(team, dtype=np.int64))

    def _valid(self, team: np.ndarray) -> bool:
        return len(team) <= self.cap and not any(np.isin(old, team).all() for old in self.forbidden)

    def _value(self, team: np.ndarray) -> tuple[int, int]:
        return len(team), self.quality(team)

    def improve(self, team: np.ndarray) -> np.ndarray | None:
        """Drop or swap members while that gives a better valid team; None if none valid was reached."""
        value = self._value(team) if self._valid(team) else None
        for _ in range(self.MOVES):
            moved = self._best_move(team, value)
            if moved is None:
                break
            team, value = moved
        return team if value is not None else None

    def _best_move(self, team: np.ndarray, value: tuple[int, int] | None):
        """The best valid team that drops one member, or swaps it for a non-member, if better than `value`."""
        counts, core_counts = self.needed[team].sum(axis=0), self.core[team].sum(axis=0)
        overlap = self.overlap[team].sum()
        moves = []
        for member in team:
            rest = team[team != member]
            unmet = (counts == 1) & self.needed[member]  # requirements only this member meets
            rest_core = core_counts > self.core[member]
            if not unmet.any():
                moves.append(rest)
                continue
            fits = self.needed[:, unmet].all(axis=1) & ~self.rivals[rest].any(axis=0)
            fits[team] = False
            candidates = np.flatnonzero(fits)
            quality = (self.weight * (overlap - self.overlap[member] + self.overlap[candidates])
                       - (rest_core | self.core[candidates]).sum(axis=1))
            moves += [np.sort(np.r_[rest, c]) for c in candidates[np.argsort(quality, kind="stable")[:3]]]
        for move in sorted(moves, key=self._value):
            if value is not None and self._value(move) >= value:
                return None
            if self._valid(move):
                return move, self._value(move)
        return None


def _completing(problem: _Problem) -> dict[int, np.ndarray]:
    """For sizes 1 and 2, which pool candidates can be part of a smallest team of that size.

    Coverage and "at least one" rules only (cuts and competitors aside), so it is a relaxation: a candidate
    outside it is in no valid smallest team of that size, and none for sizes 1 and 2 proves a team needs 3.
    A smallest team of two has no member that meets every need alone (that member would be a team of one).
    """
    needed = _pack(np.concatenate([problem.covers, *(mask[:, None] for mask in problem.at_least_one)], axis=1))
    full = _pack(np.ones((1, problem.requirement_count + len(problem.at_least_one)), dtype=bool))[0]
    alone = np.all(needed == full, axis=-1)
    groups, group_of = np.unique(needed[~alone], axis=0, return_inverse=True)
    pairs = np.all((groups[:, None, :] | groups[None, :, :]) == full, axis=-1)
    in_pair = np.zeros(len(needed), dtype=bool)
    in_pair[~alone] = pairs.any(axis=1)[group_of.ravel()]
    return {1: alone, 2: in_pair}


def _team(problem: _Problem, chosen: np.ndarray, status: SolveStatus, lower_bound: int, gap: float) -> Team:
    index = problem.index
    members = []
    for position in chosen.tolist():
        candidate = index.candidates[problem.rows[position]]
        brings = tuple(
            Contribution(code, candidate.holdings[code].level, candidate.holdings[code].evidence, True,
                         covered_by(candidate, code))
            for code in problem.competencies if code in candidate.holdings
        )
        certifications = tuple(code for code in problem.certifications if code in candidate.certifications)
        members.append(TeamMember(candidate, brings, certifications, int(problem.overlap[position])))
    at_core = problem.core[chosen].any(axis=0) if len(chosen) else np.zeros(len(problem.competencies), bool)
    secondary_only = tuple(code for code, core in zip(problem.competencies, at_core) if not core)
    return Team(tuple(members), secondary_only, status, lower_bound, gap)


def _suggest_relaxations(index: PartnerIndex, initiator: Candidate, competencies: tuple[str, ...], gap: Gap,
                         rules: Rules, deadline: float) -> tuple[Relaxation, ...]:
    """The rules (one, else two) whose removal alone makes a team possible."""
    active = [rule for rule in RULE_ORDER if getattr(rules, rule) != getattr(Rules(), rule)]
    for size in (1, 2):
        found = []
        for names in combinations(active, size):
            relaxed = rules
            for name in names:
                relaxed = relaxed.relaxed(name)
            problem = _build_problem(index, initiator, competencies, gap.missing_certifications, relaxed, 1)
            _, teams = _solve(problem, 1, deadline)
            if teams:
                found.append(Relaxation(names, _relaxation_value(names, teams[0], rules)))
        if found:
            return tuple(found)
    return ()


def _relaxation_value(names: tuple[str, ...], team: Team, rules: Rules) -> object:
    if names == ("max_size",):
        return team.size
    if names == ("excluded",):
        return tuple(m.candidate.id for m in team.members if m.candidate.id in rules.excluded)
    return None
