"""Grappe as an operator runs it: gunicorn with the production settings, a database worker, PostgreSQL; driven
over HTTPS by a client that knows nothing of Django; a worker killed in the middle of a job; a backup, the
database dropped, a restore.

What runs, each in its own process, as docs/operations.md has them:
- its own database (`<test database>_production`), made with `manage.py migrate` and `manage.py load_taxonomy`,
  dropped at the end; its own uploaded files (GRAPPE_MEDIA_ROOT), static files (GRAPPE_STATIC_ROOT) and backup
  folder, in a temporary folder;
- gunicorn, 2 workers, DJANGO_DEBUG=0 and the production settings left as they are (HTTPS redirect, secure
  cookies, HSTS): gunicorn speaks TLS itself with a certificate made for the test, as nginx would in front of
  it, so that the client sends its secure cookies and its Referer as a browser does (Django's CSRF check over
  HTTPS);
- `manage.py db_worker --worker-id e2e-worker`, the database task backend (GRAPPE_TASK_BACKEND unset).

The journeys, over HTTP with requests: staff sign in through allauth's pages (password, then the TOTP code
computed from the authenticator's secret); a spreadsheet of IMPORT_ROWS organisations is uploaded, checked and
imported through the import pages, waiting on the progress bar's address as htmx does; the worker is killed
(SIGKILL) while the import's commit is writing, started again under the same id, and the job runs to its end
once; a scheduler run on an event; a government brief downloaded as a PDF. Then `manage.py backup`, the
database dropped (and the uploaded files deleted), `manage.py restore` into an empty database: every table and
every uploaded file is back as it was, byte for byte, and the site serves the restored data.

One difference from an installation: collectstatic runs with Django's ManifestStaticFilesStorage (the same
manifest and hashed names that whitenoise's storage writes and reads) instead of whitenoise's compressing one,
whose .gz and .br copies take minutes to make on a small machine and change nothing this test looks at.
"""

import datetime
import hashlib
import ipaddress
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from django.conf import settings

from grappe.federation.tests.instance_shell import Shell

pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="production runs on PostgreSQL: set DATABASE_URL to a PostgreSQL database"),
]

ROOT = Path(__file__).resolve().parents[3]
SECRET_KEY = "e2e-production-test-key-" + "k7Qz9pXw" * 6
PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # grappe.conftest.make_staff's authenticator
STAFF_EMAIL = "operations@grappe.test"
WORKER_ID = "e2e-worker"
IMPORT_ROWS = 2000  # enough for the commit to write for a while: the worker is killed in the middle of it
NEQ_BASE = 2260000000
STARTUP_SECONDS = 120  # a loaded 2-core machine: gunicorn's workers load Django in parallel
JOB_SECONDS = 240  # longest wait for one background job
POLL_SECONDS = 0.2
COMMIT_TASK = "grappe.members.tasks.commit_import_task"
# Written by the backup and the restore themselves: not part of the data they carry.
OWN_ROWS = {"operations_backup": "TRUE", "core_auditentry": "left(action, 7) = 'backup.'"}


# --- The processes -----------------------------------------------------------------------------------------

def free_port() -> int:
    from grappe.federation.tests.instances import free_port as port

    return port()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, which the client trusts (and nothing else does)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def admin_connection(dbname: str = "postgres"):
    import psycopg

    database = settings.DATABASES["default"]
    return psycopg.connect(dbname=dbname, autocommit=True, host=database["HOST"] or None,
                           port=database["PORT"] or None, user=database["USER"] or None,
                           password=database["PASSWORD"] or None)


def database_url(name: str) -> str:
    database = settings.DATABASES["default"]
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}@{database['HOST'] or 'localhost'}{port}/{name}"


class Cluster:
    """Grappe's processes for this test, and its database (see the module's docstring)."""

    def __init__(self, folder: Path):
        self.folder = folder
        base = settings.DATABASES["default"]["NAME"]
        self.database = f"{base[:40]}_production"
        self.media = folder / "media"
        self.static = folder / "static"
        self.backups = folder / "backups"
        self.logs = folder / "logs"
        for path in (self.media, self.static, self.backups, self.logs):
            path.mkdir()
        self.cert, self.key = make_certificate(folder)
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "grappe.settings", "PYTHONUNBUFFERED": "1",
                    "DATABASE_URL": database_url(self.database), "DJANGO_DEBUG": "0",
                    "DJANGO_SECRET_KEY": SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                    "GRAPPE_BASE_URL": self.url, "GRAPPE_MEDIA_ROOT": str(self.media),
                    "GRAPPE_STATIC_ROOT": str(self.static), "GRAPPE_BACKUP_DIR": str(self.backups),
                    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
                    "DJANGO_DEFAULT_FROM_EMAIL": "grappe@grappe.test"}
        for name in ("GRAPPE_TASK_BACKEND", "REDIS_URL", "DJANGO_SECURE_SSL_REDIRECT"):
            self.env.pop(name, None)  # the database backend, each process's own cache, the HTTPS redirect on
        self.server = None
        self.worker = None
        self.shell = Shell(self.env, self.logs / "shell.log")  # code inside Grappe, for the data a journey starts from
        self.worker_runs = 0

    # The database and the files

    def create_database(self) -> None:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.database}"')

    def drop_database(self) -> None:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def manage(self, *arguments: str, timeout: float = 600) -> str:
        """`manage.py …` with the production environment; its standard output."""
        done = subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=self.env, timeout=timeout,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def collect_static(self) -> subprocess.Popen:
        """collectstatic, in the background (see the module's docstring for its storage)."""
        code = ("import django; django.setup()\n"
                "from django.conf import settings\n"
                "from django.core.management import call_command\n"
                "from django.test.utils import override_settings\n"
                "storage = {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}\n"
                "with override_settings(STORAGES={**settings.STORAGES, 'staticfiles': storage}):\n"
                "    call_command('collectstatic', interactive=False, verbosity=0)\n")
        return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=self.env)

    def sql(self):
        """A connection of the test's own to the cluster's database (autocommit)."""
        return admin_connection(self.database)

    # The server

    def start_server(self, wait: bool = True) -> None:
        log = open(self.logs / "gunicorn.log", "ab")  # noqa: SIM115 — kept open while the server runs
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "grappe.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--timeout", "120", "--graceful-timeout", "5", "--certfile", str(self.cert),
             "--keyfile", str(self.key), "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_for_server()

    def wait_for_server(self) -> None:
        probe = requests.Session()
        probe.trust_env = False
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(f"gunicorn stopped at start:\n{self.log('gunicorn.log')}")
            try:
                if probe.get(f"{self.url}/fr/accounts/login/", verify=self.cert, timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(POLL_SECONDS)
        raise AssertionError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{self.log('gunicorn.log')}")

    def stop_server(self) -> None:
        stop(self.server)
        self.server = None

    # The worker

    def start_worker(self) -> None:
        self.worker_runs += 1
        log = open(self.logs / f"worker-{self.worker_runs}.log", "ab")  # noqa: SIM115 — kept open while it runs
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--worker-id", WORKER_ID, "--interval", "0.2",
             "--no-startup-delay"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def kill_worker(self) -> None:
        """SIGKILL: the worker gets no chance to say anything, as with the out-of-memory killer."""
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(timeout=30)
        self.worker = None

    def stop_worker(self) -> None:
        stop(self.worker)
        self.worker = None

    def run(self, code: str, **values):
        return self.shell.run(code, **values)

    def log(self, name: str) -> str:
        path = self.logs / name
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""

    def close(self) -> None:
        self.shell.close()
        stop(self.server)
        stop(self.worker)


def stop(process) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_CLOCK = [time.monotonic()]


def lap(name: str) -> None:
    """Print how long the step that ends here took (pytest -s shows it)."""
    now = time.monotonic()
    print(f"  {name}: {now - _CLOCK[0]:.1f} s", flush=True)
    _CLOCK[0] = now


def wait_for(condition, what: str, seconds: float = JOB_SECONDS, every: float = POLL_SECONDS):
    """Poll `condition` until it returns something true; that value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {seconds} s")


# --- A client that reads HTML forms ------------------------------------------------------------------------

class Forms(HTMLParser):
    """The forms of a page: for each, its action, method, the values a browser would send (inputs, selected
    options, text areas) and its submit buttons (name, value)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._select = None
        self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                               "fields": {}, "buttons": []})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "submit":
                form["buttons"].append((name, attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["fields"][name] = attrs.get("value", "on")
            elif kind != "file":
                form["fields"][name] = attrs.get("value", "")
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            form["buttons"].append((name or "", attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:  # the selected option, else the first
            if "selected" in attrs or self._select not in form["fields"]:
                form["fields"][self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def with_field(self, name: str) -> dict:
        return next(form for form in self.forms if name in form["fields"])

    def with_button(self, name: str, value: str) -> dict:
        return next(form for form in self.forms if (name, value) in form["buttons"])


class Browser:
    """requests, trusting the test's certificate, sending the Referer a browser sends with a form."""

    def __init__(self, cluster: Cluster):
        self.base = cluster.url
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy, and no CA bundle from the environment instead of ours
        self.session.verify = str(cluster.cert)

    def get(self, path: str, **headers) -> requests.Response:
        response = self.session.get(self.base + path if path.startswith("/") else path, headers=headers, timeout=60)
        assert response.status_code == 200, f"GET {path}: {response.status_code}\n{response.text[:2000]}"
        return response

    def submit(self, page: requests.Response, form: dict, button: tuple[str, str] | None = None, files=None,
               **values) -> requests.Response:
        """Send `form` of `page` as a browser would after clicking `button`, with `values` typed in."""
        data = {**form["fields"], **values}
        if button and button[0]:
            data[button[0]] = button[1]
        action = form["action"] or page.url
        url = action if action.startswith("http") else (self.base + action if action.startswith("/") else page.url)
        response = self.session.post(url, data=data, files=files, headers={"Referer": page.url}, timeout=120)
        assert response.status_code == 200, f"POST {url}: {response.status_code}\n{response.text[:2000]}"
        return response

    def wait_for_job(self, progress_path: str, what: str) -> None:
        """Poll the job's progress bar as htmx does, until the page is told to reload (the job is over)."""
        def over():
            response = self.get(progress_path, **{"HX-Request": "true"})
            return response.headers.get("HX-Refresh") == "true"
        wait_for(over, what)


def totp_code() -> str:
    """The code the staff's authenticator app shows now (allauth's own HOTP function), not about to expire."""
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = mfa_settings.TOTP_PERIOD
    wait_for(lambda: period - time.time() % period >= 3, "a fresh TOTP period", seconds=period)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // period))


# --- The data the journeys start from -----------------------------------------------------------------------

SETUP = """
from grappe.conftest import make_member, make_organisation, make_staff
from grappe.events.models import Phase, RequestStatus
from grappe.events.tests.factories import make_event, make_request, register

staff = make_staff(email)
event = make_event(staff, phase=Phase.SCHEDULING, title="Journée B2B de production")
people = []
for index, name in enumerate(["Alpha Usinage", "Bravo Composites", "Charlie Avionique", "Delta Moteurs"]):
    organisation = make_organisation(name, neq=f"33300000{index:02d}")
    people.append(register(event, make_member(organisation, f"contact{index}@e2e.test")))
pairs = [(0, 1), (2, 0), (3, 1), (2, 3), (1, 2)]
for requester, recipient in pairs:
    make_request(people[requester], people[recipient], RequestStatus.ACCEPTED)
result = {"event": event.pk, "requests": len(pairs)}
"""


def organisations_csv(rows: int) -> bytes:
    """A clean spreadsheet of `rows` new organisations, each with its own NEQ and a name of made-up words (names
    alike would make the import ask about probable duplicates, and compare every pair)."""
    header = "Raison sociale;Nom commercial;NEQ;Type;Taille;Ville;Région;Site web;Courriel;Membre depuis"
    cities = [("Montréal", "06"), ("Laval", "13"), ("Québec", "03"), ("Mirabel", "15"), ("Longueuil", "16")]
    kinds = ["PME", "Tier 2 supplier", "Centre de recherche", "MRO"]
    syllables = ["ba", "ché", "di", "fo", "gu", "ka", "lé", "mi", "no", "pa", "qué", "ro", "su", "ti", "vo", "zé"]
    chance = random.Random(19)
    lines, names = [header], set()
    while len(names) < rows:
        names.add(" ".join("".join(chance.choices(syllables, k=chance.randint(3, 5))).capitalize()
                           for _ in range(2)))
    for index, name in enumerate(sorted(names, key=lambda _: chance.random())):
        city, region = cities[index % len(cities)]
        slug = name.lower().replace(" ", "-").replace("é", "e")
        lines.append(f"{name} inc.;;{NEQ_BASE + index};{kinds[index % len(kinds)]};{10 + index % 400};{city};"
                     f"{region};https://{slug}.example;info@{slug}.example;2020-01-{1 + index % 28:02d}")
    return ("\n".join(lines) + "\n").encode()


# --- What a backup must bring back --------------------------------------------------------------------------

def database_state(cluster: Cluster) -> dict:
    """Every table's row count and a checksum of its rows (in a stable order), and every sequence's value;
    without the rows the backup and the restore write about themselves (OWN_ROWS)."""
    state = {}
    with cluster.sql() as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            keep = f"NOT ({OWN_ROWS[table]})" if table in OWN_ROWS else "TRUE"
            state[table] = connection.execute(
                f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) '
                f'FROM "{table}" t WHERE {keep}').fetchone()
        for name, value in connection.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"):
            if not any(name.startswith(f"{table}_") for table in OWN_ROWS):
                state[f"sequence {name}"] = value
    return state


def files_state(folder: Path) -> dict[str, str]:
    """The sha256 of every file under `folder`, by its path there."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


# --- The test -----------------------------------------------------------------------------------------------

@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    cluster.create_database()
    try:
        yield cluster
    finally:
        cluster.close()
        cluster.drop_database()


def test_grappe_in_production_signs_in_imports_schedules_survives_a_killed_worker_and_restores_a_backup(
        cluster):
    started = _CLOCK[0] = time.monotonic()

    # Installed as docs/operations.md says: migrations, the taxonomy, the static files; then the processes.
    collecting = cluster.collect_static()
    cluster.manage("migrate", "--no-input", "-v0")
    cluster.manage("load_taxonomy")
    assert collecting.wait(timeout=600) == 0, "collectstatic failed"
    lap("installed (migrate, load_taxonomy, collectstatic)")
    cluster.start_server(wait=False)  # its workers load while the data is made
    cluster.start_worker()
    setup = cluster.run(SETUP, email=STAFF_EMAIL)
    cluster.wait_for_server()
    lap("data made, processes started")

    browser = Browser(cluster)
    sign_in(browser)
    lap("sign-in")
    import_id = import_organisations_killing_the_worker(cluster, browser)
    run_the_scheduler(cluster, browser, setup)
    lap("scheduler")
    download_a_brief(browser)
    lap("brief")

    back_up_drop_and_restore(cluster, browser, import_id)
    print(f"  the whole test: {time.monotonic() - started:.0f} s")


def sign_in(browser: Browser) -> None:
    """Staff sign in through allauth's pages: email and password, then the code of their authenticator."""
    page = browser.get("/fr/accounts/login/")
    after_password = browser.submit(page, Forms(page.text).with_field("login"), login=STAFF_EMAIL,
                                    password=PASSWORD)
    assert after_password.url.endswith("/fr/accounts/2fa/authenticate/"), after_password.url
    assert browser.session.get(f"{browser.base}/fr/members/import/", allow_redirects=False,
                               timeout=60).status_code == 302, "the password alone signs nobody in"
    signed_in = browser.submit(after_password, Forms(after_password.text).with_field("code"), code=totp_code())
    assert signed_in.url == f"{browser.base}/fr/", signed_in.url
    assert STAFF_EMAIL in signed_in.text


def import_organisations_killing_the_worker(cluster: Cluster, browser: Browser) -> int:
    """Upload, check and import a spreadsheet; SIGKILL the worker while the import writes; the worker started
    again under its id takes the job back and imports every row once."""
    content = organisations_csv(IMPORT_ROWS)
    page = browser.get("/fr/members/import/")
    uploaded = browser.submit(page, Forms(page.text).with_field("form_token"), kind="organisations",
                              files={"file": ("membres-production.csv", content, "text/csv")})
    job_id = int(re.search(r"/fr/members/import/(\d+)/$", uploaded.url).group(1))
    detail, progress = f"/fr/members/import/{job_id}/", f"/fr/members/import/{job_id}/progress/"
    browser.wait_for_job(progress, "the file read")
    lap("import: upload and read")

    page = browser.get(detail)
    browser.submit(page, Forms(page.text).with_button("action", "check"), ("action", "check"))
    browser.wait_for_job(progress, "the dry run")
    lap("import: dry run")
    with cluster.sql() as connection:
        status, report = connection.execute("SELECT status, report FROM members_importjob WHERE id = %s",
                                            [job_id]).fetchone()
    assert status == "done" and report["counts"]["created"] == IMPORT_ROWS, report.get("errors", [])[:5]

    page = browser.get(detail)
    organisations_before = count(cluster, "SELECT count(*) FROM members_organisation")
    browser.submit(page, Forms(page.text).with_button("action", "commit"), ("action", "commit"))

    # The commit writes every row in one transaction: once it holds its write lock on the organisations, kill.
    with cluster.sql() as connection:
        def writing():
            status = connection.execute("SELECT status FROM members_importjob WHERE id = %s", [job_id]).fetchone()[0]
            assert status in ("queued", "running"), f"the commit ended ({status}) before it could be interrupted"
            return connection.execute(
                "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = "
                "'members_organisation' AND l.mode = 'RowExclusiveLock' AND l.granted AND l.pid <> "
                "pg_backend_pid()").fetchone()
        backend = wait_for(writing, "the import's commit writing", every=0.01)[0]
        lap("import: commit until killed")
        cluster.kill_worker()
        # Its database session ends when PostgreSQL sees the connection closed: its transaction rolls back.
        wait_for(lambda: not connection.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                                [backend]).fetchone(), "the killed worker's session to end")
        status, step = connection.execute("SELECT status, step FROM members_importjob WHERE id = %s",
                                          [job_id]).fetchone()
        task = connection.execute("SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
                                  [COMMIT_TASK]).fetchone()[0]
    assert (status, step, task) == ("running", "commit", "RUNNING"), "the killed worker's job looks still running"
    assert count(cluster, "SELECT count(*) FROM members_organisation") == organisations_before, \
        "nothing of an interrupted commit is written"

    cluster.start_worker()
    browser.wait_for_job(progress, "the import, after the worker started again")
    lap("import: commit after the worker started again")
    assert "Importé le" in browser.get(detail).text
    with cluster.sql() as connection:
        status, report = connection.execute("SELECT status, report FROM members_importjob WHERE id = %s",
                                            [job_id]).fetchone()
        assert status == "done" and report["counts"]["created"] == IMPORT_ROWS
        imported = connection.execute(
            "SELECT count(*), count(DISTINCT neq) FROM members_organisation WHERE neq::bigint BETWEEN %s AND %s",
            [NEQ_BASE, NEQ_BASE + IMPORT_ROWS - 1]).fetchone()
        assert imported == (IMPORT_ROWS, IMPORT_ROWS), "every row imported, once"
        assert count(cluster, "SELECT count(*) FROM members_organisation") == organisations_before + IMPORT_ROWS
        audit = connection.execute("SELECT count(*) FROM core_auditentry WHERE action = 'import.committed' "
                                   "AND target_id = %s", [str(job_id)]).fetchone()[0]
        assert audit == 1, "one audit entry for the import"
        tasks = connection.execute("SELECT status, worker_ids, return_value FROM django_tasks_database_dbtaskresult"
                                   " WHERE task_path = %s", [COMMIT_TASK]).fetchall()
    assert tasks == [("SUCCESSFUL", [WORKER_ID, WORKER_ID], "done")], \
        "the commit's task queued again, claimed a second time, successful"
    return job_id


def count(cluster: Cluster, query: str) -> int:
    with cluster.sql() as connection:
        return connection.execute(query).fetchone()[0]


def run_the_scheduler(cluster: Cluster, browser: Browser, setup: dict) -> None:
    """The organiser runs the scheduler from its page; the worker places every accepted request."""
    path = f"/fr/events/organiser/{setup['event']}/scheduler/"
    page = browser.get(path)
    run_form = next(form for form in Forms(page.text).forms
                    if form["method"] == "post" and form["action"] in ("", path))
    started = browser.submit(page, run_form)
    progress = re.search(rf"{re.escape(path)}(\d+)/progress/", started.text)
    if progress:  # not over yet (it may be, on a fast machine)
        browser.wait_for_job(progress.group(0), "the scheduler run")
    with cluster.sql() as connection:
        runs = connection.execute("SELECT status, requests_count, placed_count FROM events_schedulerun "
                                  "WHERE event_id = %s", [setup["event"]]).fetchall()
        meetings = connection.execute("SELECT count(*) FROM events_meeting WHERE event_id = %s",
                                      [setup["event"]]).fetchone()[0]
    assert runs == [("done", setup["requests"], setup["requests"])]
    assert meetings == setup["requests"]


def download_a_brief(browser: Browser) -> None:
    """Staff make a government brief for the last quarter and download its PDF."""
    page = browser.get("/fr/listening/briefs/")
    today = datetime.date.today()
    made = browser.submit(page, next(form for form in Forms(page.text).forms if "period_start" in form["fields"]),
                          period_start=str(today - datetime.timedelta(days=90)), period_end=str(today),
                          language="fr")
    brief = re.search(r"/fr/listening/briefs/(\d+)/$", made.url).group(1)
    pdf = browser.get(f"/fr/listening/briefs/{brief}/pdf/")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 1000


def back_up_drop_and_restore(cluster: Cluster, browser: Browser, import_id: int) -> None:
    """`manage.py backup`, the database and the uploaded files lost, `manage.py restore` into an empty database:
    everything back as it was."""
    cluster.stop_server()
    cluster.stop_worker()  # nothing writes any more (the worker's heartbeat would)
    cluster.shell.close()
    files = files_state(cluster.media)
    assert any(name.startswith("imports/") for name in files), files
    before = database_state(cluster)
    lap("stopped, state read")

    archive = Path(cluster.manage("backup", "--output-dir", str(cluster.backups)).strip().splitlines()[-1])
    assert archive.is_file() and archive.parent == cluster.backups, archive
    lap("backup")

    cluster.drop_database()
    cluster.create_database()  # empty, as a new database server gives it
    shutil.rmtree(cluster.media)
    cluster.media.mkdir()
    cluster.manage("restore", str(archive))
    lap("restore")

    after = database_state(cluster)
    assert after.keys() == before.keys()
    assert [name for name in before if before[name] != after[name]] == [], "every table back as it was"
    assert files_state(cluster.media) == files, "every uploaded file back, byte for byte"

    # The restored site serves the restored data, to the session signed in before the backup.
    cluster.start_server()
    assert "Importé le" in browser.get(f"/fr/members/import/{import_id}/").text
