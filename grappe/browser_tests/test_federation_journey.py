"""Cooperation between clusters in the browser, over two real instances (grappe/federation/tests/instances.py): B,
the logistics cluster's Grappe ("Grappe logistique", a second server), shares an opportunity with A (the live
server, "Grappe aérospatiale"); a member of A finds it under Partnering's opportunities marked "from Grappe
logistique", opens it, writes why it is interested, gives its contact and sends; B's staff, signed in on B's own
server in a browser of their own (password, then authenticator code), find the interest on B's "Interests from
partner clusters" page with the member's organisation, message and contact.

The one-instance journey (test_federation_interest_journey.py) stays: it follows the answer back and the
introduction with the owner's consent, which this one leaves to grappe/federation/tests/test_exchange.py."""

import re

import pytest
from playwright.sync_api import expect

from grappe.conftest import PASSWORD, make_member, make_organisation, make_staff
from grappe.federation.models import ItemKind, PartnerStatus
from grappe.federation.services import partnerships
from grappe.federation.tests.instances import second, second_instance  # noqa: F401 — the two-instance fixtures
from grappe.federation.tests.test_two_instances import APPROVE
from grappe.members.models import OrgRole

from .chromium import VIEWPORT
from .conftest import TIMEOUT_MS
from .helpers import in_french, submit_sign_in_form, url

pytestmark = [pytest.mark.browser, pytest.mark.two_instances]

TITLE = "Entrepôt frigorifique partagé à Laval"
MESSAGE = "Nous expédions des pièces sensibles au froid et cherchons un entrepôt à Laval."
B_STAFF = "personnel@logistique.test"

# Run inside B: one of its members shares an opportunity with partner clusters.
B_SHARES = """
from grappe.conftest import make_member, make_organisation
from grappe.federation.models import ItemKind
from grappe.federation.services import sharing
from grappe.federation.tests.item_factories import make_opportunity
from grappe.members.models import Capability, OrgRole
organisation = make_organisation("Froid Logistique", neq="3333333333")
admin = make_member(organisation, "admin@froid.test", OrgRole.ADMIN)
capability = Capability.objects.create(code="cold", label_fr="Entreposage frigorifique", label_en="Cold storage")
opportunity = make_opportunity(organisation, admin, capability, title=title,
                               description="Un entrepôt à -25 °C cherche des partenaires pour le partager.")
sharing.share(admin, ItemKind.OPPORTUNITY, opportunity)
"""
# Run inside B: its staff member, who signs in with a password and an authenticator code.
B_STAFF_USER = """
from grappe.conftest import make_staff
make_staff(email)
"""
B_CODE = """
from grappe.conftest import current_totp_code
from grappe.members.models import User
result = current_totp_code(User.objects.get(email=email))
"""


@pytest.fixture
def clusters(second, live_server, transactional_db):  # noqa: F811 — `second` is the fixture imported above
    """A and B partners, B sending its opportunities to A; B's organisation shared one; a member of A."""
    a_staff = make_staff()
    second.run(APPROVE, address=live_server.url, kinds=[ItemKind.OPPORTUNITY])
    partner = partnerships.approve(a_staff, partnerships.discover(second.url), [ItemKind.OPPORTUNITY])
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
    second.run(B_SHARES, title=TITLE)
    organisation = make_organisation("Alpha Usinage", neq="1111111111")
    member = make_member(organisation, "marc@alpha.test", OrgRole.MEMBER)
    person = member.person
    person.first_name, person.last_name = "Marc", "Roy"
    person.save()
    second.run(B_STAFF_USER, email=B_STAFF)
    return member


def test_a_member_finds_a_partner_clusters_opportunity_and_its_staff_receive_the_interest(
        page, sign_in, browser, clusters, second):  # noqa: F811
    sign_in(clusters)
    page.goto(url("partnering:opportunity-list"))
    part = page.get_by_test_id("from-partner-clusters")
    expect(part).to_contain_text(TITLE)
    expect(part).to_contain_text(in_french("from %(cluster)s") % {"cluster": "Grappe logistique"})
    part.get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("de Grappe logistique").first).to_be_visible()
    page.get_by_label(in_french("Your message")).fill(MESSAGE)
    page.get_by_label(in_french("Give my name and work email to the other cluster's staff")).check()
    page.get_by_role("button", name=in_french("Send my interest")).click()
    expect(page.get_by_test_id("our-interest")).to_be_visible()

    # B's staff, in a browser of their own on B's server.
    context = browser.new_context(locale="fr-CA", base_url=second.url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        b_page = context.new_page()
        submit_sign_in_form(b_page, B_STAFF, PASSWORD)
        expect(b_page).to_have_url(re.compile(re.escape(url("mfa_authenticate")) + "$"))
        b_page.fill("#id_code", second.run(B_CODE, email=B_STAFF))
        b_page.press("#id_code", "Enter")
        expect(b_page).to_have_url(re.compile(re.escape(url("home:home")) + "$"))

        b_page.goto(url("federation:received-interests"))
        received = b_page.get_by_test_id("received-interests")
        expect(received).to_contain_text(TITLE)
        expect(received).to_contain_text("Alpha Usinage")
        expect(received).to_contain_text("de Grappe aérospatiale")
        expect(received).to_contain_text(in_french("Waiting for the staff"))
        received.get_by_role("link", name=TITLE).click()
        expect(b_page.get_by_text(MESSAGE)).to_be_visible()
        expect(b_page.get_by_test_id("remote-contact")).to_contain_text("marc@alpha.test")
        expect(b_page.get_by_test_id("remote-contact")).to_contain_text("Marc Roy")
    finally:
        context.close()
