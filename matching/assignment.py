"""Evaluators for the applications of a call: k each, never in conflict, the load as even as possible.

Pure Python (OR-Tools' min-cost flow); the programs app computes the conflicts of interest, calls `assign`
and stores the pairs. Nothing here touches the database.

The rules every assignment obeys (`violations` checks them, independently of how it was made):
- each application gets `per_application` distinct evaluators (k, 2 by default);
- no evaluator is assigned to an application they are in conflict with (the caller's pairs; pairs naming
  an evaluator or application outside the call are ignored, so a caller may pass all of an evaluator's
  conflicts, but a pair written the wrong way round, (application, evaluator), is refused);
- no evaluator gets more applications than their capacity, when they have one;
- kept pairs (the assignments already made) stay, unless the caller allows moves (`move_kept`). A kept pair
  that is now a conflict is never kept: it is released, with that reason, and the application gets another
  evaluator. An application keeps all its kept evaluators even if they are more than k, and an evaluator
  their kept applications even above a capacity lowered since (they get no new one).

What "best" means, in this order (lexicographic, each level exact):
1. the most evaluations placed: all of them when any assignment exists (`feasible`);
2. the loads (kept pairs included) as even as possible: the least sum of squared loads;
3. with `move_kept`: the most kept pairs left where they are;
4. the greatest total affinity (the caller's score per pair, e.g. the evaluator's expertise for the
   application's subject; a missing pair scores 0; every score must be a finite number). Integer scores
   spanning at most 10,000 are compared exactly; others at 1/10,000 of their range (the solver's costs are
   integers; coarser on calls too large for that, see COST_LIMIT).

The model: source → application (capacity: evaluators it still needs) → evaluator (capacity 1, one arc per
conflict-free pair not already kept; cost −affinity) → sink through unit arcs, one per load level: the arc of
the j-th application of an evaluator costs BALANCE × j. Costs that rise with j make an evaluator's arcs fill
in order, so the flow's balance cost is BALANCE × Σ load(load + 1)/2 — with the total fixed, the sum of
squared loads, up to a constant. BALANCE exceeds the largest difference the lower levels can make between
any two assignments, so a min-cost flow is optimal for the order above (min-cost *maximum* flow for level 1).
The flow is integral, so it is an assignment.

What that guarantees for the loads. Let mean = all evaluations (kept included) / evaluators.
- **No valid assignment has a lower maximum load, nor a higher minimum load** (when some application is
  short: no assignment placing as many evaluations). Proof: suppose another valid assignment x' (the same
  kept pairs) gives every evaluator at most M, and ours, x, gives e a load L_e > M. The difference x' − x
  on the application → evaluator arcs conserves flow at every application (both give it the same number),
  so it splits into alternating paths and cycles; e loses load, so one path starts at e (an application e
  has in x but not in x') and ends at an evaluator f that gains (L_f < L'_f ≤ M ≤ L_e − 1). That path is an
  augmenting path of x's residual graph (each pair used once, f below its capacity because x' is within
  it). Pushing one unit along it changes Σ load² by 2(L_f − L_e) + 2 ≤ −2: the balance cost falls by at
  least BALANCE, more than any change of the lower levels, so x was not a min-cost flow: a contradiction.
  The minimum is the mirror argument (a path from an evaluator that x loads more than x' to e).
- Hence: whenever some valid assignment puts every load at floor(mean) or ceil(mean), ours does, so **no
  evaluator is more than one above the mean** (nor above ceil(mean), nor below floor(mean)); the benchmark's
  call (1–3 % conflicts per evaluator) is such a case. When conflicts, capacities or kept pairs make it
  impossible, `balanced` is False and the maximum load is still the least any valid assignment can reach.
- The sum of squared loads is minimal, so (Frank and Murota, discrete decreasing minimisation on M-convex
  sets) the loads sorted from the highest are lexicographically the least possible.

When some application cannot get its k evaluators, the result is still the best partial assignment (level 1
first) and each short application has a `Shortfall` that says why: fewer than k evaluators without conflict
(`reason="conflicts"`, they are listed), or a group of applications competing for the same evaluators, who
have room for fewer evaluations than the group needs (`reason="capacity"`: the group is read from the
residual graph of the maximum flow, and `group_can_get` is what any assignment could give it at best: a
Hall-type proof, not a guess).

Deterministic: the same input in the same order gives the same assignment (the solver has no randomness and
gets its arcs in the order of `applications` and `evaluators`; between equally good assignments, which one
comes out may change when that order changes).
"""

import math
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from ortools.graph.python import min_cost_flow

AFFINITY_STEPS = 10_000  # the scores' range mapped onto 0..10,000 (integers: the solver's costs are)
# The solver's costs times its number of nodes must fit in 64 bits: on calls too large for that at 10,000
# steps (some 3,000 applications with every pair kept and movable), the scores are compared more coarsely.
COST_LIMIT = 2**62

Pair = tuple[Hashable, Hashable]  # (evaluator id, application id)


@dataclass(frozen=True)
class Evaluator:
    id: Hashable
    capacity: int | None = None  # most applications they may get, kept ones included (None: no limit)


# conflicts: fewer than k evaluators without conflict with the application (capacity aside);
# capacity: enough of them, but with the other applications that need the same evaluators, more
# evaluations are needed than their capacities leave room for.
ShortfallReason = Literal["conflicts", "capacity"]


@dataclass(frozen=True)
class Shortfall:
    application: Hashable
    missing: int  # evaluators it still lacks in this assignment
    reason: ShortfallReason
    conflict_free: tuple[Hashable, ...] = ()  # "conflicts": every evaluator without conflict (fewer than k)
    group: tuple[Hashable, ...] = ()  # "capacity": the applications competing for the same evaluators
    group_needs: int = 0  # "capacity": new evaluations the group needs
    group_can_get: int = 0  # "capacity": the most any assignment can give the group (< group_needs)


# conflict: the kept pair is now a conflict of interest; moved: `move_kept` and the balance needed it.
ReleaseReason = Literal["conflict", "moved"]


@dataclass(frozen=True)
class Released:
    pair: Pair
    reason: ReleaseReason


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[Pair, ...]  # every assignment, kept ones included, by application then evaluator order
    new: tuple[Pair, ...]  # the pairs that were not kept: what the caller must create
    released: tuple[Released, ...]  # kept pairs that are not in `pairs`, and why
    loads: dict[Hashable, int]  # evaluator id -> applications assigned, every evaluator (kept included)
    shortfalls: tuple[Shortfall, ...]  # applications short of k evaluators, in application order
    mean_load: float
    affinity: float  # total affinity of `pairs` (the caller's scores)
    seconds: float
    per_application: int = 2
    by_application: dict[Hashable, tuple[Hashable, ...]] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return not self.shortfalls

    @property
    def max_load(self) -> int:
        return max(self.loads.values(), default=0)

    @property
    def min_load(self) -> int:
        return min(self.loads.values(), default=0)

    @property
    def balanced(self) -> bool:
        """Every load is floor(mean) or ceil(mean): nobody more than one above the mean. Not when there is
        nobody to balance the applications over (no evaluator, and some application)."""
        if not self.loads:
            return not self.by_application
        return all(math.floor(self.mean_load) <= load <= math.ceil(self.mean_load)
                   for load in self.loads.values())


def assign(applications: Sequence[Hashable], evaluators: Sequence[Evaluator], conflicts: Iterable[Pair],
           per_application: int = 2, kept: Iterable[Pair] = (), affinity: Mapping[Pair, float] | None = None,
           move_kept: bool = False) -> Assignment:
    """Assign `per_application` conflict-free evaluators to each application, the load balanced.

    `conflicts`, `kept` and `affinity` are keyed by (evaluator id, application id). See the module's
    docstring for the order of the objectives and the guarantees. Raises ValueError only for a caller's
    error (duplicate ids, a kept pair naming an unknown application or evaluator, a conflict or affinity
    pair written (application id, evaluator id), an affinity that is not a finite number, k not an integer
    at least 1).
    """
    started = time.perf_counter()
    problem = _Problem(applications, evaluators, conflicts, per_application, kept, affinity or {}, move_kept)
    flows = problem.solve()
    return problem.result(flows, time.perf_counter() - started)


def violations(applications: Sequence[Hashable], evaluators: Sequence[Evaluator], conflicts: Iterable[Pair],
               pairs: Iterable[Pair], per_application: int = 2, kept: Iterable[Pair] = ()) -> list[str]:
    """Each rule a set of pairs breaks, in words (for tests and benchmarks): empty when none is broken.

    `kept`: the pairs that had to stay (none when moves were allowed). Kept pairs may hold an evaluator above
    their capacity, and an application above k, never more."""
    conflicts = set(conflicts)
    kept = set(kept) - conflicts
    held = defaultdict(int)
    kept_count = defaultdict(int)
    for evaluator, application in kept:
        held[evaluator] += 1
        kept_count[application] += 1
    capacity = {e.id: None if e.capacity is None else max(e.capacity, held[e.id]) for e in evaluators}
    known = set(applications)
    pairs = list(pairs)
    broken = []
    if len(set(pairs)) != len(pairs):
        broken.append("an evaluator is assigned twice to one application")
    count: dict[Hashable, int] = defaultdict(int)
    load: dict[Hashable, int] = defaultdict(int)
    for evaluator, application in set(pairs):
        if (evaluator, application) in conflicts:
            broken.append(f"{evaluator} is in conflict with {application}")
        if evaluator not in capacity or application not in known:
            broken.append(f"({evaluator}, {application}) names an unknown evaluator or application")
        count[application] += 1
        load[evaluator] += 1
    broken += [f"the kept pair ({evaluator}, {application}) was dropped"
               for evaluator, application in sorted(kept - set(pairs), key=repr)]
    broken += [f"{a} has {count[a]} evaluators, not {per_application}"
               for a in applications if count[a] < per_application
               or count[a] > max(per_application, kept_count[a])]
    broken += [f"{e} has {load[e]} applications, above their capacity {cap}"
               for e, cap in capacity.items() if cap is not None and load[e] > cap]
    return broken


class _Problem:
    """The instance indexed once; nodes: 0 source, 1..n applications, n+1..n+m evaluators, n+m+1 sink."""

    def __init__(self, applications, evaluators, conflicts, k, kept, affinity, move_kept):
        if not isinstance(k, int) or isinstance(k, bool):
            raise ValueError(f"the number of evaluators per application must be an integer, not {k!r}")
        if k < 1:
            raise ValueError("each application needs at least one evaluator")
        self.applications = list(applications)
        self.evaluators = list(evaluators)
        self.k = k
        self.move_kept = move_kept
        self.affinity = affinity
        self.app_index = _index(self.applications, "application")
        self.eval_index = _index([e.id for e in self.evaluators], "evaluator")
        self.conflicts = conflicts if isinstance(conflicts, (set, frozenset)) else set(conflicts)
        self._refuse_reversed(self.conflicts, "conflict")
        self._refuse_reversed(affinity, "affinity")
        for pair, score in affinity.items():
            if not _is_finite(score):
                raise ValueError(f"the affinity of {pair!r} is {score!r}, not a finite number")
        self.kept: list[Pair] = []
        self.released: list[Released] = []
        for pair in dict.fromkeys(kept):
            evaluator, application = pair
            if evaluator not in self.eval_index or application not in self.app_index:
                raise ValueError(f"the kept pair {pair!r} names an unknown evaluator or application")
            if pair in self.conflicts:
                self.released.append(Released(pair, "conflict"))
            else:
                self.kept.append(pair)
        self.kept_set = set(self.kept)
        fixed = [] if move_kept else self.kept  # pairs outside the model, already placed
        self.fixed_count = defaultdict(int)  # per application
        self.fixed_load = defaultdict(int)  # per evaluator
        for evaluator, application in fixed:
            self.fixed_count[application] += 1
            self.fixed_load[evaluator] += 1
        self.need = [max(0, k - self.fixed_count[a]) for a in self.applications]
        # The arcs application -> evaluator, in a fixed order: what may still be assigned.
        self.arcs: list[tuple[int, int]] = []
        fixed_set = set(fixed)
        for i, application in enumerate(self.applications):
            for j, evaluator in enumerate(self.evaluators):
                pair = (evaluator.id, application)
                if pair not in self.conflicts and pair not in fixed_set:
                    self.arcs.append((i, j))
        self.eligible_count = [0] * len(self.evaluators)
        for _, j in self.arcs:
            self.eligible_count[j] += 1

    def _refuse_reversed(self, pairs: Iterable[Pair], what: str) -> None:
        """A pair (application id, evaluator id) is a caller's mistake that would silently be ignored. Only
        when that reading is certain: the first id is no evaluator's, the second no application's."""
        for pair in pairs:
            first, second = pair
            if (first in self.app_index and first not in self.eval_index
                    and second in self.eval_index and second not in self.app_index):
                raise ValueError(f"the {what} pair {pair!r} is (application, evaluator): "
                                 "pairs are (evaluator id, application id)")

    def room(self, j: int) -> int:
        """Applications evaluator j may still get in the model."""
        evaluator = self.evaluators[j]
        fixed = self.fixed_load[evaluator.id]
        eligible = self.eligible_count[j]
        if evaluator.capacity is None:
            return eligible
        return max(0, min(eligible, evaluator.capacity - fixed))

    def solve(self) -> np.ndarray:
        """The flow on each application -> evaluator arc (0 or 1), optimal for the module's order."""
        n, m = len(self.applications), len(self.evaluators)
        total = sum(self.need)
        steps = self._steps(total)
        scores = self._scaled_scores(steps)
        kept_bonus = 0
        if self.move_kept:
            kept_bonus = total * steps + 1
            for arc, (i, j) in enumerate(self.arcs):
                if (self.evaluators[j].id, self.applications[i]) in self.kept_set:
                    scores[arc] += kept_bonus
        # Every level below balance together changes the cost by less than this between two assignments.
        balance = total * steps + len(self.kept) * kept_bonus + 1
        source, sink = 0, n + m + 1
        tails, heads, capacities, costs = [], [], [], []
        tails += [source] * n
        heads += list(range(1, n + 1))
        capacities += self.need
        costs += [0] * n
        tails += [1 + i for i, _ in self.arcs]
        heads += [1 + n + j for _, j in self.arcs]
        capacities += [1] * len(self.arcs)
        costs += [-int(s) for s in scores]
        for j in range(m):
            base = self.fixed_load[self.evaluators[j].id]
            levels = self.room(j)
            tails += [1 + n + j] * levels
            heads += [sink] * levels
            capacities += [1] * levels
            costs += [balance * (base + level) for level in range(1, levels + 1)]
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            np.array(tails, dtype=np.int64), np.array(heads, dtype=np.int64),
            np.array(capacities, dtype=np.int64), np.array(costs, dtype=np.int64))
        solver.set_node_supply(source, total)
        solver.set_node_supply(sink, -total)
        status = solver.solve_max_flow_with_min_cost()
        if status != solver.OPTIMAL:
            raise RuntimeError(f"the min-cost flow solver stopped with status {status}")
        return solver.flows(np.arange(n, n + len(self.arcs), dtype=np.int64))  # the arcs after the source's

    def _steps(self, total: int) -> int:
        """The affinity's resolution: AFFINITY_STEPS, or coarser when the costs would overflow the solver."""
        levels = [self.fixed_load[e.id] + self.room(j) for j, e in enumerate(self.evaluators)]
        top_level = max(levels, default=0)
        factor = (len(self.applications) + len(self.evaluators) + 3) * max(1, top_level)
        kept = len(self.kept) if self.move_kept else 0
        steps = AFFINITY_STEPS
        while steps > 1 and (total * steps + 1) * (kept + 1) * factor > COST_LIMIT:
            steps //= 10
        if (total + 1) * (kept + 1) * factor > COST_LIMIT:
            raise ValueError("the call is too large for one flow: split it")
        return steps

    def _scaled_scores(self, steps: int) -> list[int]:
        """Each arc's affinity as an integer in 0..steps: only differences matter (the flow's total is
        fixed), so the scores are shifted by the lowest, and scaled when they are not small integers."""
        raw = [float(self.affinity.get((self.evaluators[j].id, self.applications[i]), 0.0))
               for i, j in self.arcs]
        if not raw:
            return []
        low, high = min(raw), max(raw)
        if high == low:
            return [0] * len(raw)
        if high - low <= steps and all(s.is_integer() for s in raw):
            return [int(s - low) for s in raw]
        return [round((s - low) / (high - low) * steps) for s in raw]

    def result(self, flows: np.ndarray, seconds: float) -> Assignment:
        chosen = {(self.evaluators[j].id, self.applications[i])
                  for (i, j), flow in zip(self.arcs, flows) if flow}
        placed = chosen | (set() if self.move_kept else self.kept_set)
        released = self.released + [Released(p, "moved") for p in self.kept if p not in placed]
        by_application: dict[Hashable, list[Hashable]] = {a: [] for a in self.applications}
        loads = {e.id: 0 for e in self.evaluators}
        for application in self.applications:
            for evaluator in self.evaluators:
                if (evaluator.id, application) in placed:
                    by_application[application].append(evaluator.id)
                    loads[evaluator.id] += 1
        pairs = tuple((e, a) for a, chosen_for in by_application.items() for e in chosen_for)
        total = sum(loads.values())
        return Assignment(
            pairs=pairs,
            new=tuple(p for p in pairs if p not in self.kept_set),
            released=tuple(released),
            loads=loads,
            shortfalls=self._shortfalls(flows, by_application),
            mean_load=total / len(self.evaluators) if self.evaluators else 0.0,
            affinity=sum((float(self.affinity.get(p, 0.0)) for p in pairs), 0.0),
            seconds=seconds,
            per_application=self.k,
            by_application={a: tuple(es) for a, es in by_application.items()},
        )

    def _shortfalls(self, flows, by_application) -> tuple[Shortfall, ...]:
        short = [i for i, a in enumerate(self.applications) if len(by_application[a]) < self.k]
        if not short:
            return ()
        # The residual graph of the maximum flow, applications and evaluators only.
        unused = defaultdict(list)  # application -> evaluators it could still take (arc with no flow)
        used = defaultdict(list)  # evaluator -> applications it holds through the model (reverse arcs)
        got = defaultdict(int)
        for (i, j), flow in zip(self.arcs, flows):
            if flow:
                used[j].append(i)
                got[i] += 1
            else:
                unused[i].append(j)
        shortfalls = []
        for i in short:
            application = self.applications[i]
            free = tuple(e.id for e in self.evaluators if (e.id, application) not in self.conflicts)
            missing = self.k - len(by_application[application])
            if len(free) < self.k:
                shortfalls.append(Shortfall(application, missing, "conflicts", conflict_free=free))
                continue
            group = self._competing(i, unused, used)
            shortfalls.append(Shortfall(
                application, missing, "capacity",
                group=tuple(self.applications[g] for g in group),
                group_needs=sum(self.need[g] for g in group),
                group_can_get=sum(got[g] for g in group)))
        return tuple(shortfalls)

    def _competing(self, start: int, unused, used) -> list[int]:
        """Applications reachable from `start` in the residual graph: every evaluator they could take is
        full (else the flow would not be maximum), and no other application holds one of them, so what they
        hold now is the most any assignment can give them."""
        seen_apps, seen_evals, stack = {start}, set(), [start]
        while stack:
            i = stack.pop()
            for j in unused[i]:
                if j not in seen_evals:
                    seen_evals.add(j)
                    for other in used[j]:
                        if other not in seen_apps:
                            seen_apps.add(other)
                            stack.append(other)
        return sorted(seen_apps)


def _is_finite(score) -> bool:
    try:
        return math.isfinite(float(score))
    except (TypeError, ValueError):
        return False


def _index(ids: list[Hashable], what: str) -> dict[Hashable, int]:
    index = {identifier: position for position, identifier in enumerate(ids)}
    if len(index) != len(ids):
        raise ValueError(f"an {what} id appears twice")
    return index
