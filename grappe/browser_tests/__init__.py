"""Browser tests: real Chromium, driven by Playwright, against a live Grappe server (marker `browser`)."""
