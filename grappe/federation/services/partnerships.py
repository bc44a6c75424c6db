"""Partnerships with other clusters' instances: find one by its address (its name and key's fingerprint, which the
two staffs compare by phone), approve it with the kinds of items that may travel to it, suspend, resume or revoke
it, and change what travels.

Each write checks `federation.manage_partners`, runs in one transaction with its audit entry, and tells the partner
through the outbox (`delivery.publish`): approving sends a `Follow`, suspending or revoking a `Block`, resuming the
`Undo` of that Block. A suspended or revoked partnership stops all exchange at once, both ways: the inbox refuses
the partner, the outbox holds what was not yet delivered, and what it shared is hidden from our members.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from .. import keys, protocol
from ..models import ItemKind, Partner, PartnerStatus
from . import delivery

ACTOR_PATH = "/federation/actor"
TIMEOUT_SECONDS = 10
MAX_DOCUMENT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Discovered:
    """What another instance's actor document says about it: what the staff see before approving it."""

    actor_url: str
    inbox_url: str
    name: str
    public_key: str  # PEM
    fingerprint: str


def actor_address(address: str) -> str:
    """The actor document's address: the address typed, or the instance's address + /federation/actor."""
    address = address.strip()
    if urlsplit(address).path.rstrip("/").endswith(ACTOR_PATH):
        return address
    return address.rstrip("/") + ACTOR_PATH


def discover(address: str) -> Discovered:
    """Fetch the actor document of the instance at `address`. ValidationError, saying why, when it cannot be
    reached or is not a Grappe instance."""
    url = actor_address(address)
    try:
        response = requests.get(url, headers={"Accept": protocol.MEDIA_TYPE}, timeout=TIMEOUT_SECONDS,
                                allow_redirects=False)
    except (requests.RequestException, ValueError):
        raise ValidationError(_("%(address)s could not be reached. Check the address, or try again later."),
                              code="unreachable", params={"address": address}) from None
    document = _json(response)
    if document is None:
        raise ValidationError(_("%(address)s is not the address of a Grappe instance: it did not answer with "
                                "a cluster's description."), code="not_grappe", params={"address": address})
    return _read(address, url, document)


def _json(response) -> dict | None:
    if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
        return None
    try:
        document = response.json()
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _read(address: str, url: str, document: dict) -> Discovered:
    not_grappe = ValidationError(_("%(address)s is not the address of a Grappe instance: its description lacks "
                                   "a name, an inbox or an Ed25519 key."), code="not_grappe",
                                 params={"address": address})
    key = document.get("publicKey")
    values = [document.get("id"), document.get("inbox"), document.get("name"),
              key.get("publicKeyPem") if isinstance(key, dict) else None]
    if not all(isinstance(value, str) and value.strip() for value in values):
        raise not_grappe
    actor_url, inbox_url, name, pem = values
    if not (_same_origin(actor_url, url) and _same_origin(inbox_url, url)):
        # An instance speaks only for itself: a document naming another site's actor is not believed.
        raise not_grappe
    try:
        fingerprint = keys.fingerprint(pem)
    except ValueError:
        raise not_grappe from None
    if actor_url == protocol.actor_url():
        raise ValidationError(_("%(address)s is this instance's own address."), code="ourselves",
                              params={"address": address})
    return Discovered(actor_url=actor_url, inbox_url=inbox_url, name=name.strip()[:200], public_key=pem,
                      fingerprint=fingerprint)


def _same_origin(one: str, other: str) -> bool:
    a, b = urlsplit(one), urlsplit(other)
    return a.scheme in ("http", "https") and (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _kinds(kinds) -> list[str]:
    """The kinds asked, known ones only, in ItemKind's order."""
    unknown = set(kinds) - set(ItemKind.values)
    if unknown:
        raise ValidationError(_("Unknown kinds of items: %(kinds)s."), code="unknown_kind",
                              params={"kinds": ", ".join(sorted(unknown))})
    return [kind for kind in ItemKind.values if kind in set(kinds)]


def _snapshot(partner: Partner) -> dict:
    return audit.snapshot(partner, exclude=("public_key",))


def approve(user, discovered: Discovered, kinds: list[str]) -> Partner:
    """Our approval of the partner, with what may travel to it: the partnership waits for theirs (their Follow)."""
    require(user, "federation.manage_partners")
    kinds = _kinds(kinds)
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                actor_url=discovered.actor_url, inbox_url=discovered.inbox_url, name=discovered.name,
                public_key=discovered.public_key, fingerprint=discovered.fingerprint, kinds=kinds,
                approved_by=user)
            audit.record(user, "partner.approved", partner, after=_snapshot(partner))
            delivery.publish("Follow", partner.actor_url, partners=[partner])
    except IntegrityError:
        raise Conflict(_("%(name)s is already among the partner clusters."), code="already_partner",
                       params={"name": discovered.name}) from None
    return partner


def _change_status(user, partner: Partner, *, allowed_from: set, status, action: str, activity) -> Partner:
    require(user, "federation.manage_partners")
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.status not in allowed_from:
            raise Conflict(_("This partnership is %(status)s: it cannot be changed this way."), code="status",
                           params={"status": partner.get_status_display().lower()})
        before = _snapshot(partner)
        partner.status = status(partner) if callable(status) else status
        partner.changed_by, partner.changed_at = user, timezone.now()
        partner.save(update_fields=["status", "changed_by", "changed_at"])
        audit.record(user, action, partner, before=before, after=_snapshot(partner))
        delivery.publish(*activity(partner), partners=[partner])
    return partner


def _block(partner: Partner) -> tuple:
    return "Block", partner.actor_url


def suspend(user, partner: Partner) -> Partner:
    """Stop all exchange with the partner at once, both ways, and hide what it shared; resumable."""
    return _change_status(user, partner, allowed_from={PartnerStatus.WAITING, PartnerStatus.ACTIVE},
                          status=PartnerStatus.SUSPENDED, action="partner.suspended", activity=_block)


def resume(user, partner: Partner) -> Partner:
    """Exchange again with a suspended partner (active again if they had approved us, else waiting for them)."""
    return _change_status(
        user, partner, allowed_from={PartnerStatus.SUSPENDED},
        status=lambda p: PartnerStatus.ACTIVE if p.they_approved_at else PartnerStatus.WAITING,
        action="partner.resumed",
        activity=lambda p: ("Undo", {"type": "Block", "actor": protocol.actor_url(), "object": p.actor_url}))


def revoke(user, partner: Partner) -> Partner:
    """End the partnership for good: like a suspension, but it cannot be resumed."""
    return _change_status(user, partner, allowed_from={PartnerStatus.WAITING, PartnerStatus.ACTIVE,
                                                       PartnerStatus.SUSPENDED},
                          status=PartnerStatus.REVOKED, action="partner.revoked", activity=_block)


def set_kinds(user, partner: Partner, kinds: list[str]) -> Partner:
    """Change what may travel to the partner. Unchanged, nothing is recorded."""
    require(user, "federation.manage_partners")
    kinds = _kinds(kinds)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.kinds == kinds:
            return partner
        before = _snapshot(partner)
        partner.kinds = kinds
        partner.save(update_fields=["kinds"])
        audit.record(user, "partner.kinds_changed", partner, before=before, after=_snapshot(partner))
    return partner
