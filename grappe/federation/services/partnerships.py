"""Partnerships with other clusters' Grappe instances, from the staff's approval to a revocation.

- `discover`: our staff enter the other cluster's address; we read its actor document (its name, its inbox, its
  Ed25519 key) so that they compare the key's fingerprint with the other staff's before approving.
- `approve`: the partner is recorded (or, after a revocation, approved again) and our approval travels to it as a
  `Follow`. The partnership is active once its own Follow reached us: each side decides for itself.
- `suspend` / `resume`: our side stops, then restarts, all exchange (a `Block`, then an `Undo` of it, reach the
  partner even though it is no longer active). `revoke`: final, until our staff approve the address again.
- `set_kinds`: what kinds of items may travel to the partner; newly allowed kinds are sent at once, and what it
  no longer receives is withdrawn there.

`status` is what follows from both sides' decisions (`_settle`): revoked by us; suspended while our staff suspended
it or the partner's Block holds (they suspended or revoked us); active once their Follow arrived; waiting before.
Whenever it stops being active, its pending activities are halted (nothing leaves for it, and the inbox refuses
what it sends, so the items received from it are hidden: selectors show those of active partners); when it becomes
active again they are queued again, after the control activity that reopened it, and the shared items are sent.

A Follow that is not itself an answer is answered with our Follow (`inReplyTo` it): our first Follow may have
reached the partner before its staff approved us (it refused it, not knowing us yet); the answer tells it.
"""

import dataclasses
import json
import time
from urllib.parse import urljoin, urlsplit

import requests
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, jobs
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from .. import keys, protocol
from ..models import DeliveryStatus, ItemKind, OutgoingActivity, Partner, PartnerStatus
from . import delivery, sharing

ACTOR_PATH = "/federation/actor"
ACTOR_TYPES = frozenset({"Service", "Organization", "Application"})
DISCOVERY_TIMEOUT = 10  # seconds
DISCOVERY_MAX_BYTES = 64 * 1024
DISCOVERY_DEADLINE = 20  # seconds for the whole answer
MAX_REDIRECTS = 3


@dataclasses.dataclass
class Discovered:
    """What another instance's actor document says of it, read by `discover`, shown to our staff to approve."""

    actor_url: str
    inbox_url: str
    name: str
    public_key: str  # PEM
    fingerprint: str


# --- discovery ------------------------------------------------------------------------------------------------

def actor_address(address: str) -> str:
    """The actor document's address: `address` itself when it is one, else the base address + /federation/actor."""
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Enter the address of the other cluster's Grappe, starting with https://."),
                              code="invalid")
    path = parts.path.rstrip("/")
    if not path.endswith(ACTOR_PATH):
        path += ACTOR_PATH
    return f"{parts.scheme}://{parts.netloc}{path}"


def discover(address: str) -> Discovered:
    """Read the actor document at `address` (a Grappe's base address or its actor's); ValidationError with a
    message for the staff when it cannot be reached or is not a Grappe instance's.

    The staff typed the address, the server at it answers: a redirect is followed only on the same server (a
    trailing slash, http to https), never to another host (which could be one of our internal addresses), at
    most MAX_REDIRECTS times; the answer is read up to DISCOVERY_MAX_BYTES, within DISCOVERY_DEADLINE in all
    (a server that answers a byte at a time does not hold the staff's page)."""
    url = first = actor_address(address)
    deadline = time.monotonic() + DISCOVERY_DEADLINE
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            with requests.get(url, headers={"Accept": protocol.MEDIA_TYPE}, timeout=DISCOVERY_TIMEOUT,
                              stream=True, allow_redirects=False) as response:
                if 300 <= response.status_code < 400 and response.headers.get("Location"):
                    target = urljoin(url, response.headers["Location"])
                    if not _same_server(url, target):
                        raise ValidationError(
                            _("%(address)s sends elsewhere (%(target)s): enter the other cluster's address "
                              "itself.") % {"address": first, "target": target[:200]}, code="redirected")
                    url = target
                    continue
                if response.status_code != 200:
                    raise ValidationError(
                        _("%(address)s answered with the error %(status)s: check the address, or ask the other "
                          "cluster whether its instance is running.") % {"address": first,
                                                                          "status": response.status_code},
                        code="unreachable")
                content = _read_at_most(response, DISCOVERY_MAX_BYTES + 1, deadline)
                break
        else:
            raise _not_grappe(first)
    except (requests.RequestException, TimeoutError) as error:
        raise ValidationError(_("%(address)s cannot be reached: check the address, or try again later.")
                              % {"address": first}, code="unreachable") from error
    if len(content) > DISCOVERY_MAX_BYTES:
        raise _not_grappe(first)
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        raise _not_grappe(first) from None
    return _read_actor(document, url)


def _same_server(url: str, target: str) -> bool:
    """Whether a redirect from `url` to `target` stays on the same server: the same host and port, or the same
    host from http to https."""
    source, to = urlsplit(url), urlsplit(target)
    if to.scheme not in ("http", "https") or not to.hostname or to.hostname != source.hostname:
        return False
    if to.scheme == source.scheme:
        return to.port == source.port
    return source.scheme == "http" and to.port is None and source.port is None


def _read_at_most(response, limit: int, deadline: float) -> bytes:
    """Up to `limit` bytes of the answer, TimeoutError once the deadline has passed."""
    content = b""
    while len(content) < limit:
        if time.monotonic() > deadline:
            raise TimeoutError("the answer takes too long")
        chunk = response.raw.read1(limit - len(content), decode_content=True)
        if not chunk:
            break
        content += chunk
    return content


def _not_grappe(url: str) -> ValidationError:
    return ValidationError(_("%(address)s does not lead to a Grappe instance: its answer is not the description of "
                             "a cluster with its key.") % {"address": url}, code="not_grappe")


def _origin(url) -> tuple[str, str] | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc) if parts.scheme in ("http", "https") and parts.netloc else None


def _read_actor(document, url: str) -> Discovered:
    """The actor document's facts, checked: an actor of ours at the address read (or where it redirected), its
    inbox on the same server, an Ed25519 key that is its own."""
    if not isinstance(document, dict) or document.get("type") not in ACTOR_TYPES:
        raise _not_grappe(url)
    actor, inbox, key = document.get("id"), document.get("inbox"), document.get("publicKey")
    name = document.get("name")
    if (_origin(actor) is None or _origin(actor) != _origin(url) or _origin(inbox) != _origin(actor)
            or not isinstance(name, str) or not name.strip() or not isinstance(key, dict)
            or key.get("id") != f"{actor}#main-key" or key.get("owner") != actor
            or not isinstance(key.get("publicKeyPem"), str) or len(actor) > 500 or len(inbox) > 500):
        raise _not_grappe(url)
    try:
        fingerprint = keys.fingerprint(key["publicKeyPem"])
    except ValueError:
        raise _not_grappe(url) from None
    if actor == protocol.actor_url():
        raise ValidationError(_("This is this instance's own address: enter the other cluster's."), code="self")
    return Discovered(actor_url=actor, inbox_url=inbox, name=" ".join(name.split())[:200],
                      public_key=key["publicKeyPem"], fingerprint=fingerprint)


# --- our staff's decisions ------------------------------------------------------------------------------------

def approve(user, discovered: Discovered, kinds: list[str]) -> Partner:
    """Record our approval of the partner (a new one, or one we revoked) and send it our Follow."""
    require(user, "federation.manage_partners")
    kinds = _checked_kinds(kinds)
    if discovered.actor_url == protocol.actor_url():
        raise ValidationError(_("This is this instance's own address: enter the other cluster's."), code="self")
    now = timezone.now()
    with transaction.atomic():
        partner = Partner.objects.select_for_update().filter(actor_url=discovered.actor_url).first()
        if partner is not None and partner.status != PartnerStatus.REVOKED:
            raise Conflict(_("This cluster is already a partner: suspend, resume or change the partnership "
                             "instead."), code="already_partner")
        if partner is None:
            partner = Partner(actor_url=discovered.actor_url)
        else:
            # What was halted when we revoked it does not come back: the shared items are sent afresh.
            partner.outbox.filter(status=DeliveryStatus.HALTED).update(
                status=DeliveryStatus.FAILED, last_error="the partnership was revoked")
        # Their side is unknown again until their Follow answers ours.
        partner.inbox_url, partner.name = discovered.inbox_url, discovered.name
        partner.public_key, partner.fingerprint = discovered.public_key, discovered.fingerprint
        partner.kinds, partner.approved_by, partner.approved_at = kinds, user, now
        partner.status, partner.suspended_by_us = PartnerStatus.WAITING, False
        partner.they_approved_at = partner.they_blocked_at = None
        partner.save()
        audit.record(user, "partner.approved", partner,
                     after={"actor_url": partner.actor_url, "fingerprint": partner.fingerprint, "kinds": kinds})
        delivery.publish("Follow", partner.actor_url, partners=[partner])
    return partner


def suspend(user, partner: Partner) -> Partner:
    """Stop all exchange with the partner at once, both ways, until `resume`; it is told (a Block)."""
    require(user, "federation.manage_partners")
    with transaction.atomic():
        partner = _locked(partner)
        if partner.status == PartnerStatus.REVOKED:
            raise Conflict(_("This partnership is revoked."), code="revoked")
        if partner.suspended_by_us:
            raise Conflict(_("This partnership is already suspended."), code="suspended")
        before = partner.status
        partner.suspended_by_us = True
        _decided(user, partner)
        _settle(partner, "suspended_by_us", "changed_by", "changed_at")
        audit.record(user, "partner.suspended", partner, before={"status": before}, after={"status": partner.status})
        delivery.publish("Block", partner.actor_url, partners=[partner])
    return partner


def resume(user, partner: Partner) -> Partner:
    """Lift our suspension; it is told (an Undo of our Block). Exchange restarts if the partner's side allows it."""
    require(user, "federation.manage_partners")
    with transaction.atomic():
        partner = _locked(partner)
        if partner.status == PartnerStatus.REVOKED:
            raise Conflict(_("This partnership is revoked: approve the cluster's address again instead."),
                           code="revoked")
        if not partner.suspended_by_us:
            raise Conflict(_("This partnership is not suspended by us."), code="not_suspended")
        before = partner.status
        partner.suspended_by_us = False
        _decided(user, partner)
        activated = _settle(partner, "suspended_by_us", "changed_by", "changed_at")
        audit.record(user, "partner.resumed", partner, before={"status": before}, after={"status": partner.status})
        delivery.publish("Undo", _our_last_block(partner), partners=[partner])
        if activated:
            _reopened(partner)
    return partner


def revoke(user, partner: Partner) -> Partner:
    """End the partnership for good (until our staff approve the address again); it is told (a Block)."""
    require(user, "federation.manage_partners")
    with transaction.atomic():
        partner = _locked(partner)
        if partner.status == PartnerStatus.REVOKED:
            raise Conflict(_("This partnership is already revoked."), code="revoked")
        before = partner.status
        partner.status = PartnerStatus.REVOKED
        _decided(user, partner)
        partner.save(update_fields=["status", "changed_by", "changed_at"])
        _halt(partner)
        audit.record(user, "partner.revoked", partner, before={"status": before}, after={"status": partner.status})
        delivery.publish("Block", partner.actor_url, partners=[partner])
    return partner


def set_kinds(user, partner: Partner, kinds: list[str]) -> Partner:
    """Choose what kinds of items may travel to the partner; the shared items of newly allowed kinds are sent, the
    items of kinds no longer allowed are withdrawn there (a `Delete` each)."""
    require(user, "federation.manage_partners")
    kinds = _checked_kinds(kinds)
    with transaction.atomic():
        partner = _locked(partner)
        before = list(partner.kinds)
        partner.kinds = kinds
        partner.save(update_fields=["kinds"])
        audit.record(user, "partner.kinds_changed", partner, before={"kinds": before}, after={"kinds": kinds})
        added = [kind for kind in kinds if kind not in before]
        if added and partner.is_active:
            sharing.send_shared_items(partner, added)
        if partner.is_active and any(kind not in kinds for kind in before):
            sharing.send_withdrawals(partner)  # what it no longer receives is withdrawn there
    return partner


def _checked_kinds(kinds) -> list[str]:
    unknown = [kind for kind in kinds if kind not in ItemKind.values]
    if unknown:
        raise ValidationError(_("Unknown kind of item: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))},
                              code="invalid_kind")
    return [kind for kind in ItemKind.values if kind in kinds]


def _decided(user, partner: Partner) -> None:
    partner.changed_by, partner.changed_at = user, timezone.now()


def _our_last_block(partner: Partner) -> dict:
    """The Block an Undo takes back: the last one we sent this partner."""
    block = {"type": "Block", "actor": protocol.actor_url(), "object": partner.actor_url}
    last = partner.outbox.filter(activity_type="Block").order_by("-pk").values_list("activity_id", flat=True).first()
    return {"id": last, **block} if last else block


# --- the partner's decisions, as its activities reach our inbox (services.inbox calls these) -------------------

def received_follow(partner: Partner, activity: dict) -> None:
    """The partner approved us (again): its Block, if any, no longer holds. Answered with our Follow unless it is
    itself an answer, or we suspended or revoked it."""
    if activity.get("object") != protocol.actor_url():
        return
    partner = _locked(partner)
    changed = partner.they_approved_at is None or partner.they_blocked_at is not None
    partner.they_approved_at, partner.they_blocked_at = timezone.now(), None
    activated = _settle(partner, "they_approved_at", "they_blocked_at")
    if changed:
        audit.record(None, "partner.approved_by_them", partner, after={"status": partner.status})
    if "inReplyTo" not in activity and not partner.suspended_by_us and partner.status != PartnerStatus.REVOKED:
        delivery.publish("Follow", partner.actor_url, partners=[partner], inReplyTo=activity["id"])
    if activated:
        _reopened(partner)


def received_block(partner: Partner, activity: dict) -> None:
    """The partner suspended or revoked the partnership: nothing is exchanged any more, its items are hidden."""
    if activity.get("object") != protocol.actor_url():
        return
    partner = _locked(partner)
    before = partner.status
    partner.they_blocked_at = timezone.now()
    _settle(partner, "they_blocked_at")
    audit.record(None, "partner.suspended_by_them", partner, before={"status": before},
                 after={"status": partner.status})


def received_undo(partner: Partner, activity: dict) -> None:
    """An Undo of the partner's Block: it resumed the partnership. Other Undos are ignored."""
    undone = activity.get("object")
    if not isinstance(undone, dict) or undone.get("type") != "Block":
        return
    partner = _locked(partner)
    if partner.they_blocked_at is None:
        return
    before = partner.status
    partner.they_blocked_at = None
    activated = _settle(partner, "they_blocked_at")
    audit.record(None, "partner.resumed_by_them", partner, before={"status": before},
                 after={"status": partner.status})
    if activated:
        _reopened(partner)


# --- what follows from the status -----------------------------------------------------------------------------

def _locked(partner: Partner) -> Partner:
    return Partner.objects.select_for_update().get(pk=partner.pk)


def _settle(partner: Partner, *changed_fields: str) -> bool:
    """Save the changed fields and the status that follows from both sides' decisions (see the module's
    docstring); halt what waits for a partner that is not active. True when it has just become active: the
    caller then sends its control activity, and `_reopened` what follows it."""
    was_active = partner.is_active
    if partner.status != PartnerStatus.REVOKED:
        if partner.suspended_by_us or partner.they_blocked_at is not None:
            partner.status = PartnerStatus.SUSPENDED
        elif partner.they_approved_at is not None:
            partner.status = PartnerStatus.ACTIVE
        else:
            partner.status = PartnerStatus.WAITING
    partner.save(update_fields=[*changed_fields, "status"])
    if not partner.is_active:
        _halt(partner)
    return partner.is_active and not was_active


def _halt(partner: Partner) -> None:
    """Nothing but the partnership's own activities leaves for a partner that is not active."""
    partner.outbox.filter(status=DeliveryStatus.PENDING).exclude(
        activity_type__in=delivery.CONTROL_TYPES).update(status=DeliveryStatus.HALTED)


def _reopened(partner: Partner) -> None:
    """The partner is active again: what was halted is queued again, after the activity that reopened it (new
    rows, so that the outbox's order puts them after it), a `Delete` goes for each item it holds that was
    withdrawn meanwhile, and the shared items it may receive are sent."""
    halted = list(partner.outbox.filter(status=DeliveryStatus.HALTED).order_by("pk"))
    if halted:
        OutgoingActivity.objects.filter(pk__in=[row.pk for row in halted]).delete()
        OutgoingActivity.objects.bulk_create([
            OutgoingActivity(partner=partner, activity_id=row.activity_id, activity_type=row.activity_type,
                             payload=row.payload) for row in halted])
        jobs.enqueue(delivery.DELIVERY_TASK)
    sharing.send_withdrawals(partner)  # what was withdrawn meanwhile, which did not leave for it then
    sharing.send_shared_items(partner, partner.kinds)
