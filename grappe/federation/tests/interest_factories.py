"""Partners, items and interests for the tests of interests across clusters, written straight to the database
(the partnerships' and the items' services are tested on their own), and the activities a partner sends."""

import datetime
import uuid

import pytest
from django.utils import timezone

from grappe.conftest import make_member
from grappe.federation import protocol
from grappe.federation.models import (
    Interest,
    InterestStatus,
    ItemKind,
    OutgoingActivity,
    Partner,
    PartnerStatus,
    RemoteItem,
    SharedItem,
)
from grappe.federation.services import delivery
from grappe.members.models import OrgRole, Person

LOGISTICS = "https://logistique.example/federation/actor"


@pytest.fixture(autouse=True)
def no_delivery(monkeypatch):
    """Delivery is the transport's (tested there): here an activity stays in the outbox, where tests read
    it."""
    monkeypatch.setattr(delivery, "deliver_due", lambda: 0)


def make_named_member(organisation, email: str, first_name: str, last_name: str,
                      org_role: str = OrgRole.MEMBER):
    """A member user whose person has a real name (what travels as a contact)."""
    user = make_member(organisation, email, org_role)
    Person.objects.filter(user=user).update(first_name=first_name, last_name=last_name)
    user.refresh_from_db()
    return user


def make_partner(approved_by, name: str = "Grappe logistique", actor_url: str = LOGISTICS,
                 status: str = PartnerStatus.ACTIVE, kinds=None) -> Partner:
    base = actor_url.removesuffix("/federation/actor")
    return Partner.objects.create(
        actor_url=actor_url, inbox_url=f"{base}/federation/inbox", name=name, status=status,
        public_key="-----BEGIN PUBLIC KEY-----\nnot used here\n-----END PUBLIC KEY-----\n",
        fingerprint="ABCD " * 16, kinds=list(ItemKind.values) if kinds is None else kinds,
        approved_by=approved_by)


def make_remote_item(partner: Partner, *, kind: str = ItemKind.OPPORTUNITY,
                     title: str = "Entreposage frigorifique", days_ago: int = 1, **fields) -> RemoteItem:
    number = RemoteItem.objects.count() + 1
    base = partner.actor_url.removesuffix("/federation/actor")
    published = timezone.now() - datetime.timedelta(days=days_ago)
    values = {"summary": "Un entrepôt à -25 °C cherche des partenaires.",
              "organisation_name": "Froid Logistique",
              "data": {"name": title, "summary": "Un entrepôt à -25 °C.", "content": "Un entrepôt à -25 °C à Laval.",
                       "grappe:region": {"code": "13", "label_fr": "Laval", "label_en": "Laval"}},
              "published_at": published, "updated_at": published, **fields}
    return RemoteItem.objects.create(partner=partner, object_url=f"{base}/federation/items/{kind}/{number}",
                                     kind=kind, title=title, **values)


def share(kind: str, item, organisation, shared_by) -> SharedItem:
    return SharedItem.objects.create(kind=kind, object_id=item.pk, organisation=organisation,
                                     shared_by=shared_by)


def offer(partner: Partner, shared: SharedItem | None = None, *, url: str = "",
          message: str = "Nous avons des camions.", organisation: str = "Transports Boréal",
          contact: dict | None = None) -> dict:
    """The Offer a partner's member sends about one of our shared items (or about `url`)."""
    note = {"type": "Note", "content": message, "attributedTo": organisation,
            "inReplyTo": url or protocol.object_url(shared.kind, shared.object_id)}
    if contact is not None:
        note["grappe:contact"] = contact
    return _activity(partner, "Offer", note)


def answer(partner: Partner, activity_type: str, interest: Interest, **extra) -> dict:
    """A partner's Accept or Reject of one of our sent interests."""
    return _activity(partner, activity_type, interest.activity_id, **extra)


def _activity(partner: Partner, activity_type: str, obj, **extra) -> dict:
    base = partner.actor_url.removesuffix("/federation/actor")
    return {"@context": protocol.CONTEXT, "id": f"{base}/federation/activities/{uuid.uuid4()}",
            "type": activity_type, "actor": partner.actor_url, "object": obj, "to": [protocol.actor_url()],
            "published": timezone.now().isoformat(), **extra}


def make_received(partner: Partner, shared: SharedItem, status: str = InterestStatus.RECEIVED,
                  **fields) -> Interest:
    values = {"remote_organisation": "Transports Boréal", "message": "Nous avons des camions.",
              "remote_contact": {"name": "Luc Gagnon", "email": "luc@boreal.example"}, **fields}
    return Interest.objects.create(activity_id=_activity(partner, "Offer", {})["id"], partner=partner,
                                   shared_item=shared, status=status, **values)


def make_sent(user, item: RemoteItem, status: str = InterestStatus.SENT, **fields) -> Interest:
    return Interest.objects.create(activity_id=protocol.new_activity_id(), partner=item.partner,
                                   remote_item=item, organisation=user.organisation, person=user,
                                   status=status, message="Intéressés.", **fields)


def outbox(activity_type: str) -> list[OutgoingActivity]:
    return list(OutgoingActivity.objects.filter(activity_type=activity_type).order_by("pk"))
