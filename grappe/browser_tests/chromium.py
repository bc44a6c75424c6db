"""How Grappe starts Chromium for Playwright: Debian's own build, headless, nothing downloaded.

Shared by the browser tests and scripts/screenshots.py.
"""

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("GRAPPE_CHROMIUM", "/usr/bin/chromium"))
# No sandbox (containers and CI run as root), no GPU, /tmp instead of a small /dev/shm, and no traffic of
# Chromium's own (updates, sync, QUIC probes) that could slow a test or reach the network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}


def launch_chromium(playwright):
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"No Chromium at {CHROMIUM}: apt-get install chromium or set GRAPPE_CHROMIUM")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
