"""The committee's figures: weighted scores out of 100, mean, spread, agreement, ranking and the envelope."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from matching.committee import (
    AGREE,
    DISAGREE,
    SINGLE,
    Candidate,
    Criterion,
    Evaluation,
    agreement,
    assess,
    rank,
    weighted_score,
)

# Innovation counts twice; the budget criterion is out of 5.
GRID = [Criterion("innovation", D(2), 10), Criterion("team", D(1), 10), Criterion("budget", D(1), 5)]


def evaluation(who, innovation, team, budget, recommendation="fund"):
    return Evaluation(who, {"innovation": D(innovation), "team": D(team), "budget": D(budget)}, recommendation)


def test_full_marks_score_100_and_the_weights_count():
    assert weighted_score(GRID, {"innovation": 10, "team": 10, "budget": 5}) == D("100.00")
    # 2×10 + 0 + 0 out of 2×10 + 10 + 5 = 35.
    assert weighted_score(GRID, {"innovation": 10, "team": 0, "budget": 0}) == D("57.14")
    assert weighted_score(GRID, {"innovation": 0, "team": 10, "budget": 0}) == D("28.57")


def test_an_unscored_criterion_counts_zero():
    assert weighted_score(GRID, {"innovation": D("7")}) == D("40.00")


def test_mean_and_spread_between_evaluators_and_a_large_spread_is_flagged():
    row = assess(Candidate("a", D("50000"), (evaluation("x", 10, 10, 5), evaluation("y", 5, 5, D("2.5")))),
                 GRID, passing_score=D(65))

    assert [score for _who, score in row.scores] == [D("100.00"), D("50.00")]
    assert (row.mean, row.spread, row.large_spread, row.passes) == (D("75.00"), D("50.00"), True, True)


def test_a_close_pair_is_no_large_spread_and_a_mean_under_the_passing_score_fails():
    row = assess(Candidate("a", D(1), (evaluation("x", 6, 6, 3), evaluation("y", 6, 5, 3))), GRID,
                 passing_score=D(65))

    assert row.spread < D(20) and not row.large_spread
    assert row.passes is False


def test_without_a_passing_score_passing_is_unknown():
    assert assess(Candidate("a", D(1), (evaluation("x", 6, 6, 3),)), GRID, passing_score=None).passes is None


def test_agreement_is_every_evaluator_recommending_the_same():
    assert agreement(["fund", "fund"]) == AGREE
    assert agreement(["do_not_fund", "do_not_fund", "do_not_fund"]) == AGREE
    assert agreement(["fund", "do_not_fund"]) == DISAGREE
    assert agreement(["fund"]) == SINGLE
    assert agreement([]) == SINGLE


def test_the_highest_mean_ranks_first_then_the_smaller_spread_then_the_smaller_amount():
    steady = Candidate("steady", D("90000"), (evaluation("x", 8, 8, 4), evaluation("y", 8, 8, 4)))
    split = Candidate("split", D("10000"), (evaluation("x", 10, 10, 5), evaluation("y", 6, 6, 3)))
    cheap = Candidate("cheap", D("5000"), (evaluation("x", 8, 8, 4), evaluation("y", 8, 8, 4)))
    best = Candidate("best", D("99000"), (evaluation("x", 9, 9, 5), evaluation("y", 9, 9, 5)))

    rows = rank([steady, split, cheap, best], GRID, passing_score=D(65), remaining=D("1000000"))

    assert [row.key for row in rows] == ["best", "cheap", "steady", "split"]
    assert [row.rank for row in rows] == [1, 2, 3, 4]


def test_the_amount_asked_adds_up_down_the_ranking_against_the_remaining_envelope():
    candidates = [Candidate(key, D(amount), (evaluation("x", score, score, 5),))
                  for key, amount, score in (("a", "40000", 10), ("b", "30000", 9), ("c", "20000", 8),
                                             ("d", "10000", 7))]

    rows = rank(candidates, GRID, passing_score=None, remaining=D("75000"), counted=lambda key: key != "b")

    assert [(row.key, row.cumulative, row.within_envelope) for row in rows] == [
        ("a", D("40000"), True), ("b", None, None), ("c", D("60000"), True), ("d", D("70000"), True)]
    tight = rank(candidates, GRID, passing_score=None, remaining=D("75000"))
    assert [row.within_envelope for row in tight] == [True, True, False, False]


scores = st.decimals(min_value=0, max_value=10, places=1)


@given(st.lists(st.tuples(scores, scores, st.decimals(min_value=0, max_value=5, places=1)), min_size=1,
                max_size=5))
def test_every_weighted_score_is_within_0_and_100_and_the_mean_within_the_scores(values):
    row = assess(Candidate("a", D(1), tuple(evaluation(i, *v) for i, v in enumerate(values))), GRID,
                 passing_score=D(50))
    each = [score for _who, score in row.scores]

    assert all(D(0) <= score <= D(100) for score in each)
    assert min(each) - D("0.01") <= row.mean <= max(each) + D("0.01")
    assert row.spread == max(each) - min(each) >= 0
