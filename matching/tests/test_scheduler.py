"""The meeting scheduler: optimal on small days (checked against an enumeration), valid on random ones.

The brute force below is written from the rules, independently of the scheduler: it tries every way of
giving each request a slot or none, and keeps the heaviest valid one (`violations` decides validity, and
is itself checked rule by rule in the first tests).
"""

from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.scheduler import Meeting, Participant, Problem, Request, greedy, schedule, violations

FAST = {"time_limit": 5.0, "workers": 1}


def people(*organisations, unavailable=None):
    unavailable = unavailable or {}
    return tuple(Participant(i, org, frozenset(unavailable.get(i, ())))
                 for i, org in enumerate(organisations))


def brute_force(problem: Problem) -> int:
    """The heaviest valid schedule's weight, by trying every slot (or none) for every request."""
    best = 0
    choices = [(None, *problem.slots)] * len(problem.requests)
    for assignment in product(*choices):
        used = {}
        meetings = []
        busy = [(p, slot) for r, slot in zip(problem.requests, assignment) if slot is not None
                for p in (r.a, r.b)]
        if len(busy) != len(set(busy)):  # someone twice in a slot: skip the slow check
            continue
        for request, slot in zip(problem.requests, assignment):
            if slot is not None:
                table = used.get(slot, 0)
                used[slot] = table + 1
                meetings.append(Meeting(request.a, request.b, slot, table))
        if not violations(problem, meetings):
            best = max(best, sum(r.weight for r, s in zip(problem.requests, assignment) if s is not None))
    return best


def test_a_valid_schedule_has_no_violation():
    problem = Problem(people(1, 2, 3), (Request(0, 1), Request(1, 2)), (0, 1), 1)
    assert violations(problem, [Meeting(0, 1, 0, 0), Meeting(1, 2, 1, 0)]) == []


def test_violations_name_each_broken_rule():
    problem = Problem(people(1, 2, 3, 2, unavailable={2: {1}}), (Request(0, 1), Request(1, 2), Request(0, 3)),
                      (0, 1), 1, max_meetings=1)
    found = violations(problem, [Meeting(0, 1, 0, 0), Meeting(1, 2, 0, 0), Meeting(2, 1, 1, 0),
                                 Meeting(0, 3, 1, 1), Meeting(0, 2, 1, 0)])
    text = "\n".join(found)
    assert "2 meetings in slot 0" in text  # participant 1 twice at once
    assert "unavailable in slot 1" in text
    assert "table 0 of slot 0 holds 2" in text
    assert "slot 1 has 1" in text  # table 1 does not exist
    assert "organisations 1 and 2 meet" in text  # 0-1 and 0-3: 3 is 1's colleague
    assert "more than their cap" in text
    assert "nobody requested the meeting 0-2" in text


def test_rest_breaks_and_published_meetings_are_checked():
    problem = Problem(people(1, 2, 3, 4), (Request(0, 1), Request(0, 2), Request(0, 3)), (0, 1, 2), 2,
                      max_consecutive=2, fixed=(Meeting(0, 1, 0, 1),))
    found = violations(problem, [Meeting(0, 1, 0, 0), Meeting(0, 2, 1, 0), Meeting(0, 3, 2, 0)])
    assert any("longer than allowed" in f for f in found)
    assert any("was moved or dropped" in f for f in found)


def test_a_new_session_resets_the_count_of_meetings_in_a_row():
    problem = Problem(people(1, 2, 3, 4), (Request(0, 1), Request(0, 2), Request(0, 3)), (0, 1, 2), 1,
                      session_of={0: 0, 1: 0, 2: 1}, max_consecutive=2)
    assert violations(problem, [Meeting(0, 1, 0, 0), Meeting(0, 2, 1, 0), Meeting(0, 3, 2, 0)]) == []


SMALL_DAYS = [
    # a prime (organisation 1, two people) wanted by everyone; two tables; one unavailable slot each
    Problem(people(1, 1, 2, 3, 4, unavailable={2: {0}, 3: {1}}),
            (Request(2, 0, 3), Request(3, 0, 2), Request(4, 0, 2), Request(2, 1, 1), Request(3, 1, 3),
             Request(4, 1, 1)), (0, 1, 2), 2),
    # one table, caps and a rest break
    Problem(people(1, 2, 3, 4), (Request(0, 1, 2), Request(0, 2, 2), Request(0, 3, 3), Request(1, 2, 1)),
            (0, 1, 2), 1, max_meetings=2, max_consecutive=1),
]


def test_small_days_are_scheduled_optimally():
    for problem in SMALL_DAYS:
        result = schedule(problem, **FAST)
        assert violations(problem, result.meetings) == []
        assert result.placed_weight == brute_force(problem)
        assert result.status == "optimal"
        assert result.upper_bound >= result.placed_weight and result.gap == 0


@st.composite
def problems(draw, max_requests=7, fixed=False):
    count = draw(st.integers(2, 6))
    organisations = draw(st.lists(st.integers(1, 4), min_size=count, max_size=count))
    slots = tuple(range(draw(st.integers(1, 4))))
    participants = tuple(
        Participant(i, organisations[i], frozenset(draw(st.sets(st.sampled_from(slots), max_size=1))),
                    draw(st.sampled_from([None, None, 1, 2])))
        for i in range(count))
    pairs = [(a, b) for a in range(count) for b in range(a + 1, count)
             if organisations[a] != organisations[b]]
    if not pairs:
        pairs = [(0, 1)]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=max_requests, unique=True))
    requests = tuple(Request(a, b, draw(st.integers(1, 3))) for a, b in chosen)
    problem = Problem(participants, requests, slots, draw(st.integers(1, 2)),
                      session_of={s: s // 2 for s in slots} if draw(st.booleans()) else {},
                      max_meetings=draw(st.sampled_from([None, 2])),
                      max_consecutive=draw(st.sampled_from([None, 1, 2])))
    if fixed and requests:
        published = greedy(problem, seed=draw(st.integers(0, 3))).meetings
        keep = draw(st.lists(st.sampled_from(published), unique=True)) if published else []
        problem = Problem(**{**problem.__dict__, "fixed": tuple(keep), "allow_moves": draw(st.booleans())})
    return problem


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_requests=5))
def test_the_schedule_is_valid_and_as_heavy_as_the_brute_force(problem):
    result = schedule(problem, **FAST)
    assert violations(problem, result.meetings) == []
    assert result.placed_weight == brute_force(problem)
    assert result.placed_weight <= result.upper_bound


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_requests=10, fixed=True))
def test_every_schedule_keeps_every_rule_and_the_published_meetings(problem):
    for result in (greedy(problem), schedule(problem, **FAST)):
        assert violations(problem, result.meetings) == []
        assert result.placed_weight <= result.upper_bound
        requested = {(min(r.a, r.b), max(r.a, r.b)) for r in problem.requests}
        met = {(min(m.a, m.b), max(m.a, m.b)) for m in result.meetings}
        assert len(result.unplaced) + len(met & requested) >= len(requested)  # every request accounted for


def test_published_meetings_stay_at_their_slot_and_table():
    base = SMALL_DAYS[0]
    first = schedule(base, **FAST)
    cancelled = first.meetings[0]
    rest = tuple(m for m in first.meetings if m != cancelled)
    again = schedule(Problem(**{**base.__dict__, "fixed": rest}), **FAST)
    assert set(rest) <= set(again.meetings)
    assert violations(Problem(**{**base.__dict__, "fixed": rest}), again.meetings) == []


def test_published_meetings_stay_put_on_a_busy_day():
    """Enough meetings that the solver and the tidying of gaps both have something to move."""
    count = 12
    problem = Problem(people(*range(count), unavailable={i: {i % 6} for i in range(count)}),
                      tuple(Request(a, b, 1 + (a + b) % 3) for a in range(count) for b in range(a + 1, count)
                            if (a * 7 + b) % 3 == 0), tuple(range(6)), 3, max_consecutive=3)
    first = schedule(problem, **FAST)
    published = tuple(m for i, m in enumerate(first.meetings) if i % 4)
    again = Problem(**{**problem.__dict__, "fixed": published})
    result = schedule(again, **FAST)
    assert set(published) <= set(result.meetings)
    assert violations(again, result.meetings) == []


def test_moves_allowed_keep_every_published_meeting_placed():
    problem = Problem(people(1, 2, 3), (Request(0, 1, 1), Request(0, 2, 3), Request(1, 2, 3)), (0, 1), 1,
                      fixed=(Meeting(0, 1, 0, 0),), allow_moves=True)
    result = schedule(problem, **FAST)
    assert violations(problem, result.meetings) == []
    assert {(m.a, m.b) for m in result.meetings} >= {(0, 1)}


def test_unplaced_requests_say_why():
    problem = Problem(
        people(1, 1, 2, 3, 4, 5, unavailable={3: {0, 1}, 4: {0}}),
        (Request(0, 2, 3),  # placed
         Request(1, 2, 1),  # 1 is 0's colleague: organisations 1 and 2 already meet
         Request(2, 3, 1),  # 3 is free only in slot 2 ... where 5-4 sits at the single table
         Request(4, 5, 3),
         Request(0, 5, 1)),  # 0 has reached the cap
        (0, 1, 2), 1, max_meetings=1)
    result = schedule(problem, **FAST)
    reasons = {(u.request.a, u.request.b): (u.reason, u.participant) for u in result.unplaced}
    assert reasons[1, 2] == ("organisation_pair", None)
    assert reasons[0, 5] == ("participant_cap", 0)
    assert reasons[2, 3] == ("participant_cap", 2)
    nobody_free = Problem(people(1, 2, unavailable={0: {0}, 1: {1}}), (Request(0, 1),), (0, 1), 1)
    assert schedule(nobody_free, **FAST).unplaced[0].reason == "unavailable"


def test_unplaced_requests_tell_busy_people_from_full_tables():
    both_busy = Problem(people(1, 2, 3, 4, unavailable={2: {1}, 3: {0}}),
                        (Request(0, 2, 3), Request(1, 3, 3), Request(0, 1, 1)), (0, 1), 2)
    reasons = {(u.request.a, u.request.b): u.reason for u in schedule(both_busy, **FAST).unplaced}
    assert reasons == {(0, 1): "both_busy"}  # 0 meets 2 in slot 0, 1 meets 3 in slot 1
    one_busy = Problem(people(1, 2, 3, unavailable={1: {1}, 2: {1}}),
                       (Request(0, 1, 3), Request(0, 2, 1)), (0, 1), 2)
    unplaced = schedule(one_busy, **FAST).unplaced
    assert [(u.reason, u.participant) for u in unplaced] == [("participant_busy", 0)]
    no_table = Problem(people(1, 2, 3, 4), (Request(0, 1, 3), Request(2, 3, 1)), (0,), 1)
    assert [u.reason for u in schedule(no_table, **FAST).unplaced] == ["no_table"]


def test_the_tables_limit_each_slot_and_tie_breaks_go_to_fewer_gaps():
    problem = Problem(people(1, 2, 3, 4), (Request(0, 1), Request(0, 2), Request(0, 3)), (0, 1, 2, 3), 1)
    result = schedule(problem, **FAST)
    assert len(result.meetings) == 3 and result.idle_gaps == 0
    assert len({m.slot for m in result.meetings}) == 3


def test_same_input_and_seed_give_the_same_schedule():
    problem = SMALL_DAYS[0]
    first, second = schedule(problem, seed=3, **FAST), schedule(problem, seed=3, **FAST)
    assert first.meetings == second.meetings and first.unplaced == second.unplaced
    assert greedy(problem, seed=3).meetings == greedy(problem, seed=3).meetings
