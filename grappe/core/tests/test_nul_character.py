"""PostgreSQL text cannot hold the NUL character: one sent in a URL or an API body is refused, never 500."""

import json

import pytest
from django.urls import reverse

from grappe.conftest import api_key_headers
from grappe.listening.models import Need

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/organisations/alpha%00usinage",
    "/api/organisations/alpha-usinage/capabilities/machining%00",
    "/api/people?organisation=alpha%00",
    "/api/organisations?capability=a%00b",
    "/api/organisations?q%00=x",
])
def test_a_nul_character_in_an_api_url_answers_400_in_json(client, staff, org_a, url):
    response = client.get(url, **api_key_headers(staff))

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_nul_character_in_a_pages_query_answers_400(client, org_user):
    client.force_login(org_user)

    response = client.get(reverse("members:directory") + "?q=usinage%00&region=0%006")

    assert response.status_code == 400


def test_a_nul_character_in_an_api_body_answers_422_naming_the_field(client, org_user):
    response = client.post("/api/listening/needs", json.dumps(
        {"category": "workforce", "text": "Machinistes\u0000 CNC", "language": "fr"}),
        content_type="application/json", **api_key_headers(org_user))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "text"]
    assert not Need.objects.exists()
