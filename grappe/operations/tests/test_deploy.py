"""Running Grappe for real: the settings' start-up check, the production template, the systemd units, the
nginx site and scripts/install-production.sh (into a scratch directory, with this checkout's virtualenv and a
scratch PostgreSQL database), as an operator meets them. docs/operations.md describes them."""

import os
import pwd
import re
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "grappe.env.template"
UNITS = sorted((DEPLOY / "systemd").glob("grappe-*"))
SERVICES = [unit for unit in UNITS if unit.suffix == ".service"]
INSTALL = ROOT / "scripts" / "install-production.sh"
ENV_LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def read_env_file(path: Path, *, commented: bool = False) -> dict[str, str]:
    """VARIABLE=value lines as systemd reads them (quotes taken off); with `commented`, the documented
    "# VARIABLE=default" lines too."""
    values = {}
    for line in path.read_text().splitlines():
        match = ENV_LINE.match(line)
        if match and (commented or not match.group(1)):
            value = match.group(3)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[match.group(2)] = value
    return values


def production_env(**values: str) -> dict[str, str]:
    """This process's environment without any Grappe or Django setting, plus `values`."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("DJANGO_", "GRAPPE_")) and name not in {"DATABASE_URL", "REDIS_URL"}}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1", **values}


def template_env() -> dict[str, str]:
    """The template's settings, with the secret key the installer would generate."""
    return {**read_env_file(TEMPLATE), "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}


def complete_production_settings() -> dict[str, str]:
    return {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "grappe.test", "DATABASE_URL": "postgres:///grappe",
            "GRAPPE_BASE_URL": "https://grappe.test"}


def assert_one_line_naming(result: subprocess.CompletedProcess, name: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Grappe cannot start: ") and name in lines[0], lines[0]


# --- The start-up check -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", settings.PRODUCTION_REQUIRED_SETTINGS)
def test_manage_py_stops_with_one_line_naming_a_missing_production_setting(name):
    env = production_env(**complete_production_settings())
    del env[name]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert_one_line_naming(result, name)
    assert result.stdout == ""


def test_an_empty_production_setting_counts_as_missing():
    env = production_env(**{**complete_production_settings(), "DJANGO_ALLOWED_HOSTS": " "})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert_one_line_naming(result, "DJANGO_ALLOWED_HOSTS")


def test_gunicorn_stops_with_one_line_before_starting_any_worker(tmp_path):
    """Left to the workers, each would exit as it boots and gunicorn's master start another, for ever: its
    configuration reads the settings in the master."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = production_env(**{**complete_production_settings(), "GRAPPE_WEB_BIND": f"127.0.0.1:{port}"})
    del env["GRAPPE_BASE_URL"]
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert_one_line_naming(result, "GRAPPE_BASE_URL")
    assert "Booting worker" not in result.stderr


def test_gunicorn_runs_three_workers_on_loopback_by_default(monkeypatch):
    monkeypatch.delenv("GRAPPE_WEB_BIND", raising=False)
    monkeypatch.delenv("GRAPPE_WEB_WORKERS", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (config["workers"], config["bind"], config["wsgi_app"]) == (
        3, ["127.0.0.1:8000"], "grappe.wsgi:application")


# --- The template -------------------------------------------------------------------------------------------

def test_check_deploy_is_clean_with_the_templates_values():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=production_env(**template_env()), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_template_documents_every_variable_the_settings_and_gunicorn_read():
    read = set()
    for source in (ROOT / "grappe" / "settings.py", DEPLOY / "gunicorn.conf.py"):
        read |= set(re.findall(r"""(?:environ\.get|environ\[|env_flag)\(?\s*["']([A-Z][A-Z0-9_]+)["']""",
                               source.read_text()))
    read.add("DATABASE_URL")  # dj_database_url.config()
    documented = read_env_file(TEMPLATE, commented=True)
    assert read - {"DJANGO_SETTINGS_MODULE"} - set(documented) == set()
    assert set(settings.PRODUCTION_REQUIRED_SETTINGS) <= set(read_env_file(TEMPLATE))


# --- The units ----------------------------------------------------------------------------------------------

def unit_values(unit: Path) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in unit.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def test_every_service_runs_as_grappe_with_the_settings_and_the_same_hardening():
    def hardening(unit: Path) -> str:
        text = unit.read_text()
        return text[text.index("# Who runs it"):].split("\n[Install]")[0]

    assert {unit.name for unit in SERVICES} == {
        "grappe-web.service", "grappe-worker.service", "grappe-daily.service", "grappe-backup.service",
        "grappe-federation.service"}
    assert len({hardening(unit) for unit in SERVICES}) == 1
    values = unit_values(SERVICES[0])
    for key, expected in {"User": "grappe", "EnvironmentFile": "/etc/grappe/grappe.env",
                          "NoNewPrivileges": "yes", "ProtectSystem": "strict",
                          "ReadWritePaths": "/var/lib/grappe"}.items():
        assert values[key] == [expected]


def test_the_units_commands():
    def exec_start(name: str) -> str:
        [command] = unit_values(DEPLOY / "systemd" / name)["ExecStart"]
        return command

    manage = "/opt/grappe/venv/bin/python /opt/grappe/src/manage.py"
    assert exec_start("grappe-web.service") == (
        "/opt/grappe/venv/bin/gunicorn --config /opt/grappe/src/deploy/gunicorn.conf.py")
    assert exec_start("grappe-worker.service").startswith(f"{manage} db_worker --worker-id grappe-worker-1 ")
    assert unit_values(DEPLOY / "systemd" / "grappe-worker.service")["Restart"] == ["always"]
    assert exec_start("grappe-daily.service") == f"{manage} queue_daily_tasks"
    assert exec_start("grappe-backup.service") == f"{manage} backup --keep ${{GRAPPE_BACKUP_KEEP}}"
    assert exec_start("grappe-federation.service") == f"{manage} deliver_federation"


def test_every_timer_starts_its_service_and_catches_up_after_a_stop():
    timers = [unit for unit in UNITS if unit.suffix == ".timer"]
    assert {timer.stem for timer in timers} == {"grappe-daily", "grappe-backup", "grappe-federation"}
    for timer in timers:
        assert (timer.parent / f"{timer.stem}.service").exists()
        values = unit_values(timer)
        assert values["Persistent"] == ["true"] and values["WantedBy"] == ["timers.target"]
    assert unit_values(DEPLOY / "systemd" / "grappe-federation.timer")["OnCalendar"] == ["*:0/5"]


def test_the_units_variables_are_set_in_the_template():
    used = {name for unit in UNITS for name in re.findall(r"\$\{([A-Z_]+)\}", unit.read_text())}
    assert used and used <= set(read_env_file(TEMPLATE))


# --- nginx --------------------------------------------------------------------------------------------------

def test_the_nginx_site_takes_the_largest_upload_and_tells_gunicorn_it_came_over_https():
    site = (DEPLOY / "nginx" / "grappe.conf").read_text()
    [size] = re.findall(r"^\s*client_max_body_size (\d+)m;", site, re.M)
    largest = max(settings.GRAPPE_IMPORT_MAX_BYTES, settings.GRAPPE_PROGRAM_DOCUMENT_MAX_BYTES,
                  settings.GRAPPE_GOVERNANCE_DOCUMENT_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert int(size) * 1024 * 1024 > largest
    for directive in ("proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header Host $host;",
                      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", "location = /healthz",
                      'add_header Strict-Transport-Security "max-age=31536000', "ssl_certificate "):
        assert directive in site, directive


# --- The install script -------------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_install_script_passes_shellcheck():
    result = subprocess.run(["shellcheck", str(INSTALL)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


@pytest.fixture
def scratch_database():
    """(the URL the install gets, the administrator's URL, the template, a connection to the install's
    database): the migrated test database copied, without the operations app's tables so that the install has
    a migration to apply, and the install's database dropped afterwards."""
    if connection.vendor != "postgresql" or shutil.which("psql") is None:
        pytest.skip("the install script's test needs PostgreSQL and psql")
    import psycopg

    connections.close_all()  # a database with sessions cannot be a template
    params = connection.settings_dict
    name = params["NAME"]
    template, database = f"{name}_install_template", f"{name}_install"
    dsn = {"host": params["HOST"] or None, "port": params["PORT"] or None, "user": params["USER"] or None,
           "password": params["PASSWORD"] or None}
    credentials = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    server = f"postgres://{credentials}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}"

    def drop():
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            for old in (database, template):
                admin.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')

    drop()
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        with psycopg.connect(dbname=template, autocommit=True, **dsn) as copy:
            tables = copy.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'operations\\_%'")
            for (table,) in tables.fetchall():
                copy.execute(f'DROP TABLE "{table}" CASCADE')
            copy.execute("DELETE FROM django_migrations WHERE app = 'operations'")
        yield (f"{server}/{database}", f"{server}/postgres", template,
               lambda: psycopg.connect(dbname=database, **dsn))
    finally:
        drop()


# The test database, migrated, is the install's template (transaction: no transaction of the test holds it).
@pytest.mark.django_db(transaction=True)
def test_the_install_script_installs_then_upgrades_without_touching_the_settings(tmp_path, scratch_database):
    database_url, admin_url, template, connect = scratch_database
    user = pwd.getpwuid(os.getuid()).pw_name
    # The default layout under a scratch root: a path that holds a default one is replaced once.
    prefix, etc, state = tmp_path / "opt/grappe", tmp_path / "etc/grappe", tmp_path / "var/lib/grappe"
    units = tmp_path / "etc/systemd/system"
    venv = Path(sys.prefix)
    command = [str(INSTALL), "--prefix", str(prefix), "--etc-dir", str(etc), "--state-dir", str(state),
               "--unit-dir", str(units), "--user", user, "--venv", str(venv), "--no-apt", "--no-systemd",
               "--quick", "--pg-admin-url", admin_url, "--db-template", template]
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}

    first = subprocess.run([*command, "--host", "grappe.test", "--database-url", database_url,
                            "--cluster-name", "Grappe d'essai"],
                           env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Creating the PostgreSQL database" in first.stdout
    written = (etc / "grappe.env").read_text()
    values = read_env_file(etc / "grappe.env")
    assert len(values["DJANGO_SECRET_KEY"]) >= 50 and values["DJANGO_SECRET_KEY"] not in TEMPLATE.read_text()
    assert (values["DJANGO_ALLOWED_HOSTS"], values["GRAPPE_BASE_URL"], values["DATABASE_URL"]) == (
        "grappe.test", "https://grappe.test", database_url)
    assert values["GRAPPE_CLUSTER_NAME"] == "Grappe d'essai"
    assert values["GRAPPE_MEDIA_ROOT"] == f"{state}/media" and (state / "media").is_dir()
    assert (etc / "grappe.env").stat().st_mode & 0o777 == 0o640
    # The migration the template lacked is applied.
    with connect() as database:
        applied = database.execute("SELECT count(*) FROM django_migrations WHERE app = 'operations'")
        assert applied.fetchone()[0] > 0
        table = database.execute("SELECT to_regclass('operations_backup')::text").fetchone()
        assert table == ("operations_backup",)
    # The units, with this layout's paths.
    web = (units / "grappe-web.service").read_text()
    assert f"ExecStart={venv}/bin/gunicorn --config {prefix}/src/deploy/gunicorn.conf.py" in web
    for line in (f"EnvironmentFile={etc}/grappe.env", f"ReadWritePaths={state}", f"User={user}"):
        assert f"\n{line}\n" in web, line
    assert {unit.name for unit in units.iterdir()} == {unit.name for unit in UNITS}
    assert f"{tmp_path}{tmp_path}" not in "".join(unit.read_text() for unit in units.iterdir())
    manage = (prefix / "bin" / "grappe-manage").read_text()
    for line in (f"set -a; . {etc}/grappe.env; set +a", f"cd {prefix}/src",
                 f'exec runuser -u "{user}" -- {venv}/bin/python manage.py "$@"'):
        assert f"\n{line}\n" in manage, line
    if shutil.which("systemd-analyze"):
        verify = subprocess.run(["systemd-analyze", "verify", *sorted(units.iterdir())], capture_output=True,
                                text=True, timeout=120)
        assert (verify.returncode, verify.stderr) == (0, ""), verify.stderr

    second = subprocess.run([*command, "--host", "other.test"], env=env, capture_output=True, text=True,
                            timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert (etc / "grappe.env").read_text() == written
    assert "is kept as it is" in second.stdout and "Creating the PostgreSQL database" not in second.stdout
