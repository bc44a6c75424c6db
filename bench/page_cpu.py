"""Django's CPU per request on the directory and organisation pages, in process, on the 5,000-organisation cluster.

The page benchmark of bench/directory.py measures latency through gunicorn at 20 clients: on a machine shared
with other work, its wall-clock figures are noisy. What sets them on an idle machine is the CPU each request
costs, and that does not depend on what else runs: this script calls the WSGI application itself (the
production settings of bench/settings.py, DEBUG off, every middleware), one request at a time, and reports
the median and p95 of `time.process_time()` per request and the queries each request makes. Target: a median
under 6 ms of CPU (at that, 2 cores serve 20 clients well under 150 ms).

The scenarios are those of bench/directory.py: directory searches (the ~280 of queries.txt, each asked once
before measuring: their listings are cached, as on a running site), new searches (addresses asked once each,
no cached listing), organisation pages (500, each opened once before measuring), anonymous and signed in as a
member. `--profile NAME` runs cProfile over one scenario's measured requests and prints where the time goes.

    DATABASE_URL=postgres://… .venv/bin/python bench/page_cpu.py [--requests 400] [--profile "organisation page, signed-in member"]
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time

from common import BENCH_SECRET_KEY, ROOT, figure, load_average, percentile, setup_django

CPU_TARGET_MS = 6


def production_settings() -> str:
    """The benchmark server's settings (DEBUG off), with static files collected into a scratch folder."""
    static_root = tempfile.mkdtemp(prefix="grappe-bench-static-")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "GRAPPE_BENCH_STATIC_ROOT": static_root, "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": BENCH_SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "GRAPPE_BASE_URL": "http://127.0.0.1",
    })
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    return static_root


def wsgi_environ(path: str, headers: dict) -> dict:
    path, _mark, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


class Requester:
    """One request at a time through the WSGI application; its CPU time and queries."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application

        self.application = get_wsgi_application()
        self.queries = 0

    def count_query(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)

    def get(self, path: str, headers: dict) -> tuple[float, int]:
        from django.db import connection

        statuses = []
        self.queries = 0
        started = time.process_time()
        with connection.execute_wrapper(self.count_query):
            response = self.application(wsgi_environ(path, headers), lambda status, _headers: statuses.append(status))
            b"".join(response)
            response.close()
        cpu_ms = (time.process_time() - started) * 1000
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"{path} answered {statuses[0]}")
        return cpu_ms, self.queries


def scenarios(queries: list[dict]) -> list[tuple[str, list[str], dict, bool]]:
    from directory import page_scenarios

    return [scenario for scenario in page_scenarios(queries) if not scenario[0].startswith("directory page")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400, help="measured requests per scenario")
    parser.add_argument("--profile", help="the name of a scenario to profile (its start is enough)")
    parser.add_argument("--top", type=int, default=45, help="lines of the profile")
    args = parser.parse_args()
    static_root = production_settings()
    try:
        setup_django()
        from directory import read_queries

        requester = Requester()
        met = True
        for name, paths, headers, warm_up in scenarios(read_queries()):
            if warm_up:  # every address once: what a running site has cached
                for path in paths:
                    requester.get(path, headers)
            else:  # the code paths and the cards' cache warm, not these addresses
                for path in paths[-50:]:
                    requester.get(path, headers)
                paths = paths[:-50]
            measured = [paths[n % len(paths)] for n in range(min(args.requests, len(paths)) if not warm_up
                                                             else args.requests)]
            profiler = cProfile.Profile(time.process_time) if args.profile and name.startswith(args.profile) else None
            samples, counts = [], []
            for path in measured:
                if profiler:
                    profiler.enable()
                cpu_ms, count = requester.get(path, headers)
                if profiler:
                    profiler.disable()
                samples.append(cpu_ms)
                counts.append(count)
            met &= figure(f"Django CPU per request: {name}", statistics.median(samples), "ms", CPU_TARGET_MS,
                          f"{len(samples)} requests, p95 {percentile(samples, 95):.1f} ms, queries per request "
                          f"median {statistics.median(counts):g} (max {max(counts)}); {load_average()}")
            if profiler:
                for order in ("cumulative", "tottime"):
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                    print(out.getvalue())
        return 0 if met else 1
    finally:
        subprocess.run(["rm", "-rf", static_root], check=False)


if __name__ == "__main__":
    sys.exit(main())
