"""Partner clusters for the staff's pages' tests: `make_partner` (another instance, with a real Ed25519 key), and
`partners_matrix`, the permission matrix's cluster (grappe/core/tests/permission_matrix.py) with partners in every
state the pages act on and a non-administrator staff member.

Objects: `ctx.partner` (active, taking opportunities, two deliveries given up, an item shown to our members),
`ctx.suspended` (suspended after both sides approved), `ctx.other` (what `discover` finds at ctx.other_address:
a cluster not yet a partner; the fixture answers for it without the network)."""

import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from grappe.conftest import make_staff
from grappe.core.tests.permission_matrix import ACTORS
from grappe.federation import keys
from grappe.federation.models import (
    DeliveryStatus,
    ItemKind,
    OutgoingActivity,
    Partner,
    PartnerStatus,
    RemoteItem,
)
from grappe.federation.services import partnerships
from grappe.members.models import Role

STAFF_PROGRAMS = "staff_programs"  # cluster staff who is not an administrator
PARTNER_ACTORS = (*ACTORS, STAFF_PROGRAMS)


def other_instance(name: str, base: str) -> partnerships.Discovered:
    """Another cluster's instance at `base`, with a key of its own, as `discover` reads it."""
    pem = keys.public_pem(Ed25519PrivateKey.generate().public_key())
    return partnerships.Discovered(actor_url=f"{base}/federation/actor", inbox_url=f"{base}/federation/inbox",
                                   name=name, public_key=pem, fingerprint=keys.fingerprint(pem))


def make_partner(approved_by, name: str = "Grappe logistique", base: str = "https://logistique.example.org",
                 status: str = PartnerStatus.ACTIVE, kinds=(ItemKind.OPPORTUNITY,), **fields) -> Partner:
    found = other_instance(name, base)
    if status in (PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED):
        fields.setdefault("they_approved_at", timezone.now())
    if status == PartnerStatus.SUSPENDED:
        fields.setdefault("suspended_by_us", True)  # suspended by our side, which may resume it
    return Partner.objects.create(actor_url=found.actor_url, inbox_url=found.inbox_url, name=name,
                                  public_key=found.public_key, fingerprint=found.fingerprint, status=status,
                                  kinds=list(kinds), approved_by=approved_by, **fields)


def give_up(partner: Partner, activity_type: str = "Create", error: str = "Connection refused") -> OutgoingActivity:
    """An activity for `partner` given up after every attempt."""
    n = OutgoingActivity.objects.count()
    return OutgoingActivity.objects.create(
        partner=partner, activity_id=f"https://grappe.test/federation/activities/{n}", activity_type=activity_type,
        payload={"type": activity_type}, status=DeliveryStatus.FAILED, attempts=8, last_error=error)


def remote_item(partner: Partner, title: str = "Entreposage frigorifique partagé", **fields) -> RemoteItem:
    n = RemoteItem.objects.count()
    return RemoteItem.objects.create(
        partner=partner, object_url=f"{partner.actor_url.removesuffix('/actor')}/items/opportunity/{n}",
        kind=fields.pop("kind", ItemKind.OPPORTUNITY), title=title, summary="Un entrepôt à Laval",
        organisation_name="Transports Laval", published_at=timezone.now() - datetime.timedelta(days=1), **fields)


@pytest.fixture
def partners_matrix(matrix, monkeypatch):
    ctx = matrix
    keys.instance_key()  # made once, on the first page that shows it: made here, a page's request adds no row
    ctx.staff_programs = make_staff("programmes@grappe.test", Role.STAFF_PROGRAMS)
    ctx.partner = make_partner(ctx.staff)
    give_up(ctx.partner)
    give_up(ctx.partner, "Update", "HTTP 503")
    remote_item(ctx.partner)
    ctx.suspended = make_partner(ctx.staff, "Grappe IA", "https://ia.example.org", status=PartnerStatus.SUSPENDED)
    ctx.other_address = "https://technologies-propres.example.org"
    ctx.other = other_instance("Grappe technologies propres", ctx.other_address)
    real = partnerships.discover
    monkeypatch.setattr(partnerships, "discover",
                        lambda address: ctx.other if address == ctx.other_address else real(address))
    return ctx
