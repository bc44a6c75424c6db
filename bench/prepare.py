"""The benchmark database: created if missing, migrated, with the taxonomy and the 5,000-organisation cluster.

The cluster is generated once (`generate_demo --organisations 5000 --people 50000`, timed: target < 60 s);
later runs find it there and keep it. `--rebuild` drops the database and starts again.
"""

import argparse
import os
import subprocess
import sys
import time

from common import DEFAULT_DATABASE_URL, ROOT, figure, load_average

ORGANISATIONS, PEOPLE = 5000, 50000
GENERATION_TARGET_SECONDS = 60


def ensure_database(url: str, rebuild: bool) -> None:
    """CREATE DATABASE through the server's maintenance database (no psql needed)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    with psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as connection:
        if rebuild:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created the database {name}.")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="drop the benchmark database first")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(os.environ["DATABASE_URL"], args.rebuild)
    manage("migrate", "-v0")
    manage("load_taxonomy")
    from common import setup_django

    setup_django()
    from django.db import connection

    from grappe.members.models import Organisation

    existing = Organisation.objects.count()
    if existing:
        print(f"The benchmark cluster is there ({existing:,} organisations).")
        met = True
    else:
        started = time.monotonic()
        manage("generate_demo", "--organisations", str(ORGANISATIONS), "--people", str(PEOPLE), "--cluster-only")
        elapsed = time.monotonic() - started
        met = figure(f"generation of the {ORGANISATIONS:,}-organisation, {PEOPLE:,}-person cluster "
                     "(generate_demo, demo accounts included)", elapsed, "s", GENERATION_TARGET_SECONDS,
                     load_average())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics and visibility maps, as autovacuum keeps them
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
