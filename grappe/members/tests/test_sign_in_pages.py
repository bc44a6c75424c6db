"""allauth's pages as our members read them: accounts are by invitation (no sign-up link), an error is said once,
and the French says "courriel" like the rest of Grappe, never "e-mail"."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from grappe.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def french_page(client, name: str, data=None) -> str:
    with translation.override("fr"):
        url = reverse(name)
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_sign_in_page_does_not_offer_a_sign_up_that_is_closed(client):
    html = french_page(client, "account_login")
    with translation.override("fr"):
        assert reverse("account_signup") not in html
        assert reverse("account_reset_password") in html
    assert "invitation" in html


def test_a_wrong_password_is_said_once(client, org_admin):
    html = french_page(client, "account_login", {"login": "admin@alpha.test", "password": "not-" + PASSWORD})
    assert html.count('class="alert alert-danger"') == 1
    assert "L’adresse courriel ou le mot de passe sont incorrects." in html


@pytest.mark.parametrize("name", ["account_login", "account_reset_password", "account_reset_password_done"])
def test_allauths_pages_say_courriel_in_french(client, name):
    text = visible_text(french_page(client, name)).lower()
    assert "e-mail" not in text and " email" not in text


def test_the_email_management_page_says_courriel_in_french(client, org_admin):
    client.force_login(org_admin)
    text = visible_text(french_page(client, "account_email")).lower()
    assert "courriel" in text
    assert "e-mail" not in text
