"""Interests across clusters, from the services: what travels (the Offer, the Accept, the Reject, read from
the outbox), what is stored, who is told and what the audit trail says, on both sides of the exchange."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.core.errors import Conflict
from grappe.core.models import AuditEntry, Notification
from grappe.events.tests.factories import make_event
from grappe.federation import protocol
from grappe.federation.models import Interest, InterestStatus, ItemKind, PartnerStatus
from grappe.federation.services import inbox, interests
from grappe.labour.tests.factories import make_availability
from grappe.members.models import Capability, OrgRole

from .interest_factories import (  # noqa: F401 — no_delivery is an autouse fixture
    answer,
    make_named_member,
    make_partner,
    make_received,
    make_remote_item,
    make_sent,
    no_delivery,
    offer,
    outbox,
    share,
)


@pytest.fixture
def cluster(db):
    """Our cluster (an organisation with an administrator and a member, the staff) and its partner, which
    shared an opportunity with us; we share one of our availabilities with it."""
    staff = make_staff()
    organisation = make_organisation("Alpha Usinage", neq="1111111111")
    admin = make_named_member(organisation, "admin@alpha.test", "Julie", "Tremblay", OrgRole.ADMIN)
    member = make_named_member(organisation, "user@alpha.test", "Marc", "Roy")
    partner = make_partner(staff)
    item = make_remote_item(partner)
    skill = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    availability = make_availability(organisation, admin, [skill], title="Deux machinistes CNC")
    shared = share(ItemKind.AVAILABILITY, availability, organisation, admin)
    return type("Cluster", (), dict(staff=staff, organisation=organisation, admin=admin, member=member,
                                    partner=partner, item=item, shared=shared))


def entries(action: str) -> list[tuple]:
    return list(AuditEntry.objects.filter(action=action).values_list("actor_id", "target_id"))


def told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind))


# Expressing an interest ------------------------------------------------------------------------------------

def test_an_interest_travels_as_an_offer_to_the_items_cluster_only_without_contact_unless_given(cluster):
    other = make_partner(cluster.staff, name="Grappe IA", actor_url="https://ia.example/federation/actor")
    interest = interests.express(cluster.member, cluster.item, "Nous usinons des pièces de chambre froide.",
                                 give_contact=False)

    assert interest.status == InterestStatus.SENT and interest.organisation == cluster.organisation
    assert interest.person == cluster.member
    [sent] = outbox("Offer")
    assert sent.partner == cluster.partner and sent.partner != other
    assert sent.activity_id == interest.activity_id == sent.payload["id"]
    assert sent.payload["actor"] == protocol.actor_url() and sent.payload["to"] == [cluster.partner.actor_url]
    assert sent.payload["object"] == {"type": "Note", "content": "Nous usinons des pièces de chambre froide.",
                                      "inReplyTo": cluster.item.object_url, "attributedTo": "Alpha Usinage"}
    assert entries("interest.sent") == [(cluster.member.pk, str(interest.pk))]


def test_the_contact_travels_only_when_the_member_ticked_the_box(cluster):
    interests.express(cluster.member, cluster.item, "Intéressés.", give_contact=True)

    [sent] = outbox("Offer")
    assert sent.payload["object"]["grappe:contact"] == {"name": "Marc Roy", "email": "user@alpha.test"}


def test_a_second_click_sends_nothing_more(cluster):
    first = interests.express(cluster.admin, cluster.item, "Intéressés.", give_contact=False)
    second = interests.express(cluster.member, cluster.item, "Encore.", give_contact=True)

    assert second == first
    assert Interest.objects.count() == 1 and len(outbox("Offer")) == 1 and len(entries("interest.sent")) == 1


@pytest.mark.parametrize("status", [PartnerStatus.SUSPENDED, PartnerStatus.REVOKED])
def test_no_interest_in_an_item_of_a_partnership_suspended_or_revoked(cluster, status):
    cluster.partner.status = status
    cluster.partner.save()

    with pytest.raises(Conflict):
        interests.express(cluster.member, cluster.item, "Intéressés.", give_contact=False)
    assert not Interest.objects.exists() and not outbox("Offer")


def test_the_staff_and_an_empty_message_send_no_interest(cluster):
    with pytest.raises(PermissionDenied):
        interests.express(cluster.staff, cluster.item, "Intéressés.", give_contact=False)
    with pytest.raises(ValidationError):
        interests.express(cluster.member, cluster.item, "   ", give_contact=False)
    assert not Interest.objects.exists() and not outbox("Offer")


# Receiving one -------------------------------------------------------------------------------------------

def test_an_offer_about_one_of_our_shared_items_waits_for_the_staff_who_are_told(
        cluster, django_capture_on_commit_callbacks):
    contact = {"name": "Luc Gagnon", "email": "luc@boreal.example"}
    activity = offer(cluster.partner, cluster.shared, contact=contact)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox.receive(cluster.partner, activity) is True

    interest = Interest.objects.get()
    assert (interest.status, interest.partner, interest.shared_item) == (
        InterestStatus.RECEIVED, cluster.partner, cluster.shared)
    assert interest.activity_id == activity["id"] and interest.remote_item is None
    assert interest.remote_organisation == "Transports Boréal"
    assert interest.message == "Nous avons des camions."
    assert interest.remote_contact == {"name": "Luc Gagnon", "email": "luc@boreal.example"}
    assert entries("interest.received") == [(None, str(interest.pk))]
    [notice] = told(cluster.staff, "federation.interest_received")
    assert (notice.params["title"], notice.params["partner"]) == ("Deux machinistes CNC", "Grappe logistique")
    assert not told(cluster.admin, "federation.interest_received")


def test_an_offer_delivered_twice_is_one_interest(cluster):
    activity = offer(cluster.partner, cluster.shared)
    inbox.receive(cluster.partner, activity)

    assert inbox.receive(cluster.partner, activity) is False
    assert Interest.objects.count() == 1


def test_a_contact_that_is_no_email_is_not_kept(cluster):
    activity = offer(cluster.partner, cluster.shared, contact={"name": "X", "email": "nope"})
    inbox.receive(cluster.partner, activity)

    assert Interest.objects.get().remote_contact == {}


@pytest.mark.parametrize("about", ["unshared", "other_instance", "kind_not_received", "not_an_item"])
def test_an_offer_about_anything_we_do_not_share_with_that_partner_is_refused(cluster, about):
    if about == "unshared":
        url = protocol.object_url(ItemKind.AVAILABILITY, cluster.shared.object_id + 1000)
    elif about == "other_instance":
        url = f"https://ailleurs.example/federation/items/availability/{cluster.shared.object_id}"
    elif about == "kind_not_received":
        cluster.partner.kinds = [ItemKind.OPPORTUNITY]
        cluster.partner.save()
        url = protocol.object_url(ItemKind.AVAILABILITY, cluster.shared.object_id)
    else:
        url = protocol.actor_url()
    activity = offer(cluster.partner, url=url)

    inbox.receive(cluster.partner, activity)

    assert not Interest.objects.exists() and not entries("interest.received")
    [refusal] = outbox("Reject")
    assert refusal.partner == cluster.partner and refusal.payload["object"] == activity["id"]
    assert refusal.payload["contentMap"]["fr"] and refusal.payload["contentMap"]["en"]


# Answering it --------------------------------------------------------------------------------------------

def test_introducing_asks_the_items_administrators_and_sends_nothing_yet(
        cluster, django_capture_on_commit_callbacks):
    interest = make_received(cluster.partner, cluster.shared)
    with django_capture_on_commit_callbacks(execute=True):
        interests.introduce(cluster.staff, interest)

    interest.refresh_from_db()
    assert interest.status == InterestStatus.ASKED
    assert entries("interest.asked") == [(cluster.staff.pk, str(interest.pk))]
    [notice] = told(cluster.admin, "federation.interest_asked")
    assert notice.url.endswith(f"/clusters/interests/received/{interest.pk}/")
    assert not told(cluster.member, "federation.interest_asked")
    assert not outbox("Accept")


def test_consent_sends_the_administrators_contact_in_an_accept(cluster, django_capture_on_commit_callbacks):
    interest = make_received(cluster.partner, cluster.shared, status=InterestStatus.ASKED)

    with django_capture_on_commit_callbacks(execute=True):
        interests.consent(cluster.admin, interest)

    interest.refresh_from_db()
    assert interest.status == InterestStatus.INTRODUCED and interest.decided_by == cluster.admin
    [accept] = outbox("Accept")
    assert accept.partner == cluster.partner and accept.payload["object"] == interest.activity_id
    contact = {"name": "Julie Tremblay", "email": "admin@alpha.test"}
    assert accept.payload["result"]["grappe:contact"] == contact
    assert "admin@alpha.test" in accept.payload["result"]["contentMap"]["fr"]
    assert "Deux machinistes CNC" in accept.payload["result"]["contentMap"]["en"]
    assert entries("interest.introduced") == [(cluster.admin.pk, str(interest.pk))]
    [notice] = told(cluster.staff, "federation.interest_agreed")
    assert notice.params["owner"] == "Alpha Usinage"


def test_an_event_has_no_owner_to_ask_the_staff_introduce_at_once(cluster):
    event = make_event(cluster.staff, title="Salon de la logistique")
    shared = share(ItemKind.EVENT, event, None, cluster.staff)
    interest = make_received(cluster.partner, shared)

    interests.introduce(cluster.staff, interest)

    interest.refresh_from_db()
    assert interest.status == InterestStatus.INTRODUCED
    [accept] = outbox("Accept")
    contact = {"name": "Nadia Bouchard", "email": "staff@grappe.test"}
    assert accept.payload["result"]["grappe:contact"] == contact
    assert entries("interest.introduced") == [(cluster.staff.pk, str(interest.pk))]


def test_only_an_administrator_of_the_items_organisation_consents_and_only_once_asked(cluster):
    other_admin = make_member(make_organisation("Bravo", neq="2222222222"), "admin@bravo.test", OrgRole.ADMIN)
    asked = make_received(cluster.partner, cluster.shared, status=InterestStatus.ASKED)
    waiting = make_received(cluster.partner, cluster.shared)

    for user, interest in [(cluster.member, asked), (other_admin, asked), (cluster.staff, asked),
                           (cluster.admin, waiting)]:
        with pytest.raises(PermissionDenied):
            interests.consent(user, interest)
    assert not outbox("Accept") and not entries("interest.introduced")


def test_declining_sends_a_reject_with_the_reason(cluster):
    interest = make_received(cluster.partner, cluster.shared)

    interests.decline(cluster.staff, interest, "Cette offre est déjà pourvue.")

    interest.refresh_from_db()
    assert interest.status == InterestStatus.DECLINED
    [reject] = outbox("Reject")
    assert reject.payload["object"] == interest.activity_id
    assert reject.payload["content"] == "Cette offre est déjà pourvue."
    assert entries("interest.declined") == [(cluster.staff.pk, str(interest.pk))]


def test_the_owner_declines_once_asked_and_an_answered_interest_is_not_answered_again(
        cluster, django_capture_on_commit_callbacks):
    waiting = make_received(cluster.partner, cluster.shared)
    with pytest.raises(PermissionDenied):
        interests.decline(cluster.admin, waiting)
    asked = make_received(cluster.partner, cluster.shared, status=InterestStatus.ASKED)

    with django_capture_on_commit_callbacks(execute=True):
        interests.decline(cluster.admin, asked)

    with pytest.raises(Conflict):
        interests.decline(cluster.staff, asked)
    with pytest.raises(Conflict):
        interests.introduce(cluster.staff, asked)
    assert len(outbox("Reject")) == 1 and len(entries("interest.declined")) == 1
    assert told(cluster.staff, "federation.interest_refused")


def test_nothing_is_answered_to_a_partner_suspended_since(cluster):
    interest = make_received(cluster.partner, cluster.shared)
    cluster.partner.status = PartnerStatus.SUSPENDED
    cluster.partner.save()

    with pytest.raises(Conflict):
        interests.introduce(cluster.staff, interest)
    assert not outbox("Accept") and not outbox("Reject")


# The answer, back on the interested side --------------------------------------------------------------------

def test_an_accept_gives_the_interested_member_the_contact(cluster, django_capture_on_commit_callbacks):
    interest = make_sent(cluster.member, cluster.item)
    result = {"type": "Note", "content": "Julie accepte.",
              "contentMap": {"fr": "Julie accepte.", "en": "Julie agrees."},
              "grappe:contact": {"name": "Julie Fortin", "email": "julie@froid.example"}}
    with django_capture_on_commit_callbacks(execute=True):
        inbox.receive(cluster.partner, answer(cluster.partner, "Accept", interest, result=result))

    interest.refresh_from_db()
    assert interest.status == InterestStatus.INTRODUCED
    assert interest.answer["contact"] == {"name": "Julie Fortin", "email": "julie@froid.example"}
    assert interest.answer["message_en"] == "Julie agrees."
    assert entries("interest.introduced") == [(None, str(interest.pk))]
    [notice] = told(cluster.member, "federation.interest_introduced")
    assert notice.params["title"] == "Entreposage frigorifique"
    assert not told(cluster.admin, "federation.interest_introduced")


def test_a_reject_declines_our_interest_and_says_so(cluster, django_capture_on_commit_callbacks):
    interest = make_sent(cluster.member, cluster.item)
    with django_capture_on_commit_callbacks(execute=True):
        inbox.receive(cluster.partner, answer(cluster.partner, "Reject", interest, content="Déjà pourvu."))

    interest.refresh_from_db()
    assert interest.status == InterestStatus.DECLINED and interest.answer["message"] == "Déjà pourvu."
    assert entries("interest.declined") == [(None, str(interest.pk))]
    assert told(cluster.member, "federation.interest_declined")


def test_an_answer_from_another_partner_or_to_an_answered_interest_changes_nothing(cluster):
    interest = make_sent(cluster.member, cluster.item)
    other = make_partner(cluster.staff, name="Grappe IA", actor_url="https://ia.example/federation/actor")
    contact = {"name": "X", "email": "x@ia.example"}
    inbox.receive(other, answer(other, "Accept", interest, result={"grappe:contact": contact}))
    interest.refresh_from_db()
    assert interest.status == InterestStatus.SENT

    inbox.receive(cluster.partner, answer(cluster.partner, "Reject", interest))
    inbox.receive(cluster.partner, answer(cluster.partner, "Accept", interest))
    interest.refresh_from_db()
    assert interest.status == InterestStatus.DECLINED and not entries("interest.introduced")


def test_the_interested_organisations_administrators_are_told_when_its_person_left(
        cluster, django_capture_on_commit_callbacks):
    interest = make_sent(cluster.member, cluster.item)
    cluster.member.is_active = False
    cluster.member.save()

    with django_capture_on_commit_callbacks(execute=True):
        inbox.receive(cluster.partner, answer(cluster.partner, "Reject", interest))

    assert told(cluster.admin, "federation.interest_declined")
