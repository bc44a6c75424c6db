"""The sweep: every page each role may open, in a real browser, at a desktop and a phone width, in French and English.

For each role (anonymous, member user, organisation administrator, staff, observer) it opens every page the
permission matrix (each app's tests/test_permissions.py) answers 200 with a GET, on the matrix's own objects
among the demo generator's activity (sweep_data.py: needs, surveys with answers, themes, a published B2B day
and brief), and fails when a page:
- scrolls sideways (the document is wider than the window);
- has a visible interactive element (link, button, field, label) overlapping another one;
- has a serious or critical axe-core violation (axe.min.js vendored in vendor/, see vendor/VERSIONS.md);
- shows, in its chrome (navigation, footer, headings, buttons, labels), an interface string of the other language;
- took the server more than GRAPPE_SWEEP_MAX_MS (1000 ms) to answer (navigation timing), three times running.

French is checked at 1280 and 390 px with axe at both widths; English at 1280 and 390 px (longer English words
push pages sideways, English labels overlap) without axe, which the French passes already ran on the same
markup. A page two policies of the matrix reach by the same path is visited once per pass.
Every page is screenshot into GRAPPE_SWEEP_DIR (var/sweep/ by default, kept by CI), named
<role>-<lang>-<width>-<page>.png, so a reviewer can look at all of them at once.

Failures are gathered over every page and reported together. sweep_known_failures.txt lists the failures
known today, each with the defect it belongs to: the sweep fails on any failure not listed, and on a listed
one that no longer happens (remove its line), so the list only shrinks.
"""

import gettext
import importlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from grappe.core.tests import permission_matrix as pm

from .conftest import TIMEOUT_MS
from .sweep_data import seed_demo_activity

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
AXE = (HERE / "vendor" / "axe.min.js").read_text()
KNOWN_FAILURES = HERE / "sweep_known_failures.txt"
SCREENSHOTS = Path(os.environ.get("GRAPPE_SWEEP_DIR", Path(settings.BASE_DIR) / "var" / "sweep"))
MAX_MS = float(os.environ.get("GRAPPE_SWEEP_MAX_MS", "1000"))

ROLES = (pm.ANONYMOUS, pm.OWN_USER, pm.OWN_ADMIN, pm.STAFF, pm.OBSERVER)
# (language, width, run axe)
PASSES = (("fr", 1280, True), ("fr", 390, True), ("en", 1280, False), ("en", 390, False))
APPS = ("core", "home", "members", "partnering", "listening", "events", "programs", "governance", "bulletins",
        "labour", "greening", "federation", "operations")
# GRAPPE_SWEEP_APPS=federation,labour.Board sweeps those apps' pages, and those pages (app.PolicyName), only: a
# quicker run while fixing them. The known failures of the pages left out are not expected then.
ONLY = tuple(name.strip() for name in os.environ.get("GRAPPE_SWEEP_APPS", "").split(",") if name.strip())
if ONLY:
    APPS = tuple(dict.fromkeys(name.split(".")[0] for name in ONLY))

OVERLAPS = """() => {
  const visible = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    // checkVisibility: not rendered (inside a closed <details>, whose content keeps a box but is not drawn)
    return r.width * r.height >= 4 && s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'
      && el.checkVisibility() && !el.closest('[hidden], .visually-hidden, .visually-hidden-focusable');
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '')
    + ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
  const els = [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, label')]
    .filter(visible);
  const boxes = els.map(el => { const r = el.getBoundingClientRect();
    return [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY]; });
  const found = [];
  for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]), h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    if (w < 2 || h < 2) continue;  // a shared 1px border (wrapped tabs) is no overlap
    if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
    const forOf = (l, c) => l.tagName === 'LABEL' && (l.control === c);
    if (forOf(els[i], els[j]) || forOf(els[j], els[i])) continue;
    found.push(name(els[i]) + ' × ' + name(els[j]));
  }
  return found.slice(0, 5);
}"""

# A document shown in the other language on purpose (minutes in their committee's language) says so with its
# `lang` attribute: its headings are content, not the interface.
CHROME_TEXTS = """() => [...document.querySelectorAll(
    'nav a, nav button, footer a, footer, h1, h2, h3, button, label, legend, th, .btn')]
  .filter(el => el.closest('[lang]').lang === document.documentElement.lang)
  .map(el => (el.innerText || '').replace(/\\s+/g, ' ').trim()).filter(t => t)"""

SERVER_MS = """() => { const n = performance.getEntriesByType('navigation')[0];
  return n ? n.responseEnd - n.requestStart : 0; }"""


def interface_strings() -> dict[str, set[str]]:
    """Short interface strings whose French differs from the English: what a page of the other language shows."""
    with open(Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    entries = [(msgid.split("\x04")[-1], msgstr) for msgid, msgstr in catalogue.items()
               if isinstance(msgid, str) and msgid and isinstance(msgstr, str)]
    short = [(msgid, msgstr) for msgid, msgstr in entries
             if "%" not in msgid and "{" not in msgid and len(msgid) <= 40 and msgid.casefold() != msgstr.casefold()]
    # A word both languages write alike ("Type", "Description") is no sign of the other language.
    all_english = {msgid for msgid, _ in entries}
    all_french = {msgstr for _, msgstr in entries}
    # The product's name is the same in both languages, though French also says "grappe" for a cluster.
    return {"fr": {msgid for msgid, _ in short} - all_french,  # on a French page, no English-only string
            "en": {msgstr for _, msgstr in short} - all_english - {"Grappe"}}


def pages_of(ctx) -> dict[str, list[tuple[str, str]]]:
    """For each role, (page name, path without language) of every GET page the matrix answers it 200. Fails when
    the objects of one of them cannot be built on the shared cluster."""
    for app in APPS:  # an app's matrix may have several parts: tests/test_permissions.py, tests/test_*_permissions.py
        for module in sorted((Path(settings.BASE_DIR) / "grappe" / app / "tests").glob("test*permissions.py")):
            importlib.import_module(f"grappe.{app}.tests.{module.stem}")
    pages = {role: [] for role in ROLES}
    unbuilt = []
    for policy in pm.REGISTRY:
        if policy.__module__.split(".")[1] not in APPS:
            continue
        if policy.writes() or "api" in policy.url.split(":")[0] or "-api" in policy.url:
            continue
        roles = [role for role in ROLES if policy.expect.get(role) == 200]
        if not roles:
            continue
        name = f"{policy.__module__.split('.')[1]}.{policy.__name__.removeprefix('Test')}"
        if ONLY and name not in ONLY and name.split(".")[0] not in ONLY:
            continue
        try:
            args = policy.args(ctx)
        except Exception as error:  # noqa: BLE001 — gathered, so that one run names every page it could not build
            unbuilt.append(f"  {name} ({policy.url}): {error!r}")
            continue
        for role in roles:
            pages[role].append((name, policy.url, args, policy.query))
    # A page of the matrix the sweep cannot build is a page nobody checks: a defect of the sweep's data
    # (sweep_data.py) or of the policy's objects, never a page to leave out.
    assert not unbuilt, "The sweep cannot build the objects of these pages:\n" + "\n".join(unbuilt)
    return pages


def check_page(page, lang, width, with_axe, strings) -> list[str]:
    failures = []
    server_ms = page.evaluate(SERVER_MS)
    for _ in range(2):  # a machine busy elsewhere slows one answer; a slow page is slow three times running
        if server_ms <= MAX_MS:
            break
        page.reload()
        server_ms = min(server_ms, page.evaluate(SERVER_MS))
    if server_ms > MAX_MS:
        failures.append(f"slow: {server_ms:.0f} ms")
    wide = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if wide[0] > wide[1]:
        failures.append(f"scrolls sideways: {wide[0]} px wide in {wide[1]} px")
    overlaps = page.evaluate(OVERLAPS)
    if overlaps:
        failures.append("overlap: " + "; ".join(overlaps))
    other = sorted({text for text in page.evaluate(CHROME_TEXTS) if text in strings[lang]})
    if other:
        failures.append(f"other language: {other[:6]}")
    if with_axe:
        page.evaluate(AXE)
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
          .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.id + ' (' + v.nodes.length + ')')""")
        if violations:
            failures.append("axe: " + ", ".join(violations))
    return failures


def known_failures() -> dict[str, str]:
    known = {}
    for line in KNOWN_FAILURES.read_text().splitlines():
        key, _, defect = line.partition("#")
        if key.strip():
            known[key.strip()] = defect.strip()
    return known


def test_every_page_of_every_role_reads_well_at_every_width(browser, live_server, transactional_db,
                                                           reference_data, matrix):
    started = time.monotonic()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    strings = interface_strings()
    seed_demo_activity(matrix)
    print(f"sweep: demo activity seeded in {time.monotonic() - started:.0f} s")
    pages = pages_of(matrix)
    found: dict[str, str] = {}  # key (role lang width page kind) -> detail
    visited = 0
    for role in ROLES:
        context = browser.new_context(locale="fr-CA", base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        user = getattr(matrix, role)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        for lang, width, with_axe in PASSES:
            page.set_viewport_size({"width": width, "height": 800})
            seen = set()
            for name, url_name, args, query in pages[role]:
                with translation.override(lang):
                    path = reverse(url_name, args=args) + (f"?{query}" if query else "")
                if path in seen:
                    continue
                seen.add(path)
                try:
                    response = page.goto(path)
                except Exception as error:  # noqa: BLE001 — a download (PDF, XLSX, .ics) is not a page
                    if "Download is starting" in str(error):
                        continue
                    raise
                if "text/html" not in (response.headers.get("content-type") or ""):
                    continue
                if "<html" not in response.text()[:1000]:
                    continue  # a fragment htmx polls into its page (a job's progress), not a page
                visited += 1
                where = f"{role} {lang} {width} {name}"
                if response.status != 200:
                    found[f"{where} status"] = f"{path} answered {response.status}"
                    continue
                for failure in check_page(page, lang, width, with_axe, strings):
                    kind = failure.split(":")[0]
                    found[f"{where} {kind}"] = f"{path}: {failure}"
                height = page.evaluate("() => document.documentElement.scrollHeight")
                page.screenshot(path=SCREENSHOTS / f"{role}-{lang}-{width}-{name}.png", full_page=height <= 8000)
        context.close()
    known = known_failures()
    new = {key: detail for key, detail in found.items() if key not in known}
    swept = {f"{role} {lang} {width} {name}" for role in ROLES for lang, width, _axe in PASSES
             for name, *_rest in pages[role]}
    gone = {key: defect for key, defect in known.items() if key not in found
            and (not ONLY or " ".join(key.split()[:4]) in swept)}
    print(f"sweep: {visited} page views in {time.monotonic() - started:.0f} s, {len(found)} failures")
    (SCREENSHOTS / "failures.txt").write_text("".join(f"{key}  # {detail}\n" for key, detail in sorted(found.items())))
    message = []
    if new:
        message.append("New failures (role lang width page kind: detail):\n" + "\n".join(
            f"  {key}: {detail}" for key, detail in sorted(new.items())))
    if gone:
        message.append(f"Fixed: remove these lines from {KNOWN_FAILURES.name}:\n" + "\n".join(
            f"  {key}  # {defect}" for key, defect in sorted(gone.items())))
    assert not message, "\n\n".join(message)
