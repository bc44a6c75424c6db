"""Two Grappe instances on loopback, over real HTTP (instances.py): a partnership formed by both staffs, activities
delivered once however many times they arrive, a partner down then back, forged and replayed requests refused,
and a suspension or revocation stopping the exchange both ways."""

import datetime
import json

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grappe.federation import protocol, signatures, statistics
from grappe.federation.models import DeliveryStatus, OutgoingActivity, Partner, PartnerStatus
from grappe.federation.services import delivery, partnerships
from grappe.members.models import OrganisationKind

pytestmark = pytest.mark.two_instances

# Run inside the second instance (B): its staff approve the address given, then how B sees that partner.
APPROVE = """
from grappe.federation.services import partnerships
from grappe.members.models import Role, User
staff, _ = User.objects.get_or_create(email="staff@logistique.test",
                                      defaults={"role": Role.STAFF_ADMIN, "full_name": "Luc Tremblay"})
result = partnerships.approve(staff, partnerships.discover(address), kinds).actor_url
"""
DECIDE = """
from grappe.federation.models import Partner
from grappe.federation.services import partnerships
from grappe.members.models import User
getattr(partnerships, decision)(User.objects.get(email="staff@logistique.test"), Partner.objects.get(actor_url=actor))
"""
PARTNER = """
from grappe.federation.models import Partner
partner = Partner.objects.filter(actor_url=actor).first()
result = partner and {"status": partner.status, "name": partner.name}
"""
RECEIVED = """
from grappe.federation.models import ReceivedActivity
result = list(ReceivedActivity.objects.filter(partner__actor_url=actor).order_by("pk")
              .values_list("activity_id", flat=True))
"""
# B signs an activity of its own for A's inbox, and posts it.
POST_TO_FIRST = """
import json, requests
from grappe.federation import protocol, signatures, statistics
body = json.dumps(protocol.activity("Announce", {"type": "Note"})).encode()
url = address + "/federation/inbox"
headers = signatures.sign("POST", url, {"Content-Type": protocol.MEDIA_TYPE}, body)
result = requests.post(url, data=body, headers=headers, timeout=10).status_code
"""


def publish(activity_type="Announce", obj=None, **options):
    """Publish as our services do: rows written in a transaction, delivered once it commits."""
    with transaction.atomic():
        return delivery.publish(activity_type, obj or {"type": "Note", "content": "Bonjour"}, **options)


def partner_in_second(second):
    return second.run(PARTNER, actor=protocol.actor_url())


def received_by_second(second):
    return second.run(RECEIVED, actor=protocol.actor_url())


@pytest.fixture
def partnership(second, staff, live_server):
    """A partnership formed: B's staff approved A first (A, not knowing B yet, refused its Follow), then A's
    staff approved B; our Follow made it active on B's side, and B's answer on ours."""
    second.run(APPROVE, address=live_server.url, kinds=["opportunity"])
    partner = partnerships.approve(staff, partnerships.discover(second.url), ["opportunity"])
    partner.refresh_from_db()
    return partner


def test_a_partnership_is_active_on_both_sides_once_both_staffs_approved(second, staff, live_server):
    second.run(APPROVE, address=live_server.url, kinds=[])
    assert partner_in_second(second) == {"status": PartnerStatus.WAITING, "name": "Grappe aérospatiale"}
    discovered = partnerships.discover(second.url)
    assert (discovered.name, discovered.actor_url) == ("Grappe logistique", second.actor_url)

    partner = partnerships.approve(staff, discovered, [])

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE and partner.they_approved_at is not None
    assert partner_in_second(second)["status"] == PartnerStatus.ACTIVE
    assert OutgoingActivity.objects.get(partner=partner, activity_type="Follow").status == DeliveryStatus.DELIVERED


def test_an_activity_reaches_the_partner(partnership, second):
    [row] = publish()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED and row.attempts == 1
    assert row.activity_id in received_by_second(second)


def test_an_activity_delivered_twice_is_stored_once(partnership, second):
    [row] = publish()
    OutgoingActivity.objects.filter(pk=row.pk).update(status=DeliveryStatus.PENDING)  # as after a lost answer
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED and row.attempts == 2
    assert received_by_second(second).count(row.activity_id) == 1


def test_a_partner_down_gets_the_activity_once_it_is_back(partnership, second):
    second.stop()
    [row] = publish()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1 and "ConnectionError" in row.last_error
    assert row.next_attempt_at > timezone.now() + delivery.FIRST_RETRY - datetime.timedelta(seconds=10)

    second.start()
    assert delivery.deliver_due() == 0  # its time has not come
    OutgoingActivity.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver_due() == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED and row.attempts == 2
    assert row.activity_id in received_by_second(second)


def test_forged_altered_old_and_replayed_requests_are_refused(partnership, second):
    def post(body, headers):
        return requests.post(second.url + "/federation/inbox", data=body, headers=headers, timeout=10).status_code

    def signed(activity, **options):
        body = json.dumps(activity).encode()
        headers = signatures.sign("POST", second.url + "/federation/inbox",
                                  {"Content-Type": protocol.MEDIA_TYPE}, body, **options)
        return body, headers

    genuine = protocol.activity("Announce", {"type": "Note"})
    body, headers = signed(genuine)
    assert post(body, headers) == 202
    assert post(body, headers) == 401  # replayed
    assert post(*signed(protocol.activity("Announce", {}), private_key=Ed25519PrivateKey.generate())) == 401
    body, headers = signed(protocol.activity("Announce", {"content": "original"}))
    assert post(body.replace(b"original", b"modified"), headers) == 401
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    assert post(*signed(protocol.activity("Announce", {}), created=old)) == 401
    assert received_by_second(second) == [
        OutgoingActivity.objects.get(activity_type="Follow").activity_id, genuine["id"]]


def test_a_revocation_stops_the_exchange_both_ways(partnership, second, staff, live_server):
    partnerships.revoke(staff, partnership)
    assert OutgoingActivity.objects.get(activity_type="Block").status == DeliveryStatus.DELIVERED
    assert partner_in_second(second)["status"] == PartnerStatus.SUSPENDED  # our Block reached it

    assert publish() == []  # nothing of ours leaves for it
    assert second.run(POST_TO_FIRST, address=live_server.url) == 403  # nothing of its reaches us
    forced = publish(partners=[partnership])  # were a service to insist
    delivery.deliver_due()
    assert OutgoingActivity.objects.get(pk=forced[0].pk).status == DeliveryStatus.HALTED
    assert received_by_second(second) == [row.activity_id for row in OutgoingActivity.objects.filter(
        activity_type__in=["Follow", "Block"], status=DeliveryStatus.DELIVERED).order_by("pk")]


def test_a_suspension_by_the_partner_stops_the_exchange_until_it_resumes(partnership, second, live_server):
    second.run(DECIDE, decision="suspend", actor=protocol.actor_url())
    partner = Partner.objects.get()
    assert partner.status == PartnerStatus.SUSPENDED and partner.they_blocked_at is not None
    assert publish() == []
    assert second.run(POST_TO_FIRST, address=live_server.url) == 403

    second.run(DECIDE, decision="resume", actor=protocol.actor_url())
    assert Partner.objects.get().status == PartnerStatus.ACTIVE
    assert second.run(POST_TO_FIRST, address=live_server.url) == 202
    [row] = publish()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED


def test_a_partner_reads_the_others_figures_with_a_signed_request_only(partnership, second):
    figures = statistics.partner_figures(partnership)

    assert set(figures) == {"k", *statistics.BREAKDOWNS} and figures["k"] >= 1
    assert {cell["key"] for cell in figures["members_by_type"]["groups"]} <= set(OrganisationKind.values)
    unsigned = requests.get(protocol.statistics_url(partnership.actor_url), timeout=10)
    assert unsigned.status_code == 401


def test_the_staff_see_an_active_partners_figures(partnership, second, staff):
    client = Client()
    client.force_login(staff)

    page = client.get(reverse("federation:partner-figures", args=[partnership.pk]))

    assert page.status_code == 200 and page.context["error"] is None
    assert 'data-testid="by-region"' in page.content.decode()
