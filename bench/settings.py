"""Production settings for the benchmark server: grappe.settings, static files in a scratch folder.

Run with DJANGO_DEBUG=0 and the production variables (bench/directory.py sets them); the only difference
from production is where collectstatic writes, so that a benchmark never touches the project's folders.
"""

import os

from grappe.settings import *  # noqa: F403 — the real settings, one override below

STATIC_ROOT = os.environ["GRAPPE_BENCH_STATIC_ROOT"]
