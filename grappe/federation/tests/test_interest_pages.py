"""Interests across clusters, through the pages: a member says it is interested (and what travels is said
before it does), the staff introduce or decline, the item's organisation consents, and the answer comes back.
"""

import uuid

import pytest
from django.urls import reverse

from grappe.conftest import make_organisation, make_staff
from grappe.federation.models import Interest, InterestStatus, ItemKind
from grappe.labour.tests.factories import make_availability
from grappe.members.models import Capability, OrgRole

from .interest_factories import (  # noqa: F401 — no_delivery is an autouse fixture
    make_named_member,
    make_partner,
    make_received,
    make_remote_item,
    make_sent,
    no_delivery,
    outbox,
    share,
)


@pytest.fixture
def cluster(db):
    staff = make_staff()
    organisation = make_organisation("Alpha Usinage", neq="1111111111")
    admin = make_named_member(organisation, "admin@alpha.test", "Julie", "Tremblay", OrgRole.ADMIN)
    member = make_named_member(organisation, "user@alpha.test", "Marc", "Roy")
    partner = make_partner(staff)
    item = make_remote_item(partner)
    skill = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    availability = make_availability(organisation, admin, [skill])
    shared = share(ItemKind.AVAILABILITY, availability, organisation, admin)
    return type("Cluster", (), dict(staff=staff, organisation=organisation, admin=admin, member=member,
                                    partner=partner, item=item, shared=shared))


def interest_data(**more) -> dict:
    return {"form_token": str(uuid.uuid4()), "message": "Nous usinons des pièces de chambre froide.", **more}


def test_the_item_page_says_what_travels_before_the_member_sends(client, cluster):
    client.force_login(cluster.member)

    page = client.get(reverse("federation:remote-detail", args=[cluster.item.pk])).content.decode()

    assert "Entreposage frigorifique" in page and "de Grappe logistique" in page
    assert "le nom de votre organisation (Alpha Usinage), votre message" in page
    assert 'name="give_contact"' in page and 'name="give_contact" checked' not in page
    assert "Laval" in page  # a field of the item as received


def test_sending_an_interest_without_the_contact(client, cluster):
    client.force_login(cluster.member)
    url = reverse("federation:remote-interest", args=[cluster.item.pk])

    response = client.post(url, interest_data())

    assert response.status_code == 302
    interest = Interest.objects.get()
    assert interest.status == InterestStatus.SENT and interest.person == cluster.member
    [offer] = outbox("Offer")
    assert "grappe:contact" not in offer.payload["object"]
    page = client.get(response.url).content.decode()
    assert 'data-testid="our-interest"' in page and 'name="message"' not in page


def test_sending_an_interest_with_the_contact_and_clicking_twice(client, cluster):
    client.force_login(cluster.member)
    url = reverse("federation:remote-interest", args=[cluster.item.pk])
    data = interest_data(give_contact="on")

    client.post(url, data)
    client.post(url, data)
    client.post(url, interest_data())

    assert Interest.objects.count() == 1
    [offer] = outbox("Offer")
    assert offer.payload["object"]["grappe:contact"] == {"name": "Marc Roy", "email": "user@alpha.test"}


def test_an_empty_message_is_refused_beside_the_form(client, cluster):
    client.force_login(cluster.member)

    url = reverse("federation:remote-interest", args=[cluster.item.pk])
    response = client.post(url, interest_data(message=""))

    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Interest.objects.exists()


def test_our_interests_show_the_contact_received_and_the_declines(client, cluster):
    other = make_remote_item(cluster.partner, title="Quai de transbordement")
    make_sent(cluster.admin, cluster.item, status=InterestStatus.INTRODUCED,
              answer={"contact": {"name": "Julie Fortin", "email": "julie@froid.example"}})
    make_sent(cluster.admin, other, status=InterestStatus.DECLINED, answer={"message": "Déjà pourvu."})
    client.force_login(cluster.member)

    page = client.get(reverse("federation:sent-interests")).content.decode()

    assert "Entreposage frigorifique" in page and "mailto:julie@froid.example" in page
    assert "Quai de transbordement" in page and "Déjà pourvu." in page and "Refusé" in page


def test_the_staff_introduce_then_the_owner_consents(client, cluster):
    interest = make_received(cluster.partner, cluster.shared)
    client.force_login(cluster.admin)
    page_url = reverse("federation:received-interest", args=[interest.pk])
    assert client.get(page_url).status_code == 404  # not asked yet: the staff's alone

    client.force_login(cluster.staff)
    listing = client.get(reverse("federation:received-interests")).content.decode()
    assert "Transports Boréal" in listing and "Deux machinistes CNC" in listing
    assert "luc@boreal.example" in client.get(page_url).content.decode()  # the contact given, for the staff
    client.post(reverse("federation:interest-introduce", args=[interest.pk]))
    interest.refresh_from_db()
    assert interest.status == InterestStatus.ASKED and not outbox("Accept")

    client.force_login(cluster.admin)
    page = client.get(page_url).content.decode()
    assert "Transports Boréal" in page and "luc@boreal.example" not in page
    assert reverse("federation:interest-consent", args=[interest.pk]) in page
    client.post(reverse("federation:interest-consent", args=[interest.pk]))
    client.post(reverse("federation:interest-consent", args=[interest.pk]))

    interest.refresh_from_db()
    assert interest.status == InterestStatus.INTRODUCED
    [accept] = outbox("Accept")
    contact = {"name": "Julie Tremblay", "email": "admin@alpha.test"}
    assert accept.payload["result"]["grappe:contact"] == contact
    assert "déjà reçu une réponse" in client.get(page_url).content.decode()


def test_the_owner_declines_with_a_reason(client, cluster):
    interest = make_received(cluster.partner, cluster.shared, status=InterestStatus.ASKED)
    client.force_login(cluster.admin)

    client.post(reverse("federation:interest-decline", args=[interest.pk]), {"reason": "Plus disponible."})

    interest.refresh_from_db()
    assert interest.status == InterestStatus.DECLINED
    [reject] = outbox("Reject")
    assert reject.payload["content"] == "Plus disponible."
