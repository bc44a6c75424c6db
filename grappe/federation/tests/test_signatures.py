"""Signatures between clusters (RFC 9421): what our inbox accepts, and each forgery it refuses."""

import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import RequestFactory

from grappe.federation import protocol, signatures
from grappe.federation.models import PartnerStatus

from .remote import Remote


def request_of(body: bytes, headers: dict, path: str = "/federation/inbox"):
    extra = {name: value for name, value in headers.items() if name.lower() != "content-type"}
    return RequestFactory().post(path, data=body, content_type=headers["Content-Type"], headers=extra)


@pytest.fixture
def partner(remote, staff):
    return remote.partner(staff)


def test_a_request_signed_by_a_partner_is_accepted_and_names_it(remote, partner):
    body, headers = remote.signed(remote.activity("Follow"))
    assert signatures.verify(request_of(body, headers), body) == partner


def test_the_signature_covers_the_method_address_host_type_and_body_with_dates_and_a_nonce(remote, partner):
    _body, headers = remote.signed(remote.activity("Follow"))
    signed = headers["Signature-Input"]
    for component in ('"@method"', '"@target-uri"', '"@authority"', '"content-type"', '"content-digest"'):
        assert component in signed
    for parameter in ("created=", "expires=", "nonce=", f'keyid="{remote.actor_url}#main-key"', 'alg="ed25519"'):
        assert parameter in signed
    assert headers["Content-Digest"].startswith("sha-256=:")


def test_our_own_requests_carry_our_key_id(db):
    headers = signatures.sign("POST", "https://logistique.example/federation/inbox",
                              {"Content-Type": protocol.MEDIA_TYPE}, b"{}")
    assert f'keyid="{protocol.key_id()}"' in headers["Signature-Input"]


def test_a_key_id_of_no_partner_is_refused(db, staff):
    stranger = Remote("https://inconnu.example")
    body, headers = stranger.signed(stranger.activity("Follow"))
    with pytest.raises(signatures.SignatureRefused, match="unknown key id"):
        signatures.verify(request_of(body, headers), body)


def test_a_signature_made_with_another_key_than_the_approved_one_is_refused(remote, partner):
    body, headers = remote.signed(remote.activity("Follow"), key=Ed25519PrivateKey.generate())
    with pytest.raises(signatures.SignatureRefused):
        signatures.verify(request_of(body, headers), body)


def test_a_body_altered_after_signing_is_refused(remote, partner):
    activity = remote.activity("Create", {"type": "Note", "content": "Usinage 5 axes"})
    body, headers = remote.signed(activity)
    altered = json.dumps({**activity, "object": {"type": "Note", "content": "Autre chose"}}).encode()
    with pytest.raises(signatures.SignatureRefused, match="Content-Digest"):
        signatures.verify(request_of(altered, headers), altered)


def test_a_signature_older_than_five_minutes_is_refused(remote, partner):
    created = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=6)
    body, headers = remote.signed(remote.activity("Follow"), created=created)
    with pytest.raises(signatures.SignatureRefused):
        signatures.verify(request_of(body, headers), body)


def test_a_signature_dated_in_the_future_beyond_the_clock_skew_is_refused(remote, partner):
    created = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
    body, headers = remote.signed(remote.activity("Follow"), created=created)
    with pytest.raises(signatures.SignatureRefused, match="future"):
        signatures.verify(request_of(body, headers), body)


def test_a_small_clock_difference_is_tolerated(remote, partner):
    created = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=10)
    body, headers = remote.signed(remote.activity("Follow"), created=created)
    assert signatures.verify(request_of(body, headers), body) == partner


def test_a_replayed_request_is_refused(remote, partner):
    body, headers = remote.signed(remote.activity("Follow"))
    signatures.verify(request_of(body, headers), body)
    with pytest.raises(signatures.SignatureRefused, match="replayed"):
        signatures.verify(request_of(body, headers), body)


def test_a_request_signed_for_another_server_is_refused(remote, partner):
    body, headers = remote.signed(remote.activity("Follow"), url="https://autre-grappe.example/federation/inbox")
    with pytest.raises(signatures.SignatureRefused):
        signatures.verify(request_of(body, headers), body)


def test_an_unsigned_request_is_refused(remote, partner):
    body = json.dumps(remote.activity("Follow")).encode()
    with pytest.raises(signatures.SignatureRefused):
        signatures.verify(request_of(body, {"Content-Type": protocol.MEDIA_TYPE}), body)


def test_a_revoked_partner_still_has_its_signature_checked_the_inbox_refuses_it_later(remote, staff):
    partner = remote.partner(staff, status=PartnerStatus.REVOKED)
    body, headers = remote.signed(remote.activity("Follow"))
    assert signatures.verify(request_of(body, headers), body) == partner


def signed_partly(remote, body: bytes, *, components, with_body: bool = True, nonce: str | None = "n0nce-1"):
    """Headers a partner's software might send, signed with its approved key but covering less than ours."""
    from http_message_signatures import HTTPMessageSigner, algorithms

    headers = {"Content-Type": protocol.MEDIA_TYPE}
    now = datetime.datetime.now(datetime.UTC)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=signatures._OurKey(remote.key))
    signer.sign(signatures._Message("POST", protocol.inbox_url(), headers), key_id=f"{remote.actor_url}#main-key",
                created=now, expires=now + signatures.WINDOW, nonce=nonce, label="grappe",
                covered_component_ids=components, body=body if with_body else None)
    return headers


@pytest.mark.parametrize("missing", ["content-digest", "content-type", "@target-uri", "@authority", "nonce"])
def test_a_signature_covering_less_than_ours_is_refused(remote, partner, missing):
    body = json.dumps(remote.activity("Follow")).encode()
    components = [c for c in signatures.POST_COMPONENTS if c != missing]
    headers = signed_partly(remote, body, components=components, with_body=missing != "content-digest",
                            nonce=None if missing == "nonce" else "n0nce-1")
    if missing == "content-digest":  # a digest present but not signed
        headers["Content-Digest"] = remote.signed(remote.activity("Follow"))[1]["Content-Digest"]
    with pytest.raises(signatures.SignatureRefused):
        signatures.verify(request_of(body, headers), body)


def test_a_replay_is_refused_however_full_the_default_cache_is(remote, partner):
    """Pages fill the default cache (directory listings, profiles): a nonce must not be pushed out of memory
    before its window ends, or the same request would pass again."""
    from django.core.cache import cache

    body, headers = remote.signed(remote.activity("Follow"))
    signatures.verify(request_of(body, headers), body)
    for number in range(1_500):
        cache.set(f"directory-listing-{number}", "x")
    with pytest.raises(signatures.SignatureRefused, match="replayed"):
        signatures.verify(request_of(body, headers), body)
