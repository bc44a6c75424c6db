"""What partner instances speak to (ActivityPub): our actor document, its inbox and its outbox. JSON only, no
language prefix, no session: a partner is known by its signature alone.

The inbox takes an activity in this order, each refusal a short JSON error: too large (413); a signature that does
not hold (401: unknown key, wrong key, altered body, too old, replayed; see signatures.py); a partnership that does
not allow it (403); more than settings.GRAPPE_FEDERATION_INBOX_PER_MINUTE activities from this partner in the
current minute (429); not an activity of this partner's (400). Then `services.inbox.receive` stores it once and
acts on it (202, also for an activity already received: the sender stops sending it).

A partnership allows everything while active. While waiting for the partner's approval, or suspended, only its own
activities (Follow, Block, Undo) are taken, so that a partnership can form, and either side's suspension be lifted;
a revoked partner is refused everything.

Kept fast (a partner may send thousands of activities): one query finds the partner, one stores the activity (and
whatever its handler does, quickly); nonces and the rate's counter live in the cache.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from .. import keys, protocol, signatures
from ..statistics import public_figures
from ..models import Partner, PartnerStatus
from ..services import delivery, inbox as inbox_service

MAX_BODY_BYTES = 256 * 1024
RATE_CACHE_PREFIX = "federation:inbox-rate:"


def _json(document: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(document, status=status, content_type=protocol.MEDIA_TYPE,
                        json_dumps_params={"ensure_ascii": False})


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def cluster_name() -> str:
    return settings.GRAPPE_CLUSTER_NAME or "Grappe"


@require_safe
def actor(request):
    """Who we are: our name, our inbox and outbox, and the public key our requests are signed with."""
    return _json({
        "@context": [protocol.AS, "https://w3id.org/security/v1", {"grappe": protocol.GRAPPE_NS}],
        "id": protocol.actor_url(),
        "type": "Service",
        "name": cluster_name(),
        "preferredUsername": "grappe",
        "inbox": protocol.inbox_url(),
        "outbox": protocol.outbox_url(),
        "publicKey": {"id": protocol.key_id(), "owner": protocol.actor_url(),
                      "publicKeyPem": keys.instance_key().public_key},
    })


@require_safe
def outbox(request):
    """Our outbox as a collection: empty, since every activity of ours is addressed to one partner, never public."""
    return _json({"@context": protocol.CONTEXT, "id": protocol.outbox_url(), "type": "OrderedCollection",
                  "totalItems": 0})


@require_safe
def statistics(request):
    """Our figures, aggregated (statistics.public_figures: counts of organisations, small ones hidden), for an
    active partner's signed request; the same for every partner."""
    try:
        partner = signatures.verify(request, b"")
    except signatures.SignatureRefused as refusal:
        return _error(401, str(refusal))
    if partner.status != PartnerStatus.ACTIVE:
        return _error(403, "the partnership is not active")
    return _json(public_figures())


@csrf_exempt
@require_POST
def inbox(request):
    """Take in an activity from a partner cluster (see the module's docstring)."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return _error(400, "invalid Content-Length")
    if declared > MAX_BODY_BYTES:
        return _error(413, "request body too large")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "request body too large")
    try:
        partner = signatures.verify(request, body)
    except signatures.SignatureRefused as refusal:
        return _error(401, str(refusal))
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return _error(400, "the body is not JSON")
    if not _is_activity_of(activity, partner):
        return _error(400, "not an activity of the signing partner (id, type, actor)")
    if not _allowed(partner, activity["type"]):
        return _error(403, "the partnership does not allow this activity")
    if not _within_rate(partner):
        return _error(429, "too many activities this minute")
    try:
        inbox_service.receive(partner, activity)
    except ValidationError as error:
        return _error(400, " ".join(error.messages))
    return HttpResponse(status=202)


def _is_activity_of(activity, partner: Partner) -> bool:
    """An activity with an id on the partner's own server (another partner's ids are not its to take), a type,
    and the partner as its actor."""
    if not isinstance(activity, dict):
        return False
    activity_id, activity_type = activity.get("id"), activity.get("type")
    return (isinstance(activity_id, str) and len(activity_id) <= 500 and isinstance(activity_type, str)
            and 0 < len(activity_type) <= 20 and "\x00" not in activity_id + activity_type
            and activity.get("actor") == partner.actor_url
            and urlsplit(activity_id)[:2] == urlsplit(partner.actor_url)[:2])


def _allowed(partner: Partner, activity_type: str) -> bool:
    if partner.status == PartnerStatus.ACTIVE:
        return True
    return partner.status != PartnerStatus.REVOKED and activity_type in delivery.CONTROL_TYPES


def _within_rate(partner: Partner) -> bool:
    """At most GRAPPE_FEDERATION_INBOX_PER_MINUTE activities per partner in each minute of the clock."""
    key = f"{RATE_CACHE_PREFIX}{partner.pk}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between the two calls
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= settings.GRAPPE_FEDERATION_INBOX_PER_MINUTE
