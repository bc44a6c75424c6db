"""Partnerships as our staff and the partner's decide them: discovering an address, approving, suspending,
resuming, revoking, choosing what travels; and the partner's own Follow, Block and Undo reaching us."""

import json

import pytest
import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grappe.core.errors import Conflict
from grappe.core.models import AuditEntry
from grappe.federation import protocol
from grappe.federation.models import DeliveryStatus, OutgoingActivity, Partner, PartnerStatus
from grappe.federation.services import inbox, partnerships, sharing


class FakeRaw:
    """The answer's body, read at once or a chunk at a time (`chunk` bytes each, `step` seconds each)."""

    def __init__(self, content: bytes, chunk: int | None = None, step: float = 0.0):
        self.content, self.chunk, self.step, self.at = content, chunk, step, 0

    def read(self, size, decode_content=True):
        found, self.at = self.content[self.at:self.at + size], self.at + size
        return found

    def read1(self, size, decode_content=True):
        clock[0] += self.step
        return self.read(min(size, self.chunk or size))


clock = [0.0]  # the seconds a slow answer took, as `time.monotonic` tells discovery


class FakeResponse:
    def __init__(self, url, status=200, content=b"", headers=None, chunk=None, step=0.0):
        self.url, self.status_code, self.headers = url, status, headers or {}
        self.raw = FakeRaw(content, chunk, step)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def served(monkeypatch):
    """What requests.get finds at each address (an exception to raise, or (status, body[, headers[, chunk,
    step]])); the calls made."""
    pages, calls = {}, []

    def get(url, headers=None, **options):
        calls.append((url, headers, options))
        found = pages.get(url, (404, b""))
        if isinstance(found, Exception):
            raise found
        return FakeResponse(url, *found)

    monkeypatch.setattr(requests, "get", get)
    clock[0] = 0.0
    monkeypatch.setattr(partnerships.time, "monotonic", lambda: clock[0])
    return pages, calls


@pytest.fixture
def sent_items(monkeypatch):
    """The calls to the items' side: which partner was sent its shared items of which kinds."""
    calls = []
    monkeypatch.setattr(sharing, "send_shared_items", lambda partner, kinds: calls.append((partner, list(kinds))) or 0)
    return calls


def outbox_types(partner):
    return [row.activity_type for row in OutgoingActivity.objects.filter(partner=partner).order_by("pk")]


def audit_actions(partner):
    return list(AuditEntry.objects.filter(target_type="federation.partner", target_id=str(partner.pk))
                .order_by("pk").values_list("action", flat=True))


# --- discovery ------------------------------------------------------------------------------------------------

def test_discover_reads_the_actor_document_at_a_base_address(remote, served, db):
    pages, calls = served
    pages[remote.actor_url] = (200, json.dumps(remote.actor_document()).encode())
    found = partnerships.discover(remote.base + "/")
    assert (found.actor_url, found.inbox_url, found.name) == (remote.actor_url, remote.inbox_url, remote.name)
    assert found.public_key == remote.public_pem and len(found.fingerprint.split()) == 16
    url, headers, options = calls[0]
    assert url == remote.actor_url and headers["Accept"] == protocol.MEDIA_TYPE and options["timeout"]


def test_discover_takes_the_actor_address_as_is(remote, served, db):
    pages, calls = served
    pages[remote.actor_url] = (200, json.dumps(remote.actor_document()).encode())
    assert partnerships.discover(remote.actor_url).actor_url == remote.actor_url
    assert calls[0][0] == remote.actor_url


@pytest.mark.parametrize(("language", "expected"), [("fr", "ne peut être joint"), ("en", "cannot be reached")])
def test_an_unreachable_address_is_said_in_the_readers_language(remote, served, db, language, expected):
    served[0][remote.actor_url] = requests.ConnectionError("refused")
    with translation.override(language), pytest.raises(ValidationError) as refusal:
        partnerships.discover(remote.base)
    assert expected in refusal.value.messages[0] and remote.actor_url in refusal.value.messages[0]


@pytest.mark.parametrize("spoiled", ["not json", "not an actor", "key of another", "inbox elsewhere", "not ed25519",
                                     "too large", "error page"])
def test_an_address_that_is_not_a_grappe_instance_is_refused_with_a_clear_message(remote, served, db, spoiled):
    document = remote.actor_document()
    status, body = 200, None
    if spoiled == "not json":
        body = b"<html>Bonjour</html>"
    elif spoiled == "not an actor":
        document["type"] = "Note"
    elif spoiled == "key of another":
        document["publicKey"]["owner"] = "https://autre.example/federation/actor"
    elif spoiled == "inbox elsewhere":
        document["inbox"] = "https://autre.example/federation/inbox"
    elif spoiled == "not ed25519":
        document["publicKey"]["publicKeyPem"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    elif spoiled == "too large":
        document["summary"] = "x" * 70_000
    else:
        status = 500
    served[0][remote.actor_url] = (status, body or json.dumps(document).encode())
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        partnerships.discover(remote.base)
    assert remote.actor_url in refusal.value.messages[0]


def test_a_redirect_to_another_server_is_not_followed(remote, served, db):
    """The address typed may answer with a redirect to one of our internal addresses: it is not fetched."""
    pages, calls = served
    pages[remote.actor_url] = (302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
    with translation.override("en"), pytest.raises(ValidationError, match="sends elsewhere"):
        partnerships.discover(remote.base)
    assert [url for url, _headers, _options in calls] == [remote.actor_url]
    assert calls[0][2].get("allow_redirects") is False


def test_a_redirect_on_the_same_server_is_followed(remote, served, db):
    pages, calls = served
    pages[remote.actor_url] = (301, b"", {"Location": "/federation/actor/"})
    pages[remote.actor_url + "/"] = (200, json.dumps({**remote.actor_document(), "id": remote.actor_url}).encode())
    assert partnerships.discover(remote.base).actor_url == remote.actor_url
    assert [url for url, _headers, _options in calls] == [remote.actor_url, remote.actor_url + "/"]


def test_endless_redirects_on_the_same_server_stop(remote, served, db):
    pages, calls = served
    pages[remote.actor_url] = (302, b"", {"Location": remote.actor_url})
    with pytest.raises(ValidationError):
        partnerships.discover(remote.base)
    assert len(calls) == partnerships.MAX_REDIRECTS + 1


def test_an_answer_that_drips_past_the_deadline_is_given_up(remote, served, db):
    """A server sending a byte at a time, each within the socket's timeout, does not hold the staff's page."""
    body = json.dumps(remote.actor_document()).encode()
    served[0][remote.actor_url] = (200, body, {}, 1, 1.0)  # a byte a second
    assert len(body) > partnerships.DISCOVERY_DEADLINE
    with translation.override("en"), pytest.raises(ValidationError, match="cannot be reached"):
        partnerships.discover(remote.base)


def test_json_nested_beyond_the_parser_is_not_a_grappe_instance(remote, served, db):
    served[0][remote.actor_url] = (200, b"[" * 60_000)
    with translation.override("en"), pytest.raises(ValidationError, match="does not lead to a Grappe"):
        partnerships.discover(remote.base)


def test_an_address_that_is_not_http_is_refused(db):
    with translation.override("en"), pytest.raises(ValidationError, match="starting with https://"):
        partnerships.discover("ftp://logistique.example")


def test_our_own_address_is_refused(client, served, db):
    served[0][protocol.actor_url()] = (200, client.get("/federation/actor").content)
    with translation.override("en"), pytest.raises(ValidationError, match="own address"):
        partnerships.discover(protocol.base_url())


# --- our staff's decisions ------------------------------------------------------------------------------------

def discovered(remote):
    from grappe.federation import keys

    return partnerships.Discovered(remote.actor_url, remote.inbox_url, remote.name, remote.public_pem,
                                   keys.fingerprint(remote.public_pem))


def test_the_staff_approve_a_partner_which_waits_for_its_approval_and_is_sent_our_follow(remote, staff):
    partner = partnerships.approve(staff, discovered(remote), ["event", "opportunity"])
    assert partner.status == PartnerStatus.WAITING and partner.kinds == ["opportunity", "event"]
    assert partner.approved_by == staff and partner.fingerprint == discovered(remote).fingerprint
    [follow] = OutgoingActivity.objects.filter(partner=partner)
    assert follow.activity_type == "Follow" and follow.payload["object"] == remote.actor_url
    assert follow.payload["actor"] == protocol.actor_url()
    assert audit_actions(partner) == ["partner.approved"]


@pytest.mark.parametrize("who", ["org_admin", "org_user", "observer"])
def test_only_the_staff_approve_a_partner(remote, request, who):
    with pytest.raises(PermissionDenied):
        partnerships.approve(request.getfixturevalue(who), discovered(remote), [])
    assert not Partner.objects.exists() and not AuditEntry.objects.exists()


def test_an_unknown_kind_is_refused(remote, staff):
    with pytest.raises(ValidationError):
        partnerships.approve(staff, discovered(remote), ["secrets"])
    assert not Partner.objects.exists()


def test_a_partner_is_approved_once(remote, staff):
    partnerships.approve(staff, discovered(remote), [])
    with pytest.raises(Conflict):
        partnerships.approve(staff, discovered(remote), [])
    assert Partner.objects.count() == 1


def test_the_partners_follow_makes_it_active_sends_our_items_and_is_answered(remote, staff, client, sent_items):
    partner = partnerships.approve(staff, discovered(remote), ["opportunity"])
    follow = remote.activity("Follow")
    assert inbox.receive(partner, follow)
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE and partner.they_approved_at is not None
    assert sent_items == [(partner, ["opportunity"])]
    answer = OutgoingActivity.objects.filter(partner=partner).last()
    assert answer.activity_type == "Follow" and answer.payload["inReplyTo"] == follow["id"]
    assert audit_actions(partner) == ["partner.approved", "partner.approved_by_them"]


def test_an_answering_follow_is_not_answered(remote, staff, sent_items):
    partner = partnerships.approve(staff, discovered(remote), [])
    inbox.receive(partner, remote.activity("Follow", inReplyTo=f"{protocol.base_url()}/federation/activities/1"))
    assert outbox_types(partner) == ["Follow"]  # ours, from the approval
    assert Partner.objects.get().status == PartnerStatus.ACTIVE


def test_a_follow_of_someone_else_changes_nothing(remote, staff):
    partner = partnerships.approve(staff, discovered(remote), [])
    inbox.receive(partner, remote.activity("Follow", "https://autre.example/federation/actor"))
    assert Partner.objects.get().status == PartnerStatus.WAITING


@pytest.fixture
def active(remote, staff, sent_items):
    partner = partnerships.approve(staff, discovered(remote), ["opportunity"])
    inbox.receive(partner, remote.activity("Follow", inReplyTo="x"))
    partner.refresh_from_db()
    sent_items.clear()
    return partner


def pending_create(partner):
    payload = protocol.activity("Create", {"type": "Note"}, to=[partner.actor_url])
    return OutgoingActivity.objects.create(partner=partner, activity_id=payload["id"], activity_type="Create",
                                           payload=payload)


def test_suspending_stops_what_waits_and_tells_the_partner(active, staff):
    create = pending_create(active)
    partner = partnerships.suspend(staff, active)
    assert partner.status == PartnerStatus.SUSPENDED and partner.changed_by == staff
    create.refresh_from_db()
    assert create.status == DeliveryStatus.HALTED
    block = OutgoingActivity.objects.filter(partner=partner).last()
    assert block.activity_type == "Block" and block.status == DeliveryStatus.PENDING
    assert audit_actions(partner)[-1] == "partner.suspended"
    with pytest.raises(Conflict):
        partnerships.suspend(staff, partner)


def test_resuming_tells_the_partner_first_then_sends_what_was_halted_and_the_shared_items(active, staff,
                                                                                         sent_items):
    create = pending_create(active)
    partnerships.suspend(staff, active)
    partner = partnerships.resume(staff, active)
    assert partner.status == PartnerStatus.ACTIVE
    rows = list(OutgoingActivity.objects.filter(partner=partner, status=DeliveryStatus.PENDING)
                .exclude(activity_type="Follow").order_by("pk"))
    assert [row.activity_type for row in rows] == ["Block", "Undo", "Create"]
    undo = rows[1].payload["object"]
    assert undo["type"] == "Block" and undo["id"] == rows[0].activity_id and undo["object"] == partner.actor_url
    assert rows[2].activity_id == create.activity_id
    assert sent_items == [(partner, ["opportunity"])]
    assert audit_actions(partner)[-2:] == ["partner.suspended", "partner.resumed"]


def test_only_a_suspended_partnership_is_resumed(active, staff):
    with pytest.raises(Conflict):
        partnerships.resume(staff, active)


def test_their_block_suspends_the_partnership_on_our_side_and_their_undo_resumes_it(active, remote, sent_items):
    create = pending_create(active)
    block = remote.activity("Block")
    inbox.receive(active, block)
    active.refresh_from_db()
    assert active.status == PartnerStatus.SUSPENDED and active.they_blocked_at is not None
    assert OutgoingActivity.objects.get(pk=create.pk).status == DeliveryStatus.HALTED
    inbox.receive(active, remote.activity("Undo", {"type": "Block", "id": block["id"], "object": protocol.actor_url()}))
    active.refresh_from_db()
    assert active.status == PartnerStatus.ACTIVE
    assert OutgoingActivity.objects.get(activity_id=create.activity_id).status == DeliveryStatus.PENDING
    assert sent_items == [(active, ["opportunity"])]
    assert audit_actions(active)[-2:] == ["partner.suspended_by_them", "partner.resumed_by_them"]


def test_while_either_side_suspends_nothing_is_exchanged(active, remote, staff):
    inbox.receive(active, remote.activity("Block"))
    partnerships.suspend(staff, active)
    inbox.receive(active, remote.activity("Undo", {"type": "Block"}))
    assert Partner.objects.get().status == PartnerStatus.SUSPENDED  # still ours
    partnerships.resume(staff, active)
    assert Partner.objects.get().status == PartnerStatus.ACTIVE


def test_revoking_is_final_and_tells_the_partner(active, staff):
    create = pending_create(active)
    partner = partnerships.revoke(staff, active)
    assert partner.status == PartnerStatus.REVOKED
    assert OutgoingActivity.objects.get(pk=create.pk).status == DeliveryStatus.HALTED
    assert outbox_types(partner)[-1] == "Block"
    for decision in (partnerships.resume, partnerships.suspend, partnerships.revoke):
        with pytest.raises(Conflict):
            decision(staff, partner)
    assert audit_actions(partner)[-1] == "partner.revoked"


def test_a_revoked_partner_approved_again_starts_afresh(active, remote, staff):
    create = pending_create(active)
    partnerships.revoke(staff, active)
    partner = partnerships.approve(staff, discovered(remote), ["event"])
    assert partner.pk == active.pk and partner.status == PartnerStatus.WAITING and partner.kinds == ["event"]
    assert partner.they_approved_at is None
    assert OutgoingActivity.objects.get(pk=create.pk).status == DeliveryStatus.FAILED
    assert outbox_types(partner)[-1] == "Follow"


def test_the_staff_choose_what_travels_and_newly_allowed_kinds_are_sent(active, staff, sent_items):
    partner = partnerships.set_kinds(staff, active, ["event", "opportunity", "need"])
    assert partner.kinds == ["opportunity", "need", "event"]
    assert sent_items == [(partner, ["need", "event"])]
    entry = AuditEntry.objects.filter(action="partner.kinds_changed").get()
    assert entry.before == {"kinds": ["opportunity"]} and entry.after == {"kinds": ["opportunity", "need", "event"]}


def test_kinds_allowed_to_a_partner_not_active_are_sent_once_it_is(remote, staff, sent_items):
    partner = partnerships.approve(staff, discovered(remote), [])
    partnerships.set_kinds(staff, partner, ["event"])
    assert sent_items == []
    inbox.receive(partner, remote.activity("Follow"))
    assert sent_items == [(Partner.objects.get(), ["event"])]


@pytest.mark.parametrize("decision", ["suspend", "resume", "revoke"])
def test_only_the_staff_decide_a_partnership(active, org_admin, decision):
    with pytest.raises(PermissionDenied):
        getattr(partnerships, decision)(org_admin, active)
    with pytest.raises(PermissionDenied):
        partnerships.set_kinds(org_admin, active, [])
    assert Partner.objects.get().status == PartnerStatus.ACTIVE
    assert audit_actions(active) == ["partner.approved", "partner.approved_by_them"]
