"""Sign-in benchmark: the one way in (allauth's pages), through a real server, at 20 concurrent clients.

gunicorn with the production settings (DEBUG off, Django's default password hasher) on loopback, as
bench/directory.py runs it. Bench staff accounts (`bench-staff-N@login.bench`, each with its own TOTP
authenticator) are created or reset first. Then, each scenario bounded by a number of requests:

1. the sign-in page (GET), anonymous;
2. a wrong password (POST), round-robin over the bench accounts: the form comes back with its error;
3. the right password (POST): the answer sends to the code page (the session now waits for its code);
4. the code page (GET) for those sessions;
5. the right TOTP code (POST), once per session (a code is accepted once): the answer signs in.

Target: p95 < 150 ms for each. Each simulated client has its own address (sent in X-Bench-Client, which the
bench server trusts as the client's IP, bench/settings.py), as many users at their own desks do: the rate
limits (30 sign-ins a minute per address, 5 failures per account in 5 minutes) stay on and are part of the
cost, without refusing the benchmark itself.

    DATABASE_URL=postgres://… .venv/bin/python bench/login.py [--accounts 200] [--requests 600]
"""

import argparse
import http.client
import itertools
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from common import figure, load_average, percentile, setup_django
from directory import LoadResult, Server, run_clients

TARGET_MS = 150
PASSWORD = "bench-Correct-Horse-42"
CLIENT_IP_HEADER = "X-Bench-Client"
LOGIN = "/fr/accounts/login/"
CODE = "/fr/accounts/2fa/authenticate/"


def bench_accounts(count: int) -> list[tuple[str, str]]:
    """(email, TOTP secret) of `count` staff accounts, created or reset: one password hash for all of them
    (hashing is slow by design), a fresh authenticator each."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt
    from django.contrib.auth.hashers import make_password

    from grappe.members.models import Role, User

    password_hash = make_password(PASSWORD)
    emails = [f"bench-staff-{n}@login.bench" for n in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create([User(email=email, role=Role.STAFF_PROGRAMS, full_name="Bench staff")
                              for email in emails if email not in existing])
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=password_hash, is_active=True)
    Authenticator.objects.filter(user__in=users).delete()
    secrets_by_email = {u.email: generate_totp_secret() for u in users}
    Authenticator.objects.bulk_create([
        Authenticator(user=user, type=Authenticator.Type.TOTP,
                      data={"secret": encrypt(secrets_by_email[user.email])})
        for user in users])
    return [(email, secrets_by_email[email]) for email in emails]


def current_code(secret: str) -> str:
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 1:
        time.sleep(1)  # the code would change before the server reads it
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


@dataclass
class Client:
    """One simulated user: its own address, its CSRF cookie, and the session the server gives it."""

    ip: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))  # 32 characters: a valid CSRF secret
    session: str = ""

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, float]:
        """The answer's status and how long it took (ms)."""
        cookies = f"csrftoken={self.csrf}" + (f"; sessionid={self.session}" if self.session else "")
        headers = {"Host": "127.0.0.1", "Cookie": cookies, CLIENT_IP_HEADER: self.ip}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("sessionid="):
                self.session = value.split(";", 1)[0].split("=", 1)[1]
        return response.status, elapsed


def load(server: Server, work: list, expected: int, concurrency: int) -> LoadResult:
    """Run each item of `work` (a function of the port returning a status and its latency) on `concurrency`
    threads."""
    result, lock, items = LoadResult(), threading.Lock(), iter(work)

    def worker():
        while True:
            with lock:
                call = next(items, None)
            if call is None:
                return
            status, elapsed = call(server.port)
            with lock:
                if status == expected:
                    result.latencies.append(elapsed)
                else:
                    result.failures.append(status)

    return run_clients(server, worker, concurrency, result)


def report(name: str, result: LoadResult, args) -> bool:
    if result.failures or not result.latencies:
        print(f"FAILED | {name} | {len(result.failures)} requests answered {sorted(set(result.failures))}")
        return False
    served = len(result.latencies)
    detail = (f"{served} requests, {args.concurrency} clients, {served / result.seconds:.0f} req/s, "
              f"p50 {percentile(result.latencies, 50):.0f} ms, "
              f"p99 {percentile(result.latencies, 99):.0f} ms; "
              f"CPU per request: Django {result.cpu_ms['Django']:.1f} ms, "
              f"PostgreSQL {result.cpu_ms['PostgreSQL']:.1f} ms; gunicorn {args.workers} workers; "
              f"{load_average()}")
    return figure(name, percentile(result.latencies, 95), "ms", TARGET_MS, detail)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200,
                        help="bench staff accounts: one sign-in with its code each")
    parser.add_argument("--requests", type=int, default=600, help="requests of the sign-in page (GET)")
    parser.add_argument("--wrong-passwords", type=int, default=200, help="wrong-password attempts")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if args.wrong_passwords > 4 * args.accounts:
        parser.error("at most 4 wrong passwords per account: the fifth would be refused by the rate limit")
    setup_django()
    accounts = bench_accounts(args.accounts)
    os.environ["GRAPPE_BENCH_CLIENT_IP_HEADER"] = CLIENT_IP_HEADER
    addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
    met = True
    with Server(args.workers, threads=1) as server:
        visitors = [Client(next(addresses)) for _ in range(args.requests)]
        warm = [Client(next(addresses)) for _ in range(args.concurrency * 5)]
        load(server, [lambda port, c=c: c.request(port, "GET", LOGIN) for c in warm], 200, args.concurrency)
        met &= report("sign-in page (GET)", load(
            server, [lambda port, c=c: c.request(port, "GET", LOGIN) for c in visitors], 200,
            args.concurrency), args)

        wrong = [(Client(next(addresses)), accounts[n % len(accounts)][0])
                 for n in range(args.wrong_passwords)]
        met &= report("sign-in, wrong password (POST; the form and its error)", load(
            server, [lambda port, c=c, email=email: c.request(port, "POST", LOGIN,
                                                               {"login": email, "password": "not-it"})
                     for c, email in wrong], 200, args.concurrency), args)

        staff = [(Client(next(addresses)), email, secret) for email, secret in accounts]
        met &= report("sign-in, right password (POST; sends to the code page)", load(
            server, [lambda port, c=c, email=email: c.request(port, "POST", LOGIN,
                                                               {"login": email, "password": PASSWORD})
                     for c, email, _secret in staff], 302, args.concurrency), args)
        met &= report("second-factor page (GET)", load(
            server, [lambda port, c=c: c.request(port, "GET", CODE) for c, _email, _secret in staff], 200,
            args.concurrency), args)
        met &= report("second-factor page, right TOTP code (POST; signs in)", load(
            server, [lambda port, c=c, s=secret: c.request(port, "POST", CODE, {"code": current_code(s)})
                     for c, _email, secret in staff],
            302, args.concurrency), args)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
