"""A partner cluster's instance as our side sees it, for tests that need no second server: its address, its key,
the activities it writes and the requests it signs; and the partner row our staff would have approved for it."""

import json
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from grappe.federation import keys, protocol, signatures
from grappe.federation.models import Partner, PartnerStatus


class Remote:
    def __init__(self, base: str = "https://logistique.example", name: str = "Grappe logistique"):
        self.base, self.name = base, name
        self.actor_url = f"{base}/federation/actor"
        self.inbox_url = f"{base}/federation/inbox"
        self.key = Ed25519PrivateKey.generate()

    @property
    def public_pem(self) -> str:
        return keys.public_pem(self.key.public_key())

    def actor_document(self) -> dict:
        return {"@context": [protocol.AS], "id": self.actor_url, "type": "Service", "name": self.name,
                "inbox": self.inbox_url, "outbox": f"{self.base}/federation/outbox",
                "publicKey": {"id": f"{self.actor_url}#main-key", "owner": self.actor_url,
                              "publicKeyPem": self.public_pem}}

    def activity(self, activity_type: str, obj=None, **extra) -> dict:
        return {"@context": protocol.CONTEXT, "id": f"{self.base}/federation/activities/{uuid.uuid4()}",
                "type": activity_type, "actor": self.actor_url,
                "object": protocol.actor_url() if obj is None else obj, **extra}

    def signed(self, activity: dict, *, url: str | None = None, key=None, created=None) -> tuple[bytes, dict]:
        """The body and headers of a POST of `activity` to our inbox (or `url`), signed with this instance's key
        (or `key`), now (or at `created`)."""
        body = json.dumps(activity).encode()
        headers = signatures.sign("POST", url or protocol.inbox_url(), {"Content-Type": protocol.MEDIA_TYPE}, body,
                                  key_id=f"{self.actor_url}#main-key", private_key=key or self.key, created=created)
        return body, headers

    def partner(self, approved_by, status: str = PartnerStatus.ACTIVE, kinds=()) -> Partner:
        """Our record of this instance, as our staff approved it (and, when active, as its Follow reached us)."""
        return Partner.objects.create(
            actor_url=self.actor_url, inbox_url=self.inbox_url, name=self.name, public_key=self.public_pem,
            fingerprint=keys.fingerprint(self.public_pem), status=status, kinds=list(kinds), approved_by=approved_by,
            they_approved_at=timezone.now() if status == PartnerStatus.ACTIVE else None)


def post_to_inbox(client, body: bytes, headers: dict):
    """POST a signed request to our inbox through the test client, its headers as they were signed."""
    extra = {name: value for name, value in headers.items() if name.lower() != "content-type"}
    return client.post("/federation/inbox", data=body, content_type=headers["Content-Type"], headers=extra)
