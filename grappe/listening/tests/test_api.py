"""The listening API as a member's system uses it: retries make one need, answers say what is missing or that
the survey is closed, and the OpenAPI schema documents every endpoint."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.core.models import AuditEntry
from grappe.listening.models import Need, Response, Survey
from grappe.listening.selectors import surveys as survey_selectors
from grappe.members.models import Segment

pytestmark = pytest.mark.django_db


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def test_a_retried_need_with_the_same_token_is_created_once(client, ctx):
    client.force_login(ctx.own_user)
    body = {"category": "regulation", "text": "ITAR : délais d'enregistrement", "client_token": str(uuid.uuid4())}
    first = client.post(reverse("api:listening-need-submit"), json.dumps(body), content_type="application/json")
    second = client.post(reverse("api:listening-need-submit"), json.dumps(body), content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Need.objects.count() == 1


def test_a_blank_need_answers_422(client, ctx):
    client.force_login(ctx.own_user)
    response = client.post(reverse("api:listening-need-submit"), json.dumps({"category": "export", "text": "  "}),
                           content_type="application/json")
    assert response.status_code == 422
    assert not Need.objects.exists() and not AuditEntry.objects.exists()


def test_a_member_lists_only_its_own_needs_and_the_staff_filter_all(client, ctx):
    Need.objects.create(organisation=ctx.org_a, submitted_by=ctx.own_user, category="export", text="A")
    Need.objects.create(organisation=ctx.org_b, submitted_by=ctx.other_member, category="workforce", text="B",
                        visibility="staff")
    client.force_login(ctx.own_user)
    assert [n["text"] for n in client.get(reverse("api:listening-need-list")).json()["items"]] == ["A"]
    client.force_login(ctx.staff)
    items = client.get(reverse("api:listening-need-list") + "?category=workforce").json()["items"]
    assert [n["text"] for n in items] == ["B"]


def test_a_survey_says_whom_it_is_sent_to(client, ctx, pulse):
    client.force_login(ctx.staff)
    detail = client.get(reverse("api:listening-survey-detail", args=[pulse.pk])).json()
    assert detail["target_segment"] is None and detail["target"]
    pulse.target_segment = Segment.objects.create(name="PME Montréal", kinds=["sme"], regions=["06"])
    pulse.save()
    for user in (ctx.staff, ctx.own_user):
        client.force_login(user)
        listed = next(s for s in client.get(reverse("api:listening-survey-list")).json() if s["id"] == pulse.pk)
        with translation.override(user.language or "fr"):
            assert listed["target"] == survey_selectors.target_description(pulse)
        assert listed["target_segment"] == pulse.target_segment_id and "Montréal" in listed["target"]


def test_answers_through_the_api_name_what_is_missing(client, ctx, pulse):
    client.force_login(ctx.own_user)
    url = reverse("api:listening-response-save", args=[pulse.pk])
    body = put(client, url, {"answers": {str(pulse.single.pk): "oui"}, "submit": True}).json()
    countries = pulse.questions.get(position=3).pk
    assert body["status"] == "draft" and sorted(body["missing"]) == sorted([pulse.likert.pk, countries])
    body = put(client, url, {"answers": {str(pulse.likert.pk): "5", str(countries): "Brésil"}, "submit": True,
                             "revision": body["revision"]}).json()
    assert body["status"] == "submitted" and body["missing"] == []


def test_an_invalid_answer_answers_422_naming_the_question(client, ctx, pulse):
    client.force_login(ctx.own_user)
    response = put(client, reverse("api:listening-response-save", args=[pulse.pk]),
                   {"answers": {str(pulse.likert.pk): "7"}})
    assert response.status_code == 422
    assert f"q{pulse.likert.pk}" in json.dumps(response.json())


def test_a_closed_survey_answers_409_with_the_reason(client, ctx, pulse):
    Survey.objects.filter(pk=pulse.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1),
                                              opens_at=timezone.now() - datetime.timedelta(days=5))
    client.force_login(ctx.own_user)
    response = put(client, reverse("api:listening-response-save", args=[pulse.pk]),
                   {"answers": {str(pulse.likert.pk): "3"}})
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Ce sondage a fermé le ")
    assert "les réponses ne sont plus acceptées" in response.json()["detail"]
    assert not Response.objects.exists()


def test_the_openapi_schema_documents_the_listening_endpoints(client, ctx):
    client.force_login(ctx.staff)
    paths = client.get(reverse("api:openapi-json")).json()["paths"]
    for path in ("/api/listening/needs", "/api/listening/surveys", "/api/listening/surveys/{survey_id}",
                 "/api/listening/surveys/{survey_id}/response", "/api/listening/surveys/{survey_id}/responses"):
        assert path in paths
