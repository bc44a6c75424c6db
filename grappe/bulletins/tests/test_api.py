"""The bulletins API: each caller gets what they may read, through an API key as through the session."""

import pytest
from django.urls import reverse

from grappe.conftest import api_key_headers

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    return {item["title_fr"] for item in response.json()["items"]}


def test_anyone_lists_the_public_bulletins_and_a_member_also_those_sent_to_it(bulletins_matrix, client):
    ctx = bulletins_matrix
    url = reverse("api:bulletins-list")
    assert titles(client.get(url)) == {"Salon du Bourget"}
    assert titles(client.get(url, **api_key_headers(ctx.other_member))) == {"Salon du Bourget"}
    assert titles(client.get(url, **api_key_headers(ctx.own_user))) == {
        "Salon du Bourget", "Tarifs douaniers : ce qui vous concerne"}
    answer = client.get(url, **api_key_headers(ctx.staff)).json()
    assert answer["count"] == 2  # the draft is never listed: only sent bulletins


def test_a_bulletin_carries_its_text_and_is_not_found_by_who_may_not_read_it(bulletins_matrix, client):
    ctx = bulletins_matrix
    url = reverse("api:bulletins-detail", args=[ctx.bulletin_to_a.pk])
    answer = client.get(url, **api_key_headers(ctx.own_admin)).json()
    assert answer["body_fr"] == "<p>Ce qui change.</p>" and answer["category"] == "economic"
    assert client.get(url, **api_key_headers(ctx.other_member)).status_code == 404


def test_the_feed_is_the_callers_organisations(bulletins_matrix, client):
    ctx = bulletins_matrix
    url = reverse("api:bulletins-feed")
    mine = client.get(url, **api_key_headers(ctx.own_user)).json()
    assert {item["kind"] for item in mine["items"]} == {"bulletin"}
    assert any(item["title"].startswith("Tarifs douaniers") for item in mine["items"])
    other = client.get(url, **api_key_headers(ctx.other_member)).json()
    assert not any(item["title"].startswith("Tarifs douaniers") for item in other["items"])
    assert client.get(url, **api_key_headers(ctx.staff)).status_code == 403
    since = client.get(url, {"since": "2999-01-01T00:00:00Z"}, **api_key_headers(ctx.own_user)).json()
    assert since["count"] == 0
