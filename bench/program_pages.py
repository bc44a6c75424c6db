"""The calls' pages through a real server at 20 concurrent clients, on a program of 1,000 applications.

The program of bench/program_report.py (`make_program`: a closed call of 700 applications and an open one of
300, from 1,000 organisations); the lead of one open-call application gets a member account. gunicorn with the
production settings on loopback, driven by bench/directory.py's client runner (`Server`, `load`). Scenarios:

1. the open calls page, anonymous;
2. the open calls page, signed in as that member (each open call read against its organisation's eligibility);
3. the open call's page, signed in as that member;
4. the member's own application page, signed in.

Target: p95 < 150 ms for each. The CPU per request (Django, PostgreSQL, the clients) is reported beside it: on a
machine shared with other work the latencies are noisy, the CPU is not. `--cpu` measures instead, in process
and one request at a time, Django's CPU and the queries of each page (bench/page_cpu.py's `Requester`), and
`--profile NAME` prints where one scenario's time goes. The data is removed afterwards.

    DATABASE_URL=postgres://… .venv/bin/python bench/program_pages.py [--requests 1000] [--concurrency 20] [--cpu]
"""

import argparse
import cProfile
import io
import pstats
import statistics
import subprocess
import sys
import time

from common import figure, load_average, percentile, setup_django
from directory import Server, describe, load
from page_cpu import CPU_TARGET_MS, Requester, production_settings
from program_report import make_program, remove

TARGET_MS = 150
MEMBER_EMAIL = "bench-member@program-pages.bench"


def member_session(made) -> tuple[dict, int]:
    """A signed-in member of an open-call applicant: its session cookie, and its application's id."""
    from django.test import Client

    from grappe.members.models import Person, User
    from grappe.programs.models import Application

    application = Application.objects.filter(call=made.open_call).order_by("pk").first()
    User.objects.filter(email=MEMBER_EMAIL).delete()
    user = User.objects.create_user(MEMBER_EMAIL, None, full_name="Bench member")
    Person.objects.create(organisation=application.lead, user=user, email=MEMBER_EMAIL, first_name="Bench",
                          last_name="Member")
    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}, application.pk


def through_server(scenarios, args) -> bool:
    met = True
    with Server(args.workers, args.threads) as server:
        for name, path, headers in scenarios:
            load(server, [path], headers, concurrency=args.concurrency, requests=args.warm_up, seconds=args.seconds)
            result = load(server, [path], headers, concurrency=args.concurrency, requests=args.requests,
                          seconds=args.seconds)
            if result.failures or not result.latencies:
                print(f"FAILED | {name} | {len(result.failures)} requests failed with {sorted(set(result.failures))}")
                met = False
                continue
            met &= figure(name, percentile(result.latencies, 95), "ms", TARGET_MS, describe(result, args))
    return met


def in_process(scenarios, args) -> bool:
    """Django's CPU per request and its queries, one request at a time (see bench/page_cpu.py)."""
    requester, met = Requester(), True
    for name, path, headers in scenarios:
        for _warm in range(args.warm_up):
            requester.get(path, headers)
        profiler = cProfile.Profile(time.process_time) if args.profile and name.startswith(args.profile) else None
        samples, counts = [], []
        for _n in range(args.requests):
            if profiler:
                profiler.enable()
            cpu_ms, count = requester.get(path, headers)
            if profiler:
                profiler.disable()
            samples.append(cpu_ms)
            counts.append(count)
        met &= figure(f"Django CPU per request: {name}", statistics.median(samples), "ms", CPU_TARGET_MS,
                      f"{len(samples)} requests, p95 {percentile(samples, 95):.1f} ms, {statistics.median(counts):g} "
                      f"queries per request; {load_average()}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="requests per scenario (at most)")
    parser.add_argument("--warm-up", type=int, default=100, help="requests per scenario before measuring")
    parser.add_argument("--seconds", type=float, default=60, help="time limit per scenario")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cpu", action="store_true", help="Django's CPU per request, in process (no server)")
    parser.add_argument("--profile", help="with --cpu: the name of a scenario to profile (its start is enough)")
    parser.add_argument("--top", type=int, default=40, help="lines of the profile")
    args = parser.parse_args()
    static_root = production_settings() if args.cpu else None
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    made = make_program(time.strftime("%Y%m%d%H%M%S"))
    try:
        member, application = member_session(made)
        scenarios = [
            ("programs: open calls page, anonymous", "/fr/programs/calls/", {}),
            ("programs: open calls page, signed-in member", "/fr/programs/calls/", member),
            ("programs: a call's page (1,000-application program), signed-in member",
             f"/fr/programs/calls/{made.open_call.pk}/", member),
            ("programs: the member's application page", f"/fr/programs/applications/{application}/", member),
        ]
        met = in_process(scenarios, args) if args.cpu else through_server(scenarios, args)
    finally:
        from grappe.members.models import User

        User.objects.filter(email=MEMBER_EMAIL).delete()
        remove(made)
        if static_root:
            subprocess.run(["rm", "-rf", static_root], check=False)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
