"""Signing in: members with email and password; staff, who see confidential data, also with a TOTP code."""

import re

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from playwright.sync_api import expect

from grappe.conftest import PASSWORD, current_totp_code, make_staff

from .helpers import in_french, submit_sign_in_form, url

pytestmark = pytest.mark.browser


def test_a_member_signs_in_and_finds_their_organisation(page, org_admin, org_a):
    submit_sign_in_form(page, "admin@alpha.test", PASSWORD)

    expect(page).to_have_url(re.compile(re.escape(url("home:home")) + "$"))
    expect(page.get_by_role("navigation")).to_contain_text("admin@alpha.test")
    page.get_by_role("link", name=in_french("My organisation"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(url("members:organisation-detail", org_a.slug)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Usinage")


def test_a_wrong_password_is_refused_and_the_email_typed_is_kept(page, org_admin):
    submit_sign_in_form(page, "admin@alpha.test", "not-the-password")

    expect(page).to_have_url(re.compile(re.escape(url("account_login")) + "$"))
    mismatch = in_french(DefaultAccountAdapter.error_messages["email_password_mismatch"])
    expect(page.locator(".alert-danger").filter(has_text=mismatch)).to_be_visible()
    expect(page.locator("#id_login")).to_have_value("admin@alpha.test")
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.get_by_role("navigation")).not_to_contain_text("admin@alpha.test")


def test_staff_sign_in_takes_the_password_then_the_authenticator_code(page):
    staff = make_staff("operations@grappe.test")
    submit_sign_in_form(page, staff.email, PASSWORD)

    expect(page).to_have_url(re.compile(re.escape(url("mfa_authenticate")) + "$"))
    expect(page.get_by_role("navigation")).not_to_contain_text(staff.email)

    right_code = current_totp_code(staff)
    page.fill("#id_code", f"{(int(right_code) + 1) % 1_000_000:06d}")
    page.press("#id_code", "Enter")
    expect(page.get_by_text(in_french(DefaultMFAAdapter.error_messages["incorrect_code"]))).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(url("mfa_authenticate")) + "$"))

    page.fill("#id_code", current_totp_code(staff))
    page.press("#id_code", "Enter")
    expect(page).to_have_url(re.compile(re.escape(url("home:home")) + "$"))
    expect(page.get_by_role("navigation")).to_contain_text(staff.email)
    expect(page.get_by_role("button", name=in_french("Staff"), exact=True)).to_be_visible()
