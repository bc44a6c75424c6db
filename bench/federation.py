"""Cooperation between clusters under load: two Grappe instances on loopback (PostgreSQL).

Instance A and instance B, each with its own PostgreSQL database (made afresh: DATABASE_URL's name + "_fed_a" and
"_fed_b") and its own gunicorn server (3 workers, production settings: DEBUG off, a secret key, its own
GRAPPE_BASE_URL and name). The partnership is approved on both sides through the services (each staff enters the
other's address; the Follows cross over HTTP). This process is instance A's code on A's database.

1. Delivery: 10,000 `Create` activities (an opportunity each) published on A (`services.delivery.publish`, in
   batches of 500, one transaction each), delivered by `deliver_due()` in this process (one partner: its rows go
   one at a time, in order, by design). When about half are delivered, B's server is killed (SIGKILL, its workers
   with it) and started again. Reported: every activity received exactly once on B (ReceivedActivity: 10,000
   Creates, no id twice, 10,000 remote items) with A's outbox all delivered; the throughput; the time lost to
   the restart (B down and up again, then A's delivery waiting for its first retry: one minute of back-off).
2. Inbox: 20 threads, each signing (with A's key: one partner, B's rate limit raised through
   GRAPPE_FEDERATION_INBOX_PER_MINUTE) and POSTing its own `Create` activities to B's inbox, one after the other.
   Reported: p50 and p95 of one POST (target p95 < 50 ms) and the throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench .venv/bin/python bench/federation.py
        [--activities 10000] [--inbox-requests 2000] [--senders 20]
"""

import argparse
import datetime
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from common import BENCH_SECRET_KEY, DEFAULT_DATABASE_URL, ROOT, figure, figure_at_least, load_average, percentile

WORKERS = 3
BATCH = 500
INBOX_TARGET_MS = 50
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(base: str, suffix: str) -> str:
    parts = urlsplit(base)
    return parts._replace(path=parts.path.rstrip("/") + suffix).geturl()


def recreate_databases(url_a: str, url_b: str) -> None:
    """A migrated afresh, B a copy of it (both empty of data: each makes its own key at first use)."""
    import psycopg

    parts = urlsplit(url_a)
    admin_dsn = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    name_a, name_b = urlsplit(url_a).path.lstrip("/"), urlsplit(url_b).path.lstrip("/")
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        for name in (name_a, name_b):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name_a}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True,
                   env={**os.environ, "DATABASE_URL": url_a, "DJANGO_SECRET_KEY": BENCH_SECRET_KEY})
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name_b}" TEMPLATE "{name_a}"')


class Instance:
    """One Grappe served by gunicorn on loopback, with its own database, address and name."""

    def __init__(self, label: str, database: str, name: str, log_dir: Path, **extra_env):
        self.label, self.port = label, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"instance_{label}.log"
        self.env = {**os.environ, "DATABASE_URL": database, "GRAPPE_BASE_URL": self.url, "DJANGO_DEBUG": "0",
                    "DJANGO_SECRET_KEY": BENCH_SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                    "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as bench/directory.py
                    "GRAPPE_CLUSTER_NAME": name, "DJANGO_SETTINGS_MODULE": "grappe.settings",
                    "GRAPPE_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                    "PYTHONUNBUFFERED": "1", **extra_env}
        self.env.pop("REDIS_URL", None)
        self.server = None

    def start(self) -> float:
        """Start the server; the seconds until it answers."""
        started = time.perf_counter()
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "grappe.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(WORKERS), "--timeout", "60", "--graceful-timeout", "2"],
            cwd=ROOT, env=self.env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"instance {self.label} stopped at start; see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/federation/actor")
                if connection.getresponse().status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"instance {self.label} did not answer in {STARTUP_SECONDS} s")

    def kill(self) -> None:
        """The server and its workers killed at once (a crash, not a graceful stop)."""
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait()
        self.server = None

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.server = None

    def run(self, code: str) -> dict:
        """Run `code` with this instance's settings (it sets `result`, a dict); what it set, through JSON."""
        script = ("import django, json\ndjango.setup()\nresult = {}\n" + code
                  + "\nprint('RESULT ' + json.dumps(result, default=str))\n")
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"in instance {self.label}:\n{done.stderr[-3000:]}")
        line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        return json.loads(line.removeprefix("RESULT "))


STAFF_CODE = """
from grappe.members.models import Role, User
staff, _ = User.objects.get_or_create(email="bench-staff@{label}.bench",
                                      defaults={{"full_name": "Bench staff", "role": Role.STAFF_ADMIN}})
"""


def partner_both_ways(a: "Instance", b: "Instance") -> None:
    """Each side's staff approve the other through the services; the Follows cross over HTTP."""
    from grappe.federation.models import ItemKind, Partner, PartnerStatus
    from grappe.federation.services import delivery, partnerships
    from grappe.members.models import Role, User

    staff, _ = User.objects.get_or_create(email="bench-staff@a.bench",
                                          defaults={"full_name": "Bench staff", "role": Role.STAFF_ADMIN})
    partnerships.approve(staff, partnerships.discover(b.url), list(ItemKind.values))
    b.run(STAFF_CODE.format(label="b") + f"""
from grappe.federation.models import ItemKind
from grappe.federation.services import partnerships
partnerships.approve(staff, partnerships.discover({a.url!r}), list(ItemKind.values))
""")
    for _ in range(50):
        # A's first Follow reached B before B knew A (refused); B's Follow, then A's answer, make it active.
        delivery.deliver_due()
        theirs = b.run("from grappe.federation.models import Partner\n"
                       "result = dict(Partner.objects.values_list('name', 'status'))")
        ours = Partner.objects.get()
        if ours.status == PartnerStatus.ACTIVE and list(theirs.values()) == [PartnerStatus.ACTIVE]:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the partnership did not become active: A sees {ours.status}, B sees {theirs}")


def opportunity(n: int, stamp: str) -> dict:
    from grappe.federation import protocol

    now = datetime.datetime.now(datetime.UTC).isoformat()
    return {"id": protocol.object_url("opportunity", n), "type": "Page", "grappe:kind": "opportunity",
            "name": f"Bench opportunity {stamp}-{n}: machining of landing gear parts",
            "summary": "Five-axis machining, AS9100, 200 parts a month.",
            "content": "Five-axis machining of landing gear parts, AS9100, 200 parts a month, from March.",
            "published": now, "updated": now, "attributedTo": f"Bench SME {n % 50}"}


def delivery_run(a: Instance, b: Instance, count: int, restart_at: int) -> bool:
    from django.db import connections, transaction

    from grappe.federation.models import DeliveryStatus, OutgoingActivity
    from grappe.federation.services import delivery

    stamp = str(int(time.time()))
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        with transaction.atomic():
            for n in range(first, min(first + BATCH, count)):
                delivery.publish("Create", opportunity(n, stamp), kind="opportunity")
    publish_seconds = time.perf_counter() - started
    print(f"published {count} activities on A in {publish_seconds:.1f} s", flush=True)

    creates = OutgoingActivity.objects.filter(activity_type="Create")
    restart: dict = {}

    def kill_and_restart():
        try:
            while creates.filter(status=DeliveryStatus.DELIVERED).count() < restart_at:
                time.sleep(0.05)
            restart["killed_after"] = creates.filter(status=DeliveryStatus.DELIVERED).count()
            restart["killed_at"] = time.perf_counter()
            b.kill()
            time.sleep(1)
            restart["startup"] = b.start()
            restart["up_at"] = time.perf_counter()
        finally:
            connections.close_all()

    watcher = threading.Thread(target=kill_and_restart)
    started = time.perf_counter()
    watcher.start()
    while creates.filter(status=DeliveryStatus.PENDING).exists():
        if not delivery.deliver_due():
            time.sleep(0.2)  # B down, or A's delivery waiting for its next attempt
        if time.perf_counter() - started > 3600:
            break
    seconds = time.perf_counter() - started
    watcher.join()

    times = sorted(creates.values_list("delivered_at", flat=True).exclude(delivered_at=None))
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:])]
    lost = max(gaps) if gaps else 0.0
    statuses = {status: creates.filter(status=status).count() for status in DeliveryStatus.values}
    received = b.run("""
from django.db.models import Count
from grappe.federation.models import ReceivedActivity, RemoteItem
creates = ReceivedActivity.objects.filter(activity_type="Create")
result = {"received": creates.count(), "distinct": creates.values("activity_id").distinct().count(),
          "twice": creates.values("activity_id").annotate(n=Count("id")).filter(n__gt=1).count(),
          "items": RemoteItem.objects.count()}
""")
    attempts = sum(creates.values_list("attempts", flat=True))
    throughput = count / seconds
    steady = count / max(seconds - lost, 1e-9)
    detail = (f"{received['received']} received on B ({received['distinct']} distinct ids, {received['twice']} "
              f"twice, {received['items']} remote items); A's outbox {statuses}; {attempts} POSTs for {count} "
              f"activities; B killed after {restart.get('killed_after')} delivered, up again in "
              f"{restart.get('startup', 0):.1f} s; {load_average()}")
    exact = (received["received"] == count and received["distinct"] == count and received["twice"] == 0
             and statuses[DeliveryStatus.DELIVERED] == count)
    ok = figure_at_least("federation: activities received exactly once on B, B restarted mid-way",
                         received["received"] if exact else 0, "activities", count, detail)
    print(f"FIGURE | federation: delivery throughput, 10,000 activities A -> B (restart included) | "
          f"{throughput:.1f} activities/s | reported | - | {count} in {seconds:.1f} s; "
          f"{steady:.1f} activities/s outside the restart; {load_average()}", flush=True)
    print(f"FIGURE | federation: time lost to B's restart | {lost:.1f} s | reported | - | "
          f"the longest pause between two deliveries: B killed, {restart.get('startup', 0):.1f} s to start again, "
          f"then A's first retry after one minute of back-off", flush=True)
    return ok


def inbox_run(b: Instance, requests: int, senders: int) -> bool:
    """The inbox at `senders` concurrent senders (the figure), after one sender alone (the time of one request
    with no queue: at 20 senders on 3 workers, the latency is mostly the queue, 20 / throughput)."""
    alone = _inbox_load(b, max(requests // 10, 50), 1)
    print(f"FIGURE | federation: inbox per activity, one sender alone | {alone['p50']:.1f} ms p50 | reported | - | "
          f"p95 {alone['p95']:.1f} ms; {alone['rate']:.0f} activities/s; {load_average()}", flush=True)
    load = _inbox_load(b, requests, senders)
    detail = (f"p50 {load['p50']:.1f} ms; {load['accepted']}/{load['count']} accepted (statuses {load['statuses']}); "
              f"{load['rate']:.0f} activities/s; {senders} senders; gunicorn {WORKERS} workers; {load_average()}")
    ok = figure(f"federation: inbox p95 per activity, {senders} concurrent senders", load["p95"], "ms",
                INBOX_TARGET_MS, detail)
    return ok and load["accepted"] == load["count"] and alone["accepted"] == alone["count"]


def _inbox_load(b: Instance, requests: int, senders: int) -> dict:
    from grappe.federation import keys, protocol, signatures

    private_key = keys.private_key()
    inbox = f"{b.url}/federation/inbox"
    path = urlsplit(inbox).path
    stamp = str(int(time.time()))
    per_sender = requests // senders
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    barrier = threading.Barrier(senders + 1)
    lock = threading.Lock()

    def sender(index: int):
        connection = http.client.HTTPConnection("127.0.0.1", b.port, timeout=60)
        barrier.wait()
        for n in range(per_sender):
            obj = opportunity(1_000_000 * senders + index * per_sender + n, f"inbox-{stamp}-{senders}")
            body = json.dumps(protocol.activity("Create", obj, to=[f"{b.url}/federation/actor"]),
                              separators=(",", ":")).encode()
            headers = signatures.sign("POST", inbox, {"Content-Type": protocol.MEDIA_TYPE}, body,
                                      private_key=private_key)
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", b.port, timeout=60)
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=sender, args=(index,)) for index in range(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "count": len(latencies),
            "accepted": statuses.get(202, 0), "statuses": statuses, "rate": len(latencies) / seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--inbox-requests", type=int, default=2_000)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the two databases afterwards")
    parser.add_argument("--inbox-only", action="store_true", help="measure the inbox only (no delivery run)")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks measure PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    url_a, url_b = database_url(base, "_fed_a"), database_url(base, "_fed_b")
    log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"grappe_bench_federation_{os.getpid()}"
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"databases {url_a} and {url_b}; servers' logs in {log_dir}", flush=True)
    recreate_databases(url_a, url_b)

    a = Instance("a", url_a, "Grappe aérospatiale (banc)", log_dir)
    b = Instance("b", url_b, "Grappe logistique (banc)", log_dir, GRAPPE_FEDERATION_INBOX_PER_MINUTE="1000000")
    # This process is instance A's code: its database, its address; what it publishes waits for deliver_due.
    os.environ.update({key: a.env[key] for key in ("DATABASE_URL", "GRAPPE_BASE_URL", "GRAPPE_CLUSTER_NAME",
                                                   "DJANGO_SECRET_KEY", "DJANGO_DEBUG")})
    os.environ["GRAPPE_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    ok = True
    try:
        a.start()
        b.start()
        partner_both_ways(a, b)
        print(f"partnership active both ways; {load_average()}", flush=True)
        if not args.inbox_only:
            ok &= delivery_run(a, b, args.activities, args.activities // 2)
        ok &= inbox_run(b, args.inbox_requests, args.senders)
    finally:
        a.stop()
        b.stop()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            import psycopg

            admin_dsn = urlsplit(url_a)._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
            with psycopg.connect(admin_dsn, autocommit=True) as admin:
                for url in (url_a, url_b):
                    admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
