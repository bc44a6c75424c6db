"""French by default, English on request; a signed-in user's choice follows them to their next sign-in."""

import re

import pytest
from playwright.sync_api import expect

from grappe.conftest import PASSWORD

from .helpers import in_french, submit_sign_in_form, url

pytestmark = pytest.mark.browser


def ends_with(path: str) -> re.Pattern:
    return re.compile(re.escape(path) + "$")


def test_the_home_page_is_in_french_until_the_visitor_picks_english(page):
    page.goto("/")
    expect(page).to_have_url(ends_with("/fr/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="FR", exact=True)).to_have_attribute("aria-current", "true")
    expect(page.locator("main")).to_contain_text(in_french("Search the directory"))

    page.get_by_role("button", name="EN", exact=True).click()

    expect(page).to_have_url(ends_with("/en/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="EN", exact=True)).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("searchbox", name="Search the directory")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(ends_with("/en/"))


def test_a_signed_in_users_choice_is_remembered_for_their_next_sign_in(page, sign_in, org_user):
    sign_in(org_user)
    page.goto(url("members:directory"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("button", name="EN", exact=True).click()

    expect(page).to_have_url(ends_with(url("members:directory", language="en")))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    org_user.refresh_from_db()
    assert org_user.language == "en"

    page.context.clear_cookies()  # another day, another browser: no session, no language cookie
    submit_sign_in_form(page, org_user.email, PASSWORD)
    expect(page).to_have_url(ends_with(url("home:home", language="en")))
    expect(page.locator("html")).to_have_attribute("lang", "en")
