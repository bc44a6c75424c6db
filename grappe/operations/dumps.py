"""The database's own dump and restore, by vendor. PostgreSQL: pg_dump's custom format, restored through pg_restore
into psql in ONE transaction that also empties the schema when replacing, so a restore that fails half-way leaves
the database as it was. SQLite (the demo): sqlite3's backup API, a consistent copy in both directions.

The connection comes from Django's settings (host, port, user, name); the password goes through PGPASSWORD in the
child's environment, never on a command line, where `ps` would show it.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

# How long a replacing restore waits for another session's locks (a web worker still running) before giving up.
LOCK_TIMEOUT = "10s"
CHUNK = 1024 * 1024


class DumpError(Exception):
    """pg_dump, pg_restore or psql failed: the message is their last line of error."""


def vendor(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith(("postgresql", "postgis")):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise DumpError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def dump(settings_dict: dict, target: Path, *, snapshot: str | None = None) -> None:
    """The whole database into `target`; on PostgreSQL as of `snapshot` (pg_export_snapshot) when given."""
    if vendor(settings_dict) == "sqlite":
        _sqlite_copy(settings_dict["NAME"], target)
        return
    command = [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    _run(command, settings_dict)


def restore(settings_dict: dict, source: Path, *, replace: bool) -> None:
    """The dump `source` into the database; with `replace`, the public schema is emptied first, in the same
    transaction as the restore."""
    if vendor(settings_dict) == "sqlite":
        _sqlite_copy(source, settings_dict["NAME"])
        return
    prefix = ["\\set ON_ERROR_STOP on", f"SET lock_timeout = '{LOCK_TIMEOUT}';", "SET client_min_messages = warning;",
              "BEGIN;"]
    if replace:
        prefix += ["DROP SCHEMA public CASCADE;", "CREATE SCHEMA public;",
                   "ALTER SCHEMA public OWNER TO pg_database_owner;", "GRANT USAGE ON SCHEMA public TO PUBLIC;"]
    # pg_restore writes the SQL, psql runs it after the prefix: COMMIT is sent only when pg_restore succeeded, so
    # a dump that breaks half-way rolls everything back (the drop included) when psql's input ends.
    reader_command = [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--file=-",
                      str(source)]
    writer_command = [_program("psql"), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"]
    environment = connection_environment(settings_dict)
    with tempfile.TemporaryFile() as reader_errors, tempfile.TemporaryFile() as writer_errors:
        writer = subprocess.Popen(writer_command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=writer_errors, env=environment)
        reader = subprocess.Popen(reader_command, stdout=subprocess.PIPE, stderr=reader_errors, env=environment)
        try:
            writer.stdin.write(("\n".join(prefix) + "\n").encode())
            shutil.copyfileobj(reader.stdout, writer.stdin, CHUNK)
            if reader.wait() == 0:
                writer.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error: its message says which
        finally:
            if reader.poll() is None:
                reader.kill()
            reader.wait()
            try:
                writer.stdin.close()
            except BrokenPipeError:
                pass
            writer.wait()
        if reader.returncode != 0:
            raise DumpError(f"pg_restore failed: {_last_line(reader_errors)}")
        if writer.returncode != 0:
            raise DumpError(f"psql failed, nothing was changed: {_last_line(writer_errors)}")


def connection_environment(settings_dict: dict) -> dict:
    """The libpq variables for Django's default connection (the password never on a command line)."""
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                          ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            environment[f"PG{option.upper()}"] = str(options[option])
    environment["PGAPPNAME"] = "grappe-backup"
    return environment


def _run(command: list[str], settings_dict: dict) -> None:
    completed = subprocess.run(command, env=connection_environment(settings_dict), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if completed.returncode != 0:
        lines = completed.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise DumpError(f"{Path(command[0]).name} failed: {lines[-1]}")


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DumpError(f"{name} is not installed (Debian: apt install postgresql-client).")
    return found


def _last_line(file) -> str:
    file.seek(0)
    lines = file.read().decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else "no message"


def _sqlite_copy(source, target) -> None:
    """A consistent copy of a whole SQLite database, through its backup API (safe while Grappe writes)."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as destination:
        origin.backup(destination)
    origin.close()
    destination.close()
