"""Directory benchmarks on the 5,000-organisation cluster.

1. The search itself, in process: for ~280 realistic queries (French and English, some with a filter), what
   the directory page runs — DirectoryFilterForm, selectors.filter_directory, then a 24-card page (the count
   and the first page with its core capabilities). Target: p95 < 50 ms.
2. The pages, through a real server: gunicorn with the production settings (DEBUG off) on loopback, driven
   by 20 concurrent clients — the directory, directory searches (the ~280, each made several times; then new
   ones, each address asked once, which no cached listing serves), organisation pages (anonymous and signed in
   as a member). Target: p95 < 150 ms. Requests per second are reported too.

    DATABASE_URL=postgres://… .venv/bin/python bench/directory.py [--requests 1500] [--concurrency 20]
"""

import argparse
import contextlib
import http.client
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from common import BENCH_SECRET_KEY, ROOT, figure, load_average, percentile, setup_django

QUERIES_FILE = Path(__file__).parent / "queries.txt"
SEARCH_TARGET_MS = 50
PAGE_TARGET_MS = 150
START_SECONDS = 180
DEMO_MEMBER_EMAIL = "sophie.tremblay@upl-aero.demo"


def read_queries() -> list[dict]:
    """Each line of queries.txt as the GET parameters of the directory page."""
    from grappe.members.models import CertificationType

    certification_ids = dict(CertificationType.objects.values_list("code", "pk"))
    queries = []
    for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, _bar, filters = line.partition("|")
        params = {"q": text.strip()} if text.strip() else {}
        for item in filters.split():
            key, value = item.split("=")
            params[key] = str(certification_ids[value]) if key == "certification" else value
        queries.append(params)
    return queries


# 1. The search, in process ---------------------------------------------------------------------------

def run_search(params: dict, user) -> int:
    """What members.views.directory.directory does before rendering; returns the number of matches."""
    from django.core.paginator import Paginator

    from grappe.members import selectors
    from grappe.members.forms.directory import DirectoryFilterForm

    form = DirectoryFilterForm(params)
    queryset = selectors.directory_organisations(user)
    if form.is_valid():
        queryset = selectors.filter_directory(queryset, form.cleaned_data)
    page = Paginator(selectors.with_card_details(queryset), 24).get_page(1)
    for organisation in page.object_list:
        organisation.core_capabilities  # noqa: B018 — the cards show them: part of the work
    return page.paginator.count


def bench_search(queries: list[dict], rounds: int) -> bool:
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser()
    for params in queries:  # warm the connection and PostgreSQL's caches, as a running site has them
        run_search(params, user)
    samples, round_p95s, empty = [], [], 0
    for _round in range(rounds):
        this_round = []
        for params in queries:
            started = time.perf_counter()
            found = run_search(params, user)
            this_round.append((time.perf_counter() - started) * 1000)
            empty += found == 0
        samples += this_round
        round_p95s.append(f"{percentile(this_round, 95):.0f}")
    detail = (f"{len(queries)} queries x {rounds}, p50 {percentile(samples, 50):.1f} ms, "
              f"max {max(samples):.1f} ms, p95 of each round {', '.join(round_p95s)} ms, "
              f"{empty // rounds} queries without result; {load_average()}")
    return figure("directory search (filter_directory + first page of 24)", percentile(samples, 95), "ms",
                  SEARCH_TARGET_MS, detail)


# 2. The pages, through a real server -----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving Grappe with the production settings on loopback, for the length of a `with`."""

    def __init__(self, workers: int, threads: int):
        self.port, self.workers, self.threads = free_port(), workers, threads
        # collectstatic compresses every file (a minute, several on a loaded machine): GRAPPE_BENCH_STATIC_ROOT may
        # name a folder it already filled from this checkout, which is then used as it is and kept.
        self.static_root = os.environ.get("GRAPPE_BENCH_STATIC_ROOT", "")
        self.collect = not (self.static_root and (Path(self.static_root) / "staticfiles.json").exists())
        self.static_root = self.static_root or tempfile.mkdtemp(prefix="grappe-bench-static-")
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT),
            "GRAPPE_BENCH_STATIC_ROOT": self.static_root, "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": BENCH_SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0", "GRAPPE_BASE_URL": f"http://127.0.0.1:{self.port}",
        }
        self.command = [sys.executable, "-m", "gunicorn", "grappe.wsgi:application", "--bind",
                        f"127.0.0.1:{self.port}", "--workers", str(workers), "--threads", str(threads),
                        "--backlog", "256", "--log-level", "warning"]

    def __enter__(self):
        if self.collect:
            collectstatic = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
            subprocess.run(collectstatic, cwd=ROOT, env=self.env, check=True)
        # The server's log (a JSON line per request, as in production) goes to a file, not among the figures.
        self.log = tempfile.NamedTemporaryFile(prefix="grappe-bench-server-", suffix=".log", delete=False)
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)
        # Starting gunicorn and its first page take seconds on an idle machine, a minute on a loaded one.
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/fr/members/", {})[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.__exit__()
            raise RuntimeError(f"gunicorn did not answer within {START_SECONDS} s (its log: {self.log.name})")
        self.check_production_mode()
        return self

    def check_production_mode(self) -> None:
        """Refuse to measure anything but production mode: DEBUG off (a missing page gets the plain 404, not
        Django's debug page) and every gunicorn worker up."""
        status, body = fetch(self.port, "GET", "/bench-no-such-page/", {}, timeout=START_SECONDS)
        if status != 404 or b"DEBUG = True" in body:
            self.__exit__()
            raise RuntimeError(f"the benchmark server is not in production mode (a missing page: {status})")
        deadline = time.monotonic() + START_SECONDS
        while len(self.processes()["Django"]) - 1 < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        print(f"gunicorn on port {self.port}: {len(self.processes()['Django']) - 1} workers x {self.threads} "
              f"threads, DJANGO_DEBUG=0 (checked: no debug page), settings {self.env['DJANGO_SETTINGS_MODULE']}; "
              f"its log: {self.log.name}", flush=True)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        if self.collect and not os.environ.get("GRAPPE_BENCH_STATIC_ROOT"):
            subprocess.run(["rm", "-rf", self.static_root], check=False)

    def processes(self) -> dict[str, list[int]]:
        """gunicorn's processes, and the PostgreSQL backends serving them (their connections persist)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
            backends = [row[0] for row in cursor.fetchall()]
        workers = [pid for pid in all_pids() if parent_pid(pid) == self.process.pid]
        return {"Django": [self.process.pid, *workers], "PostgreSQL": backends}


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def proc_stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, …)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def parent_pid(pid: int) -> int | None:
    try:
        return int(proc_stat(pid)[1])
    except (OSError, IndexError, ValueError):
        return None


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each of these processes: what other work on the machine does not inflate."""
    times = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = proc_stat(pid)
            times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return times


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings; a process started in between (a database connection
    reopened after CONN_MAX_AGE) counts whole. One that ended in between is missed: a slight underestimate."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def get(port: int, path: str, headers: dict) -> tuple[int, int]:
    status, body = fetch(port, "GET", path, headers)
    return status, len(body)


def fetch(port: int, method: str, path: str, headers: dict, body: bytes | None = None,
          timeout: float = 30) -> tuple[int, bytes]:
    """One request on its own connection: the status and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def session_headers(user) -> dict:
    """The Cookie header of a session signed in as `user`, made by Django's test client (force_login) in this
    process, as a sign-in would: the server reads it from the database. The staff's sessions also hold the record
    of a second factor typed at sign-in (allauth's "mfa" authentication record; an authenticator is made for an
    account that has none), so that the production policy that staff pass one (GRAPPE_STAFF_MFA_REQUIRED, on)
    stays on in the server."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    if user.is_staff:
        from allauth.account.internal.flows.login import record_authentication
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import generate_totp_secret
        from allauth.mfa.utils import encrypt
        from django.http import HttpRequest

        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            authenticator = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP,
                                                         data={"secret": encrypt(generate_totp_secret())})
        request = HttpRequest()
        request.session = client.session
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
        request.session.save()
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # ms, answered 200
    failures: list[int] = field(default_factory=list)  # other statuses
    seconds: float = 0.0
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per request, by who spent it


def load(server: Server, paths: list[str], headers: dict, *, concurrency: int, requests: int,
         seconds: float) -> LoadResult:
    """`concurrency` clients, each sending its next request as soon as the last one is answered; at most
    `requests` requests and `seconds` seconds."""
    result, lock, counter = LoadResult(), threading.Lock(), itertools.count()
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline and (n := next(counter)) < requests:
            started = time.perf_counter()
            status, _size = get(server.port, paths[n % len(paths)], headers)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    result.latencies.append(elapsed)
                else:
                    result.failures.append(status)

    return run_clients(server, client, concurrency, result)


def run_clients(server: Server, client, concurrency: int, result: LoadResult) -> LoadResult:
    """Run `client` (which fills `result`) on `concurrency` threads; then the wall time and the CPU spent per
    answered request by the server's processes and by the clients."""
    cpu_before = {who: cpu_seconds(pids) for who, pids in server.processes().items()}
    started, client_cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    served = max(1, len(result.latencies))
    for who, pids in server.processes().items():
        result.cpu_ms[who] = 1000 * cpu_spent(cpu_before[who], cpu_seconds(pids)) / served
    result.cpu_ms["client"] = 1000 * (time.process_time() - client_cpu) / served
    return result


def page_scenarios(queries: list[dict]) -> list[tuple[str, list[str], dict, bool]]:
    """Anonymous visitors browse the directory, search it and open organisations; a member opens them too
    (contacts and certifications). Each scenario: its name, its addresses, its headers, and whether it is warmed
    up first."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from grappe.members import selectors
    from grappe.members.models import SizeBand, User

    rng = random.Random(2026)
    listed = list(selectors.directory_organisations(AnonymousUser()).values_list("slug", flat=True))
    details = [f"/fr/members/o/{slug}/" for slug in rng.sample(listed, min(500, len(listed)))]
    searches = [f"/fr/members/?{urlencode(params)}" for params in queries]
    browsing = [f"/fr/members/?page={n}" for n in range(1, 21)]
    # The same searches narrowed by size or at their second page: addresses asked once each, so no cached
    # listing serves them (the cards of organisations already shown are ready).
    new_searches = [f"/fr/members/?{urlencode({**params, 'size': size})}"
                    for size in SizeBand.values for params in queries if "size" not in params]
    new_searches += [f"/fr/members/?{urlencode({**params, 'page': 2})}" for params in queries]
    rng.shuffle(new_searches)
    client = Client()
    client.force_login(User.objects.get(email=DEMO_MEMBER_EMAIL))
    member = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    return [
        ("directory page (browsing pages 1-20)", browsing, {}, True),
        ("directory search page", searches, {}, True),
        ("directory search page, new searches (listing not cached)", new_searches, {}, False),
        ("organisation page, anonymous", details, {}, True),
        ("organisation page, signed-in member", details, member, True),
    ]


def describe(result: LoadResult, args) -> str:
    served, cpu = len(result.latencies), result.cpu_ms
    return (f"{served} requests, {args.concurrency} clients, {served / result.seconds:.0f} req/s, "
            f"p50 {percentile(result.latencies, 50):.0f} ms, p99 {percentile(result.latencies, 99):.0f} ms; "
            f"CPU per request: Django {cpu['Django']:.1f} ms, PostgreSQL {cpu['PostgreSQL']:.1f} ms, "
            f"client {cpu['client']:.1f} ms; gunicorn {args.workers} workers x {args.threads} threads; "
            f"{load_average()}")


def bench_pages(queries: list[dict], args) -> bool:
    met = True
    with Server(args.workers, args.threads) as server:
        for name, paths, headers, warm_up in page_scenarios(queries):
            if warm_up:
                load(server, paths, headers, concurrency=args.concurrency, requests=args.warm_up,
                     seconds=args.seconds)
            result = load(server, paths, headers, concurrency=args.concurrency, requests=args.requests,
                          seconds=args.seconds)
            if result.failures or not result.latencies:
                statuses = sorted(set(result.failures))
                print(f"FAILED | {name} | {len(result.failures)} requests failed with status {statuses}")
                met = False
                continue
            p95 = percentile(result.latencies, 95)
            met &= figure(name, p95, "ms", PAGE_TARGET_MS, describe(result, args))
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="times each search query is measured")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1500, help="requests per page scenario (at most)")
    parser.add_argument("--warm-up", type=int, default=200,
                        help="requests per page scenario before measuring (the caches fill during them)")
    parser.add_argument("--seconds", type=float, default=60, help="time limit per page scenario")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--skip-pages", action="store_true", help="only the in-process search benchmark")
    args = parser.parse_args()
    setup_django()
    queries = read_queries()
    met = bench_search(queries, args.rounds)
    if not args.skip_pages:
        met &= bench_pages(queries, args)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
