"""The inbox and the actor document, as partner instances speak to them over HTTP: who is heard, what is refused
(too large, unsigned or forged, a partnership that does not allow it, too many at once), and an activity acted on
once however many times it arrives."""

import json

import pytest
from django.core.exceptions import ValidationError

from grappe.federation import keys, protocol, signatures
from grappe.federation.models import PartnerStatus, ReceivedActivity
from grappe.federation.services import inbox

from .remote import Remote, post_to_inbox


@pytest.fixture
def partner(remote, staff):
    return remote.partner(staff)


@pytest.fixture
def handled(monkeypatch):
    """A handler for `Announce` that records what it was called with."""
    calls = []
    monkeypatch.setitem(inbox.HANDLERS, "Announce", lambda partner, activity: calls.append((partner, activity)))
    return calls


def test_the_actor_document_names_the_cluster_its_inbox_and_its_key(client, db):
    response = client.get("/federation/actor")
    assert response.status_code == 200
    assert response["Content-Type"] == protocol.MEDIA_TYPE
    actor = response.json()
    assert actor["id"] == "http://testserver/federation/actor" and actor["type"] == "Service"
    assert actor["name"] == "Grappe aérospatiale"
    assert actor["inbox"] == "http://testserver/federation/inbox"
    assert actor["outbox"] == "http://testserver/federation/outbox"
    assert actor["publicKey"] == {"id": "http://testserver/federation/actor#main-key",
                                  "owner": "http://testserver/federation/actor",
                                  "publicKeyPem": keys.instance_key().public_key}


def test_the_actor_is_named_grappe_when_the_cluster_has_no_name(client, db, settings):
    settings.GRAPPE_CLUSTER_NAME = ""
    assert client.get("/federation/actor").json()["name"] == "Grappe"


def test_the_outbox_is_an_empty_collection_since_nothing_we_send_is_public(client, db):
    response = client.get("/federation/outbox")
    assert response["Content-Type"] == protocol.MEDIA_TYPE
    assert response.json()["type"] == "OrderedCollection" and response.json()["totalItems"] == 0


def test_an_activity_of_an_active_partner_is_stored_acted_on_and_answered_202(client, remote, partner, handled):
    activity = remote.activity("Announce", {"type": "Note", "content": "Bonjour"})
    response = post_to_inbox(client, *remote.signed(activity))
    assert response.status_code == 202
    received = ReceivedActivity.objects.get()
    assert (received.partner, received.activity_id, received.activity_type) == (partner, activity["id"], "Announce")
    assert handled == [(partner, activity)]


def test_an_activity_delivered_twice_is_stored_and_acted_on_once(client, remote, partner, handled):
    activity = remote.activity("Announce", {"type": "Note"})
    assert post_to_inbox(client, *remote.signed(activity)).status_code == 202
    assert post_to_inbox(client, *remote.signed(activity)).status_code == 202
    assert ReceivedActivity.objects.count() == 1 and len(handled) == 1


def test_an_activity_of_an_unknown_type_is_stored_and_ignored(client, remote, partner):
    assert post_to_inbox(client, *remote.signed(remote.activity("Travel"))).status_code == 202
    assert ReceivedActivity.objects.get().activity_type == "Travel"


def test_a_handler_that_cannot_read_the_activity_leaves_nothing_stored_and_answers_400(client, remote, partner,
                                                                                       monkeypatch):
    def unreadable(partner, activity):
        raise ValidationError("no title")

    monkeypatch.setitem(inbox.HANDLERS, "Create", unreadable)
    response = post_to_inbox(client, *remote.signed(remote.activity("Create", {"type": "Note"})))
    assert response.status_code == 400 and response.json() == {"error": "no title"}
    assert not ReceivedActivity.objects.exists()


def test_a_body_over_256_kb_is_refused_413(client, remote, partner):
    activity = remote.activity("Announce", {"type": "Note", "content": "x" * 300_000})
    assert post_to_inbox(client, *remote.signed(activity)).status_code == 413
    assert not ReceivedActivity.objects.exists()


@pytest.mark.parametrize("forgery", ["unsigned", "unknown actor", "altered body"])
def test_a_request_without_a_valid_signature_is_refused_401_with_a_short_json_error(client, remote, partner,
                                                                                    forgery):
    activity = remote.activity("Announce")
    body, headers = remote.signed(activity)
    if forgery == "unsigned":
        headers = {"Content-Type": protocol.MEDIA_TYPE}
    elif forgery == "unknown actor":
        stranger = Remote("https://inconnu.example")
        body, headers = stranger.signed(stranger.activity("Announce"))
    else:
        body = json.dumps({**activity, "type": "Delete"}).encode()
    response = post_to_inbox(client, body, headers)
    assert response.status_code == 401 and response.json()["error"]
    assert not ReceivedActivity.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b"[" * 100_000], ids=["not json", "nested too deep"])
def test_a_signed_body_that_is_not_json_is_refused_400(client, remote, partner, body):
    headers = signatures.sign("POST", protocol.inbox_url(), {"Content-Type": protocol.MEDIA_TYPE}, body,
                              key_id=f"{remote.actor_url}#main-key", private_key=remote.key)
    response = post_to_inbox(client, body, headers)
    assert response.status_code == 400 and response.json()["error"] == "the body is not JSON"
    assert not ReceivedActivity.objects.exists()


def test_a_signed_in_person_is_no_partner(client, remote, partner, staff):
    client.force_login(staff)
    body = json.dumps(remote.activity("Announce")).encode()
    assert client.post("/federation/inbox", data=body, content_type=protocol.MEDIA_TYPE).status_code == 401


@pytest.mark.parametrize("status", [PartnerStatus.SUSPENDED, PartnerStatus.REVOKED])
def test_a_suspended_or_revoked_partner_is_refused_403(client, remote, staff, status):
    remote.partner(staff, status=status)
    assert post_to_inbox(client, *remote.signed(remote.activity("Announce"))).status_code == 403
    assert not ReceivedActivity.objects.exists()


def test_a_revoked_partner_cannot_even_follow_us_again(client, remote, staff):
    remote.partner(staff, status=PartnerStatus.REVOKED)
    assert post_to_inbox(client, *remote.signed(remote.activity("Follow"))).status_code == 403


def test_a_partner_we_approved_that_has_not_approved_us_yet_may_follow_but_not_send_items(client, remote, staff):
    remote.partner(staff, status=PartnerStatus.WAITING)
    assert post_to_inbox(client, *remote.signed(remote.activity("Create", {"type": "Note"}))).status_code == 403
    assert post_to_inbox(client, *remote.signed(remote.activity("Follow"))).status_code == 202


@pytest.mark.parametrize("wrong", ["actor", "id on another server", "no type"])
def test_an_activity_that_is_not_the_signing_partners_own_is_refused_400(client, remote, partner, wrong):
    activity = remote.activity("Announce")
    if wrong == "actor":
        activity["actor"] = "https://autre.example/federation/actor"
    elif wrong == "id on another server":
        activity["id"] = "https://autre.example/federation/activities/1"
    else:
        del activity["type"]
    assert post_to_inbox(client, *remote.signed(activity)).status_code == 400
    assert not ReceivedActivity.objects.exists()


def test_a_partner_sending_more_than_its_rate_is_refused_429(client, remote, partner, settings):
    settings.GRAPPE_FEDERATION_INBOX_PER_MINUTE = 2
    answers = [post_to_inbox(client, *remote.signed(remote.activity("Announce"))).status_code for _ in range(3)]
    assert answers == [202, 202, 429]
    assert ReceivedActivity.objects.count() == 2


def test_the_rate_is_counted_per_partner(client, remote, partner, staff, settings):
    settings.GRAPPE_FEDERATION_INBOX_PER_MINUTE = 1
    other = Remote("https://ia.example", name="Grappe IA")
    other.partner(staff)
    assert post_to_inbox(client, *remote.signed(remote.activity("Announce"))).status_code == 202
    assert post_to_inbox(client, *other.signed(other.activity("Announce"))).status_code == 202


def test_the_inbox_takes_only_posts(client, db):
    assert client.get("/federation/inbox").status_code == 405


def test_the_inbox_reads_the_partner_with_few_queries(client, remote, partner, django_assert_max_num_queries):
    body, headers = remote.signed(remote.activity("Announce"))
    with django_assert_max_num_queries(4):
        assert post_to_inbox(client, body, headers).status_code == 202


def test_a_partner_we_suspended_may_still_tell_us_it_suspended_or_resumed_us(client, remote, staff):
    partner = remote.partner(staff, status=PartnerStatus.SUSPENDED)
    partner.suspended_by_us = True
    partner.save()
    block = remote.activity("Block")
    assert post_to_inbox(client, *remote.signed(block)).status_code == 202
    partner.refresh_from_db()
    assert partner.they_blocked_at is not None and partner.status == PartnerStatus.SUSPENDED
    undo = remote.activity("Undo", {"type": "Block", "id": block["id"], "object": protocol.actor_url()})
    assert post_to_inbox(client, *remote.signed(undo)).status_code == 202
    partner.refresh_from_db()
    assert partner.they_blocked_at is None and partner.status == PartnerStatus.SUSPENDED  # ours still holds
