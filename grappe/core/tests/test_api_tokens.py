"""API keys: a signed-in user creates one (shown once), sees only their own, and revokes only their own."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from grappe.core.models import ApiToken, AuditEntry
from grappe.core.services import create_api_token, revoke_api_token

pytestmark = pytest.mark.django_db

PAGE = reverse("core:api-tokens")


def create_on_page(client, name="CRM sync", token="6c1f7d0e-47a4-4ba4-9e43-4a3c1f4b2c55"):
    return client.post(PAGE, {"name": name, "form_token": token}, follow=True)


def shown_key(response) -> str | None:
    found = re.search(r'value="(grp_[A-Za-z0-9_-]+)"', response.content.decode())
    return found.group(1) if found else None


def test_a_new_key_is_shown_once_and_then_works_against_the_api(client, org_admin):
    client.force_login(org_admin)
    response = create_on_page(client)
    key = shown_key(response)
    assert key is not None
    assert "no-store" in response["Cache-Control"]
    assert shown_key(client.get(PAGE)) is None, "the key is never shown again"
    assert key[:8] in client.get(PAGE).content.decode(), "its prefix stays visible to tell keys apart"
    assert Client().get("/api/people", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_only_a_hash_of_the_key_is_stored(org_admin):
    token, key = create_api_token(actor=org_admin, name="CRM")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(stored)
    assert stored["key_hash"] == ApiToken.hash_key(key) and stored["key_prefix"] == key[:8]
    assert key not in str(AuditEntry.objects.filter(action="api_token.created").values().get())


def test_a_double_submitted_form_creates_one_key(client, org_admin):
    client.force_login(org_admin)
    create_on_page(client)
    create_on_page(client)
    assert ApiToken.objects.filter(user=org_admin).count() == 1


def test_a_key_needs_a_name_and_what_was_typed_is_kept(client, org_admin):
    client.force_login(org_admin)
    response = client.post(PAGE, {"name": "", "form_token": "1c1f7d0e-47a4-4ba4-9e43-4a3c1f4b2c55"})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    response = client.post(PAGE, {"name": "x" * 101, "form_token": "2c1f7d0e-47a4-4ba4-9e43-4a3c1f4b2c55"})
    assert "x" * 101 in response.content.decode() and not ApiToken.objects.exists()


def test_a_user_sees_only_their_own_keys(client, org_admin, other_member):
    create_api_token(actor=org_admin, name="Alpha's CRM")
    create_api_token(actor=other_member, name="Bravo's ERP")
    client.force_login(org_admin)
    page = client.get(PAGE).content.decode()
    assert "Alpha&#x27;s CRM" in page and "Bravo" not in page


def test_the_owner_revokes_a_key_and_it_stops_working(client, org_admin):
    token, key = create_api_token(actor=org_admin, name="CRM")
    client.force_login(org_admin)
    response = client.post(reverse("core:api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    entries = AuditEntry.objects.filter(action="api_token.revoked", target_id=str(token.pk), actor=org_admin)
    assert entries.count() == 1
    assert Client().get("/api/people", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.parametrize("intruder", ["other_member", "org_user", "staff"])
def test_nobody_else_can_revoke_a_key_nor_learn_it_exists(request, client, org_admin, intruder):
    token, key = create_api_token(actor=org_admin, name="CRM")
    client.force_login(request.getfixturevalue(intruder))
    assert client.post(reverse("core:api-token-revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("core:api-token-revoke", args=[token.pk + 1000])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/people", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_revoking_needs_a_post(client, org_admin):
    token, _key = create_api_token(actor=org_admin, name="CRM")
    client.force_login(org_admin)
    assert client.get(reverse("core:api-token-revoke", args=[token.pk])).status_code == 405


def test_revoking_twice_is_recorded_once(org_admin):
    token, _key = create_api_token(actor=org_admin, name="CRM")
    revoke_api_token(actor=org_admin, token=token)
    revoke_api_token(actor=org_admin, token=token)
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_creating_a_key_is_audited(org_admin):
    token, _key = create_api_token(actor=org_admin, name="  CRM  ")
    entry = AuditEntry.objects.get(action="api_token.created")
    assert (entry.actor, entry.target_id, entry.after["name"]) == (org_admin, str(token.pk), "CRM")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
