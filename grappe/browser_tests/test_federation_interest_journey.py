"""Interests across clusters in the browser, on one instance playing both sides (the two-instance exchange
itself is the transport's harness): a member finds a partner cluster's staff availability under the labour
board, reads what will travel, says it is interested (giving its contact), and later finds the contact the
other cluster sent back; an interest of a partner's member in one of our items reaches our staff, who
introduce, and the item's administrator, told by a notification, agrees: the Accept leaves with that
administrator's contact."""

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_organisation, make_staff
from grappe.federation.models import Interest, InterestStatus, ItemKind
from grappe.federation.services import inbox
from grappe.federation.tests.interest_factories import (  # noqa: F401 — no_delivery is an autouse fixture
    answer,
    make_named_member,
    make_partner,
    make_remote_item,
    no_delivery,
    offer,
    outbox,
    share,
)
from grappe.labour.tests.factories import make_availability
from grappe.members.models import Capability, OrgRole

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def cluster(transactional_db):
    staff = make_staff()
    organisation = make_organisation("Alpha Usinage", neq="1111111111")
    admin = make_named_member(organisation, "admin@alpha.test", "Julie", "Tremblay", OrgRole.ADMIN)
    member = make_named_member(organisation, "user@alpha.test", "Marc", "Roy")
    partner = make_partner(staff)
    item = make_remote_item(partner, kind=ItemKind.AVAILABILITY, title="Trois caristes en janvier")
    skill = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    availability = make_availability(organisation, admin, [skill])
    shared = share(ItemKind.AVAILABILITY, availability, organisation, admin)
    return type("Cluster", (), dict(staff=staff, admin=admin, member=member, partner=partner, item=item,
                                    shared=shared))


def test_a_member_expresses_interest_and_receives_the_contact(page, sign_in, cluster):
    sign_in(cluster.member)
    page.goto(url("labour:board"))
    part = page.get_by_test_id("from-partner-clusters")
    expect(part).to_contain_text("1 disponibilité de personnel")
    part.get_by_role("link", name="Trois caristes en janvier").click()

    expect(page.get_by_text("de Grappe logistique").first).to_be_visible()
    expect(page.get_by_text("le nom de votre organisation (Alpha Usinage), votre message")).to_be_visible()
    contact_box = page.get_by_label(in_french("Give my name and work email to the other cluster's staff"))
    expect(contact_box).not_to_be_checked()
    page.get_by_label(in_french("Your message")).fill("Nous aurions besoin de caristes pour notre entrepôt.")
    contact_box.check()
    page.get_by_role("button", name=in_french("Send my interest")).click()
    expect(page.get_by_test_id("our-interest")).to_be_visible()

    [sent] = outbox("Offer")
    assert sent.payload["object"]["grappe:contact"] == {"name": "Marc Roy", "email": "user@alpha.test"}
    interest = Interest.objects.get(remote_item=cluster.item)
    result = {"content": "Julie Fortin accepte.", "grappe:contact": {"name": "Julie Fortin",
                                                                      "email": "julie@froid.example"}}
    inbox.receive(cluster.partner, answer(cluster.partner, "Accept", interest, result=result))

    page.goto(url("core:notifications"))
    page.get_by_role("link", name="Trois caristes en janvier").click()
    expect(page.get_by_test_id("sent-interests")).to_contain_text("julie@froid.example")


def test_an_interest_from_a_partner_is_introduced_with_the_owners_consent(page, sign_in, cluster):
    inbox.receive(cluster.partner, offer(cluster.partner, cluster.shared))

    sign_in(cluster.staff)
    page.goto(url("core:notifications"))
    page.get_by_role("link", name="Transports Boréal").click()
    no_contact = in_french("None: the member chose not to give it.")
    expect(page.get_by_test_id("remote-contact")).to_contain_text(no_contact)
    page.get_by_role("button", name=in_french("Introduce")).click()
    asked = in_french("Waiting for the member's consent")
    expect(page.get_by_test_id("interest-status")).to_contain_text(asked)

    page.context.clear_cookies()
    sign_in(cluster.admin)
    page.goto(url("core:notifications"))
    page.get_by_role("link", name="Transports Boréal").click()
    page.get_by_role("button", name=in_french("I agree to be introduced")).click()
    expect(page.get_by_test_id("interest-status")).to_contain_text(in_french("Introduction made"))

    assert Interest.objects.get(shared_item=cluster.shared).status == InterestStatus.INTRODUCED
    [accept] = outbox("Accept")
    contact = {"name": "Julie Tremblay", "email": "admin@alpha.test"}
    assert accept.payload["result"]["grappe:contact"] == contact
