"""An upgrade keeps the data: a database at the oldest supported state (grappe.operations.upgrades), with a row
in every table, migrates forward to today's state without a failure and without losing a row, and the data
migrations rewrite the old rows as they say.

The database is a scratch one the test creates and drops, so the test database stays at the latest state
for the other tests. PostgreSQL only: the migrations' triggers, generated columns and indexes are PostgreSQL's,
and production runs it (CI too).
"""

import importlib
import os
import time

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from grappe.operations.tests.fill import fill
from grappe.operations.upgrades import OLDEST_SUPPORTED, oldest_supported_targets

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the migrations' triggers, generated columns and indexes are PostgreSQL's")

OUR_APPS = {"core", "members", "partnering", "listening", "events", "programs", "governance", "labour", "greening",
            "bulletins", "federation", "operations"}

# Tables whose number of rows a migration changes on purpose, and why. Empty today: no migration since the oldest
# supported state adds, merges or deletes rows of a table that existed then.
ROWS_CHANGED_ON_PURPOSE: dict[str, str] = {}


def migrate(db, targets, durations=None):
    """Migrate `db` to `targets` (recording each migration's duration); the state's apps there."""
    started = {}

    def progress(action, migration=None, fake=False):
        if action == "apply_start":
            started[migration] = time.monotonic()
        elif action == "apply_success" and durations is not None:
            durations[f"{migration.app_label}.{migration.name}"] = time.monotonic() - started[migration]

    executor = MigrationExecutor(db, progress_callback=progress)
    executor.migrate(targets)
    return MigrationExecutor(db).loader.project_state(targets).apps


def tables_of(apps):
    return sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})


def row_counts(db, tables):
    with db.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {db.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def scratch_database(django_db_blocker):
    """The default connection, pointed at a new empty database for this test, dropped afterwards. The
    migrations' RunPython code writes through the default connection, hence a swap rather than a second alias."""
    db = connections["default"]
    name = f"grappe_upgrade_{os.getpid()}"
    original = db.settings_dict["NAME"]
    with django_db_blocker.unblock():
        with db._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        db.close()
        db.settings_dict["NAME"] = name
        try:
            yield db
        finally:
            db.close()
            db.settings_dict["NAME"] = original
            with db._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_filled_database_of_the_oldest_state_upgrades_with_all_its_data(scratch_database):
    """One test, not one per check: the build takes a minute, and the suite's workers share tests out one by
    one (pytest -n 2)."""
    db = scratch_database
    old_apps = migrate(db, oldest_supported_targets())
    fill(old_apps, db.alias)
    old_tables = tables_of(old_apps)
    rows_before = row_counts(db, old_tables)
    empty = [table for table, rows in rows_before.items() if rows == 0]
    assert not empty, f"tables of the oldest state left empty by the filler: {empty}"
    notification_texts = dict(old_apps.get_model("core", "Notification").objects.values_list("pk", "text"))
    import_statuses = dict(old_apps.get_model("members", "ImportJob").objects.values_list("pk", "status"))

    durations = {}
    latest = MigrationLoader(db).graph.leaf_nodes()
    apps = migrate(db, latest, durations)

    assert set(MigrationLoader(db).applied_migrations) >= set(MigrationLoader(db).graph.nodes)
    tables_now = set(db.introspection.table_names())
    assert not [t for t in old_tables if t not in tables_now], "tables of the oldest state gone after the upgrade"
    rows_after = row_counts(db, old_tables)
    changed = {table: (rows_before[table], rows) for table, rows in rows_after.items()
               if rows != rows_before[table] and table not in ROWS_CHANGED_ON_PURPOSE}
    assert not changed, f"rows before and after the upgrade differ: {changed}"

    # core 0010/0011: a notification written as a sentence keeps its text, now in params, kind "core.text".
    notifications = apps.get_model("core", "Notification").objects.all()
    assert {n.pk: (n.kind, n.params) for n in notifications} == {
        pk: ("core.text", {"text": text}) for pk, text in notification_texts.items()}
    # members 0006: an import's old status is split into the step and its job status.
    steps = importlib.import_module("grappe.members.migrations.0006_import_job_is_a_core_job").STEPS
    jobs = apps.get_model("members", "ImportJob").objects.all()
    assert {job.pk: (job.step, job.status) for job in jobs} == {
        pk: steps[status] for pk, status in import_statuses.items()}
    assert ("check", "done") in {(job.step, job.status) for job in jobs}
    # members 0003: the organisations' stored search vector is computed for the old rows.
    with db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_organisation WHERE search_vector = ''::tsvector "
                       "OR search_vector IS NULL")
        assert cursor.fetchone()[0] == 0


def test_the_oldest_state_names_every_app_and_existing_migrations():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert OUR_APPS <= set(OLDEST_SUPPORTED)
    for app, name in oldest_supported_targets():
        assert (app, name) in graph.nodes, f"{app}.{name} is not a migration of today's code"


@pytest.mark.django_db
def test_the_filler_covers_every_table_of_the_latest_state():
    """A model added tomorrow gets its row from the filler, or this test names its table. In the test
    database (at the latest state), in the test's transaction."""
    db = connections["default"]
    loader = MigrationLoader(db)
    apps = loader.project_state(loader.graph.leaf_nodes()).apps
    fill(apps, db.alias)
    empty = [table for table, rows in row_counts(db, tables_of(apps)).items() if rows == 0]
    assert not empty, f"tables of the latest state left empty by the filler: {empty}"
