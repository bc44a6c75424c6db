"""Version counters for cached content: a cache key holds the version, a change bumps it.

Content cached under a key that includes the current version can never be served after a change: the
change bumps the version, so the next reader builds a new key and the old entries are simply never read
again (they expire). The counters live in the database (`CacheVersion`) rather than in Django's cache,
because the default cache is local to each process (LocMemCache): a version kept there would be bumped in
the process that made the change only, and the others would keep serving the old content.
"""

from django.db import connection, transaction
from django.db.models import F

from .models import CacheVersion

# Read on every directory and organisation page: a plain cursor costs a fifth of the ORM's query building.
_READ = f"SELECT name, value FROM {CacheVersion._meta.db_table} WHERE name IN "


def current(name: str) -> int:
    """The version now (0 before the first bump). One query on the primary key."""
    return current_many([name])[name]


def current_many(names: list[str]) -> dict[str, int]:
    """The versions of these names now (0 before a first bump), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_READ + "(" + ", ".join(["%s"] * len(names)) + ")", names)
        found = dict(cursor.fetchall())
    return {name: found.get(name, 0) for name in names}


def bump_on_commit(name: str) -> None:
    """Make a new version once the current transaction commits (at once outside a transaction).

    After the commit, not before: a reader that sees the new version must also see the data it names. A
    reader reads the version before its data, so one that got the old version while the change committed may
    store the new data under the old key — harmless, since that key is read no more once the bump lands.
    """
    transaction.on_commit(lambda: _bump(name))


def _bump(name: str) -> None:
    if not CacheVersion.objects.filter(name=name).update(value=F("value") + 1):
        CacheVersion.objects.get_or_create(name=name, defaults={"value": 1})
