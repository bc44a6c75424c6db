"""The cluster's greening progress page through a real server at 20 concurrent clients, over 5,000 organisations
with five years of reported baselines (the issue's figure: p95 < 200 ms).

5,000 organisations of every type, size and region (bulk-made, tagged by their slug), five reported baselines
each (2021–2025) whose emissions, employees and revenue follow the size band (a 10–49 shop emits some 20 to 500 t
CO2e a year, a 1,000+ prime tens of thousands), a third of them with a reduction target, a tenth a net-zero
pledge. A member account of one of them reads the page. gunicorn with the production settings on loopback,
driven by bench/directory.py's client runner (`Server`, `load`). Scenarios:

1. the progress page, the last five years, signed-in member;
2. the progress page filtered by a size band (admitted through aggregates.admit_filter), signed-in member;
3. the progress page for the years 2021–2023, signed-in member.

The first request of each computes the figures (reported in `--cpu` mode as the cold time); the next ones read
them from the cache under the `greening.progress` version (grappe.greening.progress). The data is removed
afterwards.

    DATABASE_URL=postgres://… .venv/bin/python bench/greening_dashboard.py [--requests 1000] [--concurrency 20]
"""

import argparse
import random
import sys
import time
from decimal import Decimal

from common import figure, load_average, percentile, setup_django
from directory import Server, describe, load
from page_cpu import Requester, production_settings

TARGET_MS = 200
ORGANISATIONS = 5000
YEARS = (2021, 2022, 2023, 2024, 2025)
PREFIX = "bench-greening-"
MEMBER_EMAIL = "bench-member@greening.bench"
# employees by size band (low, high)
STAFF = {"1-9": (2, 9), "10-49": (10, 49), "50-199": (50, 199), "200-499": (200, 499), "500-999": (500, 999),
         "1000+": (1000, 6000)}


def make_cluster(seed: int = 17) -> dict:
    from grappe.greening.models import Baseline, BaselineStatus, Commitment, CommitmentKind, FactorSet
    from grappe.members.models import Organisation, OrganisationKind, Region, SizeBand

    rng = random.Random(seed)
    remove()
    factors = FactorSet.objects.create(name="Bench — RIN 2024", year=2024, source="bench")
    bands = [SizeBand.MICRO] * 30 + [SizeBand.SMALL] * 35 + [SizeBand.MEDIUM] * 20 + [SizeBand.LARGE] * 8 + \
        [SizeBand.VERY_LARGE] * 4 + [SizeBand.HUGE] * 3
    organisations = Organisation.objects.bulk_create([
        Organisation(legal_name=f"Bench greening {i}", slug=f"{PREFIX}{i}", kind=rng.choice(OrganisationKind.values),
                     size_band=rng.choice(bands), region=rng.choice(Region.values), city="Montréal")
        for i in range(ORGANISATIONS)], batch_size=1000)
    baselines, commitments = [], []
    for org in organisations:
        employees = rng.randint(*STAFF[org.size_band])
        per_employee = rng.uniform(2000, 12000)  # kg CO2e of scopes 1 and 2 per employee
        revenue_each = rng.uniform(120_000, 320_000)
        for n, year in enumerate(YEARS):
            kg = employees * per_employee * (1 - 0.025 * n) * rng.uniform(0.93, 1.07)
            baselines.append(Baseline(
                organisation=org, year=year, employees=employees, factor_set=factors,
                revenue=Decimal(round(employees * revenue_each, 2)) if rng.random() < 0.7 else None,
                scope1_kg=Decimal(round(kg * 0.6, 3)), scope2_kg=Decimal(round(kg * 0.4, 3)),
                status=BaselineStatus.SUBMITTED))
        draw = rng.random()
        if draw < 0.33:
            commitments.append(Commitment(organisation=org, kind=CommitmentKind.REDUCTION, base_year=2021,
                                          target_year=2030, reduction_percent=Decimal(rng.choice([20, 30, 40, 50]))))
        elif draw < 0.43:
            commitments.append(Commitment(organisation=org, kind=CommitmentKind.NET_ZERO, target_year=2050))
    Baseline.objects.bulk_create(baselines, batch_size=5000)
    Commitment.objects.bulk_create(commitments, batch_size=5000)
    from grappe.greening.progress import _bump_now

    _bump_now()
    return {"organisations": organisations, "baselines": len(baselines), "commitments": len(commitments)}


def remove() -> None:
    from grappe.greening.models import Baseline, Commitment, FactorSet
    from grappe.members.models import Organisation, Person, User

    User.objects.filter(email=MEMBER_EMAIL).delete()
    Person.objects.filter(organisation__slug__startswith=PREFIX).delete()
    Baseline.objects.filter(organisation__slug__startswith=PREFIX).delete()
    Commitment.objects.filter(organisation__slug__startswith=PREFIX).delete()
    FactorSet.objects.filter(name="Bench — RIN 2024").delete()
    Organisation.objects.filter(slug__startswith=PREFIX).delete()
    from grappe.greening.progress import _bump_now

    _bump_now()


def member_session(organisation) -> dict:
    from django.test import Client

    from grappe.members.models import Person, User

    user = User.objects.create_user(MEMBER_EMAIL, None, full_name="Bench member")
    Person.objects.create(organisation=organisation, user=user, email=MEMBER_EMAIL, first_name="Bench",
                          last_name="Member")
    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def cold_time(path: str, organisation_member_headers) -> float:
    """The first computation of the figures, in process (the cache emptied): what a request after a change
    pays once."""
    from django.core.cache import cache

    from grappe.greening import progress

    cache.clear()
    started = time.perf_counter()
    progress.figures(progress.Filters(), progress.MEMBER)
    return (time.perf_counter() - started) * 1000


def in_process(scenarios, member: dict, args) -> bool:
    """Django's CPU per request and its queries, one request at a time (bench/page_cpu.py's Requester)."""
    import cProfile
    import io
    import pstats
    import statistics

    requester = Requester()
    for index, (name, path) in enumerate(scenarios):
        for _warm in range(10):
            requester.get(path, member)
        profiler = cProfile.Profile(time.process_time) if args.profile and index == 0 else None
        samples, counts = [], []
        for _n in range(min(args.requests, 200)):
            if profiler:
                profiler.enable()
            cpu_ms, count = requester.get(path, member)
            if profiler:
                profiler.disable()
            samples.append(cpu_ms)
            counts.append(count)
        print(f"CPU | {name} | median {statistics.median(samples):.1f} ms, p95 {percentile(samples, 95):.1f} ms, "
              f"{statistics.median(counts):g} queries; {load_average()}", flush=True)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="requests per scenario (at most)")
    parser.add_argument("--warm-up", type=int, default=60, help="requests per scenario before measuring")
    parser.add_argument("--seconds", type=float, default=60, help="time limit per scenario")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cpu", action="store_true", help="Django's CPU per request, in process (no server)")
    parser.add_argument("--profile", action="store_true", help="with --cpu: where the first scenario's time goes")
    args = parser.parse_args()
    static_root = production_settings() if args.cpu else None
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    made = make_cluster()
    print(f"made {len(made['organisations'])} organisations, {made['baselines']} baselines, "
          f"{made['commitments']} commitments in {time.perf_counter() - started:.0f} s", flush=True)
    met = True
    try:
        member = member_session(made["organisations"][0])
        print(f"cold computation of the figures: {cold_time('', member):.0f} ms (then cached)", flush=True)
        scenarios = [
            ("greening: progress page, 5,000 organisations x 5 years, signed-in member", "/fr/greening/progress/"),
            ("greening: progress page filtered by size (10-49), signed-in member",
             "/fr/greening/progress/?size_band=10-49"),
            ("greening: progress page, years 2021-2023, signed-in member",
             "/fr/greening/progress/?year_from=2021&year_to=2023"),
        ]
        if args.cpu:
            return 0 if in_process(scenarios, member, args) else 1
        with Server(args.workers, args.threads) as server:
            for name, path in scenarios:
                load(server, [path], member, concurrency=args.concurrency, requests=args.warm_up,
                     seconds=args.seconds)
                result = load(server, [path], member, concurrency=args.concurrency, requests=args.requests,
                              seconds=args.seconds)
                if result.failures or not result.latencies:
                    print(f"FAILED | {name} | {len(result.failures)} requests failed with "
                          f"{sorted(set(result.failures))}")
                    met = False
                    continue
                met &= figure(name, percentile(result.latencies, 95), "ms", TARGET_MS, describe(result, args))
    finally:
        remove()
        if static_root:
            import shutil

            shutil.rmtree(static_root, ignore_errors=True)
    print(load_average())
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
