"""Staff see confidential data: one way to sign in (allauth's, rate limited), and a staff session is one that
typed the code of its second factor; an API key needs that code typed within minutes."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from grappe.conftest import PASSWORD, current_totp_code
from grappe.core.models import ApiToken
from grappe.members.models import Role, User

STAFF_PAGES = ("members:directory", "members:import-start", "core:audit-log", "admin:index")
API_KEYS = reverse("core:api-tokens")


@pytest.fixture
def staff_without_totp(db):
    return User.objects.create_user("new-staff@grappe.test", PASSWORD, role=Role.STAFF_PROGRAMS)


def sign_in_with_password_only(client, user):
    """What Django's own login form did: a session opened with the password, the second factor skipped."""
    assert client.login(email=user.email, password=PASSWORD)


def asks_for_the_code(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))


def create_key(client, name="CRM sync", token="4b3c1f4b-47a4-4ba4-9e43-6c1f7d0e2c55"):
    return client.post(API_KEYS, {"name": name, "form_token": token})


# Staff without a second factor -------------------------------------------------------------------

def test_staff_without_authenticator_is_sent_to_set_one_up(client, staff_without_totp):
    client.force_login(staff_without_totp)
    response = client.get(reverse("members:directory"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_may_still_sign_out_and_reach_the_set_up_pages(client, staff_without_totp):
    client.force_login(staff_without_totp)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_with_authenticator_goes_through(client, staff):
    client.force_login(staff)
    assert client.get(reverse("members:directory")).status_code == 200


def test_members_are_not_required_a_second_factor(client, org_user):
    client.force_login(org_user)
    assert client.get(reverse("members:directory")).status_code == 200


def test_the_requirement_can_be_lifted_for_a_demo(client, staff_without_totp, settings):
    settings.GRAPPE_STAFF_MFA_REQUIRED = False
    client.force_login(staff_without_totp)
    assert client.get(reverse("members:directory")).status_code == 200


# One way in ---------------------------------------------------------------------------------------

def test_the_back_office_login_sends_to_the_one_sign_in_page(client, db):
    response = client.get(reverse("admin:login") + "?next=/fr/admin/members/person/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == ["/fr/admin/members/person/"]


def test_the_back_office_login_form_no_longer_signs_staff_in_with_a_password(client, staff):
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD,
                                                     "next": reverse("admin:index")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def test_staff_sign_in_takes_the_password_then_the_code_and_then_opens_the_back_office(client, staff):
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session, "the password alone signs nobody in"
    client.post(reverse("mfa_authenticate"), {"code": current_totp_code(staff)})
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_signing_in_by_choosing_a_new_password_still_asks_staff_for_the_code(client, staff, mailoutbox):
    """The other door: allauth signs a user in after a password reset (ACCOUNT_LOGIN_ON_PASSWORD_RESET)."""
    client.post(reverse("account_reset_password"), {"email": staff.email})
    link = re.search(r"(\S*/password/reset/key/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    [(set_password_url, _status)] = form_page.redirect_chain
    response = client.post(set_password_url, {"password1": "Un-Nouveau-Mot-2passe",
                                              "password2": "Un-Nouveau-Mot-2passe"})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_the_31st_sign_in_attempt_in_a_minute_is_refused_even_with_the_right_password(client, staff):
    url = reverse("account_login")
    for _ in range(30):
        client.post(url, {"login": staff.email, "password": "wrong-password"})
    response = client.post(url, {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("mfa_authenticate")).status_code != 200, "no sign-in is waiting for its code"


def test_a_wrong_password_is_hashed_once(client, staff, monkeypatch):
    """Hashing is slow by design: a failed attempt must not cost the server that time twice."""
    checked = []
    check_password = User.check_password
    monkeypatch.setattr(User, "check_password", lambda user, raw: checked.append(raw) or check_password(user, raw))
    client.post(reverse("account_login"), {"login": staff.email, "password": "wrong-password"})
    assert checked == ["wrong-password"]


def test_wrong_codes_are_rate_limited_too(client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    right = current_totp_code(staff)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    client.post(reverse("mfa_authenticate"), {"code": right})
    assert "_auth_user_id" not in client.session


# A password-only staff session is not a staff session ----------------------------------------------

@pytest.mark.parametrize("page", STAFF_PAGES)
def test_a_password_only_staff_session_gets_no_staff_page(client, staff, page):
    sign_in_with_password_only(client, staff)
    assert asks_for_the_code(client.get(reverse(page)))


def test_a_password_only_staff_session_gets_nothing_from_the_api(client, staff):
    sign_in_with_password_only(client, staff)
    response = client.get("/api/people")
    assert response.status_code == 302 and b"@" not in response.content


@pytest.mark.parametrize("page", ["mfa_index", "mfa_deactivate_totp", "mfa_view_recovery_codes",
                                  "account_reauthenticate", "account_email"])
def test_a_password_only_staff_session_cannot_turn_off_its_second_factor_nor_read_its_codes(
        client, staff, page):
    sign_in_with_password_only(client, staff)
    assert asks_for_the_code(client.get(reverse(page)))


def test_a_password_only_staff_session_gets_no_api_key(client, staff):
    sign_in_with_password_only(client, staff)
    assert asks_for_the_code(create_key(client))
    assert not ApiToken.objects.exists()


def test_typing_the_code_makes_it_a_staff_session(client, staff):
    sign_in_with_password_only(client, staff)
    response = client.post(reverse("mfa_reauthenticate") + "?next=" + reverse("core:audit-log"),
                           {"code": current_totp_code(staff)})
    assert response["Location"] == reverse("core:audit-log")
    assert client.get(reverse("core:audit-log")).status_code == 200


# API keys need a recent second factor ---------------------------------------------------------------

def age_the_second_factor(client, seconds: float) -> None:
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def test_a_key_is_created_right_after_the_code_was_typed(client, staff):
    client.force_login(staff)  # as if the code was typed just now
    create_key(client)
    assert ApiToken.objects.filter(user=staff).count() == 1


def test_a_key_asks_for_the_code_again_when_it_was_typed_long_ago_then_is_created(client, staff):
    client.force_login(staff)
    age_the_second_factor(client, 3600)
    assert client.get(reverse("members:directory")).status_code == 200, "the session is still a staff one"

    response = create_key(client, name="Nightly export")
    assert asks_for_the_code(response)
    assert not ApiToken.objects.exists()

    response = client.post(response["Location"], {"code": current_totp_code(staff)}, follow=True)
    assert ApiToken.objects.filter(user=staff).values_list("name", flat=True).get() == "Nightly export"
    assert b"grp_" in response.content, "the form typed before the code is carried out after it"


def test_setting_up_an_authenticator_counts_as_passing_it(client, transactional_db):
    """(A transactional test: allauth says "authenticator added" once committed, inside the request.)"""
    staff_without_totp = User.objects.create_user("new-staff@grappe.test", PASSWORD, role=Role.STAFF_PROGRAMS)
    client.force_login(staff_without_totp)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]  # what the set-up page showed as a QR code
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    client.post(reverse("mfa_activate_totp"), {"code": code})
    assert Authenticator.objects.filter(user=staff_without_totp).exists()
    assert client.get(reverse("members:directory")).status_code == 200
