"""Every string a person reads exists in French: a missing or fuzzy French translation fails the suite."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command

PO_FILE = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def fresh_catalogue(tmp_path, settings, monkeypatch):
    """The French catalogue as `makemessages` would rebuild it from today's code.

    makemessages writes next to the sources it scans, so it runs on a scratch copy of the code and of the
    catalogue: the real locale/ is never touched by the test.
    """
    if not shutil.which("xgettext"):
        pytest.fail("gettext tools are missing: scripts/bootstrap.sh installs them")
    shutil.copytree(settings.BASE_DIR / "grappe", tmp_path / "grappe",
                    ignore=shutil.ignore_patterns("__pycache__", "static"))
    target = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO_FILE, target / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)
    return target / "django.po"


def _entries(po_file, *flags) -> str:
    result = subprocess.run(["msgattrib", *flags, "--no-obsolete", str(po_file)],
                            capture_output=True, text=True, check=True)
    return result.stdout


def test_every_string_has_a_french_translation(fresh_catalogue):
    untranslated = _entries(fresh_catalogue, "--untranslated")
    assert not untranslated.strip(), f"Missing French translations (run `make messages` and translate):\n{untranslated}"


def test_no_french_translation_is_fuzzy(fresh_catalogue):
    fuzzy = _entries(fresh_catalogue, "--only-fuzzy")
    assert not fuzzy.strip(), f"Fuzzy French translations to review:\n{fuzzy}"
