"""Chromium through Playwright against pytest-django's live server.

One Chromium per test process (session scope, so `-n 2` starts two), a fresh browser context per test
(fresh cookies: every test starts signed out, in French-speaking Quebec). When a test fails, a screenshot
of the page it left is saved in var/browser-failures/ — the first thing to look at.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from .chromium import VIEWPORT, launch_chromium

# Playwright's sync API runs an asyncio event loop in this very thread (switching to it with greenlets), so
# while a browser is open Django believes the test's own ORM calls (creating the data a test needs, checking
# what a page wrote) come from async code and refuses them with SynchronousOnlyOperation. They don't: the
# test thread is plain synchronous code and the live server answers the browser from its own threads.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

TIMEOUT_MS = 10_000
FAILURE_SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "browser-failures"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that the `page` fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Sign-in rate limits and used TOTP codes live in the cache, which the live server shares with tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(browser, live_server, transactional_db, reference_data, request):
    """A new page in a new browser context; the live server commits for real, hence `transactional_db`."""
    context = browser.new_context(locale="fr-CA", base_url=live_server.url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=FAILURE_SCREENSHOTS / f"{name}.png", full_page=True)
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """Sign a user in without the sign-in form (test_sign_in goes through it): give the browser a session."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    return sign_in

