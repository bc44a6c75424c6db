"""Two people of one organisation vote on a resolution, in the browser: Marc-André votes for UPL Aéro; Julie, of
the same organisation, sees that UPL Aéro has voted (and who cast it), and changes the vote (an open ballot may
change until closing) on a phone-sized screen; once closed, the count shows one vote for the organisation."""

import datetime

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation
from grappe.governance.models import Resolution, Vote
from grappe.governance.services import resolutions
from grappe.governance.tests.factories import make_resolution
from grappe.members.models import OrgRole

from .helpers import in_french, url

pytestmark = pytest.mark.browser


def one_of_two_voted() -> str:
    with translation.override("fr"):
        return translation.ngettext("%(voted)s of %(electors)s organisation voted",
                                    "%(voted)s of %(electors)s organisations voted", 1) % {"voted": 1, "electors": 2}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_two_people_of_one_organisation_vote_once_for_it(page, sign_in):
    upl = make_organisation("UPL Aéro", slug="upl-aero")
    make_organisation("Bravo Composites", slug="bravo")
    marc = make_member(upl, "marc-andre@upl-aero.test", OrgRole.ADMIN)
    julie = make_member(upl, "julie@upl-aero.test", OrgRole.ADMIN)
    resolution = make_resolution(title_fr="Adopter la feuille de route environnement", quorum="50")

    sign_in(marc)
    page.goto(url("governance:resolution-list"))
    page.get_by_role("link", name="Adopter la feuille de route environnement").click()
    ballot = page.get_by_role("region", name=in_french("For %(organisation)s (your organisation)")
                              % {"organisation": "UPL Aéro"})
    expect(ballot).to_contain_text(in_french("Not voted yet."))
    ballot.get_by_label("Pour", exact=True).check()
    ballot.get_by_role("button", name=in_french("Vote for %(organisation)s") % {"organisation": "UPL Aéro"}).click()
    expect(page.get_by_role("status").first).to_contain_text(
        in_french("The vote of %(organisation)s is cast.") % {"organisation": "UPL Aéro"})
    expect(page.get_by_text(one_of_two_voted())).to_be_visible()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(julie)
    page.goto(url("governance:resolution-detail", resolution.pk))
    expect(ballot).to_contain_text(in_french("Voted: “%(option)s” (by %(person)s).")
                                   % {"option": "Pour", "person": "marc-andre"})
    assert fits_the_screen(page)
    ballot.get_by_label("Contre", exact=True).check()
    ballot.get_by_role("button", name=in_french("Change the vote")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        in_french("The vote of %(organisation)s is changed.") % {"organisation": "UPL Aéro"})
    expect(ballot).to_contain_text(in_french("Voted: “%(option)s” (by %(person)s).")
                                   % {"option": "Contre", "person": "julie"})
    assert Vote.objects.filter(resolution=resolution).count() == 1

    Resolution.objects.filter(pk=resolution.pk).update(opens_at=timezone.now() - datetime.timedelta(days=1),
                                                       closes_at=timezone.now() - datetime.timedelta(seconds=1))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url("governance:resolution-detail", resolution.pk))  # the first reader after closing counts it
    page.get_by_role("link", name=in_french("See the results")).click()
    expect(page.get_by_text(one_of_two_voted())).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="Contre")).to_contain_text("1")
    expect(rows.filter(has_text="Pour")).to_contain_text("0")
    assert Resolution.objects.get(pk=resolution.pk).results["voted"] == 1
    assert resolutions.count(Resolution.objects.get(pk=resolution.pk)).results["voted"] == 1
