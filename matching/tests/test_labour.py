"""Availabilities of skilled staff ranked for a need (and needs for an availability): skills, period, distance,
people, with hard requirements and the reasons said."""

from datetime import date

import pytest

from matching.labour import Post, Reason, distance_km, match, peak_people, rank_availabilities, rank_needs

# A small taxonomy: domain 1 (machining) holds 11 and 12; domain 2 (composites) holds 21 and 22.
PARENTS = {1: None, 11: 1, 12: 1, 2: None, 21: 2, 22: 2}


def post(key=1, skills=(11,), people=2, start=date(2027, 3, 1), end=date(2027, 3, 28), region="06", **more):
    return Post(key=key, skills=frozenset(skills), people=people, start=start, end=end, region=region, **more)


def reason(found, code):
    return next(r for r in found.reasons if r.code == code)


def test_shared_skills_are_counted_against_the_skills_needed():
    need = post(skills=(11, 12, 21, 22))
    found = match(need, post(key=7, skills=(11, 21, 22)), PARENTS)
    assert found.key == 7 and reason(found, "skills") == Reason("skills", (3, 4))


def test_a_domain_stands_for_every_capability_in_it_either_way():
    assert reason(match(post(skills=(1,)), post(skills=(12,)), PARENTS), "skills").values == (1, 1)
    assert reason(match(post(skills=(11, 12)), post(skills=(1,)), PARENTS), "skills").values == (2, 2)
    assert match(post(skills=(2,)), post(skills=(11,)), PARENTS) is None


def test_no_shared_skill_or_no_day_in_common_is_no_match():
    assert match(post(skills=(11,)), post(skills=(21,)), PARENTS) is None
    assert match(post(end=date(2027, 3, 10)), post(start=date(2027, 3, 11), end=date(2027, 4, 1)), PARENTS) is None


def test_the_period_overlap_is_the_days_of_the_need_covered():
    need = post(start=date(2027, 3, 1), end=date(2027, 4, 25))  # 8 weeks
    availability = post(start=date(2027, 3, 15), end=date(2027, 6, 1))  # covers the last 6
    assert reason(match(need, availability, PARENTS), "period").values == (42, 56)


def test_distance_between_regions_and_remote_work():
    montreal_laval = match(post(region="06"), post(region="13"), PARENTS)
    assert reason(montreal_laval, "distance").values[0] < 20
    far = match(post(region="06"), post(region="09"), PARENTS)
    assert reason(far, "distance").values[0] > 400
    assert montreal_laval.score > far.score
    remote = match(post(region="06", mode="remote"), post(region="09", mode="hybrid"), PARENTS)
    assert Reason("remote") in remote.reasons and not any(r.code == "distance" for r in remote.reasons)
    assert remote.score > far.score


def test_remote_only_and_on_site_only_never_match():
    assert match(post(mode="remote"), post(mode="on_site"), PARENTS) is None
    assert match(post(mode="on_site"), post(mode="remote"), PARENTS) is None


def test_hybrid_on_one_side_and_on_site_on_the_other_is_on_site():
    found = match(post(mode="hybrid", region="03"), post(mode="on_site", region="06"), PARENTS)
    assert 200 < reason(found, "distance").values[0] < 260  # Québec to Montréal, about 230 km


def test_distances_are_great_circle_between_main_towns():
    assert distance_km("06", "06") == 0
    assert distance_km("06", "03") == pytest.approx(233, abs=10)
    assert distance_km("06", "99") is None
    assert distance_km("99", "99") is None
    found = match(post(region="99"), post(region="06"), PARENTS)
    assert Reason("distance_unknown") in found.reasons


def test_a_clearance_below_the_one_needed_or_no_controlled_goods_registration_is_filtered_out():
    need = post(clearance="secret", controlled_goods=True)
    assert match(need, post(clearance="reliability", controlled_goods=True), PARENTS) is None
    assert match(need, post(clearance="top_secret", controlled_goods=False), PARENTS) is None
    assert match(need, post(clearance="top_secret", controlled_goods=True), PARENTS) is not None
    assert match(post(), post(clearance="secret", controlled_goods=True), PARENTS) is not None


def test_fewer_people_than_needed_is_a_partial_match_ranked_lower():
    need = post(people=4)
    partial, enough = match(need, post(key=1, people=2), PARENTS), match(need, post(key=2, people=5), PARENTS)
    assert reason(partial, "people").values == (2, 4) and reason(enough, "people").values == (5, 4)
    assert enough.score > partial.score


def test_availabilities_are_ranked_best_first_and_the_unsuitable_left_out():
    need = post(skills=(11, 21), people=2, region="06")
    both_near = post(key=1, skills=(11, 21), region="13")
    one_near = post(key=2, skills=(11,), region="06")
    both_far = post(key=3, skills=(11, 21), region="08")
    unrelated = post(key=4, skills=(22,), region="06")
    ranked = rank_availabilities(need, [unrelated, both_far, one_near, both_near], PARENTS)
    assert [m.key for m in ranked] == [1, 3, 2]
    assert ranked[0].score <= 1


def test_needs_are_ranked_for_an_availability_keyed_by_the_need():
    availability = post(key=9, skills=(11, 12), people=3)
    needs = [post(key=5, skills=(11, 21, 22)), post(key=6, skills=(12,)), post(key=8, skills=(21,))]
    ranked = rank_needs(availability, needs, PARENTS)
    assert [m.key for m in ranked] == [6, 5]
    assert reason(ranked[1], "skills").values == (1, 3)
    assert rank_needs(availability, iter(needs), PARENTS) == ranked


def test_the_peak_of_loans_is_the_most_people_lent_on_one_day_of_a_window():
    loans = [(2, date(2027, 3, 1), date(2027, 3, 14)), (1, date(2027, 3, 10), date(2027, 3, 31)),
             (3, date(2027, 4, 1), date(2027, 4, 5))]
    assert peak_people(loans) == 3
    assert peak_people(loans, date(2027, 3, 1), date(2027, 3, 31)) == 3  # 2 + 1 from the 10th to the 14th
    assert peak_people(loans, date(2027, 3, 15), date(2027, 3, 31)) == 1
    assert peak_people(loans, date(2027, 5, 1), date(2027, 5, 31)) == 0
    assert peak_people([]) == 0
