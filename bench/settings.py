"""Production settings for the benchmark server: grappe.settings, static files in a scratch folder.

Run with DJANGO_DEBUG=0 and the production variables (bench/directory.py sets them); the differences from
production: where collectstatic writes, so that a benchmark never touches the project's folders, and, for
bench/login.py only, the header that gives each simulated client its own address (as a proxy in front of
production would), so that the per-address sign-in rate limit applies to each client, not to the benchmark.
"""

import os

from grappe.settings import *  # noqa: F403 — the real settings, overrides below

STATIC_ROOT = os.environ["GRAPPE_BENCH_STATIC_ROOT"]
if os.environ.get("GRAPPE_BENCH_CLIENT_IP_HEADER"):
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ["GRAPPE_BENCH_CLIENT_IP_HEADER"]
