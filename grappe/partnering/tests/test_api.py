"""The partnering API answers what the analysis page shows, to whom the pages allow it.

Who may call each endpoint at all is declared in api_permissions.py; here: what comes back, and bad input.
"""

import json

import pytest
from django.test import Client

from grappe.partnering.services import opportunities
from grappe.partnering.models import Opportunity, Visibility

from .conftest import LANDING_GEAR, NO_COMPETENCY

ANALYSE = "/api/partnering/analyse"


def post(client: Client, data: dict):
    return client.post(ANALYSE, json.dumps(data), content_type="application/json")


@pytest.fixture
def alpha_api(client, cluster):
    client.force_login(cluster.alpha_admin)
    return client


def test_a_text_is_analysed_with_the_callers_edits_and_nothing_is_saved(alpha_api, cluster):
    response = post(alpha_api, {
        "text": LANDING_GEAR, "remove": ["lg-landing-gear-overhaul", "test-quality-systems", "space-qualification"],
        "nice_to_haves": ["lg-landing-gear-manufacturing"], "required_certifications": ["as9100"]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "partners"
    assert body["initiator"]["slug"] == cluster.alpha.slug
    inferred = {i["code"]: i for i in body["inferred"]}
    assert inferred["machining-5-axis"]["triggers"] == ["usinage 5 axes"]
    assert inferred["machining-5-axis"]["domain"] is False
    needs = {n["code"]: n for n in body["needs"]}
    assert needs["lg-landing-gear-manufacturing"]["must_have"] is False
    assert "lg-landing-gear-overhaul" not in needs
    assert needs["machining-5-axis"]["held"] == "core"
    assert [m["code"] for m in body["missing"]] == ["heat-treatment-vacuum", "ndt-penetrant"]
    first = body["partners"][0]
    assert first["organisation"]["slug"] == "bravo-composites"
    assert first["gives_back"] == [{"code": "machining-5-axis", "label": first["gives_back"][0]["label"]}]
    assert body["consortia"]["teams"][0]["status"] == "optimal"
    assert not Opportunity.objects.exists()


def test_rules_that_no_team_meets_say_what_to_relax(alpha_api):
    response = post(alpha_api, {"text": "Traitement thermique sous vide et contrôle par ressuage.",
                                "remove": ["space-qualification"],
                                "rules": {"max_size": 1, "at_least_one_research": True, "required_region": "16"}})

    consortia = response.json()["consortia"]
    assert consortia["status"] == "infeasible"
    assert consortia["teams"] == []
    assert ["max_size"] in [s["rules"] for s in consortia["suggestions"]]


@pytest.mark.parametrize("text", ["", "xqzt blorf wumpa grint", NO_COMPETENCY, "usinage 5 axes " * 40_000])
def test_an_empty_gibberish_or_huge_text_answers_422_with_the_reason(alpha_api, text):
    response = post(alpha_api, {"text": text})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "text"


def test_an_unknown_competency_code_answers_422(alpha_api):
    response = post(alpha_api, {"text": LANDING_GEAR, "must_haves": ["no-such-thing"]})

    assert response.status_code == 422
    assert "no-such-thing" in response.json()["detail"][0]["msg"]


def test_a_member_cannot_analyse_for_another_organisation(alpha_api, cluster):
    assert post(alpha_api, {"text": LANDING_GEAR, "initiator": cluster.bravo.slug}).status_code == 403


def test_the_staff_analyse_for_the_organisation_they_name(client, cluster, staff):
    client.force_login(staff)

    assert post(client, {"text": LANDING_GEAR}).status_code == 422, "the staff act for no organisation of their own"
    response = post(client, {"text": LANDING_GEAR, "initiator": cluster.delta.slug})
    assert response.json()["initiator"]["slug"] == cluster.delta.slug


def test_a_saved_opportunity_is_analysed_with_its_remembered_rules(alpha_api, landing_gear, cluster):
    from matching.consortia import Rules

    opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear,
                     rules=Rules(excluded=frozenset({cluster.bravo.pk})))

    body = alpha_api.get(f"/api/partnering/opportunities/{landing_gear.pk}/analysis").json()

    members = {m["organisation"]["slug"] for team in body["consortia"]["teams"] for m in team["members"]}
    assert "delta-recherche" in members
    assert "bravo-composites" not in members


def test_the_list_holds_ours_and_the_published_ones(client, landing_gear, cluster):
    client.force_login(cluster.bravo_admin)
    assert client.get("/api/partnering/opportunities").json()["items"] == []

    opportunities.set_visibility(actor=cluster.alpha_admin, opportunity=landing_gear, visibility=Visibility.MEMBERS)

    [item] = client.get("/api/partnering/opportunities").json()["items"]
    assert (item["id"], item["initiator"]["slug"], item["needs"]) == (landing_gear.pk, "alpha-usinage", 4)


def test_the_api_is_documented_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert {"/api/partnering/analyse", "/api/partnering/opportunities",
            "/api/partnering/opportunities/{opportunity_id}/analysis"} <= paths.keys()
