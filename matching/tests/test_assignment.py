"""Evaluators assigned to a call's applications: the rules, the balance, the reasons when it cannot be done.

The properties compare `assign` with a checker written from the rules alone: on calls of at most four
applications and four evaluators every assignment can be enumerated, so "the best one" is known exactly.
"""

import math
from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import assignment
from matching.assignment import Evaluator, assign, violations

APPS = ["a1", "a2", "a3", "a4", "a5", "a6"]


def people(count, capacity=None):
    return [Evaluator(f"e{j}", capacity) for j in range(count)]


def test_each_application_gets_two_distinct_conflict_free_evaluators_and_the_same_load():
    evaluators = people(4)
    conflicts = {("e0", "a1"), ("e1", "a1"), ("e2", "a2")}
    result = assign(APPS, evaluators, conflicts)
    assert result.feasible
    assert violations(APPS, evaluators, conflicts, result.pairs) == []
    assert all(len(set(result.by_application[a])) == 2 for a in APPS)
    assert set(result.loads.values()) == {3}  # 12 evaluations, 4 evaluators
    assert result.balanced and result.mean_load == 3


def test_a_load_that_cannot_be_even_is_floor_or_ceil_of_the_mean():
    result = assign(APPS[:5], people(3), set())  # 10 evaluations, 3 evaluators: 3.33 each
    assert sorted(result.loads.values()) == [3, 3, 4]
    assert result.balanced


def test_an_application_with_too_many_conflicts_is_reported_with_the_evaluators_left():
    evaluators = people(3)
    conflicts = {("e0", "a2"), ("e1", "a2")}
    result = assign(["a1", "a2", "a3"], evaluators, conflicts)
    assert not result.feasible
    [short] = result.shortfalls
    assert (short.application, short.reason, short.missing) == ("a2", "conflicts", 1)
    assert short.conflict_free == ("e2",)
    # The others are still assigned, and a2 gets the one evaluator it can have.
    assert len(result.by_application["a1"]) == len(result.by_application["a3"]) == 2
    assert result.by_application["a2"] == ("e2",)


def test_too_few_evaluators_makes_every_application_short():
    result = assign(["a1", "a2"], people(1), set())
    assert [s.application for s in result.shortfalls] == ["a1", "a2"]
    assert all(s.reason == "conflicts" and s.conflict_free == ("e0",) for s in result.shortfalls)


def test_applications_and_no_evaluator_are_not_balanced():
    result = assign(["a1"], [], set())
    assert not result.feasible and not result.balanced
    assert assign([], [], set()).balanced


def test_capacities_too_small_for_a_group_are_reported_with_what_the_group_can_get():
    evaluators = [Evaluator("e0", 1), Evaluator("e1", 1), Evaluator("e2")]
    result = assign(["a1", "a2", "a3"], evaluators, set())
    [short] = result.shortfalls
    assert short.reason == "capacity"
    assert set(short.group) == {"a1", "a2", "a3"}
    assert (short.group_needs, short.group_can_get) == (6, 5)
    assert result.loads == {"e0": 1, "e1": 1, "e2": 3}


def test_capacity_is_respected_and_the_rest_balanced():
    evaluators = [Evaluator("e0", 1), Evaluator("e1"), Evaluator("e2"), Evaluator("e3")]
    result = assign(APPS, evaluators, set())
    assert result.loads["e0"] == 1
    assert sorted(result.loads.values())[1:] == [3, 4, 4]  # 11 evaluations left for three: 3, 4, 4
    assert not result.balanced  # the mean is 3 and e0 can take only 1: the maximum is still the least


def test_rerun_after_a_late_application_keeps_every_earlier_pair():
    evaluators = people(5)
    first = assign(APPS[:4], evaluators, set())
    assert sorted(first.loads.values()) == [1, 1, 2, 2, 2]  # 8 evaluations, 5 evaluators
    again = assign(APPS[:5], evaluators, set(), kept=first.pairs)
    assert set(first.pairs) <= set(again.pairs)
    assert again.released == ()
    assert {a for _, a in again.new} == {"a5"} and len(again.new) == 2
    # a5 goes to the two evaluators that had one.
    assert {e for e, _ in again.new} == {e for e, load in first.loads.items() if load == 1}


def test_a_kept_pair_now_in_conflict_is_released_with_the_reason_and_replaced():
    evaluators = people(3)
    kept = [("e0", "a1"), ("e1", "a1")]
    result = assign(["a1"], evaluators, {("e0", "a1")}, kept=kept)
    assert [(r.pair, r.reason) for r in result.released] == [(("e0", "a1"), "conflict")]
    assert result.by_application["a1"] == ("e1", "e2")


def test_moving_kept_pairs_when_asked_rebalances_and_moves_as_few_as_possible():
    evaluators = people(4)
    kept = [("e0", "a1"), ("e1", "a1"), ("e0", "a2"), ("e1", "a2")]
    stay = assign(["a1", "a2"], evaluators, set(), kept=kept)
    assert stay.loads == {"e0": 2, "e1": 2, "e2": 0, "e3": 0}
    moved = assign(["a1", "a2"], evaluators, set(), kept=kept, move_kept=True)
    assert set(moved.loads.values()) == {1}
    assert len(moved.released) == 2 and all(r.reason == "moved" for r in moved.released)


def test_affinity_chooses_among_the_balanced_assignments():
    evaluators = people(4)
    affinity = {("e0", "a1"): 5, ("e1", "a1"): 4, ("e0", "a2"): 5, ("e1", "a2"): 4}
    result = assign(["a1", "a2"], evaluators, set(), affinity=affinity)
    # The experts cannot take both (loads 2, 2, 0, 0): balance comes first, then the most affinity.
    assert set(result.loads.values()) == {1}
    assert result.affinity == 9


def test_affinity_with_float_scores_picks_the_expert():
    affinity = {("e2", "a1"): 0.93, ("e1", "a1"): 0.41}
    result = assign(["a1"], people(3), set(), per_application=1, affinity=affinity)
    assert result.by_application["a1"] == ("e2",)


def test_integer_scores_are_compared_exactly_however_large():
    affinity = {("e0", "a1"): 20000, ("e1", "a1"): 20001}
    result = assign(["a1"], people(2), set(), per_application=1, affinity=affinity)
    assert result.by_application["a1"] == ("e1",)


def test_a_call_too_large_for_fine_scores_keeps_the_balance_and_compares_scores_coarsely(monkeypatch):
    steps = []
    solve_steps = assignment._Problem._steps
    monkeypatch.setattr(assignment._Problem, "_steps", lambda self, total: steps.append(solve_steps(self, total))
                        or steps[-1])
    monkeypatch.setattr(assignment, "COST_LIMIT", 10**5)
    kept = [("e0", "a1")]
    plain = assign(APPS, people(4), set(), kept=kept, move_kept=True)
    assert plain.by_application["a1"] != ("e0", "e3") and "e2" not in plain.by_application["a2"]
    affinity = {("e3", "a1"): 0.9, ("e2", "a2"): 0.8}
    result = assign(APPS, people(4), set(), kept=kept, affinity=affinity, move_kept=True)
    assert steps[-1] < assignment.AFFINITY_STEPS, "the scores were compared coarsely"
    assert result.feasible and set(result.loads.values()) == {3}
    assert result.by_application["a1"] == ("e0", "e3") and "e2" in result.by_application["a2"]
    monkeypatch.setattr(assignment, "COST_LIMIT", 10)
    with pytest.raises(ValueError, match="too large"):
        assign(APPS, people(4), set())


def test_same_input_same_assignment():
    evaluators = people(7)
    apps = [f"p{i}" for i in range(30)]
    conflicts = {(f"e{i % 7}", f"p{(i * 5) % 30}") for i in range(40)}
    results = {assign(apps, evaluators, conflicts, per_application=3).pairs for _ in range(3)}
    assert len(results) == 1


def test_callers_errors_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="twice"):
        assign(["a1", "a1"], people(2), set())
    with pytest.raises(ValueError, match="unknown"):
        assign(["a1"], people(2), set(), kept=[("e9", "a1")])
    with pytest.raises(ValueError, match="at least one"):
        assign(["a1"], people(2), set(), per_application=0)
    with pytest.raises(ValueError, match="integer"):
        assign(["a1"], people(3), set(), per_application=2.5)


@pytest.mark.parametrize("score", [float("nan"), float("inf"), None, "high"])
def test_an_affinity_that_is_not_a_finite_number_is_refused_naming_the_pair(score):
    with pytest.raises(ValueError, match=r"\('e0', 'a1'\)"):
        assign(["a1"], people(3), set(), affinity={("e0", "a1"): score})


def test_a_conflict_written_application_first_is_refused_but_one_outside_the_call_is_ignored():
    with pytest.raises(ValueError, match="application, evaluator"):
        assign(["a1"], people(3), {("a1", "e0")})
    # All of an evaluator's conflicts may be passed: pairs naming someone or something outside the call.
    result = assign(["a1"], people(3), {("e0", "a9"), ("e9", "a1")})
    assert result.feasible and result.by_application["a1"] == ("e0", "e1")
    # Ids both evaluators and applications (database keys): no way to tell, so nothing is refused.
    result = assign([1, 2], [Evaluator(1), Evaluator(2), Evaluator(3)], {(1, 2)})
    assert (1, 2) not in result.pairs


def test_violations_names_a_dropped_kept_pair_and_too_many_evaluators():
    evaluators = people(3)
    assert violations(["a1"], evaluators, set(), [("e0", "a1"), ("e1", "a1")], 2, kept=[("e2", "a1")]) == [
        "the kept pair (e2, a1) was dropped"]
    assert violations(["a1"], evaluators, set(), [("e0", "a1"), ("e1", "a1"), ("e2", "a1")], 2) == [
        "a1 has 3 evaluators, not 2"]
    kept = [("e0", "a1"), ("e1", "a1"), ("e2", "a1")]
    assert violations(["a1"], evaluators, set(), kept, 2, kept=kept) == []


# --- properties against an enumeration of every assignment -------------------------------------------


@st.composite
def calls(draw):
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 4))
    k = draw(st.integers(1, 2))
    apps = APPS[:n]
    evaluators = [Evaluator(f"e{j}", draw(st.one_of(st.none(), st.integers(0, 3)))) for j in range(m)]
    pairs = [(e.id, a) for a in apps for e in evaluators]
    conflicts = draw(st.sets(st.sampled_from(pairs)))
    kept = draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))  # maybe more than k for one
    affinity = draw(st.dictionaries(st.sampled_from(pairs), st.integers(-2, 5)))
    move_kept = draw(st.booleans())
    return apps, evaluators, conflicts, k, kept, affinity, move_kept


def every_assignment(apps, evaluators, conflicts, k, kept, move_kept):
    """Every assignment the rules allow, partial ones included: each application at most k evaluators."""
    kept = [p for p in kept if p not in conflicts]
    # A kept pair stays even above a capacity lowered since; the evaluator then gets nothing new.
    fixed = {e.id: 0 if move_kept else sum(1 for who, _ in kept if who == e.id) for e in evaluators}
    capacity = {e.id: None if e.capacity is None else max(e.capacity, fixed[e.id]) for e in evaluators}
    options = []
    for a in apps:
        free = [e.id for e in evaluators if (e.id, a) not in conflicts]
        must = {e for e, app in kept if app == a and not move_kept}
        most = max(k, len(must))  # kept evaluators stay even above k
        options.append([set(c) for size in range(most + 1) for c in combinations(free, size)
                        if must <= set(c) and (size <= k or set(c) == must)])
    for choice in product(*options):
        pairs = {(e, a) for a, chosen in zip(apps, choice) for e in chosen}
        loads = {e.id: sum(1 for p in pairs if p[0] == e.id) for e in evaluators}
        if all(capacity[e] is None or loads[e] <= capacity[e] for e in loads):
            yield pairs, loads


def rank(pairs, loads, kept, affinity, move_kept):
    """The order of the module's docstring, best first: placed, balance, kept left in place, affinity."""
    stayed = len(pairs & set(kept)) if move_kept else 0
    return (-len(pairs), sum(v * v for v in loads.values()), -stayed, -sum(affinity.get(p, 0) for p in pairs))


@settings(max_examples=150, deadline=None)
@given(calls())
def test_the_assignment_is_the_best_the_rules_allow(call):
    apps, evaluators, conflicts, k, kept, affinity, move_kept = call
    result = assign(apps, evaluators, conflicts, k, kept=kept, affinity=affinity, move_kept=move_kept)
    pairs = set(result.pairs)
    assert not pairs & conflicts, "no conflict is ever assigned"
    assert len(pairs) == len(result.pairs)
    if not move_kept:
        assert {p for p in kept if p not in conflicts} <= pairs, "kept pairs are kept"
    every = list(every_assignment(apps, evaluators, conflicts, k, kept, move_kept))
    best = min(rank(p, loads, kept, affinity, move_kept) for p, loads in every)
    assert rank(pairs, result.loads, kept, affinity, move_kept) == best
    placed = [(p, loads) for p, loads in every if len(p) == len(pairs)]
    assert result.max_load == min(max(loads.values()) for _, loads in placed), "the least maximum load"
    assert result.min_load == max(min(loads.values()) for _, loads in placed), "the greatest minimum load"
    def full(pairs):
        return all(sum(1 for _, a in pairs if a == app) >= k for app in apps)

    complete = any(full(p) for p, _ in every)
    assert result.feasible == complete
    if complete:
        stay = [] if move_kept else [p for p in kept if p not in conflicts]
        assert all(len(result.by_application[a]) == max(k, sum(1 for _, b in stay if b == a)) for a in apps)
        assert violations(apps, evaluators, conflicts, result.pairs, k, stay) == []
        low, high = math.floor(result.mean_load), math.ceil(result.mean_load)
        even = any(all(low <= v <= high for v in loads.values()) for p, loads in every if full(p))
        assert result.balanced == even, "nobody more than one above the mean whenever that is possible"


@settings(max_examples=150, deadline=None)
@given(calls())
def test_each_short_application_is_reported_with_a_true_reason(call):
    apps, evaluators, conflicts, k, kept, affinity, move_kept = call
    result = assign(apps, evaluators, conflicts, k, kept=kept, affinity=affinity, move_kept=move_kept)
    short = {a for a in apps if len(result.by_application[a]) < k}
    assert {s.application for s in result.shortfalls} == short
    every = list(every_assignment(apps, evaluators, conflicts, k, kept, move_kept))
    for s in result.shortfalls:
        assert s.missing == k - len(result.by_application[s.application])
        free = tuple(e.id for e in evaluators if (e.id, s.application) not in conflicts)
        if s.reason == "conflicts":
            assert s.conflict_free == free and len(free) < k
        else:
            assert len(free) >= k and s.application in s.group
            assert s.group_can_get < s.group_needs
            fixed = set() if move_kept else {p for p in kept if p not in conflicts}
            new_in_group = [len({(e, a) for e, a in p if a in s.group} - fixed) for p, _ in every]
            assert max(new_in_group) == s.group_can_get, "no assignment gives the group more"
