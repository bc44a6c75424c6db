"""A bulletin from writing to reading. Nadia, of the communications staff, writes it in French and English, targets
the organisations holding a capability and seated on a committee, sees whom it reaches, saves it and sends it from
its staff page. Léa, of a targeted organisation, reads it in her home page's feed and on its page; Marc, whose
organisation is not targeted, sees neither. John, who chose a daily digest, finds it in his digest the next run,
in English, and its link (counted on the way) leads him to it."""

import re
from html import unescape

import pytest
from django.core import mail
from playwright.sync_api import expect

from grappe.bulletins.models import Bulletin, BulletinStatus, Channel, Delivery, Frequency, MailPreference
from grappe.bulletins.services import digests
from grappe.conftest import PASSWORD, make_member, make_organisation, make_staff
from grappe.core.models import OutgoingMail
from grappe.governance.tests.factories import make_body, seat
from grappe.members.models import Capability, OrganisationCapability, Role
from grappe.members.search import refresh_search_text

from .helpers import in_french, url

pytestmark = pytest.mark.browser


@pytest.fixture
def cluster(settings, live_server):
    settings.GRAPPE_BASE_URL = live_server.url  # the emails' links lead to this very server
    domain = Capability.objects.create(code="machining", label_fr="Usinage", label_en="Machining")
    five_axis = Capability.objects.create(parent=domain, code="machining-5-axis", label_fr="Usinage 5 axes",
                                          label_en="5-axis machining")
    committee = make_body(name="Comité aérostructures", name_en="Aerostructures committee")
    alpha = make_organisation("Alpha Usinage")
    bravo = make_organisation("Bravo Composites")
    OrganisationCapability.objects.create(organisation=alpha, capability=five_axis)
    refresh_search_text(alpha)
    lea = make_member(alpha, "lea@alpha.test", consent_communications=True)
    john = make_member(alpha, "john@alpha.test", consent_communications=True, language="en")
    MailPreference.objects.create(person=john.person, frequency=Frequency.DAILY)
    seat(committee, lea)
    marc = make_member(bravo, "marc@bravo.test", consent_communications=True)
    seat(committee, marc)  # on the committee, but without the capability: not targeted
    return {"capability": five_axis, "committee": committee, "lea": lea, "john": john, "marc": marc}


def test_a_bulletin_is_written_targeted_sent_read_in_the_feed_and_in_a_digest(page, sign_in, cluster, settings):
    # Nadia writes it, in both languages.
    nadia = make_staff("nadia@grappe.test", role=Role.STAFF_COMMUNICATIONS)
    sign_in(nadia)
    page.goto(url("bulletins:create"))
    page.get_by_label(in_french("Title (French)")).fill("Nouvelles normes AS9100")
    page.get_by_label(in_french("Title (English)")).fill("New AS9100 standards")
    for language, text in (("fr", "Ce qui change pour les ateliers."), ("en", "What changes for machine shops.")):
        editor = page.locator(f"#id_body_{language}").locator("xpath=..").locator(
            ".ProseMirror[contenteditable=true]")
        expect(editor).to_be_visible()
        editor.click()
        page.keyboard.type(text)

    # She targets it: a capability and a committee; the reach panel follows.
    reach = page.get_by_test_id("reach")
    expect(reach).to_contain_text("2 organisations")  # every member organisation, before any criterion
    page.locator("#id_capabilities").select_option(str(cluster["capability"].pk))
    page.locator("#id_bodies").select_option(str(cluster["committee"].pk))
    expect(reach).to_contain_text("1 organisation ·")
    expect(reach).to_contain_text("2 personnes")
    page.get_by_role("button", name=in_french("Save the bulletin")).click()
    expect(page.get_by_role("status").first).to_contain_text(in_french("The bulletin is saved."))

    # Saved, it opens on its staff page; she sends it now.
    bulletin = Bulletin.objects.get()
    assert bulletin.title_en == "New AS9100 standards" and "What changes for machine shops." in bulletin.body_en
    assert list(bulletin.capabilities.all()) == [cluster["capability"]]
    assert list(bulletin.bodies.all()) == [cluster["committee"]]
    expect(page).to_have_url(re.compile(re.escape(url("bulletins:staff-detail", bulletin.pk)) + "$"))
    expect(page.get_by_test_id("bulletin-reach")).to_contain_text("1")
    page.get_by_role("button", name=in_french("Send now")).click()
    expect(page.get_by_test_id("bulletin-status")).to_contain_text(in_french(BulletinStatus.SENT.label))
    sending = page.locator("section[aria-labelledby=sending-title]")
    # The sending is done (Léa mailed, John's copy kept for his digest): its message, no progress bar left.
    expect(sending).to_contain_text("Envoyé à 2 personnes.")
    expect(sending.get_by_role("progressbar")).to_have_count(0)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.SENT
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == ["lea@alpha.test"]
    assert Delivery.objects.get(person=cluster["john"].person).channel == Channel.DIGEST

    # Léa, of Alpha, reads it in her organisation's feed and on its page.
    page.context.clear_cookies()
    sign_in(cluster["lea"])
    page.goto(url("home:home"))
    feed = page.get_by_test_id("organisation-feed")
    expect(feed).to_contain_text(in_french("For your organisation"))
    feed.get_by_role("link", name="Nouvelles normes AS9100").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelles normes AS9100")
    expect(page.locator("main")).to_contain_text("Ce qui change pour les ateliers.")

    # Marc, of Bravo (not targeted), sees it nowhere.
    page.context.clear_cookies()
    sign_in(cluster["marc"])
    page.goto(url("home:home"))
    expect(page.get_by_test_id("organisation-feed")).to_be_visible()
    expect(page.get_by_test_id("organisation-feed")).not_to_contain_text("AS9100")
    response = page.goto(url("bulletins:detail", bulletin.pk))
    assert response.status == 404

    # John's daily digest: in English, with a counted link that leads to the bulletin.
    mail.outbox.clear()
    digests.start(actor=None, frequency=Frequency.DAILY)
    [digest] = [message for message in mail.outbox if message.to == ["john@alpha.test"]]
    html = digest.alternatives[0][0]
    assert "New AS9100 standards" in html and "New AS9100 standards" in digest.body
    assert "Nouvelles normes" not in html
    [link] = [unescape(href) for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
              if "New AS9100 standards" in text]
    assert link.startswith(settings.GRAPPE_BASE_URL) and "/mail/clicked/" in link, link
    # He follows it from his mail client, signed out: counted, then asked to sign in, then on the bulletin.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("#id_login")).to_be_visible()
    page.fill("#id_login", "john@alpha.test")
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_login) [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/news/{bulletin.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New AS9100 standards")
    # A digest's link to the bulletin's own page counts as a click on the delivery, not as one of its links.
    assert Delivery.objects.get(bulletin=bulletin, person=cluster["john"].person).clicked_at is not None

