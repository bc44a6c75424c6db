"""Signing what we send to partner clusters, and checking what they send us: HTTP Message Signatures (RFC 9421)
with Ed25519 keys, through the `http-message-signatures` package.

A signature covers the request's method, its full address and its host (`@method`, `@target-uri`,
`@authority`: a request signed for another server is refused here), its body through the `Content-Digest` header
(SHA-256, RFC 9530) and, for a POST, its `Content-Type`. Its parameters say when it was made (`created`), when it
expires (5 minutes later), once-only `nonce` and whose key signed it (`keyid`: the sender's actor URL +
"#main-key", as in its actor document).

`verify` refuses, with `SignatureRefused`: a key id of no partner of ours, a signature that the partner's
approved key did not make, a body that is not the one signed, a signature made more than 5 minutes ago (or in
the future, beyond a small clock difference), expired, or missing one of the components and parameters above,
and a nonce already seen (a replay). Nonces are remembered in their own cache (settings.CACHES["federation"]) for
the window: with several server processes, the cache must be shared (REDIS_URL) for a replay to another process to be caught; even then
a replayed activity is acted on once, its id being stored once (services.inbox).
"""

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import caches
from django.http import HttpRequest
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, HTTPSignatureKeyResolver, algorithms
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from . import keys, protocol
from .models import Partner

WINDOW = datetime.timedelta(minutes=5)
CLOCK_SKEW = datetime.timedelta(seconds=30)
COMPONENTS = ("@method", "@target-uri", "@authority")
POST_COMPONENTS = (*COMPONENTS, "content-type")
KEY_FRAGMENT = "#main-key"
NONCE_CACHE_PREFIX = "federation:nonce:"
NONCE_CACHE = "federation"  # settings.CACHES: its own, so that other entries never push a nonce out


class SignatureRefused(Exception):
    """The request's signature does not hold: the inbox answers 401 with this text (in English: partner
    software reads it, and the sender's staff see it beside the undelivered activity)."""


@dataclass
class _Message:
    """What the package reads of a request: `method`, an absolute `url` and `headers`."""

    method: str
    url: str
    headers: Mapping


class _OurKey(HTTPSignatureKeyResolver):
    def __init__(self, private_key: Ed25519PrivateKey):
        self.private_key = private_key

    def resolve_private_key(self, key_id: str):
        return self.private_key


class _PartnerKeys(HTTPSignatureKeyResolver):
    """Resolves a key id to the approved key of the partner whose actor it names, and remembers that partner."""

    partner: Partner | None = None

    def resolve_public_key(self, key_id: str):
        if not key_id.endswith(KEY_FRAGMENT):
            raise SignatureRefused("unknown key id")
        # One row by its unique address: no ordering to sort (first() would add the model's).
        found = Partner.objects.filter(actor_url=key_id.removesuffix(KEY_FRAGMENT)).order_by()[:1]
        self.partner = next(iter(found), None)
        if self.partner is None:
            raise SignatureRefused("unknown key id")
        return keys.load_public(self.partner.public_key)


class _Verifier(HTTPMessageVerifier):
    max_clock_skew = CLOCK_SKEW


def sign(method: str, url: str, headers: dict, body: bytes | None = None, *,
         key_id: str | None = None, private_key: Ed25519PrivateKey | None = None,
         created: datetime.datetime | None = None) -> dict:
    """Add Content-Digest (when there is a body), Signature-Input and Signature to `headers` (a dict the request
    will send as is, Content-Type included for a POST) and return it. Signed now with this instance's key unless
    told otherwise (the tests sign as a partner would, or at another time)."""
    now = created or datetime.datetime.now(datetime.UTC)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519,
                               key_resolver=_OurKey(private_key or keys.private_key()))
    signer.sign(_Message(method.upper(), url, headers), key_id=key_id or protocol.key_id(), created=now,
                expires=now + WINDOW, nonce=secrets.token_urlsafe(16), label="grappe",
                covered_component_ids=POST_COMPONENTS if method.upper() == "POST" else COMPONENTS, body=body)
    return headers


def verify(request: HttpRequest, body: bytes) -> Partner:
    """The partner that signed this request to us, or SignatureRefused (see the module's docstring). The address
    checked is ours as published (settings.GRAPPE_BASE_URL), whatever host or proxy the request came through:
    the sender signed the inbox address of our actor document."""
    resolver = _PartnerKeys()
    required = (*POST_COMPONENTS, "content-digest") if request.method == "POST" else COMPONENTS
    message = _Message(request.method, protocol.base_url() + request.get_full_path(), request.headers)
    try:
        results = _Verifier(signature_algorithm=algorithms.ED25519, key_resolver=resolver).verify(
            message, max_age=WINDOW, require_components=required, body=body)
    except SignatureRefused:
        raise
    except HTTPMessageSignaturesException as error:
        raise SignatureRefused(str(error) or "invalid signature") from error
    parameters = results[0].parameters
    if "expires" not in parameters or not parameters.get("nonce"):
        raise SignatureRefused("the signature must carry expires and a nonce")
    # Remembered for the window (and the skew on each side): after that, `created` alone refuses the request.
    if not caches[NONCE_CACHE].add(f"{NONCE_CACHE_PREFIX}{parameters['keyid']}:{parameters['nonce']}", True,
                     timeout=int((WINDOW + 2 * CLOCK_SKEW).total_seconds())):
        raise SignatureRefused("replayed request (nonce already seen)")
    return resolver.partner
