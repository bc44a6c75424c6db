"""Computed aggregates of listening (dashboards, charts, API figures), cached under a version bumped by every
write that changes them: a need or a response submitted, themes found or edited, the threshold k changed.

Computing a dashboard means reading every need and answer row and protecting each table (complementary
suppression): tens of milliseconds to seconds at 10,000 needs and 20,000 answers, for figures that change a
few times a day. The version lives in the database (grappe.core.cache_versions), so every process sees a
bump; the entries in the default cache (shared through Redis when REDIS_URL is set). The key also holds k
and the language, so a changed threshold or another language never reads an old entry.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import translation

from grappe.core import aggregates, cache_versions

VERSION_NAME = "listening.insights"
SECONDS = 60 * 60


def bump() -> None:
    """Renew every cached figure once the current transaction commits."""
    cache_versions.bump_on_commit(VERSION_NAME)


def cached(name: str, compute: Callable[[], object], *parts) -> object:
    """`compute()` under a key naming the figure, its parameters, the version, k and the language."""
    version = cache_versions.current(VERSION_NAME)  # before the data is read: see cache_versions.bump_on_commit
    described = ":".join(str(p) for p in (aggregates.current_k(), translation.get_language(), *parts))
    key = f"{VERSION_NAME}:{version}:{name}:{hashlib.sha256(described.encode()).hexdigest()[:32]}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SECONDS)
    return value
