"""Partnering benchmark: analysis speed, proven-optimal consortia and planted partners (matching/ only).

On the synthetic cluster of bench/planted_cluster.py (5,000 organisations, ~20 competencies each), for each
opportunity it runs what the partnering page runs after inference: the gap, the ranked partners (top 20)
and 3 consortia under one of five rule sets in turn, on a PartnerIndex built once, with the page's time
budget (grappe/partnering/selectors/analysis.py: the best team may take 2 s and must be proven optimal; each
alternative has 0.1 s, past which it is shown with its gap; `--alternative-seconds 0` for no limit). It reports:

1. the latency of that full analysis, p50 and p95 (target: p95 < 300 ms);
2. how many consortia HiGHS proved optimal, for gaps of 1 to 30 must-haves, and how long it took;
3. how often the planted complementary partner is in the top 5 of the ranking (target: >= 95 %).

    .venv/bin/python bench/partnering_bench.py [--organisations 5000] [--opportunities 240] [--seed 7]
                                               [--alternative-seconds 0.1]
"""

import argparse
import sys
import time

from common import ROOT, figure, figure_at_least, load_average, percentile

sys.path.insert(0, str(ROOT))

from planted_cluster import generate

from matching.consortia import Rules, SolveStatus, find_consortia
from matching.gap import analyse_gap
from matching.partners import PartnerIndex
from matching.ranking import rank_partners

LATENCY_TARGET_MS = 300
TOP5_TARGET = 95.0
RULE_SETS = [
    ("fewest partners", Rules()),
    ("at most 4 partners", Rules(max_size=4)),
    ("at least one SME", Rules(at_least_one_sme=True)),
    ("at least one research organisation", Rules(at_least_one_research=True)),
    ("no two competitors", Rules(no_two_competitors=True)),
]
WARM_UP = 5
TIME_LIMIT = 2.0  # as grappe/partnering/selectors/analysis.py
ALTERNATIVE_SECONDS = 0.1


def analyse(index, candidates_by_id, opportunity, rules, alternative_seconds=ALTERNATIVE_SECONDS):
    """What the partnering page computes once the competencies are confirmed."""
    initiator = candidates_by_id[opportunity.initiator_id]
    gap = analyse_gap(initiator, opportunity.needs, opportunity.required_certifications)
    ranking = rank_partners(initiator, gap, index, top_k=20)
    consortia = find_consortia(initiator, gap, index, rules, n=3, time_limit=TIME_LIMIT,
                               alternative_seconds=alternative_seconds)
    return gap, ranking, consortia


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--opportunities", type=int, default=240)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--alternative-seconds", type=float, default=ALTERNATIVE_SECONDS,
                        help="time each alternative team may take (0: no limit, every team proven)")
    arguments = parser.parse_args()
    alternative_seconds = arguments.alternative_seconds or None

    cluster, opportunities = generate(arguments.organisations, arguments.opportunities, arguments.seed)
    started = time.perf_counter()
    index = PartnerIndex.build(cluster)
    built = time.perf_counter()
    index.competitor_graph(Rules().competitor_threshold)
    print(f"PartnerIndex of {len(cluster)} organisations built in {(built - started) * 1000:.0f} ms, "
          f"its competitor graph (once per threshold) in {(time.perf_counter() - built) * 1000:.0f} ms")
    by_id = {candidate.id: candidate for candidate in cluster}
    for opportunity in opportunities[:WARM_UP]:
        analyse(index, by_id, opportunity, Rules())

    latencies, cpu_latencies, consortium_seconds, pools, in_top5, positions = [], [], [], [], 0, []
    first_proven = all_proven = infeasible = alternatives = alternatives_proven = 0
    largest_gap_proven, by_rule = 0, {name: 0 for name, _ in RULE_SETS}
    for number, opportunity in enumerate(opportunities):
        rule_name, rules = RULE_SETS[number % len(RULE_SETS)]
        started, cpu_started = time.perf_counter(), time.process_time()
        gap, ranking, consortia = analyse(index, by_id, opportunity, rules, alternative_seconds)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu_latencies.append((time.process_time() - cpu_started) * 1000)
        ranked_ids = [partner.candidate.id for partner in ranking]
        position = ranked_ids.index(opportunity.planted_id) + 1 if opportunity.planted_id in ranked_ids else None
        positions.append(position)
        in_top5 += position is not None and position <= 5
        consortium_seconds.append(consortia.seconds)
        pools.append(consortia.pool_size)
        if consortia.status == SolveStatus.INFEASIBLE:
            infeasible += 1
            by_rule[rule_name] += 1
        proven = [team.status == SolveStatus.OPTIMAL for team in consortia.teams]
        alternatives += len(proven[1:])
        alternatives_proven += sum(proven[1:])
        first_proven += consortia.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE)
        all_proven += consortia.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE) and all(proven)
        if consortia.status == SolveStatus.OPTIMAL:
            largest_gap_proven = max(largest_gap_proven, len(gap.must_gap))

    count = len(opportunities)
    missed = [(o.gap_size, p) for o, p in zip(opportunities, positions) if p is None or p > 5]
    print(f"opportunities: {count}, gaps 1–{max(o.gap_size for o in opportunities)} must-haves, "
          f"rule sets in turn: {', '.join(name for name, _ in RULE_SETS)}")
    print(f"no team possible under the rules: {infeasible} ({by_rule}) — proven infeasible, with suggestions")
    print(f"solver pool after reduction: p50 {percentile(pools, 50)}, p95 {percentile(pools, 95)}, max {max(pools)}")
    print(f"consortia (3 teams + suggestions when infeasible): p50 {percentile(consortium_seconds, 50) * 1000:.1f} ms,"
          f" p95 {percentile(consortium_seconds, 95) * 1000:.1f} ms, max {max(consortium_seconds) * 1000:.1f} ms")
    large = [seconds * 1000 for o, seconds in zip(opportunities, consortium_seconds) if o.gap_size >= 25]
    print(f"consortia for gaps of 25–30 must-haves ({len(large)}): p50 {percentile(large, 50):.1f} ms, "
          f"p95 {percentile(large, 95):.1f} ms, max {max(large):.1f} ms")
    print(f"planted partner missed (gap size, position): {missed}")
    print(f"CPU time of one analysis (what a busy machine does not inflate): p50 {percentile(cpu_latencies, 50):.1f} ms,"
          f" p95 {percentile(cpu_latencies, 95):.1f} ms")
    print(load_average())
    figure("partnering full analysis p50 (gap + ranking + 3 consortia)", percentile(latencies, 50), "ms",
           LATENCY_TARGET_MS)
    figure("partnering full analysis p95 (gap + ranking + 3 consortia)", percentile(latencies, 95), "ms",
           LATENCY_TARGET_MS, f"{count} opportunities, {len(cluster)} organisations")
    figure_at_least("best consortium proven optimal (or proven impossible)", 100 * first_proven / count, "%", 100,
                    f"{first_proven}/{count}; all teams proven: {all_proven}/{count} "
                    f"(alternatives: {alternatives_proven}/{alternatives}); "
                    f"largest gap proven: {largest_gap_proven} must-haves")
    figure_at_least("planted partner in the top 5", 100 * in_top5 / count, "%", TOP5_TARGET,
                    f"{in_top5}/{count}; first: {sum(p == 1 for p in positions)}/{count}")


if __name__ == "__main__":
    main()
