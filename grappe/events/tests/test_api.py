"""The participant's API beyond who may call it (api_permissions): what a write takes and what it changes."""

import json

import pytest

from grappe.conftest import api_key_headers
from grappe.core.models import AuditEntry
from grappe.events.models import ScheduleRun
from grappe.members.models import Capability


@pytest.fixture
def alpha_profile(alpha):
    """Alpha's registration with an offer, a seek and a pitch."""
    domain = Capability.objects.create(code="ndt", label_fr="CND", label_en="NDT")
    penetrant = Capability.objects.create(parent=domain, code="ndt-penetrant", label_fr="Ressuage",
                                          label_en="Penetrant testing")
    xray = Capability.objects.create(parent=domain, code="ndt-xray", label_fr="Radiographie", label_en="X-ray")
    alpha.offers.add(penetrant)
    alpha.seeks.add(xray)
    alpha.pitch = "Ressuage de pièces moteur."
    alpha.save()
    return alpha


def put_profile(client, registration, body, user):
    return client.put(f"/api/events/{registration.event_id}/registration/profile", body,
                      content_type="application/json", **api_key_headers(user))


def profile(registration) -> tuple:
    registration.refresh_from_db()
    return (list(registration.offers.values_list("code", flat=True)),
            list(registration.seeks.values_list("code", flat=True)), registration.pitch)


@pytest.mark.parametrize("body", [
    "1.5", "[]", '"ndt-penetrant"', "null", "{}",
    json.dumps({"pitch": "Only the pitch"}),  # a PUT states the whole profile: nothing is wiped by omission
    json.dumps({"offers": [], "seeks": [], "pitch": "", "ofers": ["ndt-xray"]}),  # a misspelt field
])
def test_a_profile_body_that_is_not_the_whole_declared_object_is_refused_and_changes_nothing(
        client, org_user, alpha_profile, body):
    before = profile(alpha_profile)

    response = put_profile(client, alpha_profile, body, org_user)

    assert response.status_code == 422, response.content
    assert profile(alpha_profile) == before == (["ndt-penetrant"], ["ndt-xray"], "Ressuage de pièces moteur.")
    assert not AuditEntry.objects.filter(action="event.profile_changed").exists()


def test_a_whole_profile_replaces_offers_seeks_and_pitch_with_one_audit_entry(client, org_user, alpha_profile):
    response = put_profile(client, alpha_profile, json.dumps(
        {"offers": ["ndt-xray"], "seeks": [], "pitch": "Radiographie."}), org_user)

    assert response.status_code == 200, response.content
    assert profile(alpha_profile) == (["ndt-xray"], [], "Radiographie.")
    assert AuditEntry.objects.filter(action="event.profile_changed").count() == 1


def test_running_the_scheduler_while_requests_are_open_answers_409_with_the_reason(client, staff, event):
    response = client.post(f"/api/events/{event.pk}/schedule-runs", **api_key_headers(staff))

    assert response.status_code == 409
    assert response.json()["detail"]
    assert not ScheduleRun.objects.exists()
