"""What the benchmarks share: Django set-up on the benchmark database, percentiles, the figures' lines."""

import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/grappe_bench"
# The server and the benchmark process sign sessions with the same key (production settings need one).
BENCH_SECRET_KEY = "bench-only-not-secret-" + "b" * 40


def setup_django() -> None:
    """Django on the benchmark database (PostgreSQL: the figures are meant for it)."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks measure PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile: the value below which p % of the samples fall."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def figure(name: str, value: float, unit: str, target: float, detail: str = "") -> bool:
    """Print one figure against its target ("FIGURE" lines are what bench/run.sh sums up)."""
    met = value < target
    verdict = "met" if met else "MISSED"
    print(f"FIGURE | {name} | {value:.1f} {unit} | < {target:g} {unit} | {verdict} | {detail}", flush=True)
    return met


def figure_at_least(name: str, value: float, unit: str, target: float, detail: str = "") -> bool:
    """Print one figure that must reach at least its target (a share, a count)."""
    met = value >= target
    verdict = "met" if met else "MISSED"
    print(f"FIGURE | {name} | {value:.1f} {unit} | >= {target:g} {unit} | {verdict} | {detail}", flush=True)
    return met


def load_average() -> str:
    """Other work on the machine skews the figures: say how busy it was."""
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def fire_together(batches: list, act, *, prepare=None, timeout: float = 300):
    """Run `act(item, prepared)` on every item of each batch, one thread per batch, the threads started together
    (a barrier) each on its own database connection: (outcomes, errors, seconds, each act's seconds). A
    ValidationError is an outcome (a refusal the service gives); any other error (a deadlock) is reported.
    `prepare(batch)` reads what a thread needs before the start (its users, say)."""
    import threading
    import time

    from django.core.exceptions import ValidationError
    from django.db import connections

    barrier = threading.Barrier(len(batches) + 1)
    outcomes, durations, errors = [], [], []

    def work(batch):
        try:
            prepared = prepare(batch) if prepare else None
            barrier.wait()
            for item in batch:
                started = time.perf_counter()
                try:
                    outcomes.append(act(item, prepared))
                except ValidationError as refusal:
                    outcomes.append(refusal)
                durations.append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 — a deadlock or any other error is reported, not hidden
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes, errors, time.perf_counter() - started, durations
