"""How long each migration takes when a big cluster upgrades from the oldest supported state (docs/releases.md).

A scratch database is migrated to grappe.operations.upgrades.OLDEST_SUPPORTED, filled with one row per table
(grappe/operations/tests/fill.py), then the tables the later migrations rewrite are grown to a big cluster's
size (copies of that row, unique columns numbered), and it is migrated to today's state, each migration timed.
The database is dropped at the end.

    DATABASE_URL=postgres://… .venv/bin/python bench/upgrade.py [--scale 1.0]

Much of a migration's time is Django's, computing the state of the models, whatever the data: `--scale 0`
gives those times alone, to compare.
"""

import argparse
import os
import time

from common import figure, load_average, setup_django

# Rows at scale 1: the benchmark cluster's organisations and people, and a few years of notifications and audit.
SIZES = {
    ("members", "organisation"): 5_000,
    ("members", "person"): 50_000,
    ("members", "importjob"): 500,
    ("core", "notification"): 500_000,
    ("core", "auditentry"): 500_000,
}


def unique_columns(model):
    names = {f.name for f in model._meta.local_fields if f.unique and not f.primary_key}
    for together in model._meta.unique_together:
        names.update(together)
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    return names


def grow(connection, model, rows):
    """Copies of the table's first row up to `rows`, each unique column numbered."""
    from django.db import models

    quote = connection.ops.quote_name
    unique = unique_columns(model)
    columns, values = [], []
    for field in model._meta.local_fields:
        if field.primary_key or getattr(field, "generated", False):
            continue
        column = quote(field.column)
        columns.append(column)
        if field.name not in unique or (field.is_relation and not field.unique):
            values.append(f"t.{column}")  # a foreign key in a unique set: the set's other columns are numbered
        elif field.is_relation and field.null:
            values.append("NULL")  # a one-to-one link (a person's account) stays with the first row
        elif isinstance(field, models.EmailField):
            values.append(f"'g' || g || t.{column}")
        elif isinstance(field, (models.CharField, models.TextField)):
            keep = (field.max_length or 200) - 10
            values.append(f"left(t.{column}, {keep}) || '-' || g")
        elif isinstance(field, models.UUIDField):
            values.append("gen_random_uuid()")
        elif isinstance(field, models.IntegerField) and not field.is_relation:
            values.append(f"t.{column} + g")
        else:
            raise SystemExit(f"{model._meta.label}.{field.name}: unique, and no way to number it")
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        missing = rows - cursor.fetchone()[0]
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
                       f"FROM {table} t, generate_series(1, %s) g WHERE t.{pk} = (SELECT min({pk}) FROM {table})",
                       [missing])
        cursor.execute(f"ANALYZE {table}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    arguments = parser.parse_args()
    setup_django()
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from grappe.operations.tests.fill import fill
    from grappe.operations.tests.test_upgrade import migrate
    from grappe.operations.upgrades import OLDEST_SUPPORTED_COMMIT, oldest_supported_targets

    db = connections["default"]
    name = f"grappe_bench_upgrade_{os.getpid()}"
    with db._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db.close()
    db.settings_dict["NAME"] = name
    try:
        apps = migrate(db, oldest_supported_targets())
        fill(apps, db.alias)
        for (app, model), rows in SIZES.items():
            grow(db, apps.get_model(app, model), int(rows * arguments.scale))
        sizes = ", ".join(f"{int(rows * arguments.scale):,} {model}s" for (_, model), rows in SIZES.items())
        durations = {}
        started = time.monotonic()
        migrate(db, MigrationLoader(db).graph.leaf_nodes(), durations)
        total = time.monotonic() - started
    finally:
        db.close()
        with db._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for migration, seconds in sorted(durations.items(), key=lambda item: -item[1]):
        if seconds >= 1:
            print(f"  {seconds:7.2f} s  {migration}")
    figure(f"upgrade from the oldest supported state ({OLDEST_SUPPORTED_COMMIT}) with {sizes}", total, "s", 600,
           f"{len(durations)} migrations; load {load_average()}")


if __name__ == "__main__":
    main()
