"""Take the README's screenshots (docs/screenshots/*.png) of the demo cluster, in a real Chromium.

    .venv/bin/python scripts/screenshots.py [--language en|fr] [--out docs/screenshots]

Builds a throw-away SQLite database with `generate_demo`, serves it with `runserver` on a free port, and
drives Debian's Chromium (Playwright) through the pages at 1280x800. Your own database is not touched.
Run it again after changing a page or the translations.
"""

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grappe.browser_tests.chromium import VIEWPORT, launch_chromium

DIRECTORY_QUERY = "usinage 5 axes"
# A cluster's own spreadsheet with French column names: one organisation already in Grappe (found by its
# NEQ, so it is updated) and one row with a mistake (a NEQ has ten digits). The import report shows both.
IMPORT_CSV = """Raison sociale,NEQ,Type,Taille,Ville,Région,Site web
{existing.legal_name},{existing.neq},,10-49,,,https://www.{existing.slug}.example
Usinage Beauce inc.,1160000001,PME,10-49,Saint-Georges,Chaudière-Appalaches,https://usinage-beauce.example
Composites Lévis,116000002,Fournisseur de rang 2,50-199,Lévis,Chaudière-Appalaches,https://composites-levis.example
Aéro Sherbrooke,1160000003,Rang 3,1-9,Sherbrooke,Estrie,
Traitements de surface Bécancour,1160000004,Rang 2,10-49,Bécancour,Centre-du-Québec,
"""


def prepare_demo(database: Path) -> dict:
    """Create the demo cluster (as `make demo` does, in its own database) and pick what the pages will show.

    Runs before Playwright starts: Django refuses database access once Playwright's event loop runs here.
    """
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "grappe.settings", "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}",
        "GRAPPE_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "GRAPPE_STAFF_MFA_REQUIRED": "0",  # the demo staff account has no authenticator
    })
    import django  # configured only now that the environment above points it at the demo database

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Q

    from grappe.events.models import Event
    from grappe.members import demo_data
    from grappe.members.models import MembershipStatus, Organisation, Role, User

    call_command("migrate", verbosity=0)
    call_command("generate_demo", stdout=io.StringIO())
    # The demo SME's people sign in with the demo password; the other members have no password.
    member = next(User.objects.get(email=account.email) for account in demo_data.ensure_demo_accounts()
                  if User.objects.get(email=account.email).role == Role.MEMBER)
    event = Event.objects.filter(meetings__isnull=False).distinct().order_by("-pk").first()
    showcase = (
        Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE, listed_in_directory=True)
        .annotate(capability_count=Count("capabilities", distinct=True),
                  contact_count=Count("people", filter=Q(people__consent_directory=True), distinct=True))
        .filter(contact_count__gte=2).order_by("-capability_count", "legal_name").first()
    )
    existing = Organisation.objects.exclude(neq=None).exclude(size_band="10-49").order_by("legal_name")[0]
    return {
        "staff": User.objects.get(role=Role.STAFF_ADMIN, email__endswith="@grappe.demo").email,
        "member": member.email, "password": demo_data.DEMO_PASSWORD, "organisation": showcase.slug,
        "event": event.pk,
        "import_csv": IMPORT_CSV.format(existing=existing),
    }


def delete_uploaded_files() -> None:
    """The import's upload went to the media folder, which the demo shares with your own Grappe."""
    from grappe.members.models import ImportJob

    for job in ImportJob.objects.all():
        job.file.delete(save=False)


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    for _attempt in range(100):
        try:
            urllib.request.urlopen(base_url + "/fr/", timeout=1)
            return server, base_url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the demo server did not start")


def signed_in_page(browser, base_url: str, language: str, email: str, password: str):
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale=f"{language}-CA")
    page = context.new_page()
    page.goto(f"/{language}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("form:has(#id_login) [type=submit]").click()
    page.wait_for_url(lambda address: "/accounts/" not in address)
    return page


def staff_pages(page, language: str, facts: dict, shot) -> None:
    page.goto(f"/{language}/")
    shot(page, "home")
    page.goto(f"/{language}/members/import/")
    page.locator("#id_kind").select_option("organisations")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "membres-2026.csv", "mimeType": "text/csv", "buffer": facts["import_csv"].encode()}])
    page.locator("form[enctype] [type=submit]").click()
    page.locator("button[name=action][value=check]").click()
    page.locator("table").first.wait_for()
    shot(page, "import")
    page.goto(f"/{language}/listening/dashboards/")
    shot(page, "dashboard")
    page.goto(f"/{language}/events/organiser/{facts['event']}/scheduler/")
    shot(page, "scheduler")


def member_pages(page, language: str, facts: dict, shot) -> None:
    page.goto(f"/{language}/members/")
    page.get_by_role("searchbox").first.fill(DIRECTORY_QUERY)
    page.wait_for_url("**q=usinage*")
    page.wait_for_load_state("networkidle")
    shot(page, "directory")
    page.goto(f"/{language}/members/o/{facts['organisation']}/")
    shot(page, "organisation")
    page.goto(f"/{language}/events/{facts['event']}/agenda/")
    shot(page, "agenda")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=["en", "fr"], default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str) -> None:
        path = options.out / f"{name}.png"
        page.screenshot(path=path)
        print(path)

    with tempfile.TemporaryDirectory(prefix="grappe-screenshots-") as scratch:
        facts = prepare_demo(Path(scratch) / "demo.sqlite3")
        server, base_url = start_server()
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for who, pages in (("staff", staff_pages), ("member", member_pages)):
                    page = signed_in_page(browser, base_url, options.language, facts[who], facts["password"])
                    pages(page, options.language, facts, shot)
                browser.close()
        finally:
            server.terminate()
            server.wait()
            delete_uploaded_files()


if __name__ == "__main__":
    main()
