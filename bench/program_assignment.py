"""Evaluator assignment benchmark (matching/assignment.py only, no database), issue 14.

1. A call of 1,000 applications from 400 organisations (a few apply many times), 100 evaluators, two
   evaluators each. Each evaluator is in conflict with the applications of their own organisation and of the
   organisations they declared or work with (whole organisations: clustered), then with single applications
   until 1–3 % of the call; an expertise affinity (the evaluator's subjects against the application's).
   Target: < 5 s, no conflict assigned, nobody more than one above the mean load.
2. The same call re-run after 20 late applications, every earlier pair kept: < 5 s, none moved.

    .venv/bin/python bench/program_assignment.py [--seed 1]
"""

import argparse
import random
import sys
import time

from common import ROOT, figure, load_average

sys.path.insert(0, str(ROOT))

from matching.assignment import Evaluator, assign, violations

SUBJECTS = 20


def generate(applications: int, evaluators: int, seed: int, organisations: int = 400):
    """Applications (id, organisation, subject), evaluators, conflicts, affinity and how many conflicts came
    with whole organisations, all from the seed."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(organisations)]  # a few organisations apply a lot
    apps = [(f"A{i:04d}", rng.choices(range(organisations), weights)[0], rng.randrange(SUBJECTS))
            for i in range(applications)]
    by_org: dict[int, list[str]] = {}
    for app_id, org, _ in apps:
        by_org.setdefault(org, []).append(app_id)
    people = [Evaluator(f"E{j:03d}") for j in range(evaluators)]
    conflicts: set[tuple[str, str]] = set()
    affinity: dict[tuple[str, str], float] = {}
    clustered = 0
    for person in people:
        share = rng.uniform(0.01, 0.03)
        target = round(share * applications)
        mine: set[str] = set()
        for org in [rng.randrange(organisations)] + rng.sample(range(organisations), rng.randint(0, 3)):
            if len(mine) + len(by_org.get(org, [])) <= target:  # their own and declared organisations
                mine.update(by_org.get(org, []))
        clustered += len(mine)
        while len(mine) < target:
            mine.add(rng.choice(apps)[0])
        conflicts.update((person.id, app_id) for app_id in mine)
        expertise = set(rng.sample(range(SUBJECTS), rng.randint(1, 3)))
        for app_id, _, subject in apps:
            if subject in expertise:
                affinity[person.id, app_id] = round(rng.uniform(0.5, 1.0), 2)
    return apps, people, conflicts, affinity, clustered


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    apps, people, conflicts, affinity, clustered = generate(1020, 100, args.seed)
    first, late = [a for a, _, _ in apps[:1000]], [a for a, _, _ in apps[1000:]]
    in_call = set(first)
    call_conflicts = {(e, a) for e, a in conflicts if a in in_call}
    shares = [sum(1 for e2, _ in call_conflicts if e2 == p.id) / len(first) for p in people]

    result = assign(first, people, call_conflicts, per_application=2, affinity=affinity)
    broken = violations(first, people, call_conflicts, result.pairs, 2)
    conflicted = sum(1 for pair in result.pairs if pair in call_conflicts)
    matched = sum(1 for pair in result.pairs if pair in affinity)
    detail = (f"feasible {result.feasible}, loads {result.min_load}..{result.max_load} (mean "
              f"{result.mean_load:.1f}, balanced {result.balanced}), {len(call_conflicts)} conflicts "
              f"({100 * min(shares):.1f}-{100 * max(shares):.1f} % per evaluator; {clustered} of the "
              f"{len(conflicts)} with the late applications by whole organisations), {conflicted} conflicts "
              f"violated, {len(broken)} rules broken, {matched} of {len(result.pairs)} pairs on the "
              f"evaluator's subjects, affinity {result.affinity:.1f}; {load_average()}")
    figure("programs: assign 2 evaluators to 1,000 applications (100 evaluators)", result.seconds, "s", 5,
           detail)
    print(f"time {result.seconds:.2f} s; max load {result.max_load}, min load {result.min_load}, "
          f"mean {result.mean_load:.2f}; conflicts violated {conflicted}")

    started = time.perf_counter()
    again = assign(first + late, people, conflicts, per_application=2, kept=result.pairs, affinity=affinity)
    seconds = time.perf_counter() - started
    # Kept pairs must stay (no move_kept): a check of that rule, 0 unless assign breaks it.
    lost = len(set(result.pairs) - set(again.pairs))
    broken_again = violations(first + late, people, conflicts, again.pairs, 2, kept=result.pairs)
    detail = (f"{len(again.new)} new pairs, {lost} earlier pairs lost (kept pairs must stay), loads "
              f"{again.min_load}..{again.max_load} (mean {again.mean_load:.2f}), {len(broken_again)} rules broken")
    figure("programs: re-run after 20 late applications, earlier pairs kept", seconds, "s", 5, detail)
    if broken or broken_again or conflicted or lost or not result.feasible or not result.balanced:
        sys.exit("FAILED | programs assignment | a rule is broken, see above")


if __name__ == "__main__":
    main()
