"""Two Grappe instances on loopback, for the tests of cooperation between clusters over real HTTP.

- Instance A is the test process itself, served by pytest-django's `live_server` (its address becomes
  settings.GRAPPE_BASE_URL; its database is the test database; tests drive it directly).
- Instance B is a second Grappe started as a subprocess (gunicorn, the production server, on a free port of
  127.0.0.1) with its own database: on PostgreSQL `<test database>_b`, made once per session as a copy of the
  migrated test database (or migrated, when the copy is not possible); on SQLite a temporary file, migrated. Its
  environment: GRAPPE_BASE_URL its own address, DJANGO_DEBUG=1, the immediate task backend (what it publishes is
  delivered at once), its own name ("Grappe logistique").
- `second.run(code, **values)` runs Python inside B (a shell process with B's environment, loaded once per
  session, instance_shell.py): the snippet sets `result`, which comes back through JSON. `second.stop()` and
  `second.start()` take its server down and up again; each test starts with B's database emptied (flush).

Each xdist worker has its own pair (its test database is its own, and so is B's).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from django.db import connection, connections

from .instance_shell import Shell

ROOT = Path(__file__).resolve().parents[3]
SECOND_NAME = "Grappe logistique"
FIRST_NAME = "Grappe aérospatiale"
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SecondInstance:
    """Instance B: its server and its shell (see the module's docstring)."""

    def __init__(self, database_url: str, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.actor_url = f"{self.url}/federation/actor"
        self.log_dir = log_dir
        self.env = {**os.environ, "DATABASE_URL": database_url, "GRAPPE_BASE_URL": self.url, "DJANGO_DEBUG": "1",
                    "GRAPPE_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                    "GRAPPE_CLUSTER_NAME": SECOND_NAME, "DJANGO_SETTINGS_MODULE": "grappe.settings",
                    "PYTHONUNBUFFERED": "1"}
        self.env.pop("REDIS_URL", None)  # its own cache, as a separate instance has
        self.server = None
        self.shell = Shell(self.env, log_dir / "shell.log")

    # --- the server ---

    def start(self) -> None:
        log = open(self.log_dir / "server.log", "ab")  # noqa: SIM115 — kept open while the server runs
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "grappe.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "8", "--timeout", "60", "--graceful-timeout", "2"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the second instance stopped at start; see {self.log_dir / 'server.log'}")
            try:
                if requests.get(self.actor_url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the second instance did not answer in {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.poll() is None

    # --- code inside it ---

    def run(self, code: str, **values):
        """Run `code` in the second instance with `values` as variables; return what it set as `result`."""
        return self.shell.run(code, **values)

    def flush(self) -> None:
        self.run("from django.core.management import call_command\n"
                 "call_command('flush', interactive=False, verbosity=0)")

    def close(self) -> None:
        self.stop()
        self.shell.close()


def _copy_postgresql(name: str, copy: str) -> None:
    """`copy` made afresh from the migrated test database `name` (its template), or migrated when the copy
    cannot be made (a connection to the test database still open elsewhere)."""
    import psycopg

    settings_dict = connection.settings_dict
    dsn = {"host": settings_dict["HOST"] or None, "port": settings_dict["PORT"] or None,
           "user": settings_dict["USER"] or None, "password": settings_dict["PASSWORD"] or None}
    connections.close_all()
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        try:
            admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
            return
        except psycopg.errors.ObjectInUse:
            admin.execute(f'CREATE DATABASE "{copy}"')
    raise _NeedsMigrating


class _NeedsMigrating(Exception):
    pass


def _database_url(copy: str) -> str:
    settings_dict = connection.settings_dict
    credentials = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{copy}"


@pytest.fixture(scope="session")
def second_instance(django_db_setup, django_db_blocker, tmp_path_factory):
    """Instance B, started once per session (see the module's docstring)."""
    log_dir = tmp_path_factory.mktemp("second_instance")
    with django_db_blocker.unblock():
        migrate = True
        if connection.vendor == "postgresql":
            copy = f"{connection.settings_dict['NAME']}_b"
            try:
                _copy_postgresql(connection.settings_dict["NAME"], copy)
                migrate = False
            except _NeedsMigrating:
                pass
            database_url = _database_url(copy)
        else:
            handle, path = tempfile.mkstemp(suffix=".sqlite3", dir=log_dir)
            os.close(handle)
            database_url = f"sqlite:///{path}"
    instance = SecondInstance(database_url, log_dir)
    if migrate:
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=instance.env,
                       check=True)
    instance.start()
    yield instance
    instance.close()
    if connection.vendor == "postgresql":
        import psycopg

        with django_db_blocker.unblock():
            connections.close_all()
            settings_dict = connection.settings_dict
            with psycopg.connect(dbname="postgres", autocommit=True, host=settings_dict["HOST"] or None,
                                 port=settings_dict["PORT"] or None, user=settings_dict["USER"] or None,
                                 password=settings_dict["PASSWORD"] or None) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


@pytest.fixture
def second(second_instance, live_server, settings):
    """Instance B, running, its database empty; and instance A (this process) at the live server's address,
    delivering at once what it publishes."""
    settings.GRAPPE_BASE_URL = live_server.url
    settings.GRAPPE_CLUSTER_NAME = FIRST_NAME
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if not second_instance.running:
        second_instance.start()
    second_instance.flush()
    yield second_instance
    if not second_instance.running:  # a test that stopped it leaves it running for the next
        second_instance.start()
