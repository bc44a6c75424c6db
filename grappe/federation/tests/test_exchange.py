"""What two clusters exchange once partners, over real HTTP between two instances (instances.py): A (this process,
"Grappe aérospatiale") shares an opportunity; B ("Grappe logistique", the second instance) shows it marked as
A's, follows its edits and its withdrawal; a member of B says it is interested; A's staff and the opportunity's
organisation make the introduction, whose contact reaches B; a revocation on A hides A's items at B and stops the
exchange; a kind A's staff did not allow for B never travels."""

import pytest

from grappe.core.models import Notification
from grappe.federation import protocol
from grappe.federation.models import Interest, InterestStatus, ItemKind, OutgoingActivity, PartnerStatus
from grappe.federation.services import interests, partnerships, sharing
from grappe.partnering.models import OpportunityStatus

from .item_factories import make_declared_need, make_opportunity
from .test_two_instances import APPROVE, partner_in_second

pytestmark = pytest.mark.two_instances

# Run inside B: the items received from A as B's members see them, and every one of them, withdrawn or not.
B_ITEMS = """
from grappe.federation import selectors
from grappe.federation.models import RemoteItem
def described(item):
    return {"title": item.title, "kind": item.kind, "cluster": item.partner.name, "summary": item.summary,
            "organisation": item.organisation_name, "withdrawn": item.withdrawn_at is not None,
            "object_url": item.object_url}
result = {"visible": [described(item) for item in selectors.visible_remote_items()],
          "all": [described(item) for item in RemoteItem.objects.order_by("pk")]}
"""
# Run inside B: a member of one of B's organisations says it is interested in the item received from A.
B_EXPRESS = """
from grappe.federation.models import RemoteItem
from grappe.federation.services import interests
from grappe.members.models import Organisation, OrgRole, Person, User
organisation, _ = Organisation.objects.get_or_create(
    slug="transports-boreal", defaults={"legal_name": "Transports Boréal", "kind": "sme", "city": "Laval",
                                        "region": "13"})
user = User.objects.filter(email="luc@boreal.test").first()
if user is None:
    user = User.objects.create_user("luc@boreal.test", "not-used-here-1234", full_name="Luc Gagnon")
    Person.objects.create(organisation=organisation, user=user, email="luc@boreal.test", first_name="Luc",
                          last_name="Gagnon", org_role=OrgRole.MEMBER)
item = RemoteItem.objects.get(object_url=object_url)
try:
    interest = interests.express(user, item, message, give_contact)
    result = {"status": interest.status, "id": interest.pk}
except Exception as error:
    result = {"refused": type(error).__name__, "code": getattr(error, "code", "")}
"""
# Run inside B: its interests sent, with what came back.
B_INTERESTS = """
from grappe.federation.models import Interest
result = [{"status": i.status, "answer": i.answer, "title": i.remote_item.title}
          for i in Interest.objects.filter(remote_item__isnull=False).select_related("remote_item")]
"""


@pytest.fixture
def partners(second, staff, live_server):
    """A and B partners: B takes A's opportunities (and nothing else); A takes B's opportunities."""
    second.run(APPROVE, address=live_server.url, kinds=[ItemKind.OPPORTUNITY])
    partner = partnerships.approve(staff, partnerships.discover(second.url), [ItemKind.OPPORTUNITY])
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
    assert partner_in_second(second)["status"] == PartnerStatus.ACTIVE
    return partner


@pytest.fixture
def opportunity(org_a, org_admin, capability):
    person = org_admin.person
    person.first_name, person.last_name = "Julie", "Fortin"
    person.save()
    return make_opportunity(org_a, org_admin, capability, title="Supports en titane",
                            description="Usinage 5 axes de supports en titane pour un train d'atterrissage.")


def items_in_second(second):
    return second.run(B_ITEMS)


def test_a_shared_opportunity_reaches_the_partner_marked_as_ours_and_follows_its_edits(
        partners, second, org_admin, opportunity):
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)

    [item] = items_in_second(second)["visible"]
    assert item["title"] == "Supports en titane" and item["kind"] == ItemKind.OPPORTUNITY
    assert item["cluster"] == "Grappe aérospatiale" and item["organisation"] == "Alpha Usinage"
    assert item["object_url"] == protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk)

    opportunity.title = "Supports en titane et en inconel"
    opportunity.description = "Usinage 5 axes, deux alliages."
    opportunity.save()

    [item] = items_in_second(second)["visible"]
    assert (item["title"], item["summary"]) == ("Supports en titane et en inconel", "Usinage 5 axes, deux alliages.")


def test_an_opportunity_closed_at_the_origin_is_withdrawn_at_the_partner(partners, second, org_admin, opportunity):
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    assert len(items_in_second(second)["visible"]) == 1

    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()

    found = items_in_second(second)
    assert found["visible"] == []
    assert [item["withdrawn"] for item in found["all"]] == [True]


def test_an_opportunity_no_longer_shared_is_withdrawn_at_the_partner(partners, second, org_admin, opportunity):
    shared = sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    sharing.unshare(org_admin, shared)
    found = items_in_second(second)
    assert found["visible"] == [] and [item["withdrawn"] for item in found["all"]] == [True]


def test_an_interest_of_the_partners_member_is_introduced_with_the_owners_consent(
        partners, second, staff, org_admin, opportunity):
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    object_url = protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk)

    sent = second.run(B_EXPRESS, object_url=object_url, message="Nous transportons des pièces aéronautiques.",
                      give_contact=True)
    assert sent["status"] == InterestStatus.SENT

    [received] = Interest.objects.filter(remote_item__isnull=True)
    assert received.status == InterestStatus.RECEIVED and received.partner == partners
    assert received.shared_item.object_id == opportunity.pk
    assert received.remote_organisation == "Transports Boréal"
    assert received.remote_contact == {"name": "Luc Gagnon", "email": "luc@boreal.test"}
    assert received.message == "Nous transportons des pièces aéronautiques."
    [told] = Notification.objects.filter(kind="federation.interest_received")
    assert told.user == staff and told.params["organisation"] == "Transports Boréal"

    received = interests.introduce(staff, received)
    assert second.run(B_INTERESTS)[0]["status"] == InterestStatus.SENT  # nothing travels before the consent
    interests.consent(org_admin, received)

    received.refresh_from_db()
    assert received.status == InterestStatus.INTRODUCED
    [answered] = second.run(B_INTERESTS)
    assert answered["status"] == InterestStatus.INTRODUCED
    assert answered["answer"]["contact"] == {"name": "Julie Fortin", "email": "admin@alpha.test"}


def test_an_interest_declined_at_the_origin_reaches_the_member_declined(partners, second, staff, org_admin,
                                                                          opportunity):
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    second.run(B_EXPRESS, object_url=protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk),
               message="Intéressés.", give_contact=False)
    received = Interest.objects.get(remote_item__isnull=True)
    assert received.remote_contact == {}

    interests.decline(staff, received, "Le projet est déjà pourvu.")

    [answered] = second.run(B_INTERESTS)
    assert answered["status"] == InterestStatus.DECLINED
    assert answered["answer"]["message"] == "Le projet est déjà pourvu."


def test_a_revocation_hides_our_items_at_the_partner_and_stops_the_exchange(
        partners, second, staff, org_a, org_admin, capability, opportunity):
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    assert len(items_in_second(second)["visible"]) == 1

    partnerships.revoke(staff, partners)

    assert partner_in_second(second)["status"] == PartnerStatus.SUSPENDED
    assert items_in_second(second)["visible"] == []
    sent_before = OutgoingActivity.objects.count()
    opportunity.title = "Supports en titane, révisé"
    opportunity.save()
    other = make_opportunity(org_a, org_admin, capability, title="Carénages composites")
    sharing.share(org_admin, ItemKind.OPPORTUNITY, other)
    assert OutgoingActivity.objects.count() == sent_before  # nothing of ours leaves for it
    refused = second.run(B_EXPRESS, object_url=protocol.object_url(ItemKind.OPPORTUNITY, opportunity.pk),
                         message="Intéressés.", give_contact=True)
    assert refused == {"refused": "Conflict", "code": "not_available"}
    assert not Interest.objects.exists()
    assert [item["title"] for item in items_in_second(second)["all"]] == ["Supports en titane"]


def test_a_kind_not_allowed_for_the_partner_never_travels(partners, second, org_a, org_admin, capability,
                                                          opportunity):
    need = make_declared_need(org_a, org_admin, capability, description="Un besoin d'usinage.")
    sharing.share(org_admin, ItemKind.DECLARED_NEED, need)
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)

    assert [item["kind"] for item in items_in_second(second)["all"]] == [ItemKind.OPPORTUNITY]
    assert not OutgoingActivity.objects.filter(payload__object__has_key="grappe:kind").exclude(
        payload__object__contains={"grappe:kind": ItemKind.OPPORTUNITY}).exists()


def test_a_member_of_the_partner_cannot_offer_interest_in_an_item_of_a_kind_it_does_not_receive(
        partners, second, staff, org_a, org_admin, capability, opportunity):
    """Were the partner's member to name one of our items of a kind we do not send it, our inbox refuses it."""
    need = make_declared_need(org_a, org_admin, capability)
    sharing.share(org_admin, ItemKind.DECLARED_NEED, need)
    second.run("""
from grappe.federation.models import Partner, RemoteItem
from django.utils import timezone
partner = Partner.objects.get()
RemoteItem.objects.create(partner=partner, object_url=object_url, kind="need", title="Un besoin",
                          published_at=timezone.now(), updated_at=timezone.now())
""", object_url=protocol.object_url(ItemKind.DECLARED_NEED, need.pk))

    second.run(B_EXPRESS, object_url=protocol.object_url(ItemKind.DECLARED_NEED, need.pk), message="Intéressés.",
               give_contact=True)

    assert not Interest.objects.exists()
    [answered] = second.run(B_INTERESTS)
    assert answered["status"] == InterestStatus.DECLINED


def test_an_opportunity_closed_while_the_partnership_was_suspended_is_withdrawn_once_it_resumes(
        partners, second, staff, org_a, org_admin, capability, opportunity):
    """Nothing leaves for a suspended partner, the Delete included: the resumption sends it."""
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    still_shared = make_opportunity(org_a, org_admin, capability, title="Carénages composites")
    sharing.share(org_admin, ItemKind.OPPORTUNITY, still_shared)
    partnerships.suspend(staff, partners)
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()

    partnerships.resume(staff, partners)

    assert partner_in_second(second)["status"] == PartnerStatus.ACTIVE
    assert [item["title"] for item in items_in_second(second)["visible"]] == ["Carénages composites"]


def test_an_opportunity_closed_after_a_revocation_is_not_shown_again_when_the_partnership_is_approved_again(
        partners, second, staff, org_admin, opportunity):
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    partnerships.revoke(staff, partners)
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()

    partnerships.approve(staff, partnerships.discover(second.url), [ItemKind.OPPORTUNITY])

    assert partner_in_second(second)["status"] == PartnerStatus.ACTIVE
    assert items_in_second(second)["visible"] == []


def test_a_kind_the_staff_stop_sending_is_withdrawn_at_the_partner(partners, second, staff, org_admin,
                                                                   opportunity):
    sharing.share(org_admin, ItemKind.OPPORTUNITY, opportunity)
    assert len(items_in_second(second)["visible"]) == 1

    partnerships.set_kinds(staff, partners, [ItemKind.EVENT])

    assert items_in_second(second)["visible"] == []
    partnerships.set_kinds(staff, partners, [ItemKind.OPPORTUNITY, ItemKind.EVENT])  # allowed again: sent again
    assert [item["title"] for item in items_in_second(second)["visible"]] == ["Supports en titane"]
