"""The vocabulary of what travels between clusters: ActivityPub (W3C) activities as JSON-LD, with this
instance's addresses. No database here: the services build activities with these functions, the inbox reads
them back.

Every activity is `{"@context": CONTEXT, "id": …, "type": …, "actor": our actor, "object": …, "published": …}`.
Types used:
- `Follow` (object: the partner's actor): our staff approved the partnership. Mutual Follows make it active.
- `Block` (object: the partner's actor): we suspended or revoked it; `Undo` of a Block: we resumed it.
- `Create` / `Update` / `Delete` (object: an item, `grappe:kind` saying which kind; a Delete's object is a
  `Tombstone` with the item's id): a shared item appears, changes, or is withdrawn at the origin.
- `Offer` (object: a `Note` with the message, `inReplyTo` the item's id, `attributedTo` the organisation's name,
  and `grappe:contact` only when the member consented): a member's interest in another cluster's item.
- `Accept` / `Reject` (object: the Offer's id; an Accept's `result` carries the introduced contact): the origin
  cluster's answer to an interest.
"""

import uuid

from django.conf import settings
from django.utils import timezone

AS = "https://www.w3.org/ns/activitystreams"
GRAPPE_NS = "https://grappe.quebec/ns#"
CONTEXT = [AS, {"grappe": GRAPPE_NS}]
MEDIA_TYPE = "application/activity+json"
ACCEPTED_MEDIA_TYPES = (MEDIA_TYPE, "application/ld+json")
PUBLIC = f"{AS}#Public"


def base_url() -> str:
    return settings.GRAPPE_BASE_URL.rstrip("/")


def actor_url() -> str:
    return f"{base_url()}/federation/actor"


def inbox_url() -> str:
    return f"{base_url()}/federation/inbox"


def outbox_url() -> str:
    return f"{base_url()}/federation/outbox"


def statistics_url(actor: str | None = None) -> str:
    """Where an instance answers its partners' signed requests for its aggregated figures: ours, or that of the
    partner whose actor address is given (every Grappe instance serves it beside its actor)."""
    if actor is None:
        return f"{base_url()}/federation/statistics"
    return actor.removesuffix("/actor") + "/statistics"


def key_id() -> str:
    """The `keyid` of our signatures: the key's id in the actor document."""
    return f"{actor_url()}#main-key"


def object_url(kind: str, pk: int) -> str:
    return f"{base_url()}/federation/items/{kind}/{pk}"


def new_activity_id() -> str:
    return f"{base_url()}/federation/activities/{uuid.uuid4()}"


def activity(activity_type: str, obj, **extra) -> dict:
    """An activity of ours, with a new id, published now."""
    return {"@context": CONTEXT, "id": new_activity_id(), "type": activity_type, "actor": actor_url(),
            "object": obj, "published": timezone.now().isoformat(), **extra}
